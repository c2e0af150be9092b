// Linking Participants to a profile's Session, with an outbox so that a link or unlink the
// user asked for is never lost and never made twice:
// - every operation is written to storage before it is sent, and delivered in order;
// - a transient failure (network, timeout, 408/409/429/5xx, 401/403, storage) leaves it
//   queued for `flush()`, the `online` event, `ensure()` or the next client;
// - a permanent 4xx removes it and is reported;
// - a 404 for a Session the service no longer has replaces the Session and re-links every
//   participant known for the profile (`sessionReplaced`).
import type { PaketEvent } from '../events';
import { PaketError } from '../errors/PaketError';
import { PaketHttpError } from '../errors/PaketHttpError';
import { PaketInputError } from '../errors/PaketInputError';
import { PaketNetworkError } from '../errors/PaketNetworkError';
import { PaketStorageError } from '../errors/PaketStorageError';
import type { RecordStorage } from '../storage/records';
import { KEY_PREFIX } from '../storage/records';
import type { Transport } from '../transport/http';
import { uuidv4 } from '../transport/uuid';
import type {
  PaketLinkedParticipant,
  PaketListItem,
  PaketSession,
  PaketSessionParticipant,
} from '../types';
import { checkProfileId, type IdentityResource } from './identity';
import { pagedList } from './pages';

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

type Outcome = { value: PaketSessionParticipant | undefined } | { error: unknown };

const SESSIONS = ['upnext', 'sessions'];

function checkId(name: string, value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '' || value.length > 255 || value.includes('/')) {
    throw new PaketInputError(
      name,
      'must be a non-empty string of at most 255 characters, without "/"',
      where,
    );
  }
  return value;
}

function checkLimit(value: unknown, max: number, where: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(value >= 1 && value <= max) || Math.floor(value) !== value) {
    throw new PaketInputError('limit', `must be an integer from 1 to ${max}`, where);
  }
  return value;
}

const isStatus = (error: unknown, status: number): boolean =>
  error instanceof PaketHttpError && error.status === status;

/** Failures after which the operation stays queued (401/403: the app's credentials, not the operation, are at fault). */
function isTransient(error: unknown): boolean {
  if (error instanceof PaketNetworkError || error instanceof PaketStorageError) return true;
  if (error instanceof PaketHttpError) {
    const s = error.status;
    // A 2xx with an unreadable body may have been committed: resend later with the same key.
    return s === 401 || s === 403 || s === 408 || s === 409 || s === 429 || s >= 500 || s < 300;
  }
  return false;
}

function queuedError(cause: unknown): PaketNetworkError {
  const e = cause instanceof PaketError ? cause : undefined;
  const reason =
    e instanceof PaketHttpError
      ? `HTTP ${e.status}`
      : e
        ? e.message.replace(/^.*failed: /, '')
        : 'error';
  const error = new PaketNetworkError(
    e?.method ?? '',
    e?.path ?? '',
    cause,
    `${reason}; queued for delivery`,
  );
  error.queued = true;
  return error;
}

