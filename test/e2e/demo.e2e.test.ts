// The two demo apps in headless Chromium, each on its own origin, driven with remote keys as
// a viewer would: the home screen opens the player, the player shares its Participant and
// the home screen links it; a title watched past the 2-minute rule (at 16×) comes back as a
// continue tile with its progress; hiding it; finishing an episode puts the next one; the
// same offline (queued on the TV, then delivered); a reload keeps every ID with no new POST;
// many apps and items stay inside the screen; Back goes up a level and leaves at the top.
// Each step saves a screenshot under test-results/ (demo-NN-*.png), checked for more than a
// blank frame. Needs `npm run build && npm run demo:build` (the test command runs both).
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { launch, newProfileDir } from './harness';
import {
  expectApart,
  expectOnScreen,
  exitsOf,
  firstFrameOf,
  hold,
  mediaOf,
  openPage,
  press,
  shot,
  stateOf,
  until,
  expectFocus,
  expectWords,
  useDemoEnv,
  watch,
  type AnyState,
} from './demo-harness';
import { PLATFORM, PUBLISHER, rawCaller } from '../helpers/emulator';

const env = useDemoEnv();
let context: BrowserContext;
let home: Page;
let player: Page;
const errors: string[] = [];
/** Mia's Participant in the player; Anna's Session in the home screen. */
let mia = '';
let anna = '';

const items = (participantId: string) =>
  (env.emu.state().items[participantId] ?? []) as {
    content_id: string;
    action: string;
    position?: number;
    hidden?: boolean;
  }[];
const linkedTo = (sessionId: string) =>
  (env.emu.state().links[sessionId] ?? []).map((l) => l.participant_id);
const tileOf = (s: AnyState, contentId: string) =>
  (s.upNext as AnyState[]).find((i) => i.content_id === contentId);

/** The home screen's Up Next row has the focus on `contentId`'s tile. */
async function focusTile(contentId: string): Promise<void> {
  await press(home, 'ArrowUp', 3);
  const s = await stateOf(home);
  const at = (s.upNext as AnyState[]).findIndex((i) => i.content_id === contentId);
  expect(at).toBeGreaterThanOrEqual(0);
  await press(home, 'ArrowLeft', 12);
  await press(home, 'ArrowRight', at);
  await expectFocus(home, ['UpNext', 'LongTile']);
}

/** Focuses the home screen's apps row at `n`: 0 the player, 1 connected apps, 2 profiles. */
async function launcher(n: number): Promise<void> {
  await press(home, 'ArrowDown', 3);
  await press(home, 'ArrowLeft', 3);
  await press(home, 'ArrowRight', n);
  await expectFocus(home, ['Launcher', 'ListRow']);
}

/** Opens the player from the home screen's "Open Paket Player" (a window the home opens). */
async function openPlayer(): Promise<Page> {
  await launcher(0);
  const opened = context.waitForEvent('page');
  await press(home, 'Enter');
  const page = await opened;
  // A window opened by script starts at the context's 1280×720, where Lightning scales its
  // 1920×1080 stage down (as on a 720p TV): the test wants the full size, so it loads again.
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.reload();
  errors.push(...watch(page));
  page.on('pageerror', (e) => errors.push(`player: ${e.message}`));
  return page;
}

/** Plays `contentId` from the catalog at 16× until the media passes `seconds`, then Back. */
async function watchTitle(contentId: string, seconds: number): Promise<void> {
  const s = await until(player, (s) => s.ready && s.share.status !== 'sharing');
  expect(s.profileId).toBe('viewer-mia');
  await player.evaluate((id) => {
    location.hash = `#play/${id}`;
  }, contentId);
  await vi.waitFor(async () => expect((await mediaOf(player))?.paused).toBe(false), {
    timeout: 10_000,
  });
  await press(player, 'f', 4); // FastForward ×4: 16×
  expect((await mediaOf(player))?.rate).toBe(16);
  await vi.waitFor(async () => expect((await mediaOf(player))!.time).toBeGreaterThan(seconds), {
    timeout: 30_000,
    interval: 250,
  });
}

