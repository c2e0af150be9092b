// trackPlayback against the emulator: the tracker's writes go through the outbox, and the
// write made as the page exits is in localStorage before the event handler returns, so a
// TV switched off before IndexedDB committed still delivers the position at its next start.
import { IDBFactory, IDBObjectStore } from 'fake-indexeddb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { PaketInputError, type TrackedMedia } from '../../src/index';
import { PUBLISHER, useEmulator } from '../helpers/emulator';

const env = useEmulator({ requireSignatures: true });

beforeEach(() => {
  vi.stubGlobal('indexedDB', new IDBFactory());
  localStorage.clear();
});

const TITLE = {
  content_id: 'ep1',
  media_type: 'tv_episode' as const,
  title: 'Harbor Lights',
  description: 'Episode 1.',
  poster_art_uri: 'https://example.invalid/p.png',
  poster_art_aspect_ratio: 'aspect_ratio_16_9' as const,
  season: 1,
  episode: 1,
};
const NEXT = { ...TITLE, content_id: 'ep2', episode: 2, duration: 1200 };

/** A media element the test moves: `to(t)` sets the position and fires `timeupdate`. */
function fakeMedia(duration: number) {
  const target = new EventTarget();
  let listeners = 0;
  const media = {
    currentTime: 0,
    duration,
    paused: false,
    addEventListener: (t: string, l: () => void) => {
      listeners++;
      target.addEventListener(t, l);
    },
    removeEventListener: (t: string, l: () => void) => {
      listeners--;
      target.removeEventListener(t, l);
    },
    /** Whether anything (the tracker) listens to the media: added and not removed. */
    listened: () => listeners > 0,
    to(t: number) {
      media.currentTime = t;
      target.dispatchEvent(new Event('timeupdate'));
    },
  };
  return media;
}

const app = () =>
  env.client({ credentials: PUBLISHER, autoFlush: false, retry: { limit: 0, backoffLimitMs: 5 } });
const itemAt = (pid: string, cid: string) =>
  (env.emu.state().items[pid] ?? []).find((i) => i.content_id === cid);
const settle = () => new Promise((r) => setTimeout(r, 150));
/** How long a positive expectation may take to come true on a loaded machine. */
const WAIT = { timeout: 10_000, interval: 20 };

