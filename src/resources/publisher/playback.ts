// participants.trackPlayback: the tracker (tracker.ts, the Publisher Guidelines) joined to the
// outbox. Its writes are the profile's putItem and removeItem; those made as the page is
// hidden or exits are journalled synchronously (outbox.ts), so a TV switched off mid-episode
// keeps the position even when IndexedDB cannot finish in time.
import type { Dialect } from '../../transport/dialect.js';
import { checkTracking } from './track-check.js';
import {
  trackPlayback as track,
  type MediaLike,
  type PageTarget,
  type TrackedItem,
  type TrackOptions,
} from './tracker.js';

/** What `trackPlayback` follows: an `HTMLMediaElement`, or any object like one. */
export type TrackedMedia = MediaLike;
/** The title's list item without `action` and `position`; `duration` may be left out (taken from the media). */
export type TrackedTitle = TrackedItem;
/** `creditsAt`: where the end credits begin, in seconds; `next`: the next episode's item (without `action`/`position`). */
export type PlaybackOptions = TrackOptions;
/** A running tracker: `stop()` ends it (and, past the 2-minute rule, writes the position). */
export interface PlaybackTracker {
  stop(): void;
}
/**
 * What `trackPlayback` returns: the promise of its tracker, with `stop()` usable at once. A
 * `stop()` before the tracker started (its code loads on the first call) means it never
 * starts: it reads nothing from the media and writes nothing.
 */
export type StartingTracker = Promise<PlaybackTracker> & PlaybackTracker;

/** The handle a call returns, before its tracker starts: `stop()` marks it `stopped`. */
export interface TrackerHandle {
  stop(): void;
  stopped?: boolean;
}

export interface PlaybackConfig {
  put(profileId: string, item: Record<string, unknown>, urgent: boolean): Promise<void>;
  remove(profileId: string, contentId: string, urgent: boolean): Promise<void>;
  /** Called first: the outbox learns its key, so urgent writes can be journalled synchronously. */
  prepare(): void;
  /** The dialect whose item rules the titles must meet. */
  dialect: Dialect;
}

export function createPlayback(config: PlaybackConfig) {
  return (
    handle: TrackerHandle,
    profileId: string,
    media: TrackedMedia,
    item: TrackedTitle,
    options?: PlaybackOptions,
  ): PlaybackTracker => {
    const p = checkTracking(profileId, media, item, options, config.dialect);
    // Stopped while its code loaded: the media may hold another title by now.
    if (handle.stopped) return { stop: () => undefined };
    config.prepare();
    const ignore = (): undefined => undefined; // reported by the outbox's events
    const g = globalThis as { window?: PageTarget; document?: PageTarget };
    const tracker = track(
      media,
      item,
      options ?? {},
      {
        put: (i, urgent) => void config.put(p, i, urgent).catch(ignore),
        remove: (id, urgent) => void config.remove(p, id, urgent).catch(ignore),
      },
      {
        setTimeout: (fn, ms) => setTimeout(fn, ms),
        clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
        ...(g.window && typeof g.window.addEventListener === 'function' && { window: g.window }),
        ...(g.document &&
          typeof g.document.addEventListener === 'function' && { document: g.document }),
      },
    );
    // From now on the call's stop() stops the tracker.
    handle.stop = () => tracker.stop();
    return { stop: handle.stop };
  };
}
