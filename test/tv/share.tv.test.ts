// The share script of the legacy build on real TV-era Chromium builds (64, 69, 79): codec,
// detection and the receiver (replay refused, one real link to the emulator).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../emulator/server.js';
import { unpackEngines, ENGINES } from '../../scripts/tv-engines.mjs';
import { createPaketClient } from '../../src/index';
import { serveStatic, startEmulatorForBrowser } from '../e2e/harness';
import { launchOld, waitReady } from './harness';

let emu: Emulator;
let web: Awaited<ReturnType<typeof serveStatic>>;
let binaries: Record<string, string>;

beforeAll(async () => {
  binaries = await unpackEngines();
  emu = await startEmulatorForBrowser();
  web = await serveStatic(['dist', 'test/e2e/pages']);
});
afterAll(async () => {
  await web?.close();
  await emu?.close();
});

describe.each(ENGINES.map((e) => e.name))('%s', (engine) => {
  it('legacy share script: codec, detection, receiver with replay refused, one link', async () => {
    const publisher = createPaketClient({
      credentials: { username: 'publisher_demo', password: 'test_sk_publisher_demo' },
      baseUrl: emu.url,
    });
    const p = await publisher.participants.create();
    const browser = await launchOld(
      binaries[engine]!,
      mkdtempSync(join(tmpdir(), `paket-share-${engine}-`)),
    );
    try {
      await browser.navigate(`${web.origin}/test/e2e/pages/share-legacy.html`);
      await waitReady(browser);
      const out = await browser.evaluate<Record<string, unknown>>(
        `runShare(${JSON.stringify(emu.url)}, ${JSON.stringify(p.client_id)}, ${JSON.stringify(p.participant_id)})`,
      );
      expect(out).toMatchObject({
        roundTrip: true,
        badId: 'PaketError:invalid/participant_id',
        version: 'PaketError:invalid/version',
        tooLarge: 'PaketError:too-large/size',
        surrogate: false,
        detectWeb: 'web',
        detectWebos: 'webos',
      });
      expect([...(out['log'] as string[])].sort()).toEqual(['linked', 'replay']);
      const links = Object.values(emu.state().links).flat();
      expect(links.filter((l) => l.participant_id === p.participant_id)).toHaveLength(1);
    } finally {
      await browser.close();
    }
  });
});