describe('trackPlayback', () => {
  it('puts up_next_continue past 3%, then removes at the credits and puts the next episode', async () => {
    const client = app();
    const me = await client.participants.ensure('p1');
    const media = fakeMedia(1200);
    const tracker = await client.participants.trackPlayback('p1', media, TITLE, {
      creditsAt: 1150,
      next: NEXT,
    });
    expect(media.listened()).toBe(true); // when the call resolves, the tracker follows the media
    for (let t = 0; t <= 30; t += 0.25) media.to(t); // under 3% of 1200 s (36 s)
    await settle();
    expect(itemAt(me.participant_id, 'ep1')).toBeUndefined();
    for (let t = 30; t <= 40; t += 0.25) media.to(t);
    await vi.waitFor(
      () =>
        expect(itemAt(me.participant_id, 'ep1')).toMatchObject({
          action: 'up_next_continue',
          position: 36,
          duration: 1200,
        }),
      WAIT,
    );
    media.to(1150);
    await vi.waitFor(async () => {
      await client.flush();
      expect(itemAt(me.participant_id, 'ep1')).toBeUndefined();
      expect(itemAt(me.participant_id, 'ep2')).toMatchObject({ action: 'up_next_next' });
    }, WAIT);
    tracker.stop();
  });

  it('a pagehide write is in localStorage before the handler returns; the next start delivers it', async () => {
    const client = app();
    const me = await client.participants.ensure('p1');
    const media = fakeMedia(3600);
    await client.participants.trackPlayback('p1', media, TITLE);
    expect(media.listened()).toBe(true); // when the call resolves, the tracker follows the media
    media.to(200); // past 2 minutes: the continue item
    await vi.waitFor(
      () => expect(itemAt(me.participant_id, 'ep1')).toMatchObject({ position: 200 }),
      WAIT,
    );
    media.currentTime = 1234;
    // The TV is switched off as the page hides: IndexedDB commits nothing from now on.
    const put = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('the page was killed', 'AbortError');
    });
    window.dispatchEvent(new Event('pagehide'));
    // Synchronously, before any await: the position is journalled.
    const journal = Object.keys(localStorage).filter((k) => k.endsWith(':journal'));
    expect(journal).toHaveLength(1);
    expect(localStorage.getItem(journal[0]!)).toContain('"position":1234');
    await settle();
    client.close();
    put.mockRestore();
    expect(itemAt(me.participant_id, 'ep1')).toMatchObject({ position: 200 });
    const next = app();
    await next.participants.ensure('p1'); // the stored Participant, from the mirror
    expect((await next.flush()).pending).toBe(0);
    expect(itemAt(me.participant_id, 'ep1')).toMatchObject({ position: 1234 });
    expect(Object.keys(localStorage).filter((k) => k.endsWith(':journal'))).toEqual([]);
  });

  it('bad media or a bad item rejects with a PaketInputError naming it, and nothing is tracked', async () => {
    const client = app();
    const fake = fakeMedia(100);
    const media = fake as TrackedMedia;
    const bad: [() => Promise<unknown>, string][] = [
      [() => client.participants.trackPlayback('p1', {} as TrackedMedia, TITLE), 'media'],
      [
        () =>
          client.participants.trackPlayback('p1', media, { ...TITLE, media_type: 'show' } as never),
        'item.media_type',
      ],
      [
        () =>
          client.participants.trackPlayback('p1', media, TITLE, {
            next: { ...NEXT, season: undefined } as never,
          }),
        'options.next.season',
      ],
      [
        () => client.participants.trackPlayback('p1', media, TITLE, { creditsAt: -5 }),
        'options.creditsAt',
      ],
    ];
    for (const [call, name] of bad) {
      const error: unknown = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, name).toBeInstanceOf(PaketInputError);
      expect((error as PaketInputError).parameter).toBe(name);
    }
    expect(fake.listened()).toBe(false);
  });

  // A player closed while the tracker's code loads, its one media element already playing the
  // next title: the first title's item must be left as it was.
  it('stopped before it started, it never starts: nothing is written for the title it was given', async () => {
    const client = app();
    const me = await client.participants.ensure('p1');
    const media = fakeMedia(1200);
    const pending = client.participants.trackPlayback('p1', media, TITLE);
    pending.stop(); // the player closes at once
    media.currentTime = 1000; // the element now plays another title, resumed
    media.duration = 1800;
    const tracker = await pending;
    expect(media.listened()).toBe(false);
    tracker.stop();
    await client.flush();
    expect(itemAt(me.participant_id, 'ep1')).toBeUndefined();
  });

  it("stopped before it started, it does not remove the title's existing item either", async () => {
    const client = app();
    const me = await client.participants.ensure('p1');
    const title = { ...TITLE, duration: 1200 };
    await client.participants.putItem('p1', {
      ...title,
      action: 'up_next_continue',
      position: 500,
    });
    await client.flush();
    const media = fakeMedia(1200);
    const pending = client.participants.trackPlayback('p1', media, title);
    pending.stop();
    media.currentTime = 1190; // past the credits of the title it was given
    await pending;
    await client.flush();
    expect(itemAt(me.participant_id, 'ep1')).toMatchObject({ position: 500 });
  });

  it("stop() on the call's promise stops the tracker once it runs", async () => {
    const client = app();
    const me = await client.participants.ensure('p1');
    const media = fakeMedia(3600);
    const pending = client.participants.trackPlayback('p1', media, TITLE);
    await pending;
    media.to(200); // past 2 minutes: the continue item
    await vi.waitFor(
      () => expect(itemAt(me.participant_id, 'ep1')).toMatchObject({ position: 200 }),
      WAIT,
    );
    media.currentTime = 1500;
    pending.stop(); // writes the position, as the tracker's own stop() does
    await client.flush();
    expect(itemAt(me.participant_id, 'ep1')).toMatchObject({ position: 1500 });
    media.to(2000);
    await settle();
    await client.flush();
    expect(itemAt(me.participant_id, 'ep1')).toMatchObject({ position: 1500 });
  });

  it('stop, taken apart before the tracker started, stops it once it runs', async () => {
    const client = app();
    const me = await client.participants.ensure('p1');
    const media = fakeMedia(3600);
    const { stop } = client.participants.trackPlayback('p1', media, TITLE);
    await vi.waitFor(() => expect(media.listened()).toBe(true), WAIT);
    media.to(200);
    await vi.waitFor(
      () => expect(itemAt(me.participant_id, 'ep1')).toMatchObject({ position: 200 }),
      WAIT,
    );
    stop();
    expect(media.listened()).toBe(false);
    media.to(3590); // the next title's end region: no write for this one
    await settle();
    await client.flush();
    expect(itemAt(me.participant_id, 'ep1')).toMatchObject({ position: 200 });
  });

  it('stopped at once with a bad title: it resolves (nobody waits for a rejection)', async () => {
    const client = app();
    const media = fakeMedia(100);
    const pending = client.participants.trackPlayback('p1', media, {
      ...TITLE,
      media_type: 'show',
    } as never);
    pending.stop();
    await expect(pending).resolves.toBeDefined();
    expect(media.listened()).toBe(false);
  });

  it('a media object whose getter throws as the tracker starts: a PaketInputError, nothing left attached', async () => {
    const client = app();
    const fake = fakeMedia(1200);
    const media = Object.defineProperty(fake, 'paused', {
      get() {
        throw new Error('hostile');
      },
    });
    const error = await client.participants.trackPlayback('p1', media, TITLE).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PaketInputError);
    expect((error as PaketInputError).parameter).toBe('media');
    expect(fake.listened()).toBe(false);
  });
});
