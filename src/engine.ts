// What a client loads on first need, off the start-up path: the outbox (with its record's
// migrations), its delivery handlers for links, items and hides, and the calls built on
// them. A warm start that finds nothing queued never downloads this chunk or the transport.
import { PaketError } from './errors/PaketError.js';
import { PaketStorageError } from './errors/PaketStorageError.js';
import type { PaketEvent } from './events.js';
import { loadOnce, type Loader } from './load-once.js';
import type { Coordinator } from './coordination/types.js';
import { createOutbox } from './outbox/outbox.js';
import type { Namespace } from './namespace.js';
import { isTransient } from './resources/failures.js';
import { createHides } from './resources/hides.js';
import type { IdentityInternals, IdentityResource } from './resources/identity.js';
import { createLinks } from './resources/links.js';
import { createItems } from './resources/publisher/items.js';
import { KEY_PREFIX, type RecordStorage } from './storage/records.js';
import type { Transport } from './transport/http.js';
import type { PaketParticipant, PaketSession } from './types.js';

type Identity<T> = IdentityResource<T> & { internals: IdentityInternals<T> };

export interface EngineConfig {
  transport: Transport;
  storage: RecordStorage;
  coordinator: Coordinator;
  emit: (event: PaketEvent) => void;
  namespace: Namespace;
  sessions: Identity<PaketSession>;
  participants: Identity<PaketParticipant>;
  /** The outbox record's storage key (it depends on the namespace). */
  outboxKey: () => Promise<string>;
  outboxLimit: number;
  waitMs: number;
  timeoutMs: number;
  autoFlush: boolean;
  reconcileEveryMs: number;
}

export function createEngine(config: EngineConfig) {
  const { storage, namespace, transport, emit } = config;
  /**
   * The merge of the localStorage fallback's outbox, when there is one (else `undefined`,
   * once looked for). A failed merge is forgotten (loadOnce): the next use of the outbox
   * retries it, with an error of its own meanwhile (a timed-out write's `landed` is the
   * merge's, not that of the caller's operation).
   */
  let stray: Loader<void> | undefined | null = null;
  const strayFor = (k: string): Loader<void> | undefined =>
    storage.mirrorGet(k) === undefined
      ? undefined
      : loadOnce(() =>
          import('./resources/repair.js')
            .then((m) => m.adoptStray(storage, k))
            .catch((error: unknown) => {
              if (error instanceof PaketStorageError) {
                throw new PaketStorageError(error.operation, error.reason, error);
              }
              throw new PaketError(
                'the queue of a localStorage-fallback run could not be merged yet; try again',
                '',
                '',
                { cause: error },
              );
            }),
        );
  let legacyOutbox: Promise<unknown> | undefined;
  /**
   * v0.1's outbox (its queue and confirmed links), under its own namespace, moves here when
   * nothing is here yet. A failed read is not taken for "nothing to move", and is not
   * remembered: the outbox call fails, typed, and the next one tries again (else v0.1's queue
   * would be left behind for good once this run wrote its own record).
   */
  const migrateOutbox = async (k: string): Promise<void> => {
    if ((await storage.get(k)) !== undefined) return;
    const old = await namespace.legacy();
    if (!old) return;
    const oldKey = `${KEY_PREFIX}${old}:links`;
    if ((await storage.get(oldKey)) === undefined) return;
    await storage.transact([k, oldKey], (values) => {
      if (values[0] !== undefined || values[1] === undefined) return;
      values[0] = values[1]; // read as v2 by the outbox
      values[1] = undefined;
    });
  };
  const outboxKey = async (): Promise<string> => {
    const k = await config.outboxKey();
    await (legacyOutbox ??= migrateOutbox(k).catch((error: unknown) => {
      legacyOutbox = undefined;
      // Typed anew: a timed-out move's `landed` is the move's, not the caller's operation's.
      if (error instanceof PaketStorageError) {
        throw new PaketStorageError(error.operation, error.reason, error);
      }
      throw error;
    }));
    // The merge of an outbox a run on the localStorage fallback left there (repair.ts), before
    // this run reads or queues anything: that run came earlier than anything queued now. Until
    // it is merged (its code failed to load, storage failed), every use of the outbox fails
    // and tries again, so nothing queued here can be overtaken by the older queue later.
    if (stray === null) stray = strayFor(k);
    if (stray) await stray();
    return k;
  };
  const outbox = createOutbox({
    storage,
    coordinator: config.coordinator,
    emit,
    key: outboxKey,
    limit: config.outboxLimit,
    isTransient,
    waitMs: config.waitMs,
    auto: config.autoFlush,
  });
  const links = createLinks({
    transport,
    outbox,
    sessions: config.sessions,
    emit,
    outboxKey,
    reconcileEveryMs: config.reconcileEveryMs,
    timeoutMs: config.timeoutMs,
  });
  const items = createItems({ transport, outbox, participants: config.participants });
  const hides = createHides({
    transport,
    outbox,
    current: (profileId) => links.internals.current(profileId, false),
  });
  return { outbox, links, items, hides };
}

export type Engine = ReturnType<typeof createEngine>;
