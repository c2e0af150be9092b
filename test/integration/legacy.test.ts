// @vitest-environment node
// The ES5 legacy bundle in a jsdom window stripped of what old TV engines lack: no fetch
// (the bundle's polyfill then uses XMLHttpRequest), no AbortController, no globalThis, no
// Object.fromEntries, no crypto.randomUUID. It still creates and links a Session over
// loopback against the emulator. (The ES5 syntax itself is checked by es-check and duktape
// in npm test; real old engines run in the TV-engine suite.)
import { readFileSync } from 'node:fs';
import { IDBFactory } from 'fake-indexeddb';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { PUBLISHER, useEmulator } from '../helpers/emulator';
import { createPaketClient } from '../../src/index';

const env = useEmulator({ requireSignatures: true });
const bundle = readFileSync(new URL('../../dist/legacy/paket-tv-sdk.js', import.meta.url), 'utf8');

describe('the legacy bundle without modern globals', () => {
  it('exposes PaketTV and creates and links a Session over loopback', async () => {
    const dom = new JSDOM('<!doctype html><p>TV</p>', {
      url: 'http://127.0.0.1:1/',
      runScripts: 'outside-only',
    });
    const win = dom.window as unknown as Record<string, unknown> & { eval(code: string): unknown };
    win.indexedDB = new IDBFactory();
    win.eval(`
      delete window.fetch;
      delete window.AbortController;
      delete Object.fromEntries;
      if (window.crypto) { delete Object.getPrototypeOf(window.crypto).randomUUID; delete window.crypto.randomUUID; }
      delete globalThis.globalThis;
    `);
    expect(win.eval('typeof fetch')).toBe('undefined');
    expect(win.eval('typeof AbortController')).toBe('undefined');
    expect(win.eval('typeof globalThis')).toBe('undefined');
    expect(win.eval('typeof Object.fromEntries')).toBe('undefined');
    expect(win.eval('window.crypto && typeof window.crypto.randomUUID')).not.toBe('function');

    const globalsBefore = new Set(Object.getOwnPropertyNames(dom.window));
    win.eval(bundle);
    expect(win.eval('typeof PaketTV.createPaketClient')).toBe('function');
    // A script tag adds PaketTV and the polyfills it needs, none of its build helpers
    // (Babel's _typeof, _extends, … would otherwise replace the host app's own).
    const added = Object.getOwnPropertyNames(dom.window).filter((k) => !globalsBefore.has(k));
    expect(added).toContain('PaketTV');
    for (const name of added) expect(['PaketTV', 'fetch', 'Request', 'Response']).toContain(name);

    const participant = await createPaketClient({
      credentials: PUBLISHER,
      baseUrl: env.emu.url,
    }).participants.create();
    win.eval(`window.result = (function () {
      var client = PaketTV.createPaketClient({
        credentials: { username: 'platform_demo', password: 'test_sk_platform_demo' },
        baseUrl: ${JSON.stringify(env.emu.url)},
      });
      return client.sessions.ensure('tv').then(function (session) {
        return client.sessions.link('tv', { appId: 'fe4a9ed381e8e376', participantId: ${JSON.stringify(participant.participant_id)} })
          .then(function (link) { return { session: session.session_id, link: link.session_id, kind: client.storageKind }; });
      });
    })();`);
    const result = (await win.result) as { session: string; link: string; kind: string };
    expect(result.link).toBe(result.session);
    expect(result.kind).toBe('indexeddb');
    expect(Object.keys(env.emu.state().sessions)).toEqual([result.session]);
    expect(env.emu.state().links[result.session]!.map((l) => l.participant_id)).toEqual([
      participant.participant_id,
    ]);
    const key = env.emu.log.find((e) => e.route === 'POST /v1/sessions')!.idempotencyKey!;
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    dom.window.close();
  });
});
