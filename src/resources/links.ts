// Linking Participants to a profile's Session, with an outbox so that a link or unlink the
// user asked for is never lost and never made twice:
// - every operation is written to storage before it is sent, and delivered in order;
// - a transient failure (network, timeout, 408/409/429/5xx, 401/403, storage) leaves it
//   queued for `flush()`, the `online` event, `ensure()` or the next client;
// - a permanent 4xx removes it and is reported;
// - a 404 for a Session the service no longer has replaces the Session and re-links every
//   participant known for the profile (repair.ts, loaded when needed).
import type { PaketEvent } from '../events.js';
import { PaketError } from '../errors/PaketError.js';
import { PaketHttpError } from '../errors/PaketHttpError.js';
import { PaketInputError } from '../errors/PaketInputError.js';
import { PaketNetworkError } from '../errors/PaketNetworkError.js';
import { PaketStorageError } from '../errors/PaketStorageError.js';
import type { RecordStorage } from '../storage/records.js';
import { KEY_PREFIX } from '../storage/records.js';
import type { Transport } from '../transport/http.js';
import { uuidv4 } from '../transport/uuid.js';
import type {
  PaketLinkedParticipant,
  PaketListItem,
  PaketSession,
  PaketSessionParticipant,
} from '../types.js';
import { checkProfileId, HEARTBEAT_MS, STALE_MS, type IdentityResource } from './identity.js';
import type { ListContext } from './lists.js';
import { checkString } from './validate.js';

/** An operation waiting in the outbox. */
export interface QueuedOperation {
  id: string;
  type: 'link' | 'unlink';
  profileId: string;
  participantId: string;
  /** For links: the publisher's client ID. */
  appId?: string;
  /** The Idempotency-Key of a link; reused on every delivery attempt. */
  key: string;
  /** Queued by the SDK to restore a link after a lost Session. */
  relink?: true;
  queuedAt: string;
}

/** What one `flush()` did. */
export interface FlushResult {
  /** Operations delivered (or found already done) by this flush. */
  delivered: number;
  /** Operations still queued. */
  pending: number;
  /** The transient failure that stopped delivery, if any. */
  error?: PaketError;
  /** Another app instance sharing the storage is delivering the outbox right now. */
  busy?: boolean;
}

export interface LinkInput {
  /** The publisher's client ID (the `app_id` the participant belongs to). */
  appId: string;
  participantId: string;
}

export interface LinkConfig {
  transport: Transport;
  storage: RecordStorage;
  sessions: IdentityResource<PaketSession>;
  emit: (event: PaketEvent) => void;
  outboxLimit: number;
}

/**
 * Everything the outbox keeps, in one stored record so that each step of a delivery is one
 * storage transaction: the queue, the links the service confirmed per profile, the last
 * outcomes (for callers whose operation another app instance delivered) and the lease of the
 * instance delivering.
 */
export interface LinksRecord {
  v: 2;
  ops: QueuedOperation[];
  linked: Record<string, PaketSessionParticipant[]>;
  /** The last outcomes: a link made, an unlink made (profile and participant), or a refusal. */
  done: { id: string; link?: PaketSessionParticipant; unlink?: string[]; status?: number }[];
  /**
   * Sessions the service lost (the last 20), so that every app instance sharing the outbox
   * stops using one that another instance has replaced.
   */
  gone: string[];
  lease?: { owner: string; beat: number };
}

/** What repair.ts needs from this module. */
export interface LinkInternals {
  config: LinkConfig;
  /** The record as stored (after this instance's pending writes). */
  read(): Promise<LinksRecord>;
  /** Atomically changes the record (`change` may mutate it) and resolves with it. */
  edit(change: (record: LinksRecord) => void): Promise<LinksRecord>;
  settle(id: string, error: unknown): void;
  report(type: 'outboxDropped', op: QueuedOperation, extra: Record<string, unknown>): void;
  /** The profile's Session, none of those the record lists as lost. */
  current(profileId: string): Promise<PaketSession>;
}

type Outcome = { value: PaketSessionParticipant | undefined } | { error: unknown };

export const SESSIONS = ['upnext', 'sessions'];
const checkId = (name: string, value: unknown, where: string): string =>
  checkString(name, value, where, '', true);

