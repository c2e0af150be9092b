// The outbox: one durable, ordered, coalescing queue of the writes a user asked for (links,
// unlinks, and what the resources register), shared by every app instance on the device.
// - An operation is stored before it is sent; a newer one for the same target replaces a
//   queued one (record.ts); overflow drops the oldest targets whole, reported.
// - One instance delivers at a time, holding the `outbox` lock (coordination/lock.ts): every
//   write it makes checks its lease in the same transaction, and every request checks it just
//   before it goes out, so an instance that was frozen or lost the lease sends nothing stale.
// - A transient failure leaves the queue as it is and retries on a timer with backoff, on
//   `online`, when the app is visible again, and on `wake()`; `close()` stops that.
// - A caller learns its operation's outcome from the record's state (the confirmed links,
//   the last outcome of each target), or is told honestly that it is unknown.
import type { PaketEvent } from '../events.js';
import { PaketError } from '../errors/PaketError.js';
import { PaketHttpError } from '../errors/PaketHttpError.js';
import { PaketNetworkError } from '../errors/PaketNetworkError.js';
import { PaketStorageError } from '../errors/PaketStorageError.js';
import { BUSY, type Coordinator, type Lease } from '../coordination/types.js';
import { delay, monotonic } from '../coordination/clock.js';
import type { RecordStorage } from '../storage/records.js';
import { uuidv4 } from '../transport/uuid.js';
import {
  enqueue,
  parseRecord,
  recordOutcome,
  STATUS_OVERFLOW,
  STATUS_REMOVED,
  STATUS_SUPERSEDED,
  type OutboxRecord,
  type QueuedOperation,
} from './record.js';

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

/** What a handler learns while it delivers one operation. */
export interface Delivery {
  /** The record as of the delivering instance's last transaction. */
  record: OutboxRecord;
  /** Pass to the transport: false when this instance may no longer send (lost the lease). */
  guard: () => boolean;
  /** A fenced change of the record (fails when this instance lost the lease). */
  edit(change: (record: OutboxRecord) => void): Promise<OutboxRecord>;
}

/** What a delivered operation did: the caller's value, and its effect on the record. */
export interface Effect {
  value?: unknown;
  apply?: (record: OutboxRecord) => void;
}

/** Returned by a handler that changed the queue (re-links ahead): start over from the head. */
export const AGAIN: unique symbol = Symbol('again');

export interface Handler {
  deliver(op: QueuedOperation, delivery: Delivery): Promise<Effect | typeof AGAIN>;
  /** The value a caller whose operation another instance delivered gets, read from state. */
  fromState?(op: QueuedOperation, record: OutboxRecord): unknown;
  /** The record's change when the service refused `op` (a permanent 4xx). */
  refused?(op: QueuedOperation, record: OutboxRecord): void;
}

export interface OutboxConfig {
  storage: RecordStorage;
  coordinator: Coordinator;
  emit: (event: PaketEvent) => void;
  /** The record's storage key (it depends on the namespace). */
  key: () => Promise<string>;
  limit: number;
  /** Failures after which an operation stays queued. */
  isTransient: (error: unknown) => boolean;
  /** The longest a call waits for another instance to deliver its operation, in ms. */
  waitMs: number;
  /** Retry by itself (timer, `online`, visibility). */
  auto: boolean;
}

export type OperationInput = Omit<QueuedOperation, 'id' | 'key' | 'queuedAt' | 'merged'> & {
  key?: string;
};

type Settled = { value: unknown } | { error: unknown };

const FENCED: unique symbol = Symbol('fenced');
/** Returned by a change that left the record as it was: nothing is written. */
const UNCHANGED: unique symbol = Symbol();
const RETRY_FIRST_MS = 2500;
const RETRY_CAP_MS = 300_000;

export type Outbox = ReturnType<typeof createOutbox>;