export function createLinks(config: LinkConfig) {
  const { transport, storage, sessions, emit } = config;
  const waiters = new Map<string, (outcome: Outcome) => void>();
  let flushing: Promise<FlushResult> | undefined;
  let inFlight: string | undefined;

  const key = async (suffix: string): Promise<string> =>
    `${KEY_PREFIX}${await transport.namespace()}:${suffix}`;

  // ---- stored state: the outbox and, per profile, the confirmed links ----

  const parseOps = (value: unknown): QueuedOperation[] | undefined => {
    const r = value as { v?: unknown; ops?: unknown } | undefined;
    if (!r || r.v !== 1 || !Array.isArray(r.ops)) return undefined;
    const ok = r.ops.every(
      (o: Partial<QueuedOperation>) =>
        o &&
        (o.type === 'link' || o.type === 'unlink') &&
        typeof o.id === 'string' &&
        typeof o.profileId === 'string' &&
        typeof o.participantId === 'string' &&
        typeof o.key === 'string',
    );
    return ok ? (r.ops as QueuedOperation[]) : undefined;
  };

  const readOps = async (): Promise<QueuedOperation[]> => {
    const k = await key('outbox');
    const raw = await storage.get(k);
    if (raw === undefined || raw === null) return [];
    const ops = parseOps(raw);
    if (ops) return ops;
    emit({ type: 'recordDiscarded', kind: 'outbox', profileId: '' });
    await storage.delete(k);
    return [];
  };

  /** Atomically rewrites the outbox; `change` gets a copy it may mutate. */
  const changeOps = async (
    change: (ops: QueuedOperation[]) => void,
  ): Promise<QueuedOperation[]> => {
    const k = await key('outbox');
    let corrupted = false;
    const next = await storage.update(k, (current) => {
      const ops = parseOps(current);
      corrupted = current !== undefined && current !== null && !ops;
      const copy = ops ? ops.slice() : [];
      change(copy);
      return { v: 1, ops: copy };
    });
    if (corrupted) emit({ type: 'recordDiscarded', kind: 'outbox', profileId: '' });
    return next.ops;
  };

  const readLinked = async (profileId: string): Promise<PaketSessionParticipant[]> => {
    const raw = (await storage.get(await key(`linked:${profileId}`))) as
      { v?: unknown; items?: unknown } | undefined;
    if (raw && raw.v === 1 && Array.isArray(raw.items)) {
      return (raw.items as PaketSessionParticipant[]).filter(
        (i) => i && typeof i.participant_id === 'string',
      );
    }
    if (raw !== undefined && raw !== null) {
      emit({ type: 'recordDiscarded', kind: 'linked', profileId });
    }
    return [];
  };

  const changeLinked = async (
    profileId: string,
    change: (items: PaketSessionParticipant[]) => PaketSessionParticipant[],
  ): Promise<void> => {
    await storage.update(await key(`linked:${profileId}`), (current) => {
      const r = current as { v?: unknown; items?: unknown } | undefined;
      const items =
        r && r.v === 1 && Array.isArray(r.items) ? (r.items as PaketSessionParticipant[]) : [];
      return { v: 1, items: change(items.slice()) };
    });
  };

  const settle = (id: string, outcome: Outcome): void => {
    const waiter = waiters.get(id);
    if (waiter) {
      waiters.delete(id);
      waiter(outcome);
    }
  };

  // ---- delivery ----

  const putLink = async (
    session: PaketSession,
    appId: string,
    participantId: string,
    idempotencyKey: string,
  ): Promise<PaketSessionParticipant> => {
    const segments = [...SESSIONS, session.session_id];
    const response = await transport.request({
      method: 'PUT',
      segments,
      body: { app_id: appId, participant_id: participantId },
      idempotencyKey,
    });
    const body = response.body as Partial<PaketSessionParticipant> & { message?: unknown };
    if (!body || typeof body !== 'object') {
      throw new PaketHttpError(
        'PUT',
        transport.displayPath(segments),
        response.status,
        body,
        `HTTP ${response.status} without a link`,
      );
    }
    // Older servers answer {"message":"Success"}: make the documented object from what we sent.
    const link: PaketSessionParticipant = {
      app_id: typeof body.app_id === 'string' ? body.app_id : appId,
      participant_id: typeof body.participant_id === 'string' ? body.participant_id : participantId,
      session_id: typeof body.session_id === 'string' ? body.session_id : session.session_id,
      client_id: typeof body.client_id === 'string' ? body.client_id : session.client_id,
      created_at: typeof body.created_at === 'string' ? body.created_at : new Date().toISOString(),
    };
    return link;
  };

  /** Does the service still have this Session? (A 404 on link may name the participant instead.) */
  const sessionGone = async (session: PaketSession): Promise<boolean> => {
    try {
      await transport.request({
        method: 'GET',
        segments: [...SESSIONS, session.session_id, 'participants'],
        query: { limit: 1 },
      });
      return false;
    } catch (error) {
      if (isStatus(error, 404)) return true;
      throw error;
    }
  };

  /** Replaces a Session the service lost, and queues a re-link of every known participant. */
  const heal = async (
    profileId: string,
    old: PaketSession,
    except?: string,
  ): Promise<PaketSession> => {
    const known = await readLinked(profileId);
    await sessions.forget(profileId);
    const fresh = await sessions.ensure(profileId);
    await changeLinked(profileId, () => []);
    const relinks = known.filter((l) => l.participant_id !== except);
    await changeOps((ops) => {
      const head = ops[0] && ops[0].id === inFlight ? 1 : 0;
      const queued: QueuedOperation[] = relinks
        .filter(
          (l) =>
            !ops.some((o) => o.profileId === profileId && o.participantId === l.participant_id),
        )
        .map((l) => ({
          id: uuidv4(),
          type: 'link',
          profileId,
          participantId: l.participant_id,
          appId: l.app_id,
          key: uuidv4(),
          queuedAt: new Date().toISOString(),
        }));
      ops.splice(head, 0, ...queued);
    });
    emit({
      type: 'sessionReplaced',
      profileId,
      previousSessionId: old.session_id,
      sessionId: fresh.session_id,
    });
    return fresh;
  };

  const deliver = async (op: QueuedOperation): Promise<PaketSessionParticipant | undefined> => {
    let session = await sessions.ensure(op.profileId);
    let healed = false;
    for (;;) {
      try {
        if (op.type === 'unlink') {
          await transport.request({
            method: 'DELETE',
            segments: [...SESSIONS, session.session_id, op.participantId],
          });
          await changeLinked(op.profileId, (items) =>
            items.filter((i) => i.participant_id !== op.participantId),
          );
          return undefined;
        }
        const link = await putLink(session, op.appId ?? '', op.participantId, op.key);
        await changeLinked(op.profileId, (items) => [
          ...items.filter((i) => i.participant_id !== op.participantId),
          link,
        ]);
        return link;
      } catch (error) {
        if (
          healed ||
          op.type !== 'link' ||
          !isStatus(error, 404) ||
          !(await sessionGone(session))
        ) {
          throw error;
        }
        healed = true;
        session = await heal(op.profileId, session, op.participantId);
        // The old key is bound to the old Session's path: a new path needs a new key.
        const fresh = uuidv4();
        await changeOps((ops) => {
          for (const o of ops) if (o.id === op.id) o.key = fresh;
        });
        op = { ...op, key: fresh };
      }
    }
  };

  const runFlush = async (): Promise<FlushResult> => {
    let delivered = 0;
    for (;;) {
      let ops: QueuedOperation[];
      try {
        ops = await readOps();
      } catch (error) {
        return { delivered, pending: 0, error: error as PaketError };
      }
      const op = ops[0];
      if (!op) return { delivered, pending: 0 };
      inFlight = op.id;
      let outcome: Outcome;
      try {
        outcome = { value: await deliver(op) };
      } catch (error) {
        inFlight = undefined;
        if (isTransient(error)) {
          return { delivered, pending: ops.length, error: error as PaketError };
        }
        outcome = { error };
        emit({
          type: 'outboxDropped',
          reason: 'rejected',
          operation: op.type,
          profileId: op.profileId,
          participantId: op.participantId,
          ...(error instanceof PaketHttpError ? { status: error.status } : {}),
        });
      }
      inFlight = undefined;
      try {
        await changeOps((list) => {
          const i = list.findIndex((o) => o.id === op.id);
          if (i >= 0) list.splice(i, 1);
        });
      } catch (error) {
        settle(op.id, outcome);
        return { delivered, pending: ops.length, error: error as PaketError };
      }
      if ('value' in outcome) {
        delivered++;
        emit({
          type: 'outboxDelivered',
          operation: op.type,
          profileId: op.profileId,
          participantId: op.participantId,
        });
      }
      settle(op.id, outcome);
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

  /** Queues an operation (replacing a queued one for the same participant), then delivers. */
  const submit = async (
    input: Omit<QueuedOperation, 'id' | 'key' | 'queuedAt'>,
  ): Promise<PaketSessionParticipant | undefined> => {
    const op: QueuedOperation = {
      ...input,
      id: uuidv4(),
      key: uuidv4(),
      queuedAt: new Date().toISOString(),
    };
    const dropped: QueuedOperation[] = [];
    await changeOps((ops) => {
      for (let i = ops.length - 1; i >= 0; i--) {
        const o = ops[i] as QueuedOperation;
        // A later operation on the same participant supersedes a queued one (link then
        // unlink ends unlinked); one being sent right now is left to finish first.
        if (
          o.profileId === op.profileId &&
          o.participantId === op.participantId &&
          o.id !== inFlight
        ) {
          ops.splice(i, 1);
          dropped.push(o);
        }
      }
      while (ops.length >= config.outboxLimit) {
        const i = ops[0] && ops[0].id === inFlight ? 1 : 0;
        const [oldest] = ops.splice(i, 1);
        if (!oldest) break;
        emit({
          type: 'outboxDropped',
          reason: 'overflow',
          operation: oldest.type,
          profileId: oldest.profileId,
          participantId: oldest.participantId,
        });
        dropped.push(oldest);
      }
      ops.push(op);
    });
    for (const o of dropped) {
      settle(o.id, {
        error: new PaketError(
          `${o.type} of ${o.participantId} was superseded or dropped from the outbox`,
        ),
      });
    }
    emit({
      type: 'outboxQueued',
      operation: op.type,
      profileId: op.profileId,
      participantId: op.participantId,
    });

    const outcome = new Promise<Outcome>((resolve) => waiters.set(op.id, resolve));
    for (;;) {
      const result = await flush();
      if (!waiters.has(op.id)) break; // settled
      if (result.error) {
        waiters.delete(op.id);
        throw queuedError(result.error);
      }
    }
    const settled = await outcome;
    if ('error' in settled) throw settled.error;
    return settled.value;
  };

  /** A paged list of the profile's Session, replacing the Session if the service lost it. */
  const list = <T>(
    profileId: string,
    suffix: string[],
    limit: number | undefined,
  ): AsyncIterable<T> => {
    let session: PaketSession | undefined;
    let healed = false;
    const fetchPage = async (
      nextKey: number | undefined,
    ): Promise<{ status: number; body: unknown }> => {
      session ??= await sessions.ensure(profileId);
      const request = {
        method: 'GET' as const,
        segments: [...SESSIONS, session.session_id, ...suffix],
        query: { limit, next_key: nextKey },
      };
      try {
        return await transport.request(request);
      } catch (error) {
        if (healed || nextKey !== undefined || !isStatus(error, 404)) throw error;
        healed = true;
        session = await heal(profileId, session);
        await flush();
        return transport.request({
          ...request,
          segments: [...SESSIONS, session.session_id, ...suffix],
        });
      }
    };
    const path = `${transport.displayPath(SESSIONS)}/{session_id}${suffix.map((s) => '/' + s).join('')}`;
    return pagedList<T>(fetchPage, 'GET', path);
  };

  return {
    async link(profileId: string, input: LinkInput): Promise<PaketSessionParticipant> {
      const where = 'sessions.link';
      checkProfileId(profileId, where);
      if (!input || typeof input !== 'object')
        throw new PaketInputError('input', 'must be { appId, participantId }', where);
      const appId = checkId('appId', input.appId, where);
      const participantId = checkId('participantId', input.participantId, where);
      const link = await submit({ type: 'link', profileId, participantId, appId });
      return link as PaketSessionParticipant;
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
      const session = await sessions.get(profileId);
      if (session) {
        try {
          await transport.request({
            method: 'DELETE',
            segments: [...SESSIONS, session.session_id],
          });
        } catch (error) {
          if (!isStatus(error, 404)) throw error;
        }
      }
      const dropped: QueuedOperation[] = [];
      await changeOps((ops) => {
        for (let i = ops.length - 1; i >= 0; i--) {
          const o = ops[i] as QueuedOperation;
          if (o.profileId === profileId && o.id !== inFlight) dropped.push(...ops.splice(i, 1));
        }
      });
      for (const o of dropped) {
        emit({
          type: 'outboxDropped',
          reason: 'removed',
          operation: o.type,
          profileId,
          participantId: o.participantId,
        });
        settle(o.id, {
          error: new PaketError(`${o.type} of ${o.participantId} dropped: its Session was removed`),
        });
      }
      await storage.delete(await key(`linked:${profileId}`));
      await sessions.forget(profileId);
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
      return readLinked(profileId);
    },

    flush,
    pending: (): Promise<QueuedOperation[]> => readOps(),
  };
}

export type Links = ReturnType<typeof createLinks>;