function checkLimit(value: unknown, max: number, where: string): number | undefined {
  if (
    value !== undefined &&
    !(Number.isInteger(value) && (value as number) >= 1 && (value as number) <= max)
  ) {
    throw new PaketInputError('limit', `must be an integer from 1 to ${max}`, where);
  }
  return value as number | undefined;
}

export const isStatus = (error: unknown, status: number): boolean =>
  error instanceof PaketHttpError && error.status === status;

/**
 * Failures after which the operation stays queued. 401/403: the app's credentials, not the
 * operation, are at fault. A 2xx with an unreadable body may have been committed: it is sent
 * again later with the same key.
 */
function isTransient(error: unknown): boolean {
  if (error instanceof PaketNetworkError || error instanceof PaketStorageError) return true;
  const s = error instanceof PaketHttpError ? error.status : 400;
  return s < 300 || s === 401 || s === 403 || s === 408 || s === 409 || s === 429 || s >= 500;
}

const isString = (value: unknown): value is string => typeof value === 'string';
const validOp = (o: QueuedOperation): boolean =>
  (o.type === 'link' || o.type === 'unlink') &&
  [o.id, o.profileId, o.participantId, o.key].every(isString);

/**
 * The stored value as a record. What is unreadable is dropped item by item (a corrupted
 * operation must not cost the profile its confirmed links); `lost` says whether any was.
 */
export function parseRecord(value: unknown): { record: LinksRecord; lost: boolean } {
  const r = (value && typeof value === 'object' ? value : {}) as Partial<LinksRecord>;
  let lost = value != null && r.v !== 2;
  const list = <T>(items: unknown, valid: (item: T) => boolean): T[] => {
    const all = Array.isArray(items) ? (items as T[]) : [];
    const kept = all.filter((item) => item && typeof item === 'object' && valid(item));
    if (kept.length !== all.length || (items !== undefined && !Array.isArray(items))) lost = true;
    return kept;
  };
  const linked: LinksRecord['linked'] = {};
  for (const profileId of Object.keys(r.linked ?? {})) {
    linked[profileId] = list(r.linked?.[profileId], (l: PaketSessionParticipant) =>
      isString(l.participant_id),
    );
  }
  const lease = r.lease;
  return {
    record: {
      v: 2,
      ops: list(r.ops, validOp),
      linked,
      done: list(r.done, (d: LinksRecord['done'][number]) => isString(d.id)),
      gone: Array.isArray(r.gone) ? r.gone.filter(isString) : [],
      ...(lease && isString(lease.owner) && typeof lease.beat === 'number' ? { lease } : {}),
    },
    lost,
  };
}

const asyncIteratorSymbol: symbol =
  (Symbol as { asyncIterator?: symbol }).asyncIterator ?? Symbol.for('Symbol.asyncIterator');

