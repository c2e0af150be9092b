// The per-role bundles as an app's bundler makes them from dist/ (one bundle, no code
// splitting: every dynamic import inlined), at Chromium 63 syntax, minified with terser:
//   .cache/size/platform-app.min.js    a platform app: Sessions, links, lists, the hand-off receiver
//   .cache/size/platform-sdk.min.js    the same without the hand-off entry
//   .cache/size/publisher-app.min.js   a publisher app: Participant, items, tracker, hand-off sender
//   .cache/size/publisher-sdk.min.js   the same without the hand-off entry
// Run after `npm run build`: `node bench/roles.mjs` (size-limit can then measure the files);
// scripts/bench.mjs calls buildRoles() itself.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { build } from 'vite';
import { lower, shrink } from '../scripts/lower.mjs';

export const ROLES = ['platform-app', 'platform-sdk', 'publisher-app', 'publisher-sdk'];

/** Builds every role's bundle; returns { role: path }. */
export async function buildRoles() {
  mkdirSync('.cache/size', { recursive: true });
  /** @type {Record<string, string>} */
  const out = {};
  for (const role of ROLES) {
    await build({
      configFile: false,
      logLevel: 'silent',
      build: {
        target: 'esnext',
        minify: false,
        outDir: '.cache/build/roles',
        emptyOutDir: false,
        lib: { entry: `bench/entries/${role}.js`, formats: ['es'], fileName: () => `${role}.js` },
        rollupOptions: { output: { codeSplitting: false } },
      },
    });
    const code = readFileSync(`.cache/build/roles/${role}.js`, 'utf8');
    const min = await shrink(await lower(code, '63', `${role}.js`), { module: true, ecma: 2017 });
    out[role] = `.cache/size/${role}.min.js`;
    writeFileSync(out[role], min);
  }
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const files = await buildRoles();
  console.log(Object.values(files).join('\n'));
}
