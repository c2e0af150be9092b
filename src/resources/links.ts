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

/** A stored, versioned array (the outbox, a profile's confirmed links). */
export interface StoredList<T> {
  read(): Promise<T[]>;
  /** Atomically rewrites the array; `change` gets a copy it may mutate. */
  change(change: (items: T[]) => void): Promise<T[]>;
}

/** What repair.ts needs from this module. */
export interface LinkInternals {
  config: LinkConfig;
  outbox: StoredList<QueuedOperation>;
  linkedOf(profileId: string): StoredList<PaketSessionParticipant>;
  settle(id: string, error: unknown): void;
  report(type: 'outboxDropped', op: QueuedOperation, extra: Record<string, unknown>): void;
}

type Outcome = { value: PaketSessionParticipant | undefined } | { error: unknown };

export const SESSIONS = ['upnext', 'sessions'];
const ID_RULE = 'must be a non-empty string of at most 255 characters, without "/"';

function checkId(name: string, value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '' || value.length > 255 || value.includes('/')) {
    throw new PaketInputError(name, ID_RULE, where);
  }
  return value;
}

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

const asyncIteratorSymbol: symbol =
  (Symbol as { asyncIterator?: symbol }).asyncIterator ?? Symbol.for('Symbol.asyncIterator');

export function createLinks(config: LinkConfig) {
  const { transport, storage, sessions, emit } = config;
  const waiters = new Map<string, (outcome: Outcome) => void>();
  let flushing: Promise<FlushResult> | undefined;

  /** A versioned array at `suffix`; anything unreadable there is discarded and reported. */
  const storedList = <T>(
    suffix: string,
    kind: 'outbox' | 'linked',
    profileId: string,
    valid: (item: T) => boolean,
  ): StoredList<T> => {
    const key = async (): Promise<string> =>
      KEY_PREFIX + (await transport.namespace()) + ':' + suffix;
    const parse = (value: unknown): T[] | undefined => {
      const r = value as { v?: unknown; items?: unknown } | undefined;
      return r && r.v === 1 && Array.isArray(r.items) && r.items.every((i) => i && valid(i as T))
        ? (r.items as T[])
        : undefined;
    };
    const discarded = (value: unknown, items: T[] | undefined): void => {
      if (value !== undefined && value !== null && !items) {
        emit({ type: 'recordDiscarded', kind, profileId });
      }
    };
    return {
      async read() {
        const raw = await storage.get(await key());
        const items = parse(raw);
        discarded(raw, items);
        return items ?? [];
      },
      async change(change) {
        let raw: unknown;
        const next = await storage.update(await key(), (current) => {
          raw = current;
          const items = (parse(current) ?? []).slice();
          change(items);
          return { v: 1, items };
        });
        discarded(raw, parse(raw));
        return next.items;
      },
    };
  };

  const outbox = storedList<QueuedOperation>(
    'outbox',
    'outbox',
    '',
    (o) =>
      (o.type === 'link' || o.type === 'unlink') &&
      typeof o.id === 'string' &&
      typeof o.profileId === 'string' &&
      typeof o.participantId === 'string' &&
      typeof o.key === 'string',
  );
  /** The last outcomes, so a caller whose operation another app instance delivered learns it. */
  const finished = storedList<{ id: string; link?: PaketSessionParticipant; status?: number }>(
    'outbox-done',
    'outbox',
    '',
    (d) => typeof d.id === 'string',
  );
  const linkedOf = (profileId: string): StoredList<PaketSessionParticipant> =>
    storedList(
      `linked:${profileId}`,
      'linked',
      profileId,
      (l) => typeof l.participant_id === 'string',
    );

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
      ...extra,
    } as PaketEvent);

  const settle = (id: string, outcome: Outcome): void => {
    const waiter = waiters.get(id);
    waiters.delete(id);
    if (waiter) waiter(outcome);
  };

  const internals: LinkInternals = {
    config,
    outbox,
    linkedOf,
    settle: (id, error) => settle(id, { error }),
    report,
  };
  const repair = () => import('./repair.js');

  // ---- delivery ----

  const putLink = async (
    session: PaketSession,
    op: QueuedOperation,
  ): Promise<PaketSessionParticipant> => {
    const response = await transport.request({
      method: 'PUT',
      segments: [...SESSIONS, session.session_id],
      body: { app_id: op.appId, participant_id: op.participantId },
      idempotencyKey: op.key,
    });
    // Older servers answer {"message":"Success"}: make the documented object from what was sent.
    const body = (response.body ?? {}) as Partial<PaketSessionParticipant>;
    const pick = (field: keyof PaketSessionParticipant, fallback: string): string =>
      typeof body[field] === 'string' ? (body[field] as string) : fallback;
    return {
      app_id: pick('app_id', op.appId ?? ''),
      participant_id: pick('participant_id', op.participantId),
      session_id: pick('session_id', session.session_id),
      client_id: pick('client_id', session.client_id),
      created_at: pick('created_at', new Date().toISOString()),
    };
  };

  const deliver = async (op: QueuedOperation): Promise<PaketSessionParticipant | undefined> => {
    let session = await sessions.ensure(op.profileId);
    for (let healed = false; ; healed = true) {
      try {
        const linked = linkedOf(op.profileId);
        if (op.type === 'unlink') {
          await transport.request({
            method: 'DELETE',
            segments: [...SESSIONS, session.session_id, op.participantId],
          });
          await linked.change((items) => {
            const i = items.findIndex((l) => l.participant_id === op.participantId);
            if (i >= 0) items.splice(i, 1);
          });
          return undefined;
        }
        const link = await putLink(session, op);
        await linked.change((items) => {
          const i = items.findIndex((l) => l.participant_id === op.participantId);
          items.splice(i >= 0 ? i : items.length, i >= 0 ? 1 : 0, link);
        });
        return link;
      } catch (error) {
        if (healed || op.type !== 'link' || !isStatus(error, 404)) throw error;
        const fix = await repair();
        if (!(await fix.sessionGone(transport, session))) throw error;
        session = await fix.replaceSession(internals, op.profileId, session, op.participantId);
        // The old key is bound to the old Session's path: a new path needs a new key.
        const key = uuidv4();
        await outbox.change((ops) => {
          for (const o of ops) if (o.id === op.id) o.key = key;
        });
        op = { ...op, key };
      }
    }
  };

  // One deliverer at a time across the app instances sharing the outbox: a lease with a
  // heartbeat, taken over when its holder stops beating (the claim pattern of identity.ts).
  // Two instances sending the same operations at once could reorder them at the service.
  const me = uuidv4();
  const leaseKey = async (): Promise<string> =>
    KEY_PREFIX + (await transport.namespace()) + ':outbox-lease';
  const lease = async (take: boolean): Promise<boolean> => {
    const next = (await storage.update(await leaseKey(), (current) => {
      const l = current as { owner?: unknown; beat?: unknown } | undefined;
      const free =
        !l || l.owner === me || typeof l.beat !== 'number' || Date.now() - l.beat > STALE_MS;
      if (!take) return l && l.owner === me ? null : current;
      return free ? { owner: me, beat: Date.now() } : current;
    })) as { owner?: unknown } | null;
    return Boolean(next && next.owner === me);
  };

  const runFlush = async (): Promise<FlushResult> => {
    let delivered = 0;
    let pending = 0;
    let beat: ReturnType<typeof setInterval> | undefined;
    try {
      if (!(await lease(true))) {
        return { delivered, pending: (await outbox.read()).length, busy: true };
      }
      beat = setInterval(() => void lease(true).catch(() => undefined), HEARTBEAT_MS);
      for (;;) {
        const ops = await outbox.read();
        const op = ops[0];
        pending = ops.length;
        if (!op) return { delivered, pending };
        let outcome: Outcome;
        try {
          outcome = { value: await deliver(op) };
        } catch (error) {
          if (isTransient(error)) return { delivered, pending, error: error as PaketError };
          outcome = { error };
          report('outboxDropped', op, {
            reason: 'rejected',
            ...(error instanceof PaketHttpError ? { status: error.status } : {}),
          });
        }
        await finished.change((list) => {
          list.push({
            id: op.id,
            ...('value' in outcome
              ? outcome.value
                ? { link: outcome.value }
                : {}
              : { status: outcome.error instanceof PaketHttpError ? outcome.error.status : 0 }),
          });
          list.splice(0, Math.max(0, list.length - 50));
        });
        pending = (
          await outbox.change((list) => {
            const i = list.findIndex((o) => o.id === op.id);
            if (i >= 0) list.splice(i, 1);
          })
        ).length;
        if ('value' in outcome) {
          delivered++;
          report('outboxDelivered', op);
        }
        settle(op.id, outcome);
      }
    } catch (error) {
      return { delivered, pending, error: error as PaketError };
    } finally {
      if (beat) {
        clearInterval(beat);
        await lease(false).catch(() => undefined);
      }
    }
  };

  const flush = (): Promise<FlushResult> => {
    if (!flushing) {
      flushing = runFlush();
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
    await outbox.change((ops) => {
      while (ops.length >= config.outboxLimit) {
        const [oldest] = ops.splice(ops.length > 1 ? 1 : 0, 1); // the head may be in flight
        if (!oldest) break;
        report('outboxDropped', oldest, { reason: 'overflow' });
        dropped.push(oldest);
      }
      ops.push(op);
    });
    for (const o of dropped) {
      settle(o.id, {
        error: new PaketError(`${o.type} of ${o.participantId} dropped from the full outbox`),
      });
    }
    report('outboxQueued', op);

    const outcome = new Promise<Outcome>((resolve) => waiters.set(op.id, resolve));
    while (waiters.has(op.id)) {
      const result = await flush();
      if (
        waiters.has(op.id) &&
        !result.error &&
        !(await outbox.read()).some((o) => o.id === op.id)
      ) {
        // Another app instance sharing the outbox delivered it, or the service refused it.
        const done = (await finished.read()).find((d) => d.id === op.id);
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
      } else if (result.busy && waiters.has(op.id)) {
        // Another app instance is delivering the outbox: wait for it to get to this one.
        await new Promise((resolve) => setTimeout(resolve, 100));
      } else if (result.error && waiters.has(op.id)) {
        waiters.delete(op.id);
        const cause = result.error;
        const queued = new PaketNetworkError(
          cause.method,
          cause.path,
          cause,
          `${cause instanceof PaketHttpError ? `HTTP ${cause.status}` : cause.message.replace(/^.*failed: /, '')}; queued for delivery`,
        );
        queued.queued = true;
        throw queued;
      }
    }
    const settled = await outcome;
    if ('error' in settled) throw settled.error;
    return settled.value;
  };

  const listContext: ListContext = {
    transport,
    ensure: (profileId) => sessions.ensure(profileId),
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
      return linkedOf(profileId).read();
    },

    flush,
    pending: (): Promise<QueuedOperation[]> => outbox.read(),
  };
}

export type Links = ReturnType<typeof createLinks>;
