// Real IndexedDB in Debian's headless Chromium: the built SDK keeps one Session per profile
// across reloads, browser restarts and racing pages. Counts come from the emulator's log.
import { beforeEach, describe, expect, it } from 'vitest';
import { ensureIn, launch, newProfileDir, openSdkPage, useBrowserEnv } from './harness';

const env = useBrowserEnv(['dist', 'test/e2e/pages']);
beforeEach(() => env.emu.reset());

const posts = () => env.emu.count('POST', '/v1/sessions');

describe('sessions.ensure() in Chromium with real IndexedDB', () => {
  it('ensure, reload, ensure: same ID, zero further requests; same after a browser restart', async () => {
    const dir = newProfileDir();
    let context = await launch(dir);
    let page = await openSdkPage(context, env.web.origin);
    const first = await ensureIn(page, env.emu.url, 'default');
    expect(first.storageKind).toBe('indexeddb');
    expect(posts()).toBe(1);

    await page.reload();
    await page.waitForFunction(() => 'sdk' in window);
    const afterReload = await ensureIn(page, env.emu.url, 'default');
    expect(afterReload.id).toBe(first.id);
    expect(afterReload.events).not.toContain('request');
    expect(posts()).toBe(1);
    await context.close();

    context = await launch(dir);
    page = await openSdkPage(context, env.web.origin);
    // Lose the localStorage mirror too: the ID must come back from IndexedDB alone.
    await page.evaluate(() => localStorage.clear());
    const afterRestart = await ensureIn(page, env.emu.url, 'default');
    expect(afterRestart.id).toBe(first.id);
    expect(posts()).toBe(1);
    expect(Object.keys(env.emu.state().sessions)).toEqual([first.id]);
    await context.close();
  });

  it('a warm start after a restart loads no network chunk, sends nothing and writes nothing', async () => {
    const dir = newProfileDir();
    let context = await launch(dir);
    let page = await openSdkPage(context, env.web.origin);
    const first = await ensureIn(page, env.emu.url, 'warm');
    await page.waitForTimeout(500); // the cold start's background work lands
    await context.close();
    const requests = env.emu.log.length;

    context = await launch(dir);
    page = await openSdkPage(context, env.web.origin);
    const before = await page.evaluate(() => JSON.stringify({ ...localStorage }));
    // The scripts loaded when the Session is in hand (read in the same task as the answer),
    // then once the durable record's check (200 ms after) has run.
    const warm = await page.evaluate(async (url) => {
      const scripts = (): string[] =>
        performance
          .getEntriesByType('resource')
          .map((e) => e.name.replace(/^.*\//, ''))
          .filter((n) => n.endsWith('.js'))
          .sort();
      const w = window as unknown as {
        ensureSession(u: string, p: string): Promise<{ id: string }>;
      };
      const { id } = await w.ensureSession(url, 'warm');
      const atAnswer = scripts();
      await new Promise((resolve) => setTimeout(resolve, 800));
      return { id, atAnswer, after: scripts() };
    }, env.emu.url);
    expect(warm.id).toBe(first.id);
    expect(warm.atAnswer).toEqual(['core.js', 'paket-tv-sdk.js']);
    // Then the storage backends, the durable record's check and the outbox's idle check load,
    // and no network code.
    expect(warm.after).toEqual([
      'backend.js',
      'core.js',
      'identity-sync.js',
      'idle.js',
      'paket-tv-sdk.js',
    ]);
    expect(env.emu.log.length).toBe(requests);
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage }))).toBe(before);
    await context.close();
  });

  it('two pages racing for the same profile make one POST', async () => {
    env.emu.injectFaults('POST /v1/sessions', [{ delayMs: 300 }]);
    const context = await launch(newProfileDir());
    const [a, b] = await Promise.all([
      openSdkPage(context, env.web.origin),
      openSdkPage(context, env.web.origin),
    ]);
    const [x, y] = await Promise.all([a, b].map((p) => ensureIn(p, env.emu.url, 'racing')));
    expect(x!.id).toBe(y!.id);
    expect(posts()).toBe(1);
    expect(Object.keys(env.emu.state().sessions)).toHaveLength(1);
    await context.close();
  });
});
