// The coordination core in a real engine: two pages of one origin are two app instances.
// Chromium has the Web Locks API, so exclusion holds across backends and while a page is
// frozen (paused in the DevTools debugger: its script runs no further); the old engines without it run the fenced lease
// (the integration tests drive that one).
import { createHmac } from 'node:crypto';
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { launch, newProfileDir, openSdkPage, useBrowserEnv } from './harness';

const env = useBrowserEnv(['dist', 'test/e2e/pages']);
beforeEach(() => env.emu.reset());

const APP = 'fe4a9ed381e8e376';
const posts = () => env.emu.count('POST', '/v1/sessions');

/** A publisher's Participant, made at the emulator. */
async function participant(): Promise<string> {
  const ts = String(Date.now());
  const response = await fetch(`${env.emu.url}/participants`, {
    method: 'POST',
    headers: {
      'x-paket-timestamp': ts,
      'x-paket-signature':
        'sha256=' + createHmac('sha256', 'test_sk_publisher_demo').update(`${ts}.`).digest('hex'),
      authorization:
        'Basic ' + Buffer.from('publisher_demo:test_sk_publisher_demo').toString('base64'),
      'idempotency-key': crypto.randomUUID(),
    },
  });
  return ((await response.json()) as { participant_id: string }).participant_id;
}

type Win = {
  sdk: typeof import('../../src/index');
  c: import('../../src/index').PaketClient;
};

/** Makes the page's client (short bounds, so a call waiting for a frozen page ends in time). */
function boot(page: Page): Promise<unknown> {
  return page.evaluate((url) => {
    const w = window as unknown as Win;
    w.c = w.sdk.createPaketClient({
      credentials: { username: 'platform_demo', password: 'test_sk_platform_demo' },
      baseUrl: url,
      timeoutMs: 2500,
      retry: { limit: 0 },
    });
    return w.c.storageKind;
  }, env.emu.url);
}

describe('across pages in Chromium', () => {
  it('localStorage only (no IndexedDB): four pages racing for a profile make one Session (Web Locks)', async () => {
    const context = await launch(newProfileDir());
    await context.addInitScript(() => {
      // An engine without IndexedDB: the SDK keeps its records in localStorage.
      Object.defineProperty(window, 'indexedDB', { value: undefined });
    });
    const pages = await Promise.all([0, 1, 2, 3].map(() => openSdkPage(context, env.web.origin)));
    // Four pages race for each of three profiles (v0.1 split some of these races in two).
    for (const profile of ['kid-1', 'kid-2', 'kid-3']) {
      const ids = await Promise.all(
        pages.map((page) =>
          page.evaluate(
            async ([url, id]) => {
              const w = window as unknown as Win;
              const client = w.sdk.createPaketClient({
                credentials: { username: 'platform_demo', password: 'test_sk_platform_demo' },
                baseUrl: url!,
              });
              const session = await client.sessions.ensure(id);
              return [session.session_id, client.storageKind];
            },
            [env.emu.url, profile],
          ),
        ),
      );
      expect(ids[0]![1]).toBe('localStorage');
      expect(new Set(ids.map((x) => x[0])).size).toBe(1);
    }
    expect(posts()).toBe(3);
    await context.close();
  });

  it('a page frozen while it delivers holds the outbox: the other page queues, nothing is sent twice or out of order', async () => {
    const p = await participant();
    const context = await launch(newProfileDir());
    const [a, b] = (await Promise.all([0, 1].map(() => openSdkPage(context, env.web.origin)))) as [
      Page,
      Page,
    ];
    await boot(a);
    await boot(b);
    const session = await a.evaluate(
      async () => (await (window as unknown as Win).c.sessions.ensure()).session_id,
    );
    // A's link is slow at the service; A is frozen while it waits for the answer.
    env.emu.injectFaults('PUT /v1/upnext/sessions/:session_id', [{ delayMs: 1000 }]);
    const linking = a.evaluate(
      ([app, id]) =>
        (window as unknown as Win).c.sessions
          .link('default', { appId: app!, participantId: id! })
          .then(
            () => 'linked',
            (e: { name: string; queued?: boolean }) => `${e.name} queued=${e.queued}`,
          ),
      [APP, p],
    );
    await new Promise((r) => setTimeout(r, 300));
    const cdp = await context.newCDPSession(a);
    await cdp.send('Debugger.enable');
    const paused = new Promise((r) => cdp.once('Debugger.paused', r));
    await cdp.send('Debugger.pause');
    // A page pauses at its next statement: give it one (the evaluation stops there).
    void cdp.send('Runtime.evaluate', { expression: 'void 0' }).catch(() => undefined);
    await paused;
    // B: the user unlinks. A holds the outbox (its Web Lock) while frozen: B queues it.
    const unlink = await b.evaluate(
      (id) =>
        (window as unknown as Win).c.sessions.unlink('default', id).then(
          () => 'unlinked',
          (e: { name: string; queued?: boolean }) => `${e.name} queued=${e.queued}`,
        ),
      p,
    );
    expect(unlink).toBe('PaketNetworkError queued=true');
    expect(env.emu.log.filter((e) => e.method === 'DELETE')).toHaveLength(0);
    await cdp.send('Debugger.resume');
    // Its answer came while it was paused: linked, or (its own deadline passed meanwhile)
    // queued; never lost, never sent again below.
    expect(['linked', 'PaketNetworkError queued=true']).toContain(await linking);
    // Thawed, A goes on with the queue: B's unlink, after the link, once.
    await b.evaluate(() => (window as unknown as Win).c.flush());
    await a.evaluate(() => (window as unknown as Win).c.flush());
    await expect
      .poll(() => (env.emu.state().links[session] ?? []).map((l) => l.participant_id), {
        timeout: 8000,
      })
      .toEqual([]);
    // The link went out before the freeze: the unlink waited behind it (never replacing a
    // sent write), and any later delivery of the link was the service's replay of its key.
    expect(env.emu.log.filter((e) => e.method === 'PUT' && !e.replayed)).toHaveLength(1);
    expect(env.emu.log.filter((e) => e.method === 'DELETE' && e.status === 204)).toHaveLength(1);
    await context.close();
  }, 60_000);
});
