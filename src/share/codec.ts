// The hand-off's wire format, version 1: one JSON string.
//   share: {"t":"paket.share","v":1,"app_id":…,"participant_id":…,"nonce":…,"ts":…}
//   ack:   {"t":"paket.share.ack","v":1,"nonce":…,"status":"linked|queued|refused","reason"?:…}
// The ack carries no Participant ID: the nonce is enough to match it.
import { shareError } from './errors.js';
import { isId } from './ids.js';
import type { ShareClaim, ShareStatus } from './types.js';

/** The major version this code writes and the only one it reads. */
export const SHARE_VERSION = 1;
/** The largest message accepted, in UTF-8 bytes: Tizen's message-port cap (16 KiB). */
export const MAX_WIRE_BYTES = 16 * 1024;
/** How far a message's clock may be from the receiver's, in ms (±10 min). */
export const DEFAULT_WINDOW_MS = 10 * 60 * 1000;

/** A decoded share message. */
export interface ShareMessage extends ShareClaim {
  nonce: string;
  ts: number;
}

/** A decoded acknowledgement. */
export interface ShareAck {
  nonce: string;
  status: ShareStatus;
  reason?: string;
}

/** UTF-8 length of `s` (lone surrogates count as 3, as TextEncoder writes them). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/** 16 random bytes, base64url, from the platform's CSPRNG. */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  const c = (globalThis as { crypto?: { getRandomValues?(a: Uint8Array): Uint8Array } }).crypto;
  if (!c || typeof c.getRandomValues !== 'function') {
    throw shareError('unavailable', 'crypto', 'crypto.getRandomValues is missing');
  }
  c.getRandomValues(bytes);
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let out = '';
  for (let i = 0; i < bytes.length; i++)
    out += abc.charAt(bytes[i]! & 63) + abc.charAt(bytes[i]! >> 6);
  return out;
}

function checkClaim(claim: ShareClaim): void {
  if (!isId(claim.appId)) throw shareError('invalid', 'app_id', 'app_id breaks the ID rule');
  if (!isId(claim.participantId)) {
    throw shareError('invalid', 'participant_id', 'participant_id breaks the ID rule');
  }
}

/** Encodes a share; throws `PaketShareError('invalid')` for IDs that break the SDK's rule. */
export function encodeShare(claim: ShareClaim, nonce = newNonce(), now = Date.now()): string {
  checkClaim(claim);
  return JSON.stringify({
    t: 'paket.share',
    v: SHARE_VERSION,
    app_id: claim.appId,
    participant_id: claim.participantId,
    nonce,
    ts: now,
  });
}

/** Parses a wire string into an object of type `t`, checking size and major version. */
function parse(wire: unknown, t: string): Record<string, unknown> {
  if (typeof wire !== 'string') throw shareError('invalid', 'malformed', 'not a string');
  if (wire.length > MAX_WIRE_BYTES || utf8Length(wire) > MAX_WIRE_BYTES) {
    throw shareError('too-large', 'size', `over ${MAX_WIRE_BYTES} bytes`);
  }
  let o: unknown;
  try {
    o = JSON.parse(wire);
  } catch (error) {
    throw shareError('invalid', 'malformed', 'not JSON', error);
  }
  if (!o || typeof o !== 'object' || Array.isArray(o)) {
    throw shareError('invalid', 'malformed', 'not an object');
  }
  const m = o as Record<string, unknown>;
  if (m['t'] !== t) throw shareError('invalid', 'malformed', `not a ${t} message`);
  const v = m['v'];
  if (typeof v !== 'number' || v % 1 !== 0) throw shareError('invalid', 'malformed', 'no version');
  if (v !== SHARE_VERSION) throw shareError('invalid', 'version', `unknown major version ${v}`);
  if (typeof m['nonce'] !== 'string' || !/^[\w-]{16,64}$/.test(m['nonce'])) {
    throw shareError('invalid', 'malformed', 'bad nonce');
  }
  return m;
}

/**
 * Decodes a share, checking its size, major version, IDs and shape (unknown fields are
 * ignored). Freshness and replay are checked by {@link createReplayGuard}.
 */
export function decodeShare(wire: unknown): ShareMessage {
  const m = parse(wire, 'paket.share');
  const claim = { appId: m['app_id'] as string, participantId: m['participant_id'] as string };
  checkClaim(claim);
  const ts = m['ts'];
  if (typeof ts !== 'number' || !isFinite(ts)) throw shareError('invalid', 'malformed', 'bad ts');
  return { ...claim, nonce: m['nonce'] as string, ts };
}

/** Encodes an acknowledgement of the share with `nonce`. */
export function encodeAck(nonce: string, status: ShareStatus, reason?: string): string {
  return JSON.stringify({
    t: 'paket.share.ack',
    v: SHARE_VERSION,
    nonce,
    status,
    ...(reason ? { reason: reason.slice(0, 64) } : {}),
  });
}

/** Decodes an acknowledgement; throws `PaketShareError('invalid' | 'too-large')`. */
export function decodeAck(wire: unknown): ShareAck {
  const m = parse(wire, 'paket.share.ack');
  const status = m['status'];
  if (status !== 'linked' && status !== 'queued' && status !== 'refused') {
    throw shareError('invalid', 'malformed', 'bad status');
  }
  const reason = m['reason'];
  return {
    nonce: m['nonce'] as string,
    status,
    ...(typeof reason === 'string' ? { reason: reason.slice(0, 64) } : {}),
  };
}

/** `true` when `wire` is an ack for `nonce` (any malformed string is `false`). */
export function isAckFor(wire: string, nonce: string): boolean {
  try {
    return decodeAck(wire).nonce === nonce;
  } catch {
    return false;
  }
}

/** Remembers recent nonces and refuses stale or replayed messages. */
export interface ReplayGuard {
  /** Throws `PaketShareError('refused', 'stale' | 'replay')`; does not record. */
  check(message: ShareMessage): void;
  /** Records `message`'s nonce as used. */
  record(message: ShareMessage): void;
}

/**
 * A {@link ReplayGuard} with a ±`windowMs` clock window, keeping at most `limit` nonces (past
 * it, the oldest are forgotten).
 */
export function createReplayGuard(
  windowMs = DEFAULT_WINDOW_MS,
  now: () => number = Date.now,
  limit = 1000,
): ReplayGuard {
  let seen: Record<string, number> = {};
  let count = 0;
  return {
    check(message) {
      if (Math.abs(now() - message.ts) > windowMs) {
        throw shareError('refused', 'stale', 'sent outside the clock window');
      }
      if (Object.prototype.hasOwnProperty.call(seen, message.nonce)) {
        throw shareError('refused', 'replay', 'nonce already seen');
      }
    },
    record(message) {
      // A nonce only needs remembering while its message is fresh; still full, the oldest
      // tenth is forgotten (refusing every share instead would let a flood lock all out).
      if (count >= limit) {
        const t = now();
        const keys = Object.keys(seen)
          .filter((k) => Math.abs(t - seen[k]!) <= windowMs)
          .sort((a, b) => seen[a]! - seen[b]!);
        const fresh: Record<string, number> = {};
        keys.slice(Math.max(0, keys.length - Math.floor(limit * 0.9))).forEach((k) => {
          fresh[k] = seen[k]!;
        });
        seen = fresh;
        count = Object.keys(fresh).length;
      }
      seen[message.nonce] = message.ts;
      count++;
    },
  };
}