export function createOutbox(config: OutboxConfig) {
  const { storage, coordinator, emit } = config;
  const handlers = new Map<string, Handler>();
  const waiters = new Map<string, ((s: Settled) => void)[]>();
  let flushing: Promise<FlushResult> | undefined;
  let last: OutboxRecord = parseRecord(undefined).record;
  let saving: Promise<unknown> = Promise.resolve();
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  /** The record's key once known: the journal of urgent writes is next to it, synchronously. */
  let knownKey: string | undefined;
  let journalMerged: Promise<void> | undefined;
  const journalKey = (key: string): string => `${key}:journal`;

  /** The record's key; on first use, the urgent writes a killed page left are queued. */
  const keyOf = async (): Promise<string> => {
    const key = await config.key();
    knownKey = key;
    await (journalMerged ??= mergeJournal(key));
    return key;
  };

  const journal = (key: string): QueuedOperation[] => {
    const value = storage.mirrorGet(journalKey(key));
    return Array.isArray(value)
      ? (value as unknown[]).filter((o): o is QueuedOperation => {
          const { record } = parseRecord({ v: 3, ops: [o] });
          return record.ops.length === 1;
        })
      : [];
  };
  /** Removes the journal's entries that `drop` names (one read of the journal). */
  const unjournal = (key: string, drop: (o: QueuedOperation) => boolean): void => {
    const all = journal(key);
    if (!all.some(drop)) return;
    const rest = all.filter((o) => !drop(o));
    if (rest.length) storage.mirrorSet(journalKey(key), rest);
    else storage.mirrorDelete(journalKey(key));
  };

  /**
   * Queues what the journal holds and the record does not (an urgent write whose page was
   * killed before its transaction committed), in its order, unless the record has a newer
   * write of the same target. A failure leaves the journal for the next start.
   */
  const mergeJournal = async (key: string): Promise<void> => {
    const entries = journal(key);
    if (!entries.length) return;
    let dropped: QueuedOperation[] = [];
    try {
      await storage.transact([key], (values) => {
        const record = parseRecord(values[0]).record;
        dropped = [];
        for (const op of entries) {
          const known =
            record.ops.some(
              (o) => o.id === op.id || (o.target === op.target && o.queuedAt > op.queuedAt),
            ) || record.outcomes.some((o) => o.op === op.id);
          if (!known) dropped = dropped.concat(enqueue(record, op, config.limit).dropped);
        }
        values[0] = record;
      });
      unjournal(key, (o) => entries.some((e) => e.id === o.id));
      for (const o of dropped) report('outboxDropped', o, { reason: 'overflow' });
    } catch {
      // Kept in the journal: the next start tries again.
    }
  };

  /** The parsed record; one that lost something (corrupted, hand-edited) is reported. */
  const seen = ({ record, lost }: ReturnType<typeof parseRecord>): OutboxRecord => {
    if (lost) emit({ type: 'recordDiscarded', kind: 'outbox', profileId: '' });
    return record;
  };

  /** The record as stored, after this instance's own pending writes. */
  const read = async (): Promise<OutboxRecord> => {
    await saving;
    return (last = seen(parseRecord(await storage.get(await keyOf()))));
  };

  /**
   * Changes the record atomically, with `extra` keys read and written in the same
   * transaction; a `change` that returns {@link UNCHANGED} writes nothing. Resolves with the
   * change's result and the record as this transaction left it.
   */
  const run = <R>(
    extra: readonly string[],
    change: (record: OutboxRecord, values: unknown[]) => R,
  ): Promise<{ result: R; record: OutboxRecord }> => {
    const running = (async () => {
      const key = await keyOf();
      let parsed!: ReturnType<typeof parseRecord>;
      const result = await storage.transact([key, ...extra], (values) => {
        const raw = values[0];
        parsed = parseRecord(raw);
        const record = parsed.record;
        const others = values.slice(1);
        const r = change(record, others);
        // Kept as read only when it is a current, intact record: else the repair is written.
        const intact = !parsed.lost && (raw as { v?: unknown } | undefined)?.v === 3;
        if (r !== UNCHANGED || !intact) values[0] = record;
        for (let i = 0; i < others.length; i++) values[i + 1] = others[i];
        return r;
      });
      // Parsed once, inside the transaction.
      last = seen(parsed);
      return { result, record: last };
    })();
    saving = running.catch(() => undefined);
    return running;
  };

  const transact = <R>(
    extra: readonly string[],
    change: (record: OutboxRecord, values: unknown[]) => R,
  ): Promise<R> => run(extra, change).then((r) => r.result);

  const edit = (change: (record: OutboxRecord) => void): Promise<OutboxRecord> =>
    run([], change).then((r) => r.record);

  /** A change made only while `lease` holds; `change` returns {@link UNCHANGED} to write nothing. */
  const fenced = (
    lease: Lease,
    change: (record: OutboxRecord) => void | typeof UNCHANGED,
  ): Promise<OutboxRecord> =>
    run(lease.keys, (r, values) => {
      if (!lease.holds(values)) throw FENCED;
      return change(r);
    }).then((r) => {
      lease.confirmed();
      return r.record;
    });

  const report = (
    type: 'outboxQueued' | 'outboxDelivered' | 'outboxDropped',
    op: QueuedOperation,
    extra: Record<string, unknown> = {},
  ): void =>
    emit({
      type,
      id: op.id,
      operation: op.type,
      profileId: op.profileId,
      participantId: op.participantId,
      ...(op.contentId !== undefined && { contentId: op.contentId }),
      ...(op.relink && { relink: true }),
      ...extra,
    } as PaketEvent);

  const settle = (op: QueuedOperation, s: Settled): void => {
    for (const id of [op.id, ...(op.merged ?? [])]) {
      const list = waiters.get(id);
      waiters.delete(id);
      if (list) list.forEach((w) => w(s));
    }
  };

  const refused = (op: QueuedOperation, status: number): PaketError =>
    status === STATUS_OVERFLOW
      ? new PaketError(`${op.type} dropped from the full outbox (outboxLimit)`)
      : status === STATUS_REMOVED
        ? new PaketError(`${op.type} dropped: the profile's Session was removed`)
        : status === STATUS_SUPERSEDED
          ? new PaketError(`${op.type} superseded by a later operation of the same target`)
          : new PaketHttpError('', '', status, undefined, `${op.type} refused by the service`);

  /** The outcome of `op` as the record tells it, or `undefined` while it is still queued. */
  const fromState = (op: QueuedOperation, r: OutboxRecord): Settled | undefined => {
    if (r.ops.some((o) => o.id === op.id || (o.merged ?? []).indexOf(op.id) >= 0)) return;
    const outcome = r.outcomes
      .filter(
        (o) => o.target === op.target && (o.op === op.id || (o.merged ?? []).indexOf(op.id) >= 0),
      )
      .pop();
    if (!outcome) {
      return {
        error: new PaketError(
          `${op.type}: outcome unknown (another app instance handled it; see linked() or the service)`,
        ),
      };
    }
    if (outcome.status !== 0) return { error: refused(op, outcome.status) };
    const handler = handlers.get(op.type);
    return { value: handler && handler.fromState ? handler.fromState(op, r) : undefined };
  };

  // ---- delivery ----

  const deliverAll = async (lease: Lease): Promise<FlushResult> => {
    let delivered = 0;
    // The operation at the head is delivered next: it is marked sent (before any request can
    // leave, so no newer write replaces it meanwhile) in the same transaction that confirms
    // the lease or finishes the previous one; one transaction per operation, not two.
    const head = (r: OutboxRecord): void | typeof UNCHANGED => {
      const next = r.ops[0];
      if (!next || next.sent) return UNCHANGED;
      next.sent = true;
    };
    let record = await fenced(lease, head);
    const delivery: Delivery = {
      get record() {
        return record;
      },
      guard: lease.fresh,
      edit: (change) => fenced(lease, change),
    };
    for (let op = record.ops[0]; op; op = record.ops[0]) {
      const handler = handlers.get(op.type);
      if (!handler) {
        // Not one this SDK delivers (a corrupted or hand-edited record): dropped and reported,
        // never left at the head, where it would hold back every write behind it.
        const id = op.id;
        record = await fenced(lease, (r) => {
          r.ops = r.ops.filter((o) => o.id !== id);
          head(r);
        });
        emit({ type: 'recordDiscarded', kind: 'outbox', profileId: '' });
        settle(op, { error: new PaketError(`${op.type}: not an operation this SDK delivers`) });
        continue;
      }
      let status = 0;
      let effect: Effect = {};
      try {
        if (!op.sent) {
          // Not marked with the last transaction (a handler's edit put another one ahead).
          const id = op.id;
          record = await fenced(lease, (r) => {
            for (const o of r.ops) if (o.id === id) o.sent = true;
          });
          op = record.ops.find((o) => o.id === id) ?? op;
        }
        const result = await handler.deliver(op, delivery);
        if (result === AGAIN) {
          record = await fenced(lease, head);
          continue;
        }
        effect = result;
      } catch (error) {
        // Not sent because this instance lost the outbox (frozen, taken over): the new holder
        // delivers it; callers learn the outcome from the record.
        if (error === FENCED || !lease.fresh()) throw FENCED;
        if (config.isTransient(error)) {
          return { delivered, pending: record.ops.length, error: error as PaketError };
        }
        status = error instanceof PaketHttpError ? error.status || 400 : 400;
        report('outboxDropped', op, {
          reason: 'rejected',
          ...(error instanceof PaketHttpError ? { status: error.status } : {}),
        });
        effect = {};
        settle(op, { error });
      }
      const done = op;
      const saved = fenced(lease, (r) => {
        // Dropped while it was in flight (its profile's Session removed or forgotten): the
        // drop has the last word, and nothing of it is written back (no confirmed link for a
        // removed profile, which a later repair would restore).
        const kept = r.ops.some((o) => o.id === done.id);
        r.ops = r.ops.filter((o) => o.id !== done.id);
        if (kept) {
          if (status === 0 && effect.apply) effect.apply(r);
          if (status !== 0 && handler.refused) handler.refused(done, r);
          recordOutcome(r, done, status);
        }
        head(r);
      });
      // The caller learns the service's answer now; the bookkeeping commits meanwhile (reads
      // wait for it). Should it fail, the operation stays queued and its idempotent
      // re-delivery finds it done.
      if (status === 0) settle(done, { value: effect.value });
      record = await saved;
      if (status === 0) {
        delivered++;
        report('outboxDelivered', done);
      }
    }
    return { delivered, pending: 0 };
  };

  const runFlush = async (queuedNow: boolean): Promise<FlushResult> => {
    let result: FlushResult;
    try {
      // A caller that has just queued knows the queue is not empty: no read to find out.
      const queued = queuedNow ? last : await read();
      if (!queued.ops.length) return { delivered: 0, pending: 0 };
      const run = await coordinator.run('outbox', deliverAll, { wait: false, waitMs: 0 });
      result = run === BUSY ? { delivered: 0, pending: last.ops.length, busy: true } : run;
    } catch (error) {
      result =
        error === FENCED
          ? { delivered: 0, pending: last.ops.length, busy: true }
          : { delivered: 0, pending: last.ops.length, error: error as PaketError };
    }
    if (result.error) failures++;
    else failures = 0;
    if (result.error || result.busy) {
      // Backoff with equal jitter: 1.25–2.5 s first, doubling, at most 5 minutes.
      const base = result.busy
        ? RETRY_FIRST_MS
        : Math.min(RETRY_CAP_MS, RETRY_FIRST_MS * 2 ** (failures - 1));
      schedule(base / 2 + (Math.random() * base) / 2);
    }
    return result;
  };

  /** Delivers the queue; `queuedNow`: this instance's last transaction queued an operation. */
  const flush = (queuedNow = false): Promise<FlushResult> => {
    if (!flushing) {
      flushing = runFlush(queuedNow);
      const done = (): void => {
        flushing = undefined;
      };
      flushing.then(done, done);
    }
    return flushing;
  };

  function schedule(ms: number): void {
    if (!config.auto || closed) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, ms);
    // In Node, a pending retry must not keep the process alive.
    (timer as { unref?: () => void }).unref?.();
  }

  /**
   * Queues an operation, then delivers the queue; resolves with the handler's value.
   * `urgent` (the page may be killed right after: pagehide, hidden): the operation is also
   * written synchronously, before this returns, to a journal in localStorage, which the next
   * start queues should the storage transaction not have committed.
   */
  const submit = async (input: OperationInput, urgent = false): Promise<unknown> => {
    const op: QueuedOperation = {
      ...input,
      id: uuidv4(),
      key: input.key ?? uuidv4(),
      queuedAt: new Date().toISOString(),
    };
    const journalled = urgent && knownKey;
    if (journalled) {
      storage.mirrorSet(journalKey(journalled), [...journal(journalled), op].slice(-config.limit));
    }
    let change: ReturnType<typeof enqueue> = { replaced: [], dropped: [] };
    try {
      await edit((r) => {
        change = enqueue(r, op, config.limit);
        // At the head it is delivered next, at once (below): marked sent in this write, so
        // the delivery's first transaction has nothing to write.
        if (r.ops[0] === op) op.sent = true;
      });
      // Queued: its journal entry goes, and so does any older one of the same target (an
      // urgent write whose transaction failed while the page lived on): the next start would
      // queue it behind this one, delivered by then, and undo the user's later word.
      if (knownKey) unjournal(knownKey, (o) => o.id === op.id || o.target === op.target);
    } catch (error) {
      if (error instanceof PaketStorageError && error.landed) {
        // The write may still land: then it is queued after all, reported and delivered.
        void error.landed.then((landed) => {
          if (!landed) return;
          if (journalled) unjournal(journalled, (o) => o.id === op.id);
          report('outboxQueued', op);
          schedule(0);
        });
      }
      // A journalled write that failed stays in the journal: the next start queues it, unless
      // a later write of the same target is queued first (below).
      throw error;
    }
    // A low-priority write the full outbox refused: its caller is told, and no event (it
    // was never queued); those it replaced were.
    const self = change.dropped.indexOf(op) >= 0;
    for (const o of change.dropped) {
      if (o !== op) report('outboxDropped', o, { reason: 'overflow' });
      settle(o, { error: refused(o, STATUS_OVERFLOW) });
    }
    if (self) throw refused(op, STATUS_OVERFLOW);
    for (const o of change.replaced) {
      // A caller of the replaced operation learns this one's outcome (same kind of write) or
      // that it was superseded.
      if (o.type === op.type) continue;
      settle(o, { error: new PaketError(`${o.type} superseded by a later ${op.type}`) });
    }
    report('outboxQueued', op);

    const outcome = new Promise<Settled>((resolve) => {
      const list = waiters.get(op.id) ?? [];
      list.push(resolve);
      waiters.set(op.id, list);
    });
    const started = monotonic();
    let settled: Settled | undefined;
    const watch = outcome.then((s) => (settled = s));
    while (!settled) {
      const result = await Promise.race([flush(true), watch.then(() => undefined)]);
      if (settled || !result) break;
      if (result.error) {
        const cause = result.error;
        const error = new PaketNetworkError(
          cause.method,
          cause.path,
          cause,
          `${cause instanceof PaketHttpError ? `HTTP ${cause.status}` : cause.message.replace(/^.*failed: /, '')}; queued for delivery`,
        );
        error.queued = true;
        // A failure that named no request (storage): say what is queued.
        if (!cause.method) error.message = `${op.type} queued for delivery: ${cause.message}`;
        settle(op, { error });
        break;
      }
      const state = fromState(op, last);
      if (state) {
        settle(op, state);
        break;
      }
      {
        if (monotonic() - started > config.waitMs) {
          const error = new PaketNetworkError(
            '',
            '',
            undefined,
            'another app instance is delivering the outbox; queued for delivery',
          );
          error.queued = true;
          error.message = `${op.type} queued for delivery: another app instance is delivering the outbox`;
          settle(op, { error });
          break;
        }
        await delay(100);
        const again = fromState(op, await read());
        if (again) settle(op, again);
      }
    }
    const s = await outcome;
    if ('error' in s) throw s.error;
    return s.value;
  };

  return {
    register(type: string, handler: Handler): void {
      handlers.set(type, handler);
    },
    submit,
    flush,
    read,
    edit,
    transact,
    report,
    settle,
    /** Delivers soon (a later event: online, visible, ensure()). */
    wake: (): void => schedule(0),
    close(): void {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
    },
    get last() {
      return last;
    },
  };
}
