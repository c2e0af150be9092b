// The Publisher Guidelines applied to one playback: when to put, update and remove an Up Next
// item. Pure: no storage, no network, no globals; writes go to an injected sink and time to
// injected timers, so that the outbox side and fake timers plug in alike.
//
// Choices where the guidelines are silent:
// - "Watched" is the position reached (currentTime), not time spent: a seek past the threshold
//   counts (a user who jumps to minute 40 and stops wants a continue item).
// - Position updates (pause, stall, hidden, exit, stop) are written only once the threshold was
//   passed in this run; a title the user barely started is never written. Once passed, a seek
//   back below the threshold still updates the item (it exists on the service).
// - After the finish (remove, then `next`), nothing puts the item back, except a `seeked` to a
//   position before both the end region and the position where it finished: a rewatch, tracked
//   from scratch (threshold again). An `ended` with no seek never restarts it.
// - A stall (not paused, no progress) is seen by a one-minute check (no timer per timeupdate):
//   written more than 5 and at most 6 minutes after the last progress. A pause writes exactly
//   5 minutes after the `pause` event (or after the start, when tracking starts paused).
// - `item.duration` wins over `media.duration`; until either is a finite number >= 1 s, nothing
//   is written, not even a remove on `ended` (live streams).
// - The end region starts where the credits begin (`creditsAt`) or 3% or less remains,
//   whichever is earlier (a `creditsAt` past the last 3% does not delay the finish);
//   `ended` always finishes.
// - A pause, stall, hide, exit or stop() found in the end region (no timeupdate there yet)
//   finishes instead of writing a position: urgent when hidden or exiting.

/** What the tracker needs of a player: an `HTMLMediaElement` or any object like one. */
export interface MediaLike {
  currentTime: number;
  duration: number;
  paused: boolean;
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}
/** The title's list item without action/position; duration optional (taken from media.duration when finite). */
export type TrackedItem = Record<string, unknown> & { content_id: string };
/** `creditsAt`: seconds where the end credits begin; `next`: the next episode's list item. */
export interface TrackOptions {
  creditsAt?: number;
  next?: TrackedItem;
}
/** Where the tracker's writes go (the outbox side). */
export interface TrackerSink {
  /** Put the item (with action and position filled). `urgent`: the page may die right after (pagehide, hidden): the sink stores synchronously. Must not throw (the tracker guards anyway). */
  put(item: Record<string, unknown>, urgent: boolean): void;
  /** Remove the item by `content_id`. Must not throw. */
  remove(contentId: string, urgent: boolean): void;
}
/** What `window` and `document` offer the tracker. */
export interface PageTarget {
  addEventListener(t: string, l: () => void): void;
  removeEventListener(t: string, l: () => void): void;
}
/** Timers and page events, injected. */
export interface TrackerEnv {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Where visibilitychange/pagehide are listened for (window and document); absent in Node. */
  window?: PageTarget;
  /** Where `visibilitychange` is listened for; `visibilityState` read on it. */
  document?: PageTarget & { visibilityState?: string };
}

const IDLE_MS = 5 * 60_000;
const CHECK_MS = 60_000;

/**
 * Tracks one playback of `item` on `media` and writes to `sink` as the Publisher Guidelines
 * say: `up_next_continue` once more than 2 minutes or 3% is reached; the position after 5
 * minutes paused or stalled, and (urgent) when the page is hidden or exits; a remove when the
 * credits (`creditsAt`) begin, 3% or less remains or `ended`, then `next` as `up_next_next`.
 * No write on plain `timeupdate` progress. `stop()` removes every listener and timer and, past
 * the threshold and not finished, puts the current position; it is idempotent.
 */
