// Offline linking in Chromium with real IndexedDB: links asked for while the service is
// unreachable survive a reload and reach the service exactly once when it comes back.
import { describe, expect, it, vi } from 'vitest';
import { createPaketClient } from '../../src/index';
import {
  bootIn,
  ensureIn,
  launch,
  linkIn,
  newProfileDir,
  openSdkPage,
  pendingIn,
  useBrowserEnv,
} from './harness';

const APP = 'fe4a9ed381e8e376';
const env = useBrowserEnv(['dist', 'test/e2e/pages']);

describe('offline links in Chromium', () => {
  it('link two while offline, reload, come back online: both links at the service exactly once', async () => {
    const publisher = createPaketClient({
      credentials: { username: 'publisher_demo', password: 'test_sk_publisher_demo' },
      baseUrl: env.emu.url,
    });
    const a = (await publisher.participants.create()).participant_id;
    const b = (await publisher.participants.create()).participant_id;

    const context = await launch(newProfileDir());
    const page = await openSdkPage(context, env.web.origin);
    const { id: sessionId } = await ensureIn(page, env.emu.url, 'default');
    await bootIn(page, env.emu.url);

    env.emu.injectFaults('*', [{ drop: 'before' }], { repeat: true }); // the service is unreachable
    expect(await linkIn(page, 'default', APP, a)).toMatchObject({
      ok: false,
      name: 'PaketNetworkError',
      queued: true,
    });
    expect(await linkIn(page, 'default', APP, b)).toMatchObject({ ok: false, queued: true });
    expect(await pendingIn(page)).toBe(2);

    await page.reload();
    await page.waitForFunction(() => 'sdk' in window);
    await bootIn(page, env.emu.url); // start-up while still offline: the queue stays
    await new Promise((r) => setTimeout(r, 300));
    expect(await pendingIn(page)).toBe(2);

    env.emu.clearFaults(); // the service is back; the TV's network comes back online
    await context.setOffline(true);
    await context.setOffline(false);
    await vi.waitFor(() => expect(env.emu.state().links[sessionId]?.length).toBe(2), {
      timeout: 10_000,
    });
    await vi.waitFor(async () => expect(await pendingIn(page)).toBe(0));

    const committed = env.emu.log.filter(
      (e) => e.route === 'PUT /v1/upnext/sessions/:session_id' && e.status === 200 && !e.replayed,
    );
    expect(committed).toHaveLength(2);
    expect(
      env.emu
        .state()
        .links[sessionId]!.map((l) => l.participant_id)
        .sort(),
    ).toEqual([a, b].sort());
    await context.close();
  });
});
