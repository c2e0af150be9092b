import { createReplayGuard, decodeShare, encodeAck, type ShareMessage } from './codec.js';
import { PaketShareError, shareError } from './errors.js';
import type { IncomingShare, Sender, ShareChannel, ShareClaim, ShareStatus } from './types.js';

/**
 * What the platform does with senders its platform cannot vouch for (webOS launch
 * parameters, a URL fragment, a Tizen message without a reply port): `'refuse'`,
 * `'known-app-ids'` (accept only an `app_id` that the allow-list maps some sender to), or
 * `'accept'`. Default: `'refuse'` on Tizen and Firebolt, where an honest sender is always
 * attested, `'known-app-ids'` on webOS and the web.
 */
export type UnattestedPolicy = 'refuse' | 'known-app-ids' | 'accept';

/** Options of {@link receiveShares}. */
export interface ReceiveOptions {
  /**
   * The allow-list: sender (Tizen/Firebolt app ID, or web origin) → the Paket `app_id` it may
   * share. An attested sender must be listed and must share exactly its `app_id`.
   */
  senders: Record<string, string>;
  /** See {@link UnattestedPolicy}. */
  unattested?: UnattestedPolicy;
  /**
   * Links the share, usually `(s) => client.sessions.link(activeProfile(), s)`. A rejection
   * that is a `PaketNetworkError` with `queued === true` counts as queued; any other as refused.
   */
  link(share: IncomingShare): Promise<unknown>;
  /** Told of each share linked or queued. */
  onShare?(share: IncomingShare, status: ShareStatus): void;
  /** Told of each message refused, with a typed error (no Participant ID in it). */
  onReject?(error: PaketShareError, from: Sender): void;
  /** Clock window for `ts`, in ms. Default ±10 minutes. */
  windowMs?: number;
  /** The clock. Default `Date.now`. */
  now?: () => number;
}

/** The checks made on the sender, given the allow-list and policy. */
function checkSender(claim: ShareClaim, from: Sender, o: ReceiveOptions): void {
  const own = Object.prototype.hasOwnProperty;
  if (from.attested && from.id !== null) {
    if (!own.call(o.senders, from.id)) throw shareError('refused', 'sender', 'sender not allowed');
    if (o.senders[from.id] !== claim.appId) {
      throw shareError('refused', 'app_id', 'app_id is not the one this sender may share');
    }
    return;
  }
  const policy =
    o.unattested ??
    (from.platform === 'tizen' || from.platform === 'firebolt' ? 'refuse' : 'known-app-ids');
  if (policy === 'accept') return;
  if (policy === 'known-app-ids') {
    for (const k in o.senders) if (own.call(o.senders, k) && o.senders[k] === claim.appId) return;
    throw shareError('refused', 'app_id', 'app_id not on the allow-list');
  }
  throw shareError('refused', 'sender', 'sender not attested');
}

/**
 * Platform side: listens on `channel`, checks every message (size, version, IDs, sender,
 * freshness, replay) before any request, links what passes through `link` and answers the
 * sender where the channel can. Returns a function that stops listening.
 */
export function receiveShares(channel: ShareChannel, options: ReceiveOptions): () => void {
  if (!options || typeof options.link !== 'function' || !options.senders) {
    throw shareError('invalid', 'options', 'receiveShares needs senders and link');
  }
  const guard = createReplayGuard(options.windowMs, options.now);
  const safe = (f: () => void): void => {
    try {
      f();
    } catch {
      // A faulty callback or reply path must not stop the listener.
    }
  };
  return channel.listen((wire, from, reply) => {
    let message: ShareMessage | undefined;
    const answer = (status: ShareStatus, reason?: string): void => {
      if (reply && message) safe(() => reply(encodeAck(message!.nonce, status, reason)));
    };
    const refuse = (error: PaketShareError): void => {
      answer('refused', error.detail);
      if (options.onReject) safe(() => options.onReject!(error, from));
    };
    try {
      message = decodeShare(wire);
      checkSender(message, from, options);
      guard.check(message);
      guard.record(message);
    } catch (error) {
      refuse(
        error instanceof PaketShareError
          ? error
          : shareError('invalid', 'malformed', 'bad message'),
      );
      return;
    }
    const share: IncomingShare = {
      appId: message.appId,
      participantId: message.participantId,
      from,
      nonce: message.nonce,
      sentAt: message.ts,
    };
    const done = (status: ShareStatus): void => {
      answer(status);
      if (options.onShare) safe(() => options.onShare!(share, status));
    };
    let linking: Promise<unknown>;
    try {
      linking = Promise.resolve(options.link(share));
    } catch (error) {
      linking = Promise.reject(error);
    }
    linking.then(
      () => done('linked'),
      (error: unknown) => {
        if ((error as { queued?: unknown } | null)?.queued === true) done('queued');
        else refuse(shareError('refused', 'service', 'the service refused the link', error));
      },
    );
  });
}

/** The part of a `PaketClient` a platform needs. */
export interface SharingPlatform {
  sessions: { link(profileId: string, input: ShareClaim): Promise<unknown> };
}

/**
 * {@link receiveShares} linking each share to the active profile's Session with
 * `client.sessions.link()`, so one that arrives offline is kept by the outbox (`queued`).
 */
export function linkShares(
  client: SharingPlatform,
  activeProfile: () => string,
  channel: ShareChannel,
  options: Omit<ReceiveOptions, 'link'>,
): () => void {
  return receiveShares(channel, {
    ...options,
    link: (s) =>
      client.sessions.link(activeProfile(), { appId: s.appId, participantId: s.participantId }),
  });
}
