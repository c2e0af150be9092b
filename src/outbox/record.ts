// The outbox's stored record and the pure functions that change it. Everything keyed by
// user data (profile, participant and content IDs) lives in arrays of entries, never as
// object keys: a profile named `__proto__` or `constructor` is data like any other.
import { PaketStorageError } from '../errors/PaketStorageError.js';
import { hashText } from '../transport/hash.js';
import type { PaketSessionParticipant } from '../types.js';

/** An operation waiting in the outbox. */
export interface QueuedOperation {
  id: string;
  /** What it does: `link`, `unlink` (and, with the publisher calls, item writes and hides). */
  type: string;
  /**
   * What it changes: operations with the same target coalesce (the newer replaces the
   * queued one), and overflow drops a target's operation whole.
   */
  target: string;
  profileId: string;
  participantId: string;
  /** For links: the publisher's `app_id`. */
  appId?: string;
  /** For item writes and hides: the publisher's content ID. */
  contentId?: string;
  /** For item writes: the list item. */
  item?: Record<string, unknown>;
  /** The Idempotency-Key of a PUT; reused on every delivery attempt. */
  key: string;
  /** Queued by the SDK to restore a link (a lost Session, a reconcile). */
  relink?: true;
  /**
   * Low priority (a link from a sender nobody vouches for): on overflow it goes first, and
   * it never pushes another write out (a full outbox refuses it instead).
   */
  low?: true;
  /**
   * A request for it may have left: it is never replaced (the service may still be executing
   * it, and a newer write under a fresh key would land first); a newer write of the same
   * target queues after it.
   */
  sent?: true;
  /** IDs of the operations this one replaced (their callers learn this one's outcome). */
  merged?: string[];
  queuedAt: string;
}

/** A link the service confirmed, with the profile it belongs to and the operation that made it. */
export interface ConfirmedLink extends PaketSessionParticipant {
  profileId: string;
  op: string;
}

/**
 * An operation's outcome: status 0 done, an HTTP status refused, -1 overflow, -2 removed, -3
 * superseded (replaced while queued by a later operation of another kind: a link by an unlink).
 */
export interface Outcome {
  target: string;
  op: string;
  status: number;
  merged?: string[];
}

export interface OutboxRecord {
  v: 3;
  ops: QueuedOperation[];
  links: ConfirmedLink[];
  outcomes: Outcome[];
  /** Sessions the service lost (the last 20): every instance moves to the replacement. */
  gone: string[];
  /** Profiles whose links this device knows in full (a reconcile may unlink what else the service shows). */
  known: string[];
  /** When each profile was last reconciled (wall-clock ms; a time in the future counts as due). */
  reconciled: { p: string; at: number }[];
}

export const OUTCOMES_KEPT = 500;
export const STATUS_OVERFLOW = -1;
export const STATUS_REMOVED = -2;
export const STATUS_SUPERSEDED = -3;

const isString = (v: unknown): v is string => typeof v === 'string';
const isObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);

const validOp = (o: Record<string, unknown>): boolean =>
  [o.id, o.type, o.target, o.profileId, o.participantId, o.key].every(isString) &&
  (o.item === undefined || isObject(o.item));
const validLink = (l: Record<string, unknown>): boolean =>
  [l.profileId, l.participant_id, l.session_id].every(isString);
const validOutcome = (o: Record<string, unknown>): boolean =>
  isString(o.target) && isString(o.op) && typeof o.status === 'number';

export const emptyRecord = (): OutboxRecord => ({
  v: 3,
  ops: [],
  links: [],
  outcomes: [],
  gone: [],
  known: [],
  reconciled: [],
});

/**
 * The stored value as a record. What is unreadable is dropped item by item (a corrupted
 * operation must not cost the profile its confirmed links); `lost` says whether any was.
 * A record of the previous layout (v2, before this release) is converted.
 */
