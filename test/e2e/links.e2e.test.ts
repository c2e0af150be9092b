// Offline linking in Chromium with real IndexedDB: links asked for while the service is
// unreachable survive a reload and reach the service exactly once when it comes back.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Emulator } from '../../emulator/server.js';
import { createPaketClient } from '../../src/index';
import {
  bootIn,
  ensureIn,
  launch,
  linkIn,
  newProfileDir,
  openSdkPage,
  pendingIn,
  serveStatic,
  startEmulatorForBrowser,
} from './harness';

let emu: Emulator;
let web: Awaited<ReturnType<typeof serveStatic>>;
const APP = 'fe4a9ed381e8e376';

beforeAll(async () => {
  emu = await startEmulatorForBrowser();
  web = await serveStatic(['dist', 'test/e2e/pages']);
});
afterAll(async () => {
  await web.close();
  await emu.close();
});

describe('offline links in Chromium', () => {
  it('link two while offline, reload, come back online: both links at the service exactly once', async () => {
    const publisher = createPaketClient({
      credentials: { username: 'publisher_demo', password: 'test_sk_publisher_demo' },
      baseUrl: emu.url,
    });
    const a = (await publisher.participants.create()).participant_id;
    const b = (await publisher.participants.create()).participant_id;

    const context = await launch(newProfileDir());
    const page = await openSdkPage(context, web.origin);
    const { id: sessionId } = await ensureIn(page, emu.url, 'default');
    await bootIn(page, emu.url);

    emu.injectFaults('*', [{ drop: 'before' }], { repeat: true }); // the service is unreachable
    expect(await linkIn(page, 'default', APP, a)).toMatchObject({
      ok: false,
      name: 'PaketNetworkError',
      queued: true,
    });
    expect(await linkIn(page, 'default', APP, b)).toMatchObject({ ok: false, queued: true });
    expect(await pendingIn(page)).toBe(2);

    await page.reload();
    await page.waitForFunction(() => 'sdk' in window);
    await bootIn(page, emu.url); // start-up while still offline: the queue stays
    await new Promise((r) => setTimeout(r, 300));
    expect(await pendingIn(page)).toBe(2);

    emu.clearFaults(); // the service is back; the TV's network comes back online
    await context.setOffline(true);
    await context.setOffline(false);
    await vi.waitFor(() => expect(emu.state().links[sessionId]?.length).toBe(2), {
      timeout: 10_000,
    });
    await vi.waitFor(async () => expect(await pendingIn(page)).toBe(0));

    const committed = emu.log.filter(
      (e) => e.route === 'PUT /v1/upnext/sessions/:session_id' && e.status === 200 && !e.replayed,
    );
    expect(committed).toHaveLength(2);
    expect(
      emu
        .state()
        .links[sessionId]!.map((l) => l.participant_id)
        .sort(),
    ).toEqual([a, b].sort());
    await context.close();
  });
});
