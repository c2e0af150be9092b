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
export function receiveShares(channel: ShareChannel, given: ReceiveOptions): () => void {
  const options = receiveOptions(given);
  const { link, onShare, onReject } = options;
  // The clock the checks use: one that fails, or gives no finite time, refuses the share.
  const clock = (): number => {
    let t: unknown;
    try {
      t = (options.now ?? Date.now)();
    } catch (error) {
      throw shareError('refused', 'stale', 'the clock failed', error);
    }
    if (typeof t !== 'number' || !isFinite(t)) {
      throw shareError('refused', 'stale', 'the clock gave no time');
    }
    return t;
  };
  // Attested senders and unattested ones have limits apart: a flood of one kind never
  // refuses the other.
  const pools = [pool(options.windowMs, clock, 8), pool(options.windowMs, clock, 4)] as const;
  const safe = (f: () => void): void => {
    try {
      f();
    } catch {
      // A faulty callback or reply path must not stop the listener.
    }
  };
  return channel.listen((wire, from, reply) => {
    let message: ShareMessage | undefined;
    let admitted: Pool | undefined;
    const answer = (status: ShareStatus, reason?: string): void => {
      if (reply && message) safe(() => reply(encodeAck(message!.nonce, status, reason)));
    };
    const refuse = (error: PaketShareError): void => {
      answer('refused', error.detail);
      if (onReject) safe(() => onReject.call(given, error, from));
    };
    try {
      message = decodeShare(wire);
      checkSender(message, from, options);
      const attested = from.attested && from.id !== null;
      admitted = pools[attested ? 0 : 1];
      // Stale and replayed messages first, so that junk spends no budget. Then the sender's
      // budget: an attested one by its ID; an unattested one by the pair it shares, which only
      // its publisher knows (counted by app_id alone, any app could spend a publisher's).
      admitted.guard.check(message);
      admitted.rate(attested ? `${from.id}` : `${message.appId}\n${message.participantId}`);
      if (admitted.busy >= admitted.slots) {
        throw shareError('refused', 'rate', 'too many shares at once');
      }
      admitted.guard.record(message);
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
      if (onShare) safe(() => onShare.call(given, share, status));
    };
    let linked: Promise<unknown>;
    try {
      linked = Promise.resolve(link.call(given, share));
    } catch (error) {
      linked = Promise.reject(error);
    }
    // The slot is free when the link settles, or after SLOT_MS (a link that never settles).
    const held = admitted;
    held.busy++;
    let holding = true;
    const free = (): void => {
      if (holding) held.busy--;
      holding = false;
      clearTimeout(timer);
    };
    const timer = setTimeout(free, SLOT_MS);
    linked.then(free, free);
    linked.then(
      () => done('linked'),
      (error: unknown) => {
        if ((error as { queued?: unknown } | null)?.queued === true) done('queued');
        else refuse(shareError('refused', 'service', 'the service refused the link', error));
      },
    );
  });
}

/** Shares one sender key may make in a minute. */
const PER_SENDER_PER_MINUTE = 10;
/** Sender keys a pool remembers at once. */
const MAX_SENDERS = 256;
/** The longest a share holds a linking slot (a `link` that never settles frees it then). */
const SLOT_MS = 60_000;
/** The longest clock window a receiver takes: a day. */
const MAX_WINDOW_MS = 86_400_000;

/** One kind of sender's limits: its replay guard, its rate per key, its linking slots. */
interface Pool {
  guard: ReturnType<typeof createReplayGuard>;
  rate: (key: string) => void;
  slots: number;
  busy: number;
}

function pool(windowMs: number | undefined, now: () => number, slots: number): Pool {
  return { guard: createReplayGuard(windowMs, now), rate: senderRate(now), slots, busy: 0 };
}

/** The options read once and checked: a getter that throws or a wrong type is a `PaketShareError`. */
function receiveOptions(given: ReceiveOptions): ReceiveOptions {
  const o: Record<string, unknown> = {};
  const names = ['senders', 'link', 'unattested', 'onShare', 'onReject', 'windowMs', 'now'];
  const bad = (rule: string, cause?: unknown): never => {
    throw shareError('invalid', 'options', `receiveShares: ${rule}`, cause);
  };
  names.forEach((name) => {
    try {
      o[name] = (given as unknown as Record<string, unknown>)[name];
    } catch (error) {
      bad(`${name} could not be read`, error);
    }
    const v = o[name];
    if (v === undefined || v === null) {
      delete o[name]; // not given
      return;
    }
    if (
      name === 'windowMs'
        ? !(typeof v === 'number' && v > 0 && v <= MAX_WINDOW_MS)
        : name === 'unattested'
          ? ['refuse', 'known-app-ids', 'accept'].indexOf(v as string) < 0
          : name !== 'senders' && typeof v !== 'function'
    ) {
      bad(`${name} is not valid (see ReceiveOptions)`);
    }
  });
  if (typeof o.link !== 'function' || !o.senders || typeof o.senders !== 'object') {
    bad('senders and link are required');
  }
  return o as unknown as ReceiveOptions;
}

/**
 * A limit of {@link PER_SENDER_PER_MINUTE} shares a minute per sender key, for at most
 * {@link MAX_SENDERS} keys: the returned function throws `PaketShareError('refused', 'rate')`
 * past it. A clock set back starts the minute again.
 */
function senderRate(now: () => number): (key: string) => void {
  const recent = new Map<string, number[]>();
  return (key) => {
    const t = now();
    const kept = (recent.get(key) ?? []).filter((x) => x <= t && t - x < 60_000);
    if (kept.length >= PER_SENDER_PER_MINUTE) {
      recent.set(key, kept);
      throw shareError('refused', 'rate', 'too many shares from this sender');
    }
    if (!recent.has(key) && recent.size >= MAX_SENDERS) {
      // Forget senders quiet for a minute; still full, the longest known goes (refusing the
      // newcomer instead would let a flood of made-up senders lock every real one out).
      recent.forEach((times, k) => {
        if (!times.some((x) => x <= t && t - x < 60_000)) recent.delete(k);
      });
      if (recent.size >= MAX_SENDERS) recent.delete(recent.keys().next().value as string);
    }
    kept.push(t);
    recent.set(key, kept);
  };
}

/** The part of a `PaketClient` a platform needs. */
export interface SharingPlatform {
  sessions: {
    link(
      profileId: string,
      input: ShareClaim,
      options?: { lowPriority?: boolean },
    ): Promise<unknown>;
  };
}

/**
 * {@link receiveShares} linking each share to the active profile's Session with
 * `client.sessions.link()`, so one that arrives offline is kept by the outbox (`queued`). A
 * share from an unattested sender links with `lowPriority`: however many arrive offline,
 * they never push the user's own queued writes out of the outbox.
 */
export function linkShares(
  client: SharingPlatform,
  activeProfile: () => string,
  channel: ShareChannel,
  options: Omit<ReceiveOptions, 'link'>,
): () => void {
  let given: Omit<ReceiveOptions, 'link'>;
  try {
    given = { ...options };
  } catch (error) {
    throw shareError('invalid', 'options', 'receiveShares: options could not be read', error);
  }
  return receiveShares(channel, {
    ...given,
    link: (s) =>
      client.sessions.link(
        activeProfile(),
        { appId: s.appId, participantId: s.participantId },
        { lowPriority: !(s.from.attested && s.from.id !== null) },
      ),
  });
}
