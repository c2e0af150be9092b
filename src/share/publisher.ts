import { claimOf } from './claim.js';
import { decodeAck, encodeShare, isAckFor, newNonce } from './codec.js';
import { PaketShareError, shareError } from './errors.js';
import type { ShareChannel, ShareClaim, ShareStatus } from './types.js';

/** What {@link shareParticipant} learned. */
export interface ShareResult {
  /** `true` when the platform answered; `false` on channels without a reply path (webOS, URL launch). */
  acked: boolean;
  /** What the platform did with it, when it answered. */
  status?: ShareStatus;
  /** The platform's short reason for a refusal (for example `sender`, `replay`). */
  reason?: string;
}

/** Options of {@link shareParticipant}. */
export interface ShareOptions {
  /** How long to wait for the platform's answer, in ms. Default 5,000. */
  timeoutMs?: number;
}

/**
 * Publisher side: hands the profile's `{ appId, participantId }` (or the Participant or
 * Context object `ensure()` returned) to the platform app over `channel`. Call it at every
 * start and every profile switch: the platform's link is idempotent. Rejects with a
 * `PaketShareError`: `invalid` (bad IDs, before anything is sent), `unavailable` (no
 * platform listening), `timeout`, `too-large`.
 */
export async function shareParticipant(
  channel: ShareChannel,
  source: ShareClaim | object,
  options: ShareOptions = {},
): Promise<ShareResult> {
  if (!source || typeof source !== 'object') {
    throw shareError(
      'invalid',
      'source',
      'share a Participant, a Context or { appId, participantId }',
    );
  }
  let claim: ShareClaim;
  let timeoutMs: unknown;
  try {
    // Read once, into plain values: a getter that throws (or a Proxy) is a PaketShareError.
    const given =
      'participantId' in source && 'appId' in source ? (source as ShareClaim) : claimOf(source);
    claim = { appId: given.appId, participantId: given.participantId };
    timeoutMs = (options ?? {}).timeoutMs ?? 5000;
  } catch (error) {
    if (error instanceof PaketShareError) throw error;
    throw shareError('invalid', 'source', 'the share could not be read (a getter threw)', error);
  }
  const nonce = newNonce();
  const wire = encodeShare(claim, nonce);
  // setTimeout takes at most 2^31 - 1 ms: a longer wait would end at once.
  if (!(typeof timeoutMs === 'number' && timeoutMs > 0 && timeoutMs <= 2_147_483_647)) {
    throw shareError('invalid', 'timeoutMs', 'timeoutMs must be from 1 to 2147483647 ms');
  }
  const answer = await channel.send(wire, { timeoutMs, accepts: (a) => isAckFor(a, nonce) });
  if (answer === undefined) return { acked: false };
  const ack = decodeAck(answer);
  return { acked: true, status: ack.status, ...(ack.reason ? { reason: ack.reason } : {}) };
}

/** The part of a `PaketClient` a publisher needs. */
export interface SharingPublisher {
  participants: { ensure(profileId: string): Promise<object> };
}

/**
 * `participants.ensure(profileId)`, then {@link shareParticipant}: what a publisher app runs
 * at start and on every profile switch.
 */
export async function shareProfile(
  client: SharingPublisher,
  profileId: string,
  channel: ShareChannel,
  options?: ShareOptions,
): Promise<ShareResult> {
  return shareParticipant(channel, await client.participants.ensure(profileId), options);
}