beforeAll(async () => {
  context = await launch(newProfileDir());
});
afterAll(async () => {
  await context?.close();
});

describe('the two demo apps, as a viewer uses them', () => {
  it('the home screen starts checking, then healthy, with its first frame marked', async () => {
    // The service answers its first status call and the Session's create late: the line says
    // so, never "not healthy" (any answer makes it healthy), for long enough that a loaded
    // machine's slow first frame still shows it.
    env.emu.injectFaults('GET /v1', [{ delayMs: 4000 }]);
    env.emu.injectFaults('POST /v1/sessions', [{ delayMs: 4000 }]);
    home = await openPage(context, env.homeUrl);
    errors.push(...watch(home));
    await expectWords(home, /Checking the Paket service…/);
    const s = await until(home, (s) => s.ready);
    expect(s.connection.state).toBe('healthy');
    anna = s.sessions['profile-anna'].id;
    expect(s.sessions['profile-anna'].origin).toBe('created');
    expect(env.emu.state().sessions[anna]).toBeDefined();
    expect(await firstFrameOf(home)).toBeGreaterThan(0);
    await expectWords(home, /No apps connected to Anna yet/);
    const l = await expectOnScreen(home);
    expect(l.words).toContain('Paket: connected');
    await shot(home, 'demo-01-home-first-start');
  });

  it('the player shares at its start (after its profile picker), the home screen links it', async () => {
    player = await openPlayer();
    await until(player, (s) => s.ready);
    await expectFocus(player, ['Avatar']); // "Who's watching?"
    await shot(player, 'demo-02-player-profiles');
    await press(player, 'Enter'); // Mia
    const p = await until(player, (s) => s.share.status === 'linked');
    mia = p.participants['viewer-mia'].id;
    expect(p.participants['viewer-mia'].origin).toBe('created');
    expect(linkedTo(anna)).toEqual([mia]);
    const h = await until(home, (s) => s.apps.length === 1);
    expect(h.apps[0]).toMatchObject({ participantId: mia, name: 'Paket Player', state: 'linked' });
    await shot(player, 'demo-03-player-catalog');
    // The player keeps its list to its catalog: the emulator's sample items leave it.
    await vi.waitFor(() => expect(items(mia)).toEqual([]), { timeout: 15_000 });
    await home.bringToFront();
    await shot(home, 'demo-04-home-linked');
  });

  it('a title watched past the 2-minute rule at 16× is a continue tile with its progress', async () => {
    await player.bringToFront();
    await watchTitle('lighthouse-s1e1', 135);
    await shot(player, 'demo-05-player-playing');
    await press(player, 'Escape'); // Back: stops, the tracker writes the position
    await until(player, (s) => s.playing === null);
    await vi.waitFor(
      () => {
        const item = items(mia).find((i) => i.content_id === 'lighthouse-s1e1');
        expect(item?.action).toBe('up_next_continue');
        expect(item!.position).toBeGreaterThan(120);
      },
      { timeout: 15_000 },
    );
    await home.bringToFront();
    const h = await until(home, (s) => tileOf(s, 'lighthouse-s1e1')?.position > 120);
    const tile = tileOf(h, 'lighthouse-s1e1')!;
    expect(tile.action).toBe('up_next_continue');
    expect(tile.position / tile.duration).toBeGreaterThan(0.4);
    await focusTile('lighthouse-s1e1');
    await expectWords(home, /min left/);
    const l = await expectOnScreen(home);
    expect(l.words).toContain('Continue');
    expect(l.words.some((w) => /min left/.test(w))).toBe(true);
    expect(l.boxes.Bar!.x2 - l.boxes.Bar!.x1).toBeGreaterThan(0.4 * 400);
    await shot(home, 'demo-06-home-continue-tile');
  });

  it('OK on the tile opens the player at that title, where it was left', async () => {
    const opened = context.waitForEvent('page', { timeout: 3000 }).catch(() => undefined);
    await press(home, 'Enter');
    // The player's window is open: it is navigated to the deep link, not opened again.
    expect(await opened).toBeUndefined();
    await player.bringToFront();
    await vi.waitFor(
      async () => {
        const m = await mediaOf(player);
        expect(player.url()).toContain('#play/lighthouse-s1e1');
        expect(m!.time).toBeGreaterThan(120);
      },
      { timeout: 10_000 },
    );
    await press(player, 'Escape');
    await until(player, (s) => s.playing === null);
  });

  it('hiding the tile (long press of OK, then "Hide") takes it off the row and off the service', async () => {
    await home.bringToFront();
    await focusTile('lighthouse-s1e1');
    await hold(home);
    await expectFocus(home, ['Options', 'Buttons', 'ListRow']);
    await shot(home, 'demo-07-home-tile-options');
    await press(home, 'ArrowDown'); // "Hide from Up Next"
    await press(home, 'Enter');
    await until(home, (s) => !tileOf(s, 'lighthouse-s1e1'));
    await vi.waitFor(
      () => expect(items(mia).find((i) => i.content_id === 'lighthouse-s1e1')?.hidden).toBe(true),
      { timeout: 10_000 },
    );
    await shot(home, 'demo-08-home-hidden');
  });

  it('finishing an episode removes it and puts the next episode, which the home screen shows', async () => {
    await player.bringToFront();
    await watchTitle('lighthouse-s1e2', 40);
    await press(player, 'ArrowRight', 8); // +240 s: into the credits (285 s)
    await vi.waitFor(
      () => {
        const list = items(mia);
        expect(list.find((i) => i.content_id === 'lighthouse-s1e2')).toBeUndefined();
        expect(list.find((i) => i.content_id === 'lighthouse-s1e3')?.action).toBe('up_next_next');
      },
      { timeout: 20_000 },
    );
    await shot(player, 'demo-09-player-finished');
    await press(player, 'Escape');
    await home.bringToFront();
    const h = await until(home, (s) => tileOf(s, 'lighthouse-s1e3')?.action === 'up_next_next');
    expect(tileOf(h, 'lighthouse-s1e2')).toBeUndefined();
    await expectWords(home, /Next episode/);
    await expectOnScreen(home);
    await shot(home, 'demo-10-home-next-episode');
  });

  it('offline: the share, the continue item and a hide wait on the TV, then are delivered', async () => {
    try {
      await offlineFlow();
    } finally {
      env.emu.clearFaults();
    }
  });

  it('offline: finishing an episode keeps its removal and the next episode on the TV, then delivers them', async () => {
    try {
      const before = items(mia).filter((i) => i.content_id.startsWith('lighthouse-s1e')).length;
      env.emu.injectFaults('*', [{ drop: 'before' }], { repeat: true });
      await player.bringToFront();
      await watchTitle('lighthouse-s1e3', 40);
      await press(player, 'ArrowRight', 8); // +240 s: into the credits (285 s)
      // The removal of S1 E3 and the put of S1 E4 (beside a put already tried) wait on the TV.
      await until(player, (s) => s.connection.queued >= 2, 30_000);
      await press(player, 'Escape');
      expect(items(mia).find((i) => i.content_id === 'lighthouse-s1e4')).toBeUndefined();
      expect(items(mia).filter((i) => i.content_id.startsWith('lighthouse-s1e')).length).toBe(
        before,
      );
      await shot(player, 'demo-14b-player-offline-finished');
      env.emu.clearFaults();
      await until(player, (s) => s.connection.queued === 0, 30_000);
      expect(items(mia).find((i) => i.content_id === 'lighthouse-s1e3')).toBeUndefined();
      expect(items(mia).find((i) => i.content_id === 'lighthouse-s1e4')?.action).toBe(
        'up_next_next',
      );
      await home.bringToFront();
      await until(home, (s) => tileOf(s, 'lighthouse-s1e4')?.action === 'up_next_next', 15_000);
      await shot(home, 'demo-14c-home-next-episode-delivered');
    } finally {
      env.emu.clearFaults();
    }
  }, 120_000);
});