export function parseRecord(value: unknown): { record: OutboxRecord; lost: boolean } {
  const record = emptyRecord();
  if (value === undefined || value === null) return { record, lost: false };
  if (!isObject(value)) return { record, lost: true };
  let lost = false;
  const list = <T>(items: unknown, valid: (item: Record<string, unknown>) => boolean): T[] => {
    if (items === undefined) return [];
    const all = Array.isArray(items) ? (items as unknown[]) : [];
    const kept = all.filter((item) => isObject(item) && valid(item));
    if (kept.length !== all.length || !Array.isArray(items)) lost = true;
    return kept as T[];
  };
  if (value.v === 2) return { record: fromV2(value), lost: false };
  // Written by a newer SDK version (an app rolled back): its layout is not this one's, and
  // what it queued must not be replaced; every call that needs the record fails instead.
  // (So a version that adds an operation kind must raise `v`: this one drops a kind it does
  // not know, which would otherwise lose that version's write.)
  if (typeof value.v === 'number' && value.v > 3) throw new PaketStorageError('read', 'version');
  if (value.v !== 3) return { record, lost: true };
  record.ops = list(value.ops, validOp);
  record.links = list(value.links, validLink);
  record.outcomes = list(value.outcomes, validOutcome);
  record.gone = Array.isArray(value.gone) ? value.gone.filter(isString) : [];
  record.known = Array.isArray(value.known) ? value.known.filter(isString) : [];
  record.reconciled = list(value.reconciled, (r) => isString(r.p) && typeof r.at === 'number');
  return { record, lost };
}

/** The v0.1 record: `ops`, `linked` keyed by profile, `gone`. */
function fromV2(value: Record<string, unknown>): OutboxRecord {
  const record = emptyRecord();
  const ops = Array.isArray(value.ops) ? (value.ops as Record<string, unknown>[]) : [];
  for (const o of ops) {
    if (!isObject(o) || !isString(o.profileId) || !isString(o.participantId)) continue;
    const op = { ...o, target: linkTarget(o.profileId, o.participantId) };
    if (validOp(op)) record.ops.push(op as unknown as QueuedOperation);
  }
  const linked = isObject(value.linked) ? value.linked : {};
  for (const profileId of Object.keys(linked)) {
    const links = linked[profileId];
    if (!Array.isArray(links)) continue;
    for (const l of links as Record<string, unknown>[]) {
      const link = { ...l, profileId, op: '' };
      if (isObject(l) && validLink(link)) record.links.push(link as unknown as ConfirmedLink);
    }
    record.known.push(profileId);
  }
  record.gone = Array.isArray(value.gone) ? value.gone.filter(isString) : [];
  return record;
}

/** The coalescing target of a link or unlink. */
export const linkTarget = (profileId: string, participantId: string): string =>
  JSON.stringify(['link', profileId, participantId]);

/** The profile's confirmed links, as the service's objects. */
export const linksOf = (r: OutboxRecord, profileId: string): PaketSessionParticipant[] =>
  r.links
    .filter((l) => l.profileId === profileId)
    .map((l) => {
      const link: Partial<ConfirmedLink> = { ...l };
      delete link.profileId;
      delete link.op;
      return link as PaketSessionParticipant;
    });

/**
 * Records an operation's outcome: the last 4 of each target (and, apart, the last 4 superseded
 * ones), the newest OUTCOMES_KEPT in all.
 */
export function recordOutcome(r: OutboxRecord, op: QueuedOperation, status: number): void {
  // The last few of each target: a caller whose operation was followed by another of the
  // same target (an unlink, then a link) still learns its own.
  // Superseded outcomes are kept apart (the last 4 of those too): toggles queued quickly must
  // not push out the outcome of a write the service executed, which a caller may be waiting for.
  const superseded = status === STATUS_SUPERSEDED;
  const mine = (o: Outcome): boolean =>
    o.target === op.target && (o.status === STATUS_SUPERSEDED) === superseded;
  let same = r.outcomes.filter(mine).length;
  r.outcomes = r.outcomes.filter((o) => !mine(o) || same-- <= 3);
  r.outcomes.push({
    target: op.target,
    op: op.id,
    status,
    ...(op.merged ? { merged: op.merged } : {}),
  });
  if (r.outcomes.length > OUTCOMES_KEPT) r.outcomes.splice(0, r.outcomes.length - OUTCOMES_KEPT);
}

