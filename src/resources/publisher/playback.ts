// participants.trackPlayback: the tracker (tracker.ts, the Publisher Guidelines) joined to the
// outbox. Its writes are the profile's putItem and removeItem; those made as the page is
// hidden or exits are journalled synchronously (outbox.ts), so a TV switched off mid-episode
// keeps the position even when IndexedDB cannot finish in time.
import { PaketInputError } from '../../errors/PaketInputError.js';
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
 * What `trackPlayback` returns: the promise of its tracker, with `stop()` usable at once (and
 * as a detached function: `const { stop } = …`). A `stop()` before the tracker started (its
 * code loads on the first call) means it never starts: it attaches nothing, writes nothing,
 * and the promise resolves. `.catch()` and `.then()` return plain promises, without `stop()`:
 * keep the call's own value.
 */
export type StartingTracker = Promise<PlaybackTracker> & PlaybackTracker;

/** The call's handle as the tracker's code sees it: `stopped` once its `stop()` was called. */
export interface TrackerHandle {
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
    // Stopped while its code loaded: the media may hold another title by now, and nothing
    // is checked (no rejection nobody waits for).
    if (handle.stopped) return { stop: () => undefined };
    const p = checkTracking(profileId, media, item, options, config.dialect);
    config.prepare();
    const ignore = (): undefined => undefined; // reported by the outbox's events
    const g = globalThis as { window?: PageTarget; document?: PageTarget };
    try {
      return track(
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
    } catch {
      // A media object whose methods or getters throw (the tracker detached itself).
      throw new PaketInputError('media', 'could not be read', 'participants.trackPlayback');
    }
  };
}