async function offlineFlow(): Promise<void> {
  {
    // Ben's Session is made online; then the network goes.
    await home.bringToFront();
    await launcher(2); // "Switch profile"
    await press(home, 'Enter');
    await press(home, 'ArrowRight'); // Ben
    await press(home, 'Enter');
    const ben = (await until(home, (s) => s.sessions['profile-ben']?.origin === 'created'))
      .sessions['profile-ben'].id;
    env.emu.injectFaults('*', [{ drop: 'before' }], { repeat: true });
    await until(home, (s) => s.connection.state === 'offline', 15_000);

    // The player starts again (as at every start): its share reaches the home screen, which
    // keeps the link for when the network returns, and says so.
    await player.bringToFront();
    await player.reload();
    const p = await until(player, (s) => s.share.status === 'queued');
    expect(p.participants['viewer-mia']).toEqual({ id: mia, origin: 'restored' });
    const h = await until(home, (s) => s.apps.some((a: AnyState) => a.state === 'linking'));
    expect(h.connection.queued).toBeGreaterThanOrEqual(1);
    expect(linkedTo(ben)).toEqual([]);
    await home.bringToFront();
    await launcher(1); // "Connected apps"
    await press(home, 'Enter');
    // The page comes once its data hook has read the list (from the TV while offline).
    await expectFocus(home, ['List', 'ListRow']);
    await expectWords(home, /Connecting: queued on this TV/);
    const l = await expectOnScreen(home);
    expect(l.words.join(' ')).toMatch(/Offline · \d+ changes? queued/);
    await shot(home, 'demo-11-home-offline-link-queued');
    await press(home, 'Backspace'); // Back: home

    // The player, offline: a title past the rule is kept in its outbox.
    await player.bringToFront();
    await watchTitle('night-train-s2e1', 130);
    await until(player, (s) => s.connection.queued >= 1 && s.connection.state === 'offline');
    await press(player, 'Escape');
    expect(items(mia).find((i) => i.content_id === 'night-train-s2e1')).toBeUndefined();
    await shot(player, 'demo-12-player-offline-queued');

    // Back online: both outboxes drain by themselves.
    env.emu.clearFaults();
    await until(home, (s) => s.connection.state === 'healthy' && s.connection.queued === 0, 30_000);
    await until(player, (s) => s.connection.queued === 0, 30_000);
    expect(linkedTo(ben)).toEqual([mia]);
    expect(items(mia).find((i) => i.content_id === 'night-train-s2e1')?.action).toBe(
      'up_next_continue',
    );
    await home.bringToFront();
    await until(home, (s) => Boolean(tileOf(s, 'night-train-s2e1')), 15_000);
    await shot(home, 'demo-13-home-back-online');

    // A hide while offline: off the row at once, on the service once delivered.
    env.emu.injectFaults('*', [{ drop: 'before' }], { repeat: true });
    await until(home, (s) => s.connection.state === 'offline', 15_000);
    await focusTile('night-train-s2e1');
    await press(home, 'm'); // the menu key
    await press(home, 'ArrowDown');
    await press(home, 'Enter');
    await until(home, (s) => !tileOf(s, 'night-train-s2e1') && s.connection.queued >= 1);
    expect(items(mia).find((i) => i.content_id === 'night-train-s2e1')?.hidden).toBe(false);
    await shot(home, 'demo-14-home-offline-hide-queued');
    env.emu.clearFaults();
    await until(home, (s) => s.connection.queued === 0, 30_000);
    expect(items(mia).find((i) => i.content_id === 'night-train-s2e1')?.hidden).toBe(true);
  }
}