/**
 * Queues `op`: a queued operation with the same target is replaced by it (the user's last
 * word is what counts: link then unlink sends one unlink, a put then a newer put sends the
 * newer), unless it was sent already (then `op` waits behind it), and past `limit` targets the oldest are dropped whole (never one with a sent
 * operation, which may be in flight). Returns the operations replaced and those dropped.
 */
export function enqueue(
  r: OutboxRecord,
  op: QueuedOperation,
  limit: number,
): { replaced: QueuedOperation[]; dropped: QueuedOperation[] } {
  const replaced = r.ops.filter((o) => o.target === op.target && !o.sent);
  if (replaced.length) {
    // Callers of a replaced write of the same kind learn this one's outcome; those of another
    // kind (a link the user then unlinked) learn, from the record too, that it was superseded.
    const ids = replaced
      .filter((o) => o.type === op.type)
      .flatMap((o) => [...(o.merged ?? []), o.id])
      .slice(-20);
    if (ids.length) op.merged = ids;
    // What it replaces had the user's priority: so has it.
    if (replaced.some((o) => !o.low)) delete op.low;
    for (const o of replaced) if (o.type !== op.type) recordOutcome(r, o, STATUS_SUPERSEDED);
    // The replacement keeps the place of the first one it replaces: order across targets stays.
    const at = r.ops.indexOf(replaced[0] as QueuedOperation);
    r.ops = r.ops.filter((o) => replaced.indexOf(o) < 0);
    r.ops.splice(at, 0, op);
  } else {
    r.ops.push(op);
  }
  const dropped: QueuedOperation[] = [];
  // The bound counts targets (a sent write and the newer one behind it are one target); a
  // Set, in queue order, keeps an enqueue linear in the queue's length.
  let all = Array.from(new Set(r.ops.map((o) => o.target)));
  while (all.length > limit) {
    // The oldest target that was never sent (the service may be executing a sent one) and
    // is not the new operation's.
    const sent = new Set(r.ops.filter((o) => o.sent).map((o) => o.target));
    // A target is low priority only when all its operations are (a user's relink queued
    // ahead of a low re-share of the same participant is the user's).
    const users = new Set(r.ops.filter((o) => !o.low).map((o) => o.target));
    const free = (t: string): boolean => t !== op.target && !sent.has(t);
    // Low-priority writes go first; one never pushes out a write of the user's: it goes itself
    // (with the low ones of its target it replaced).
    const victim =
      all.find((t) => free(t) && !users.has(t)) ?? (op.low ? undefined : all.find(free));
    if (victim === undefined) {
      if (op.low) {
        for (const o of [op, ...replaced]) {
          dropped.push(o);
          recordOutcome(r, o, STATUS_OVERFLOW);
        }
        r.ops = r.ops.filter((o) => o !== op);
      }
      break;
    }
    for (const o of r.ops.filter((x) => x.target === victim)) {
      dropped.push(o);
      recordOutcome(r, o, STATUS_OVERFLOW);
    }
    r.ops = r.ops.filter((o) => o.target !== victim);
    all = all.filter((t) => t !== victim);
  }
  return { replaced, dropped };
}

/**
 * The Idempotency-Key of an operation's request to one resource (a Session, a Participant):
 * a v4-shaped UUID derived from the operation's own key and that resource's ID. Retries to the
 * same resource reuse it (the service replays), while a delivery to a replacement (a Session
 * the service lost, another instance's newer one) gets a fresh key instead of a 422.
 */
export function keyFor(opKey: string, resourceId: string): string {
  const h = hashText(`${opKey}\n${resourceId}`) + hashText(`${resourceId}\n${opKey}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[parseInt(h[16] ?? '0', 16) & 3]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
