import type { Dialect } from '../transport/dialect.js';
import type { PaketContext, PaketListItem, PaketParticipant } from '../types.js';
import type { IdentityResource } from './identity.js';
import type { PaketItemInput } from './publisher/item.js';
import type {
  PlaybackOptions,
  StartingTracker,
  TrackedMedia,
  TrackedTitle,
} from './publisher/playback.js';

/**
 * The publisher side: one Participant (2024) or Context (2025) per profile
 * ({@link IdentityResource}), and the profile's Up Next items. Every write is for the
 * profile's stored Participant, created once (as `ensure()` does) when there is none.
 */
export interface ParticipantsResource<D extends Dialect = 'participants'> extends IdentityResource<
  [D] extends ['contexts'] ? PaketContext : PaketParticipant
> {
  /**
   * Adds or updates an item (P1, `PUT /v1/upnext/participants/{participant_id}`, an upsert by
   * `content_id`). The item is checked first (a `PaketInputError` naming the field, nothing
   * stored), then stored before it is sent. On a network failure or a 5xx after retries, or
   * while the Participant cannot be created yet, it stays queued and the call rejects with a
   * `PaketNetworkError` whose `queued` is `true`. While it waits, a newer put of the same
   * `content_id` replaces it, and a remove replaces both.
   */
  putItem(profileId: string, item: PaketItemInput): Promise<void>;
  /** Removes an item (P2); queued like {@link ParticipantsResource.putItem}. A 404 is done too. Nothing stored for the profile: resolves, creating nothing. */
  removeItem(profileId: string, contentId: string): Promise<void>;
  /**
   * The profile's own items as the service has them (P3), an async iterable following
   * `next_key` (`limit`: page size, 1 to 200). Its arguments are checked at the first `next()`
   * (a `PaketInputError`, before any request).
   */
  items(profileId: string, options?: { limit?: number }): AsyncIterable<PaketListItem>;
  /** Detaches the profile's Participant from every Session (P4): for a sign-out or a deleted account. Queued like a put. */
  leaveSessions(profileId: string): Promise<void>;
  /**
   * Writes the title's Up Next item as the Publisher Guidelines say, while `media` plays:
   * `up_next_continue` once more than 2 minutes or 3% is watched; the position on a pause of
   * 5 minutes and when the app is hidden or exits (stored synchronously, delivered at the next
   * start if need be); removed when the credits begin or 3% or less remains, then `next` as
   * `up_next_next`. No write on plain progress. Failures reach `onEvent`, never the player.
   * Returns the promise of the tracker, which resolves once it follows `media` (its code loads
   * on the first call, with the outbox), with `stop()` on it usable at once, also taken apart
   * (`const { stop } = …`). A stop before the tracker started means it never starts: nothing
   * is checked, attached or written, and the promise resolves, so a player that closes at once
   * and reuses its media element for another title is safe. Otherwise a bad argument (media,
   * item or options, by the item rules of `putItem`; a media object whose getters throw) rejects
   * it with a `PaketInputError` naming it, and code that could not load with a
   * `PaketNetworkError`; nothing is tracked then. Handle the rejection; keep the call's own
   * value for `stop()` (`.catch()` returns a plain promise).
   * @param item the title's list item without `action` and `position` (`duration` may be
   *   left out: it is taken from the media).
   */
  trackPlayback(
    profileId: string,
    media: TrackedMedia,
    item: TrackedTitle,
    options?: PlaybackOptions,
  ): StartingTracker;
}