describe('the two demo apps, after the offline step', () => {
  it('a reload of each app keeps its IDs, with no new POST', async () => {
    const posts = (path: string) => env.emu.log.filter((e) => e.route === `POST ${path}`).length;
    const sessions = posts('/v1/sessions');
    const participants = posts('/v1/participants');
    expect(sessions).toBe(2); // Anna, Ben
    expect(participants).toBe(1); // Mia
    await home.reload();
    const h = await until(home, (s) => s.ready);
    expect(h.profileId).toBe('profile-ben'); // the profile last chosen
    expect(h.sessions['profile-ben'].origin).toBe('restored');
    await player.reload();
    const p = await until(player, (s) => s.share.status === 'linked');
    expect(p.participants['viewer-mia']).toEqual({ id: mia, origin: 'restored' });
    expect(posts('/v1/sessions')).toBe(sessions);
    expect(posts('/v1/participants')).toBe(participants);
    await shot(home, 'demo-15-home-reloaded');
    await shot(player, 'demo-16-player-reloaded');
  });

  it('a start while the service cannot be reached draws the last row and list at once', async () => {
    const before = await until(home, (s) => s.ready && s.upNext.length > 0);
    const row = (before.upNext as AnyState[]).map((i) => i.content_id);
    const list = ((await stateOf(player)).list as AnyState[]).map((i) => i.content_id);
    expect(list.length).toBeGreaterThan(0);
    env.emu.injectFaults('*', [{ drop: 'before' }], { repeat: true });
    try {
      await home.reload();
      const h = await until(home, (s) => s.shown);
      expect((h.upNext as AnyState[]).map((i) => i.content_id)).toEqual(row);
      expect(await firstFrameOf(home)).toBeGreaterThan(0);
      await expectWords(home, new RegExp(`${row.length} items? from`));
      await until(home, (s) => s.ready && s.connection.state === 'offline', 15_000);
      expect(((await stateOf(home)).upNext as AnyState[]).map((i) => i.content_id)).toEqual(row);
      await player.reload();
      const p = await until(player, (s) => s.shown);
      expect((p.list as AnyState[]).map((i) => i.content_id)).toEqual(list);
      await expectWords(player, /Continue watching/);
      await shot(home, 'demo-16b-home-offline-start');
      await shot(player, 'demo-16c-player-offline-start');
    } finally {
      env.emu.clearFaults();
    }
    // Back online: both lines healthy, nothing left queued, Mia still linked.
    await until(home, (s) => s.connection.state === 'healthy' && s.connection.queued === 0, 30_000);
    await until(
      player,
      (s) => s.connection.state === 'healthy' && s.connection.queued === 0,
      30_000,
    );
    expect(linkedTo((await stateOf(home)).sessions['profile-ben'].id)).toContain(mia);
  });

  it('many linked apps and items keep the layout inside the screen', async () => {
    // Twelve more publishers' Participants linked to Ben's Session at the service, each with
    // the emulator's three sample items.
    const raw = rawCaller(() => env.emu.url.replace(/\/v1$/, ''));
    const ben = (await stateOf(home)).sessions['profile-ben'].id;
    for (let i = 0; i < 12; i++) {
      const made = await raw('POST', '/v1/participants', { as: PUBLISHER, sign: true });
      expect(made.status).toBe(200);
      const link = await raw('PUT', `/v1/upnext/sessions/${ben}`, {
        as: PLATFORM,
        sign: true,
        body: { app_id: made.body.client_id, participant_id: made.body.participant_id },
      });
      expect(link.status).toBe(200);
    }
    await home.bringToFront();
    const h = await until(home, (s) => s.apps.length === 13 && s.upNext.length >= 36, 20_000);
    await press(home, 'ArrowUp', 3); // the filter chips
    await press(home, 'ArrowRight', 13);
    await press(home, 'ArrowDown'); // the row
    await press(home, 'ArrowRight', h.upNext.length);
    await expectFocus(home, ['UpNext', 'LongTile']);
    let l = await expectOnScreen(home);
    expectApart(l, ['StatusBar', 'Filters', 'UpNext', 'Launcher', 'KeyHints']);
    expect(l.boxes.Ring!.x2).toBeLessThanOrEqual(1920); // the focused (last) tile is on screen
    await shot(home, 'demo-17-home-many-items');
    await launcher(1); // "Connected apps"
    await press(home, 'Enter');
    await press(home, 'ArrowDown', 13);
    l = await expectOnScreen(home);
    expectApart(l, ['StatusBar', 'List', 'Count', 'KeyHints']);
    await shot(home, 'demo-18-home-many-apps');

    // Unlink the focused (last) app: asked first, then the focus stays in the list's place.
    await press(home, 'Enter');
    await shot(home, 'demo-19-home-unlink-confirm');
    await press(home, 'Enter'); // "Disconnect"
    const after = await until(home, (s) => s.apps.length === 12);
    expect(linkedTo(ben)).toHaveLength(12);
    expect(after.apps.some((a: AnyState) => a.state !== 'linked')).toBe(false);
    // A second OK asks again, it does not unlink another app.
    await press(home, 'Enter');
    await expectFocus(home, ['Confirm', 'Buttons', 'ListRow']);
    await press(home, 'Backspace');
    expect(linkedTo(ben)).toHaveLength(12);
    await press(home, 'Backspace'); // Back: home
  });

  it('Back goes up a level and leaves the app from the top (Escape, Backspace, 10009, 461)', async () => {
    // Player: the title, then the catalog, then out (its window closes).
    await player.bringToFront();
    await player.evaluate(() => {
      location.hash = '#play/signal-lost';
    });
    await until(player, (s) => s.playing?.contentId === 'signal-lost');
    await press(player, 10009); // Tizen's Back
    await until(player, (s) => s.playing === null);
    expect(player.url()).toMatch(/#catalog/);
    expect(await exitsOf(player)).toBe(0);
    const closed = player.waitForEvent('close');
    // webOS's Back, at the top: leaves (the window closes under the key press).
    await press(player, 461).catch(() => undefined);
    await closed;

    // Home: connected apps, then home, then out (a tab no app opened stays; the exit is counted).
    await home.bringToFront();
    await launcher(1); // "Connected apps"
    await press(home, 'Enter');
    await expectFocus(home, ['List', 'ListRow']);
    await press(home, 'Backspace');
    await expectFocus(home, ['Launcher', 'ListRow']);
    expect(await exitsOf(home)).toBe(0);
    await press(home, 'Escape');
    expect(await exitsOf(home)).toBe(1);
    expect(errors).toEqual([]);
  });
});

describe('the ES5 bundles after the build (?es5=1)', () => {
  it('both apps start and draw their first frame', async () => {
    const ctx = await launch(newProfileDir());
    try {
      for (const [url, name] of [
        [env.homeUrl, 'home'],
        [env.playerUrl, 'player'],
      ] as const) {
        const page = await openPage(ctx, `${url}&es5=1`);
        const errs = watch(page);
        await until(page, (s) => s.ready);
        await vi.waitFor(async () => expect(await firstFrameOf(page)).toBeGreaterThan(0));
        const scripts = await page.evaluate(() =>
          Array.prototype.map.call(document.scripts, (s: HTMLScriptElement) => s.src).join(' '),
        );
        expect(scripts).toContain('appBundle.es5.js');
        await expectOnScreen(page);
        await shot(page, `demo-20-${name}-es5`);
        expect(errs).toEqual([]);
      }
    } finally {
      await ctx.close();
    }
  });
});

describe('the 2025 dialect (?dialect=contexts)', () => {
  it('a Session SN…, the player’s Context CX… shared and linked by its App ID', async () => {
    const ctx = await launch(newProfileDir());
    try {
      const page = await openPage(ctx, `${env.homeUrl}&dialect=contexts`);
      const h = await until(page, (s) => s.ready);
      expect(h.sessions['profile-anna'].id).toMatch(/^SN/);
      await press(page, 'ArrowDown', 3);
      const opened = ctx.waitForEvent('page');
      await press(page, 'Enter'); // "Open Paket Player"
      const p = await opened;
      await until(p, (s) => s.ready);
      await press(p, 'Enter'); // Mia
      const shared = await until(p, (s) => s.share.status === 'linked');
      const context = shared.participants['viewer-mia'].id;
      expect(context).toMatch(/^CX/);
      // The emulator keeps the publisher ID as participant_id in both dialects (store.js).
      const links = env.emu.state().links[h.sessions['profile-anna'].id] ?? [];
      expect(links.map((l) => [l.participant_id, l.app_id])).toEqual([
        [context, 'AP502377819034456'],
      ]);
      await until(page, (s) => s.apps.length === 1);
    } finally {
      await ctx.close();
    }
  });
});
