// The playback tracker, driven through every Publisher Guidelines rule with fake timers and a
// fake media object: each test asserts the exact sink calls (fields, urgent flags, counts).
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { trackProblem } from '../../src/resources/publisher/track-check';
import {
  trackPlayback,
  type MediaLike,
  type TrackOptions,
  type TrackedItem,
  type TrackerEnv,
} from '../../src/resources/publisher/tracker';

const MIN = 60_000;
const ITEM: TrackedItem = {
  content_id: 'ep1',
  media_type: 'tv_episode',
  title: 'Pilot',
  description: 'The first one',
  poster_art_uri: 'https://img.example/ep1.jpg',
  poster_art_aspect_ratio: 'aspect_ratio_16_9',
  season: 1,
  episode: 1,
};
const NEXT: TrackedItem = {
  ...ITEM,
  content_id: 'ep2',
  title: 'Second',
  episode: 2,
  duration: 3000,
};

/** Listeners by type, as an EventTarget keeps them. */
class Emitter {
  readonly listeners = new Map<string, Set<() => void>>();
  addEventListener(type: string, l: () => void): void {
    const set = this.listeners.get(type) ?? new Set();
    set.add(l);
    this.listeners.set(type, set);
  }
  removeEventListener(type: string, l: () => void): void {
    this.listeners.get(type)?.delete(l);
  }
  emit(type: string): void {
    for (const l of [...(this.listeners.get(type) ?? [])]) l();
  }
  count(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }
}

/** A player the test drives: positions, events and time (fake timers) move together. */
class FakeMedia extends Emitter implements MediaLike {
  currentTime = 0;
  paused = true;
  constructor(public duration = 3600) {
    super();
  }
  play(): void {
    this.paused = false;
    this.emit('play');
  }
  pause(): void {
    this.paused = true;
    this.emit('pause');
  }
  at(t: number): void {
    this.currentTime = t;
    this.emit('timeupdate');
  }
  seek(t: number): void {
    this.currentTime = t;
    this.emit('timeupdate');
    this.emit('seeked');
  }
  /** Plays from the current position up to `until` seconds: 4 timeupdates per second. */
  playTo(until: number): void {
    if (this.paused) this.play();
    while (this.currentTime < until) {
      vi.advanceTimersByTime(250);
      this.at(Math.min(until, this.currentTime + 0.25));
    }
  }
  end(): void {
    this.paused = true;
    this.emit('pause');
    this.emit('ended');
  }
}

type Call = ['put', Record<string, unknown>, boolean] | ['remove', string, boolean];

let media: FakeMedia;
let calls: Call[];
let win: Emitter;
let doc: Emitter & { visibilityState: string };
let env: TrackerEnv;
const sink = {
  put: (item: Record<string, unknown>, urgent: boolean) => void calls.push(['put', item, urgent]),
  remove: (id: string, urgent: boolean) => void calls.push(['remove', id, urgent]),
};

/** The continue item the tracker should put at `position` (whole seconds). */
const cont = (position: number, duration = 3600, base: TrackedItem = ITEM) => ({
  ...base,
  action: 'up_next_continue',
  duration,
  position,
});
const nextItem = () => ({ ...NEXT, action: 'up_next_next' });

function track(options: TrackOptions = {}, item: TrackedItem = ITEM) {
  return trackPlayback(media, item, options, sink, env);
}
function hide(): void {
  doc.visibilityState = 'hidden';
  doc.emit('visibilitychange');
}

beforeEach(() => {
  vi.useFakeTimers();
  media = new FakeMedia();
  calls = [];
  win = new Emitter();
  doc = Object.assign(new Emitter(), { visibilityState: 'visible' });
  env = {
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    window: win,
    document: doc,
  };
});
afterEach(() => {
  vi.useRealTimers();
});

