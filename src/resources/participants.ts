import type { Dialect } from '../transport/dialect.js';
import type { PaketContext, PaketListItem, PaketParticipant } from '../types.js';
import type { IdentityResource } from './identity.js';
import type { PaketItemInput } from './publisher/item.js';

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
  /** The profile's own items as the service has them (P3), an async iterable following `next_key` (`limit`: page size, 1 to 200). */
  items(profileId: string, options?: { limit?: number }): AsyncIterable<PaketListItem>;
  /** Detaches the profile's Participant from every Session (P4): for a sign-out or a deleted account. Queued like a put. */
  leaveSessions(profileId: string): Promise<void>;
}
