// Real IndexedDB in Debian's headless Chromium: the built SDK keeps one Session per profile
// across reloads, browser restarts and racing pages. Counts come from the emulator's log.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../emulator/server.js';
import {
  ensureIn,
  launch,
  newProfileDir,
  openSdkPage,
  serveStatic,
  startEmulatorForBrowser,
} from './harness';

let emu: Emulator;
let web: Awaited<ReturnType<typeof serveStatic>>;

beforeAll(async () => {
  emu = await startEmulatorForBrowser();
  web = await serveStatic(['dist', 'test/e2e/pages']);
});
afterAll(async () => {
  await web.close();
  await emu.close();
});
beforeEach(() => emu.reset());

const posts = () => emu.count('POST', '/v1/sessions');

describe('sessions.ensure() in Chromium with real IndexedDB', () => {
  it('ensure, reload, ensure: same ID, zero further requests; same after a browser restart', async () => {
    const dir = newProfileDir();
    let context = await launch(dir);
    let page = await openSdkPage(context, web.origin);
    const first = await ensureIn(page, emu.url, 'default');
    expect(first.storageKind).toBe('indexeddb');
    expect(posts()).toBe(1);

    await page.reload();
    await page.waitForFunction(() => 'sdk' in window);
    const afterReload = await ensureIn(page, emu.url, 'default');
    expect(afterReload.id).toBe(first.id);
    expect(afterReload.events).not.toContain('request');
    expect(posts()).toBe(1);
    await context.close();

    context = await launch(dir);
    page = await openSdkPage(context, web.origin);
    // Lose the localStorage mirror too: the ID must come back from IndexedDB alone.
    await page.evaluate(() => localStorage.clear());
    const afterRestart = await ensureIn(page, emu.url, 'default');
    expect(afterRestart.id).toBe(first.id);
    expect(posts()).toBe(1);
    expect(Object.keys(emu.state().sessions)).toEqual([first.id]);
    await context.close();
  });

  it('two pages racing for the same profile make one POST', async () => {
    emu.injectFaults('POST /v1/sessions', [{ delayMs: 300 }]);
    const context = await launch(newProfileDir());
    const [a, b] = await Promise.all([
      openSdkPage(context, web.origin),
      openSdkPage(context, web.origin),
    ]);
    const [x, y] = await Promise.all([a, b].map((p) => ensureIn(p, emu.url, 'racing')));
    expect(x!.id).toBe(y!.id);
    expect(posts()).toBe(1);
    expect(Object.keys(emu.state().sessions)).toHaveLength(1);
    await context.close();
  });
});