describe('rule 1: up_next_continue once more than 2 minutes or 3% is watched', () => {
  it('a 2-hour movie: 2 minutes comes first; put at the first timeupdate past 120 s, not at 120 s', () => {
    media.duration = 7200;
    track();
    media.playTo(120);
    expect(calls).toEqual([]);
    media.at(120.25);
    expect(calls).toEqual([['put', cont(120, 7200), false]]);
  });

  it('a 20-minute episode: 3% (36 s) comes first', () => {
    media.duration = 1200;
    track();
    media.playTo(36);
    expect(calls).toEqual([]);
    media.at(36.5);
    expect(calls).toEqual([['put', cont(36, 1200), false]]);
  });

  it('once per crossing: playing on for 20 minutes writes nothing more', () => {
    track();
    media.playTo(20 * 60);
    expect(calls).toEqual([['put', cont(108), false]]);
  });

  it('a seek past the threshold counts (position reached, not time spent)', () => {
    track();
    media.play();
    media.seek(2400);
    expect(calls).toEqual([['put', cont(2400), false]]);
    media.seek(2500);
    expect(calls).toHaveLength(1);
  });

  it('tracking a playback resumed past the threshold puts at once', () => {
    media.currentTime = 1500;
    track();
    expect(calls).toEqual([['put', cont(1500), false]]);
  });

  it("the item's duration wins over the media's; a fractional duration is floored", () => {
    track({}, { ...ITEM, duration: 1200.7 });
    media.playTo(36.25);
    expect(calls).toEqual([['put', cont(36, 1200, { ...ITEM, duration: 1200.7 }), false]]);
    calls = [];
    media = new FakeMedia(1234.56);
    track();
    media.playTo(37.25);
    expect(calls).toEqual([['put', cont(37, 1234), false]]);
  });
});

describe('rule 2: the position after 5 minutes paused or stalled, and when hidden or exiting', () => {
  it('a pause past the threshold: put exactly 5 minutes after the pause, not before', () => {
    track();
    media.playTo(600.5);
    media.pause();
    vi.advanceTimersByTime(5 * MIN - 1);
    expect(calls).toEqual([['put', cont(108), false]]);
    vi.advanceTimersByTime(1);
    expect(calls).toEqual([
      ['put', cont(108), false],
      ['put', cont(600), false],
    ]);
    vi.advanceTimersByTime(60 * MIN);
    expect(calls).toHaveLength(2);
  });

  it('play within 5 minutes cancels the pause timer', () => {
    track();
    media.playTo(600);
    media.pause();
    vi.advanceTimersByTime(4 * MIN);
    media.playTo(900);
    vi.advanceTimersByTime(0);
    expect(calls).toEqual([['put', cont(108), false]]);
  });

  it('a stall (not paused, no progress): one put more than 5, at most 6 minutes after the last progress', () => {
    track();
    media.playTo(600);
    vi.advanceTimersByTime(5 * MIN);
    expect(calls).toHaveLength(1);
    vi.advanceTimersByTime(MIN);
    expect(calls).toEqual([
      ['put', cont(108), false],
      ['put', cont(600), false],
    ]);
    vi.advanceTimersByTime(60 * MIN);
    expect(calls).toHaveLength(2);
    media.playTo(700); // playback resumes, then stalls again
    vi.advanceTimersByTime(6 * MIN);
    expect(calls.slice(2)).toEqual([['put', cont(700), false]]);
  });

  it('hidden and pagehide put the position as urgent; the same position twice is written once', () => {
    track();
    media.playTo(900.75);
    hide();
    win.emit('pagehide');
    expect(calls).toEqual([
      ['put', cont(108), false],
      ['put', cont(900), true],
    ]);
    doc.visibilityState = 'visible';
    doc.emit('visibilitychange');
    media.playTo(1000);
    win.emit('pagehide');
    expect(calls.slice(2)).toEqual([['put', cont(1000), true]]);
  });

  it('tracking starts paused: seeks while paused are written 5 minutes after the start', () => {
    track();
    media.seek(1500);
    media.seek(1600);
    vi.advanceTimersByTime(5 * MIN);
    expect(calls).toEqual([
      ['put', cont(1500), false],
      ['put', cont(1600), false],
    ]);
  });

  it('before the threshold, a pause, a stall, hidden and pagehide write nothing', () => {
    media.duration = 7200;
    track();
    media.playTo(100);
    vi.advanceTimersByTime(10 * MIN);
    media.pause();
    vi.advanceTimersByTime(10 * MIN);
    hide();
    win.emit('pagehide');
    expect(calls).toEqual([]);
  });

  it('a pause right at the threshold position writes nothing new (same position)', () => {
    track();
    media.playTo(108.5);
    media.pause();
    vi.advanceTimersByTime(10 * MIN);
    hide();
    expect(calls).toEqual([['put', cont(108), false]]);
  });

  it('once past the threshold, a seek back below it is still written on pause (choice)', () => {
    track();
    media.playTo(300);
    media.seek(30);
    media.pause();
    vi.advanceTimersByTime(5 * MIN);
    expect(calls).toEqual([
      ['put', cont(108), false],
      ['put', cont(30), false],
    ]);
  });
});

