import type { Dialect } from '../transport/dialect.js';
import type {
  PaketLinkedParticipant,
  PaketListItem,
  PaketSession,
  PaketSessionContext,
  PaketSessionParticipant,
} from '../types.js';
import type { IdentityResource } from './identity.js';
import type { HideInput } from './hides.js';
import type { LinkInput, LinkOptions, Links } from './links.js';

/** A link as the dialect's wire shape has it: a Session Participant (2024) or a Session Context (2025). */
export type PaketLink<D extends Dialect = 'participants'> = [D] extends ['contexts']
  ? PaketSessionContext
  : PaketSessionParticipant;

/**
 * The platform side: one Session per profile ({@link IdentityResource}), and the links of
 * publishers' Participants to it.
 */
export interface SessionsResource<
  D extends Dialect = 'participants',
> extends IdentityResource<PaketSession> {
  /**
   * Links a Participant to the profile's Session (`PUT /v1/upnext/sessions/{session_id}`),
   * creating the Session first if the profile has none. The operation is stored before it is
   * sent: on a network failure or a 5xx after retries it stays queued and the call rejects
   * with a `PaketNetworkError` whose `queued` is `true`; it is delivered later, in order.
   * Resolves with the Session Participant object the service confirmed. With
   * `{ lowPriority: true }` (an unattested share), a full outbox refuses the link rather
   * than drop another queued write for it.
   */
  link(profileId: string, input: LinkInput, options?: LinkOptions): Promise<PaketLink<D>>;
  /** Unlinks a Participant (`DELETE /v1/upnext/sessions/{session_id}/{participant_id}`); queued like {@link SessionsResource.link}. */
  unlink: Links['sessions']['unlink'];
  /** Deletes the profile's Session at the service (`DELETE /v1/upnext/sessions/{session_id}`), then forgets it, its links and its queued operations. */
  remove: Links['sessions']['remove'];
  /**
   * The Participants linked to the profile's Session, as an async iterable that follows
   * `next_key` (`limit`: page size, 1 to 50). Its code loads, and its arguments are checked, at
   * the first `next()`: a bad one rejects it with a `PaketInputError`, before any request.
   */
  participants(
    profileId: string,
    options?: { limit?: number },
  ): AsyncIterable<PaketLinkedParticipant>;
  /**
   * The profile's Up Next list, as an async iterable that follows `next_key` (`limit`: page
   * size, 1 to 200): every linked app's items (S3), or with `participantId` one app's (S4).
   * Its arguments are checked at the first `next()`, as `participants()`'s are.
   */
  upNext(
    profileId: string,
    options?: { participantId?: string; limit?: number },
  ): AsyncIterable<PaketListItem>;
  /**
   * Hides an item of the profile's row (S6, `action: "hide"`); the publisher's server is told
   * by a webhook. Stored before it is sent and queued like {@link SessionsResource.link}; the
   * last of a hide and an unhide of one item is what is sent. A 404 (no such item) is done.
   * Nothing stored for the profile: resolves, creating nothing.
   */
  hide(profileId: string, input: HideInput): Promise<void>;
  /**
   * Shows a hidden item again (S6, `action: "unhide"`). Exists only in the `'contexts'`
   * dialect: in the other it rejects with a `PaketInputError` naming the dialect.
   */
  unhide(profileId: string, input: HideInput): Promise<void>;
  /** The links the service has confirmed for the profile, kept on the device: readable offline, no request. */
  linked(profileId: string): Promise<PaketLink<D>[]>;
}