export function trackPlayback(
  media: MediaLike,
  item: TrackedItem,
  options: TrackOptions,
  sink: TrackerSink,
  env: TrackerEnv,
): { stop(): void } {
  const fixed = typeof item.duration === 'number' ? item.duration : undefined;
  const credits = typeof options.creditsAt === 'number' ? options.creditsAt : Infinity;
  // `whole`: the item's duration in whole seconds, 0 while unknown.
  let whole = 0,
    threshold = Infinity,
    endAt = Infinity,
    finishedAt = 0,
    checkedAt = NaN,
    idle = 0;
  let armed = false,
    finished = false,
    stopped = false;
  let lastPos: number | undefined, pauseTimer: unknown, checkTimer: unknown;

  const guard = (fn: () => void): void => {
    try {
      fn();
    } catch {
      /* never break playback */
    }
  };
  const refresh = (): boolean => {
    const d = fixed ?? media.duration;
    whole = d >= 1 && d < Infinity ? Math.floor(d) : 0;
    threshold = Math.min(120, d * 0.03);
    endAt = Math.min(credits, d - d * 0.03);
    return whole > 0;
  };
  const update = (urgent: boolean): void => {
    const t = media.currentTime;
    if (finished || whole === 0 || !(t >= 0)) return;
    if (t >= endAt) return finish(urgent); // reached without a timeupdate there (a seek, a jump)
    if (!armed) return;
    const position = Math.min(Math.floor(t), whole);
    if (position === lastPos) return;
    lastPos = position;
    guard(() =>
      sink.put({ ...item, action: 'up_next_continue', duration: whole, position }, urgent),
    );
  };
  const clearTimers = (): void => {
    env.clearTimeout(pauseTimer);
    env.clearTimeout(checkTimer);
    pauseTimer = checkTimer = undefined;
  };
  const check = (): void => {
    const t = media.currentTime;
    checkTimer = env.setTimeout(check, CHECK_MS); // first: a finish in update() clears it
    if (t !== checkedAt) {
      checkedAt = t;
      idle = 0;
    } else if (++idle === IDLE_MS / CHECK_MS) update(false);
  };
  const startCheck = (): void => {
    if (checkTimer !== undefined || finished) return;
    checkedAt = media.currentTime;
    idle = 0;
    checkTimer = env.setTimeout(check, CHECK_MS);
  };
  const finish = (urgent = false): void => {
    const t = media.currentTime;
    finished = true;
    finishedAt = t < endAt ? t : endAt;
    clearTimers();
    guard(() => sink.remove(item.content_id, urgent));
    const next = options.next;
    if (next) {
      const n: Record<string, unknown> = { ...next, action: 'up_next_next' };
      delete n.position;
      guard(() => sink.put(n, urgent));
    }
  };
  // The hot path: a few comparisons per timeupdate, no allocation, no timer.
  const onTime = (): void => {
    if (finished || (whole === 0 && !refresh())) return;
    const t = media.currentTime;
    if (t >= endAt) finish();
    else if (!armed && t > threshold) {
      armed = true;
      update(false);
    }
  };
  const onSeeked = (): void => {
    const t = media.currentTime;
    if (finished && t < finishedAt) {
      finished = armed = false;
      lastPos = undefined;
      if (!media.paused) startCheck();
    }
    onTime();
  };
  const onPause = (): void => {
    clearTimers();
    if (!finished)
      pauseTimer = env.setTimeout(() => {
        pauseTimer = undefined;
        update(false);
      }, IDLE_MS);
  };
  const onPlay = (): void => {
    env.clearTimeout(pauseTimer);
    startCheck();
  };
  const onEnded = (): void => {
    if (!finished && (whole > 0 || refresh())) finish();
  };
  const onDuration = (): void => {
    if (refresh()) onTime();
  };
  const onHidden = (): void => {
    if (env.document?.visibilityState === 'hidden') update(true);
  };
  const onExit = (): void => update(true);
  const handlers: Record<string, () => void> = {
    timeupdate: onTime,
    seeked: onSeeked,
    pause: onPause,
    play: onPlay,
    ended: onEnded,
    loadedmetadata: onDuration,
    durationchange: onDuration,
  };

  const types = Object.keys(handlers);
  const detach = (): void => {
    clearTimers();
    for (const type of types) media.removeEventListener(type, handlers[type] as () => void);
    env.document?.removeEventListener('visibilitychange', onHidden);
    env.window?.removeEventListener('pagehide', onExit);
  };
  try {
    for (const type of types) media.addEventListener(type, handlers[type] as () => void);
    env.document?.addEventListener('visibilitychange', onHidden);
    env.window?.addEventListener('pagehide', onExit);
    refresh();
    onTime();
    if (media.paused) onPause();
    else startCheck();
  } catch (error) {
    // A media object whose methods or getters throw: nothing stays attached.
    stopped = finished = true;
    try {
      detach();
    } catch {
      // it cannot even remove its listeners: they find `finished` set and do nothing
    }
    throw error;
  }

  return {
    stop(): void {
      if (stopped) return;
      stopped = true;
      detach();
      update(false);
      finished = true;
    },
  };
}
