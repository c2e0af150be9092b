import type { Dialect } from '../transport/dialect.js';
import type {
  PaketLinkedParticipant,
  PaketSession,
  PaketSessionContext,
  PaketSessionParticipant,
} from '../types.js';
import type { IdentityResource } from './identity.js';
import type { LinkInput, Links } from './links.js';

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
   * Resolves with the Session Participant object the service confirmed.
   */
  link(profileId: string, input: LinkInput): Promise<PaketLink<D>>;
  /** Unlinks a Participant (`DELETE /v1/upnext/sessions/{session_id}/{participant_id}`); queued like {@link SessionsResource.link}. */
  unlink: Links['sessions']['unlink'];
  /** Deletes the profile's Session at the service (`DELETE /v1/upnext/sessions/{session_id}`), then forgets it, its links and its queued operations. */
  remove: Links['sessions']['remove'];
  /** The Participants linked to the profile's Session, as an async iterable that follows `next_key` (`limit`: page size, 1 to 50). */
  participants(
    profileId: string,
    options?: { limit?: number },
  ): AsyncIterable<PaketLinkedParticipant>;
  /** The profile's aggregated Up Next list, as an async iterable that follows `next_key` (`limit`: page size, 1 to 200). */
  upNext: Links['sessions']['upNext'];
  /** The links the service has confirmed for the profile, kept on the device: readable offline, no request. */
  linked(profileId: string): Promise<PaketLink<D>[]>;
}
