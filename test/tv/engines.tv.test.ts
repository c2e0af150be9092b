// The legacy and modern bundles on real TV-era Chromium builds (64, 69, 79) against the
// emulator: status, ensure, link, reload, ensure again with no request, browser restart with
// the same profile folder, still the same ID. Prints the engines × scenarios table.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../emulator/server.js';
import { unpackEngines, ENGINES } from '../../scripts/tv-engines.mjs';
import { createPaketClient } from '../../src/index';
import { serveStatic, startEmulatorForBrowser } from '../e2e/harness';
import { launchOld, waitReady, type OldBrowser } from './harness';

let emu: Emulator;
let web: Awaited<ReturnType<typeof serveStatic>>;
let binaries: Record<string, string>;
const table: string[][] = [];

beforeAll(async () => {
  binaries = await unpackEngines();
  emu = await startEmulatorForBrowser();
  web = await serveStatic(['dist', 'test/e2e/pages', 'demo-app/dist']);
});
afterAll(async () => {
  await web?.close();
  await emu?.close();
  if (table.length > 0) {
    const head = [
      'engine',
      'bundle',
      'status',
      'ensure',
      'link',
      'reload: same ID, 0 requests',
      'restart: same ID',
    ];
    console.log('\n' + [head, ...table].map((r) => `| ${r.join(' | ')} |`).join('\n') + '\n');
  }
});

type Result = { ok: boolean; id?: string; message?: string; name?: string; storageKind?: string };

describe.each(ENGINES.map((e) => e.name))('%s', (engine) => {
  it.each(['legacy', 'modern'])(
    'runs the %s bundle: status, ensure, link, reload, restart',
    async (bundle) => {
      const row = [engine, bundle];
      table.push(row);
      const url = emu.url;
      const profile = `${engine}-${bundle}`;
      const page = `${web.origin}/test/e2e/pages/${bundle}.html`;
      const publisher = createPaketClient({
        credentials: { username: 'publisher_demo', password: 'test_sk_publisher_demo' },
        baseUrl: url,
      });
      const participant = (await publisher.participants.create()).participant_id;
      const posts = () =>
        emu.log.filter((e) => e.route === 'POST /v1/sessions' && e.status === 200).length;
      const dir = mkdtempSync(join(tmpdir(), `paket-${engine}-`));
      const call = (b: OldBrowser, expr: string) => b.evaluate<Result>(expr);

      let browser = await launchOld(binaries[engine]!, dir);
      try {
        await browser.navigate(page);
        await waitReady(browser);
        expect(await call(browser, `tvStatus(${JSON.stringify(url)})`)).toMatchObject({ ok: true });
        row.push('pass');
        const before = posts();
        const first = await call(
          browser,
          `tvEnsure(${JSON.stringify(url)}, ${JSON.stringify(profile)})`,
        );
        expect(first).toMatchObject({ ok: true, storageKind: 'indexeddb' });
        expect(posts()).toBe(before + 1);
        row.push('pass');
        const link = await call(
          browser,
          `tvLink(${JSON.stringify(url)}, ${JSON.stringify(profile)}, 'fe4a9ed381e8e376', ${JSON.stringify(participant)})`,
        );
        expect(link).toMatchObject({ ok: true });
        expect(emu.state().links[first.id!]?.map((l) => l.participant_id)).toEqual([participant]);
        row.push('pass');
        await browser.reload();
        await waitReady(browser);
        const again = await call(
          browser,
          `tvEnsure(${JSON.stringify(url)}, ${JSON.stringify(profile)})`,
        );
        expect(again.id).toBe(first.id);
        expect(posts()).toBe(before + 1);
        row.push('pass');
        await browser.close();

        browser = await launchOld(binaries[engine]!, dir);
        await browser.navigate(page);
        await waitReady(browser);
        const restarted = await call(
          browser,
          `tvEnsure(${JSON.stringify(url)}, ${JSON.stringify(profile)})`,
        );
        expect(restarted.id).toBe(first.id);
        expect(posts()).toBe(before + 1);
        row.push('pass');
      } finally {
        while (row.length < 7) row.push('FAIL');
        await browser.close();
      }
    },
  );
});

describe.each(ENGINES.map((e) => e.name))('%s runs the demo app', (engine) => {
  it.each(['modern', 'es5'])(
    '%s bundle: renders its state with a healthy API and a Session',
    async (bundle) => {
      const dir = mkdtempSync(join(tmpdir(), `paket-demo-${engine}-`));
      const browser = await launchOld(binaries[engine]!, dir);
      try {
        const query = `baseUrl=${encodeURIComponent(emu.url)}${bundle === 'es5' ? '&es5=1' : ''}`;
        await browser.navigate(`${web.origin}/demo-app/dist/index.html?${query}`);
        let state: {
          ready?: boolean;
          status?: { healthy: boolean };
          sessions?: Record<string, { id: string }>;
        } = {};
        for (let i = 0; i < 100 && !state.ready; i++) {
          await new Promise((r) => setTimeout(r, 100));
          state = await browser.evaluate('window.__paketDemo ? window.__paketDemo.state : {}');
        }
        expect(state.ready).toBe(true);
        expect(state.status?.healthy).toBe(true);
        const id = state.sessions?.['profile-anna']?.id;
        expect(emu.state().sessions[id ?? '']).toBeDefined();
        const script = await browser.evaluate<string>(
          'Array.prototype.map.call(document.scripts, function (s) { return s.src; }).join(" ")',
        );
        expect(script).toContain(bundle === 'es5' ? 'appBundle.es5.js' : 'appBundle.js');
      } finally {
        await browser.close();
      }
    },
  );
});