describe('rule 3: finished: remove, then up_next_next; once', () => {
  it('the credits begin (creditsAt): remove, then put next without position', () => {
    track({ creditsAt: 3300, next: { ...NEXT, position: 99 } });
    media.currentTime = 3000;
    media.playTo(3299.75);
    calls = [];
    media.at(3300);
    expect(calls).toEqual([
      ['remove', 'ep1', false],
      ['put', nextItem(), false],
    ]);
    media.playTo(3600);
    media.end();
    vi.advanceTimersByTime(10 * MIN);
    hide();
    win.emit('pagehide');
    expect(calls).toHaveLength(2);
  });

  it('no creditsAt: when 3% or less remains (at 3492 s of 3600 s); no next: remove only', () => {
    track();
    media.currentTime = 3400;
    media.playTo(3491.75);
    calls = [];
    media.at(3492);
    expect(calls).toEqual([['remove', 'ep1', false]]);
  });

  it('creditsAt past the last 3%: the 3% rule finishes first', () => {
    track({ creditsAt: 3550 });
    media.currentTime = 3400;
    media.playTo(3491.75);
    expect(calls).toEqual([['put', cont(3400), false]]);
    media.at(3492);
    expect(calls.slice(1)).toEqual([['remove', 'ep1', false]]);
  });

  it('hidden in the end region before a timeupdate there: finishes, urgent', () => {
    track({ next: NEXT });
    media.playTo(3000);
    media.currentTime = 3500; // jumped, no timeupdate yet
    hide();
    expect(calls.slice(1)).toEqual([
      ['remove', 'ep1', true],
      ['put', nextItem(), true],
    ]);
  });

  it('a stall found in the end region finishes, and no timer is left running', () => {
    track();
    media.playTo(3000);
    media.currentTime = 3500;
    vi.advanceTimersByTime(7 * MIN);
    expect(calls.slice(1)).toEqual([['remove', 'ep1', false]]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('ended finishes a playback that stopped short of the end region', () => {
    track({ next: NEXT }, { ...ITEM, duration: 4000 }); // the media is shorter than said
    media.currentTime = 3300;
    media.playTo(3500);
    calls = [];
    media.end();
    media.at(3500); // a late timeupdate after ended does not restart tracking
    expect(calls).toEqual([
      ['remove', 'ep1', false],
      ['put', nextItem(), false],
    ]);
  });

  it('a seek into the end region finishes; pause, hidden, pagehide and stop then write nothing', () => {
    const t = track({ next: NEXT });
    media.playTo(200);
    media.seek(3550);
    media.pause();
    vi.advanceTimersByTime(10 * MIN);
    hide();
    win.emit('pagehide');
    t.stop();
    expect(calls).toEqual([
      ['put', cont(108), false],
      ['remove', 'ep1', false],
      ['put', nextItem(), false],
    ]);
  });

  it('a seek back before the end afterwards (rewatch) tracks from scratch (choice)', () => {
    track({ next: NEXT });
    media.currentTime = 3400;
    media.playTo(3500);
    media.seek(10);
    media.playTo(108);
    expect(calls).toEqual([
      ['put', cont(3400), false],
      ['remove', 'ep1', false],
      ['put', nextItem(), false],
    ]);
    media.playTo(108.25);
    media.pause();
    vi.advanceTimersByTime(5 * MIN);
    media.seek(3590);
    expect(calls.slice(3)).toEqual([
      ['put', cont(108), false],
      ['remove', 'ep1', false],
      ['put', nextItem(), false],
    ]);
  });
});

describe('rule 4: no write on plain timeupdate progress; tiny cost per timeupdate', () => {
  it('60 minutes at 4 timeupdates/s of a 60-minute episode: exactly three writes', () => {
    const timers = vi.spyOn(env, 'setTimeout');
    track({ creditsAt: 3400, next: NEXT });
    media.playTo(3600);
    media.end();
    expect(calls).toEqual([
      ['put', cont(108), false],
      ['remove', 'ep1', false],
      ['put', nextItem(), false],
    ]);
    // Timers: only the one-minute stall check (at most one per minute), none per timeupdate.
    expect(timers.mock.calls.length).toBeLessThanOrEqual(60);
  });

  it('60 minutes of a 2-hour movie: exactly one write', () => {
    media.duration = 7200;
    track();
    media.playTo(3600);
    expect(calls).toEqual([['put', cont(120, 7200), false]]);
  });
  // Its CPU time per minute of playback is measured by the bench (npm run bench), not here.
});

describe('rule 5: stop()', () => {
  it('removes every listener and timer', () => {
    const t = track();
    media.playTo(600);
    media.pause();
    expect(media.count() + doc.count() + win.count()).toBeGreaterThan(0);
    expect(vi.getTimerCount()).toBe(1);
    t.stop();
    expect(media.count() + doc.count() + win.count()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('past the threshold: puts the current position (urgent false); idempotent', () => {
    const t = track();
    media.playTo(700.5);
    t.stop();
    t.stop();
    media.playTo(800);
    hide();
    vi.advanceTimersByTime(10 * MIN);
    expect(calls).toEqual([
      ['put', cont(108), false],
      ['put', cont(700), false],
    ]);
  });

  it('past the threshold and paused (the 5 minutes not over): puts the position too (choice)', () => {
    const t = track();
    media.playTo(700);
    media.pause();
    vi.advanceTimersByTime(MIN);
    t.stop();
    expect(calls.slice(1)).toEqual([['put', cont(700), false]]);
  });

  it('before the threshold: writes nothing', () => {
    const t = track();
    media.playTo(60);
    t.stop();
    expect(calls).toEqual([]);
  });

  it('works without window and document (Node)', () => {
    const t = trackPlayback(media, ITEM, {}, sink, {
      setTimeout: env.setTimeout,
      clearTimeout: env.clearTimeout,
    });
    media.playTo(200);
    t.stop();
    expect(calls).toEqual([
      ['put', cont(108), false],
      ['put', cont(200), false],
    ]);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('rule 6: unknown duration and hostile values', () => {
  it('a live stream (Infinity, then NaN): no writes at all, then rules apply once the duration is known', () => {
    media.duration = Infinity;
    track({ next: NEXT });
    media.playTo(600);
    media.pause();
    vi.advanceTimersByTime(10 * MIN);
    hide();
    win.emit('pagehide');
    media.duration = NaN;
    media.emit('durationchange');
    media.end();
    expect(calls).toEqual([]);
    media.duration = 7200;
    media.emit('durationchange');
    expect(calls).toEqual([['put', cont(600, 7200), false]]);
  });

  it('a duration that becomes known without an event is read at the next timeupdate', () => {
    media.duration = NaN;
    track();
    media.playTo(300);
    expect(calls).toEqual([]);
    media.duration = 3600;
    media.playTo(300.25);
    expect(calls).toEqual([['put', cont(300), false]]);
  });

  it('negative or NaN positions write nothing', () => {
    track();
    media.playTo(200);
    media.currentTime = -5;
    media.emit('timeupdate');
    hide();
    media.currentTime = NaN;
    media.emit('timeupdate');
    win.emit('pagehide');
    expect(calls).toEqual([['put', cont(108), false]]);
  });

  it('any sequence of hostile positions, durations and events: every item is valid', () => {
    const value = fc.oneof(
      fc.double({ noNaN: false }),
      fc.constantFrom(NaN, Infinity, -Infinity, -1, 0, 0.5, 3599.9, 3600, 1e12),
      fc.integer({ min: 0, max: 4000 }),
    );
    const step = fc.record({
      t: value,
      d: fc.option(value, { nil: undefined }),
      event: fc.constantFrom('timeupdate', 'seeked', 'pause', 'play', 'ended', 'durationchange'),
      hide: fc.boolean(),
      ms: fc.integer({ min: 0, max: 6 * MIN }),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        media = new FakeMedia(NaN);
        calls = [];
        const t = track({ next: NEXT });
        for (const s of steps) {
          media.currentTime = s.t;
          if (s.d !== undefined) media.duration = s.d;
          media.emit(s.event);
          if (s.hide) hide();
          vi.advanceTimersByTime(s.ms);
        }
        t.stop();
        for (const c of calls) {
          if (c[0] !== 'put' || c[1].action !== 'up_next_continue') continue;
          const { position, duration } = c[1] as { position: number; duration: number };
          expect(Number.isInteger(duration) && duration >= 1).toBe(true);
          expect(Number.isInteger(position) && position >= 0 && position <= duration).toBe(true);
        }
        expect(vi.getTimerCount()).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});

describe('rule 7: sink exceptions never break playback', () => {
  it('a throwing put and remove: events do not throw, and later writes still happen', () => {
    let n = 0;
    const angry = {
      put: (item: Record<string, unknown>, urgent: boolean) => {
        calls.push(['put', item, urgent]);
        if (++n <= 2) throw new Error('storage full');
      },
      remove: (id: string, urgent: boolean) => {
        calls.push(['remove', id, urgent]);
        throw new Error('storage full');
      },
    };
    trackPlayback(media, ITEM, { next: NEXT }, angry, env);
    expect(() => media.playTo(500)).not.toThrow();
    expect(() => hide()).not.toThrow();
    expect(() => media.seek(3550)).not.toThrow();
    expect(calls).toEqual([
      ['put', cont(108), false],
      ['put', cont(500), true],
      ['remove', 'ep1', false],
      ['put', nextItem(), false],
    ]);
  });
});

describe('trackProblem', () => {
  it('accepts a media element-like object, an item and options', () => {
    expect(trackProblem(media, ITEM, undefined)).toBeUndefined();
    expect(trackProblem(media, { ...ITEM, duration: 60 }, { creditsAt: 50, next: NEXT })).toBe(
      undefined,
    );
    expect(trackProblem(document.createElement('video'), ITEM, {})).toBeUndefined();
  });

  it('names the field that is wrong', () => {
    const field = (m: unknown, i: unknown, o: unknown) => trackProblem(m, i, o)?.field;
    expect(field(null, ITEM, {})).toBe('media');
    expect(field({ addEventListener() {} }, ITEM, {})).toBe('media');
    expect(field(media, 'ep1', {})).toBe('item');
    expect(field(media, { ...ITEM, content_id: '' }, {})).toBe('item.content_id');
    expect(field(media, { ...ITEM, duration: -1 }, {})).toBe('item.duration');
    expect(field(media, { ...ITEM, duration: Infinity }, {})).toBe('item.duration');
    expect(field(media, ITEM, 5)).toBe('options');
    expect(field(media, ITEM, { creditsAt: NaN })).toBe('options.creditsAt');
    expect(field(media, ITEM, { next: [] })).toBe('options.next');
    expect(field(media, ITEM, { next: { title: 'x' } })).toBe('options.next.content_id');
  });

  it('never throws, even on a hostile getter', () => {
    const hostile = Object.defineProperty({}, 'content_id', {
      get() {
        throw new Error('no');
      },
    });
    expect(trackProblem(media, hostile, {})).toEqual({
      field: 'item',
      message: 'could not be read',
    });
  });
});