const AGAIN: unique symbol = Symbol();

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function createLinks(config: LinkConfig) {
  const { transport, storage, sessions, emit } = config;
  const waiters = new Map<string, (outcome: Outcome) => void>();
  let flushing: Promise<FlushResult> | undefined;
  /** The record as this instance last read or wrote it. */
  let last: LinksRecord = parseRecord(undefined).record;

  /** The merge of an outbox a run on the localStorage fallback left there (see repair.ts). */
  let stray: Promise<unknown> | undefined;
  const key = async (): Promise<string> => {
    const k = KEY_PREFIX + (await transport.namespace()) + ':links';
    await (stray ??=
      storage.mirrorGet(k) === undefined
        ? Promise.resolve()
        : repair()
            .then((m) => m.adoptStray(storage, k))
            .catch(() => undefined)); // kept there for the next run
    return k;
  };

  const seen = (value: unknown): LinksRecord => {
    const { record, lost } = parseRecord(value);
    if (lost) emit({ type: 'recordDiscarded', kind: 'outbox', profileId: '' });
    return (last = record);
  };
  /** The last edit, which every read waits for: a read always sees this instance's writes. */
  let saving: Promise<unknown> = Promise.resolve();
  const read = async (): Promise<LinksRecord> => {
    await saving;
    return seen(await storage.get(await key()));
  };
  const edit = (change: (record: LinksRecord) => void): Promise<LinksRecord> => {
    const edited = (async () => {
      let raw: unknown;
      const next = await storage.update(await key(), (current) => {
        raw = current;
        const { record } = parseRecord(current);
        change(record);
        return record;
      });
      seen(raw);
      return (last = next);
    })();
    saving = edited.catch(() => undefined);
    return edited;
  };

  const report = (
    type: 'outboxQueued' | 'outboxDelivered' | 'outboxDropped',
    op: QueuedOperation,
    extra: Record<string, unknown> = {},
  ): void =>
    emit({
      type,
      operation: op.type,
      profileId: op.profileId,
      participantId: op.participantId,
      ...(op.relink && { relink: true }),
      ...extra,
    } as PaketEvent);

  const settle = (id: string, outcome: Outcome): void => {
    const waiter = waiters.get(id);
    waiters.delete(id);
    if (waiter) waiter(outcome);
  };

  const internals: LinkInternals = {
    config,
    read,
    edit,
    settle: (id, error) => settle(id, { error }),
    report,
    current: (profileId) => current(profileId),
  };
  const repair = () => import('./repair.js');

  // ---- delivery ----

  /**
   * The profile's Session, after forgetting any found lost (by another app instance, or an
   * older copy that storage still held).
   */
  const current = async (profileId: string): Promise<PaketSession> => {
    let session = await sessions.ensure(profileId);
    for (let n = 0; n < 3 && last.gone.includes(session.session_id); n++) {
      await sessions.forget(profileId, session.session_id);
      session = await sessions.ensure(profileId);
    }
    return session;
  };

  /**
   * For a failure to get, check or replace the profile's Session (offline, a refused POST,
   * bad credentials): the operation itself was not refused, so it stays queued.
   */
  const kept = (error: unknown): never => {
    throw isTransient(error) || !(error instanceof PaketError)
      ? error
      : new PaketNetworkError(error.method, error.path, error, 'no Session to send it to');
  };

  /** The operation whose Session was just replaced: a second 404 for it is final. */
  let healed: string | undefined;

  /** Sends one operation; `AGAIN` when the Session was replaced and re-links now go first. */
  const deliver = async (
    op: QueuedOperation,
  ): Promise<PaketSessionParticipant | undefined | typeof AGAIN> => {
    const session = await current(op.profileId).catch(kept);
    try {
      if (op.type === 'unlink') {
        await transport.request({
          method: 'DELETE',
          segments: [...SESSIONS, session.session_id, op.participantId],
        });
        return undefined;
      }
      const response = await transport.request({
        method: 'PUT',
        segments: [...SESSIONS, session.session_id],
        body: { app_id: op.appId, participant_id: op.participantId },
        idempotencyKey: op.key,
      });
      // Older servers answer {"message":"Success"}: make the documented object from what was sent.
      const body = (response.body ?? {}) as Record<string, unknown>;
      const link: Record<string, unknown> = {
        app_id: op.appId ?? '',
        participant_id: op.participantId,
        session_id: session.session_id,
        client_id: session.client_id,
        created_at: new Date().toISOString(),
      };
      for (const field of Object.keys(link)) {
        if (isString(body[field])) link[field] = body[field];
      }
      return link as unknown as PaketSessionParticipant;
    } catch (error) {
      // A 404 for a link or an unlink (deletes are otherwise idempotent): the Session is gone,
      // or another page already replaced it. Either way the operation is sent again to the
      // profile's current Session (made once, however many meet the 404).
      if (healed === op.id || !isStatus(error, 404)) throw error;
      const fix = await repair();
      const gone = await fix.sessionGone(transport, session).catch(kept);
      if (!gone) throw error;
      await fix.replaceSession(internals, op.profileId, session).catch(kept);
      healed = op.id;
      return AGAIN;
    }
  };

  // One deliverer at a time across the app instances sharing the outbox: a lease with a
  // heartbeat, taken over when its holder stops beating (the claim pattern of identity.ts).
  // Two instances sending the same operations at once could reorder them at the service.
  // The lease is taken in the same transaction that queues an operation, and given back in
  // the one that removes the last: a link costs two storage transactions.
  const me = uuidv4();
  /** Takes (or renews) the lease when it is free, stale or ours, and there is work to do. */
  const take = (r: LinksRecord): void => {
    const l = r.lease;
    if (r.ops.length && (!l || l.owner === me || Date.now() - l.beat > STALE_MS))
      r.lease = { owner: me, beat: Date.now() };
  };
  const mine = (r: LinksRecord): boolean => r.lease?.owner === me;

  const runFlush = async (start: LinksRecord | undefined): Promise<FlushResult> => {
    let delivered = 0;
    let record = last;
    let beat: ReturnType<typeof setInterval> | undefined;
    try {
      record = start && mine(start) ? start : await edit(take);
      if (!record.ops.length) return { delivered, pending: 0 };
      if (!mine(record)) return { delivered, pending: record.ops.length, busy: true };
      beat = setInterval(
        () => void edit((r) => mine(r) && take(r)).catch(() => undefined),
        HEARTBEAT_MS,
      );
      for (let op = record.ops[0]; op; op = record.ops[0]) {
        let outcome: Outcome;
        try {
          const value = await deliver(op);
          if (value === AGAIN) {
            record = last;
            continue;
          }
          outcome = { value };
        } catch (error) {
          if (isTransient(error)) {
            return { delivered, pending: record.ops.length, error: error as PaketError };
          }
          outcome = { error };
          report('outboxDropped', op, {
            reason: 'rejected',
            ...(error instanceof PaketHttpError ? { status: error.status } : {}),
          });
        }
        const done = op;
        const saved = edit((r) => {
          r.ops = r.ops.filter((o) => o.id !== done.id);
          if ('value' in outcome) {
            const links = (r.linked[done.profileId] ?? []).filter(
              (l) => l.participant_id !== done.participantId,
            );
            const made = outcome.value;
            // Made on a Session found lost meanwhile (a list in another app instance replaced
            // it while this was in flight): queued again, ahead, to restore it.
            if (made && r.gone.includes(made.session_id)) {
              r.ops.unshift({ ...done, id: uuidv4(), key: uuidv4(), relink: true });
            } else if (made) links.push(made);
            r.linked[done.profileId] = links;
          }
          r.done = r.done.slice(-49);
          r.done.push(
            'value' in outcome
              ? {
                  id: done.id,
                  ...(outcome.value
                    ? { link: outcome.value }
                    : { unlink: [done.profileId, done.participantId] }),
                }
              : {
                  id: done.id,
                  status: outcome.error instanceof PaketHttpError ? outcome.error.status : 0,
                },
          );
          if (!r.ops.length && mine(r)) delete r.lease;
        });
        // The caller learns the service's answer now; the bookkeeping commits meanwhile (reads
        // wait for it). Should it fail, the operation stays queued and its idempotent
        // re-delivery finds it done.
        settle(done.id, outcome);
        record = await saved;
        if ('value' in outcome) {
          delivered++;
          report('outboxDelivered', done);
        }
      }
      return { delivered, pending: 0 };
    } catch (error) {
      return { delivered, pending: record.ops.length, error: error as PaketError };
    } finally {
      if (beat) clearInterval(beat);
      if (mine(last)) {
        await edit((r) => {
          if (mine(r)) delete r.lease;
        }).catch(() => undefined);
      }
    }
  };

  const flush = (start?: LinksRecord): Promise<FlushResult> => {
    if (!flushing) {
      flushing = runFlush(start);
      const done = (): void => {
        flushing = undefined;
      };
      flushing.then(done, done);
    }
    return flushing;
  };

  /**
   * Queues an operation, then delivers the queue. Every operation is kept and sent in order
   * (link then unlink ends unlinked): dropping one that a later one seems to cancel would lose
   * it if the later one were then refused.
   */
  const submit = async (
    input: Pick<QueuedOperation, 'type' | 'profileId' | 'participantId'> & { appId?: string },
  ): Promise<PaketSessionParticipant | undefined> => {
    const op: QueuedOperation = {
      ...input,
      id: uuidv4(),
      key: uuidv4(),
      queuedAt: new Date().toISOString(),
    };
    const dropped: QueuedOperation[] = [];
    const queued = await edit((r) => {
      while (r.ops.length >= config.outboxLimit) {
        const [oldest] = r.ops.splice(r.ops.length > 1 ? 1 : 0, 1); // the head may be in flight
        if (!oldest) break;
        dropped.push(oldest);
      }
      r.ops.push(op);
      take(r);
    });
    for (const o of dropped) {
      report('outboxDropped', o, { reason: 'overflow' });
      settle(o.id, {
        error: new PaketError(`${o.type} of ${o.participantId} dropped from the full outbox`),
      });
    }
    report('outboxQueued', op);

    const outcome = new Promise<Outcome>((resolve) => waiters.set(op.id, resolve));
    for (let start: LinksRecord | undefined = queued; waiters.has(op.id); start = undefined) {
      // The outcome may come before the flush ends (it goes on with the bookkeeping and the
      // rest of the queue).
      const result = await Promise.race([flush(start), outcome.then(() => undefined)]);
      if (!result || !waiters.has(op.id)) break;
      if (result.error) {
        waiters.delete(op.id);
        const cause = result.error;
        const error = new PaketNetworkError(
          cause.method,
          cause.path,
          cause,
          `${cause instanceof PaketHttpError ? `HTTP ${cause.status}` : cause.message.replace(/^.*failed: /, '')}; queued for delivery`,
        );
        error.queued = true;
        throw error;
      }
      if (!last.ops.some((o) => o.id === op.id)) {
        // Another app instance sharing the outbox delivered it, or the service refused it.
        const done = last.done.find((d) => d.id === op.id);
        settle(
          op.id,
          done && done.status === undefined
            ? { value: done.link }
            : {
                error: done
                  ? new PaketHttpError('', '', done.status ?? 0, undefined, `${op.type} refused`)
                  : new PaketError(`${op.type} of ${op.participantId} was dropped`),
              },
        );
      } else if (result.busy) {
        // Another app instance is delivering the outbox: wait for it to get to this one.
        await delay(100);
      }
    }
    const settled = await outcome;
    if ('error' in settled) throw settled.error;
    return settled.value;
  };

  const listContext: ListContext = {
    transport,
    ensure: current,
    replace: async (profileId, old) => {
      const fresh = await (await repair()).replaceSession(internals, profileId, old);
      await flush();
      return fresh;
    },
  };

  /** An async iterable whose iterator loads the list code on first use. */
  const list = <T>(
    profileId: string,
    suffix: string[],
    limit: number | undefined,
  ): AsyncIterable<T> =>
    ({
      [asyncIteratorSymbol](): AsyncIterator<T> {
        let inner: Promise<AsyncIterator<T>> | undefined;
        return {
          next: async () => {
            inner ??= import('./lists.js').then((m) =>
              m.listIterator<T>(listContext, profileId, suffix, limit),
            );
            return (await inner).next();
          },
        };
      },
    }) as unknown as AsyncIterable<T>;

  return {
    sessions: {
      async link(profileId: string, input: LinkInput): Promise<PaketSessionParticipant> {
        const where = 'sessions.link';
        checkProfileId(profileId, where);
        const { appId, participantId } = input ?? ({} as LinkInput);
        return (await submit({
          type: 'link',
          profileId,
          participantId: checkId('participantId', participantId, where),
          appId: checkId('appId', appId, where),
        })) as PaketSessionParticipant;
      },

      async unlink(profileId: string, participantId: string): Promise<void> {
        const where = 'sessions.unlink';
        checkProfileId(profileId, where);
        await submit({
          type: 'unlink',
          profileId,
          participantId: checkId('participantId', participantId, where),
        });
      },

      async remove(profileId: string): Promise<void> {
        checkProfileId(profileId, 'sessions.remove');
        await (await repair()).removeSession(internals, profileId);
      },

      participants(
        profileId: string,
        options: { limit?: number } = {},
      ): AsyncIterable<PaketLinkedParticipant> {
        const where = 'sessions.participants';
        checkProfileId(profileId, where);
        return list(profileId, ['participants'], checkLimit(options.limit, 50, where));
      },

      upNext(profileId: string, options: { limit?: number } = {}): AsyncIterable<PaketListItem> {
        const where = 'sessions.upNext';
        checkProfileId(profileId, where);
        return list(profileId, [], checkLimit(options.limit, 200, where));
      },

      async linked(profileId: string): Promise<PaketSessionParticipant[]> {
        checkProfileId(profileId, 'sessions.linked');
        return (await read()).linked[profileId] ?? [];
      },
    },
    flush: (): Promise<FlushResult> => flush(),
    pending: async (): Promise<QueuedOperation[]> => (await read()).ops,
  };
}

export type Links = ReturnType<typeof createLinks>;
