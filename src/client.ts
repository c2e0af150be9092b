import { PaketInputError } from './errors/PaketInputError.js';
import type { PaketEvent, PaketEventHandler } from './events.js';
import type { Engine } from './engine.js';
import type { ParticipantsResource } from './resources/participants.js';
import type { SessionsResource } from './resources/sessions.js';
import { createLazyCoordinator } from './coordination/lazy.js';
import { createNamespace } from './namespace.js';
import { loadOnce } from './load-once.js';
import type { FlushResult } from './outbox/outbox.js';
import type { QueuedOperation } from './outbox/record.js';
import type {
  PlaybackTracker,
  StartingTracker,
  TrackerHandle,
} from './resources/publisher/playback.js';
import { createIdentityResource, type IdentityResource } from './resources/identity.js';
import type { StorageAdapter, StorageKind } from './storage/adapter.js';
import { createRecordStorage, KEY_PREFIX } from './storage/records.js';
import { DIALECTS, publisherIdField, type Dialect } from './transport/dialect.js';
import type { CredentialsOption, RetryOptions, Transport } from './transport/http.js';
import { createLazyTransport } from './transport/lazy.js';
import type { PaketParticipant, PaketSession, PaketStatus } from './types.js';

const asyncIteratorSymbol: symbol =
  (Symbol as { asyncIterator?: symbol }).asyncIterator ?? Symbol.for('Symbol.asyncIterator');

/** The production API. */
export const DEFAULT_BASE_URL = 'https://api.paket.tv/v1';

/** Options of {@link createPaketClient}. */
export interface PaketClientOptions {
  /**
   * `{ username, password }` (the API Username and API Secret Key), or a function returning
   * them, sync or async. A function is asked again after a 401, so a rotated secret works.
   * Secrets shipped inside a TV app can be extracted: prefer a function that fetches them
   * from your backend.
   */
  credentials: CredentialsOption;
  /** Default `https://api.paket.tv/v1`. Plain `http:` is refused except on loopback, unless `allowInsecureHttp`. */
  baseUrl?: string;
  /** Allow a non-loopback `http:` base URL (credentials then travel in clear text). Default `false`. */
  allowInsecureHttp?: boolean;
  /** Time limit of each attempt, in ms. Default 10,000. */
  timeoutMs?: number;
  /** Retry policy for transient failures. */
  retry?: RetryOptions;
  /** Sent as `Paket-Version` to pin a dated API version, e.g. `2024-12-01`. */
  apiVersion?: string;
  /**
   * Sign every request with HMAC-SHA256 (`X-Paket-Timestamp`, `X-Paket-Signature`), as the
   * live API requires since 2025-10. Default `true`; `false` turns it off. When the service
   * refuses a signature for its timestamp and tells its clock (`Date`), the request is signed
   * again once with the corrected time, and the offset is kept for later requests.
   */
  signRequests?: boolean;
  /**
   * The API dialect: `'participants'` (the 2024 docs: `POST /v1/participants`,
   * `/v1/upnext/sessions/…`; the default) or `'contexts'` (the 2025 docs: `POST /v1/contexts`,
   * `/v1/sessions/upnext/…`, `context_id`). Records stored under one are never read as the other.
   */
  dialect?: Dialect;
  /** The `fetch` to use. Default: the global `fetch`, looked up at call time. */
  fetch?: typeof fetch;
  /**
   * Your own persistence for the SDK's records (get/set/delete/update). Default: the SDK's
   * IndexedDB database, with a localStorage mirror; localStorage, then memory, where
   * IndexedDB is missing, fails or hangs.
   */
  storage?: StorageAdapter;
  /** Bound on opening storage and on each storage call, in ms. Default 3,000. */
  storageTimeoutMs?: number;
  /** Most operations the outbox keeps; past it the oldest is dropped and reported. Default 100. */
  outboxLimit?: number;
  /**
   * Deliver queued operations by itself: soon after the client is created, after each
   * `sessions.ensure()`, on the browser's `online` event, when the app becomes visible
   * again, and after a transient failure on a timer with backoff (the first retry within
   * 5 s, then doubling to at most 5 minutes, jittered). `close()` stops it. Default `true`.
   */
  autoFlush?: boolean;
  /**
   * At most this often per profile (ms), after `sessions.ensure()`, the SDK reads the
   * service's linked publishers and heals any difference with what the user asked for
   * (re-links what the service lost, repeats an unlink it still shows), reported by a
   * `reconciled` event. Also after an unlink whose outcome was uncertain. Default one day;
   * `0` turns it off.
   */
  reconcileEveryMs?: number;
  /** Receives every SDK event. Exceptions it throws are ignored. */
  onEvent?: PaketEventHandler;
}

/** A Paket API client. Create one per set of credentials with {@link createPaketClient}. */
export interface PaketClient<D extends Dialect = 'participants'> {
  /** `GET /v1`: the API status and the calling client's ID. */
  status(): Promise<PaketStatus>;
  /** The platform side: Sessions. */
  readonly sessions: SessionsResource<D>;
  /** The publisher side: Participants (2024) or Contexts (2025), in the dialect's wire shape. */
  readonly participants: ParticipantsResource<D>;
  /**
   * The storage backend keeping this client's records: `indexeddb`, `localStorage`,
   * `memory` or `custom`; `unknown` until the first call that uses storage.
   */
  readonly storageKind: StorageKind;
  /** Delivers the queued writes (links, unlinks, items, hides), in order, until the outbox is empty or a transient failure stops it. */
  flush(): Promise<FlushResult>;
  /** The operations waiting in the outbox (local, no request). */
  pending(): Promise<QueuedOperation[]>;
  /**
   * Stops delivering by itself (the `online` and `visibilitychange` listeners, the retry
   * timer), so a client that is no longer used can be garbage-collected (an app that replaces
   * its client, for example on a change of account). Calls already made complete; stored data
   * and queued operations stay.
   */
  close(): void;
}

/**
 * Creates a client. Synchronous; does no I/O and touches no browser-only global, so it is
 * safe at module load and in Node. Invalid options throw a `PaketInputError`.
 */
export function createPaketClient<D extends Dialect = 'participants'>(
  options: PaketClientOptions & { dialect?: D },
): PaketClient<D> {
  if (!options || typeof options !== 'object') {
    throw new PaketInputError('options', 'must be an object');
  }
  const credentials = read(options, 'credentials');
  const retry = read(options, 'retry') ?? {};
  const onEvent = check(
    'onEvent',
    read(options, 'onEvent'),
    (v) => typeof v === 'function',
    'must be a function',
  );
  if (!credentials || (typeof credentials !== 'function' && typeof credentials !== 'object')) {
    throw new PaketInputError('credentials', 'must be { username, password } or a function');
  }
  const emit = (event: PaketEvent): void => {
    try {
      if (onEvent) onEvent(event);
    } catch {
      // A faulty listener must not break a call.
    }
  };
  const baseUrl = checkBaseUrl(
    read(options, 'baseUrl') ?? DEFAULT_BASE_URL,
    read(options, 'allowInsecureHttp'),
  );
  const timeoutMs = num('timeoutMs', read(options, 'timeoutMs'), 10_000, 1, 2_147_483_647);
  const transport = createLazyTransport({
    baseUrl,
    credentials,
    timeoutMs,
    retry: {
      limit: num('retry.limit', read(retry, 'limit', 'retry.'), 2, 0, 10, true),
      backoffLimitMs: num(
        'retry.backoffLimitMs',
        read(retry, 'backoffLimitMs', 'retry.'),
        10_000,
        0,
        3.6e6,
      ),
      maxRetryAfterMs: num(
        'retry.maxRetryAfterMs',
        read(retry, 'maxRetryAfterMs', 'retry.'),
        60_000,
        0,
        3.6e6,
      ),
    },
    apiVersion: check(
      'apiVersion',
      read(options, 'apiVersion'),
      (v) => typeof v === 'string' && /^[\w.-]{1,64}$/.test(v),
      'must be a version name such as 2024-12-01',
    ),
    signRequests:
      check(
        'signRequests',
        read(options, 'signRequests'),
        (v) => typeof v === 'boolean',
        'must be true or false',
      ) !== false,
    dialect:
      check(
        'dialect',
        read(options, 'dialect'),
        (v) => DIALECTS.indexOf(v) >= 0,
        "must be 'participants' or 'contexts'",
      ) ?? 'participants',
    fetch: check(
      'fetch',
      read(options, 'fetch'),
      (v) => typeof v === 'function',
      'must be a function',
    ),
    emit,
  });
  const storage = createRecordStorage({
    custom: check(
      'storage',
      read(options, 'storage'),
      (v) =>
        !!v && ['get', 'set', 'delete', 'update'].every((m) => typeof v[m as 'get'] === 'function'),
      'must have get, set, delete and update functions',
    ),
    timeoutMs: num('storageTimeoutMs', read(options, 'storageTimeoutMs'), 3000, 1, 600_000),
    emit,
  });
  const autoFlush = read(options, 'autoFlush') !== false;
  const namespace = createNamespace({
    transport,
    storage,
    remembered: typeof credentials === 'function',
    scope: baseUrl,
    emit,
  });
  // Every request first checks a namespace remembered from an earlier run.
  const requests: Transport = {
    ...transport,
    request: (spec) => {
      // The request asks for the credentials first (so a failure names the call), then the
      // check reuses them.
      const response = transport.request(spec);
      namespace.check();
      return response;
    },
  };
  // Locks (Web Locks or the fenced lease) load with the first create or delivery.
  const coordinator = createLazyCoordinator({
    storage,
    keyOf: async (n) =>
      n.indexOf(KEY_PREFIX) === 0 ? n : `${KEY_PREFIX}${await namespace()}:${n}`,
  });
  // The longest one call may wait for another instance's create or delivery.
  const waitMs = timeoutMs * 3 + 5000;
  const identity = {
    transport: requests,
    storage,
    coordinator,
    emit,
    namespace,
    legacy: namespace.legacy,
    waitMs,
  };
  const sessions = createIdentityResource<PaketSession>({
    ...identity,
    kind: 'session',
    idField: 'session_id',
    // After each: the queue a previous run left, and the profile's reconcile when due.
    ensured: (profileId) => wake(profileId),
  });
  const participants = createIdentityResource<PaketParticipant>({
    ...identity,
    kind: 'participant',
    idField: publisherIdField(transport.dialect),
  });
  const outboxKey = async (): Promise<string> => KEY_PREFIX + (await namespace()) + ':links';
  const reconcileEveryMs = num(
    'reconcileEveryMs',
    read(options, 'reconcileEveryMs'),
    86_400_000,
    0,
    3.15e10,
  );
  const outboxLimit = num('outboxLimit', read(options, 'outboxLimit'), 100, 1, 10_000, true);
  // The outbox and its calls (engine.ts) load on first need: a call that writes or reads the
  // queue, or a start that finds something queued.
  const engine = loadOnce(() =>
    import('./engine.js').then((m) =>
      m.createEngine({
        transport: requests,
        storage,
        coordinator,
        emit,
        namespace,
        sessions,
        participants,
        outboxKey,
        outboxLimit,
        waitMs,
        timeoutMs,
        autoFlush,
        reconcileEveryMs,
      }),
    ),
  );
  const statusCode = loadOnce(() => import('./resources/status.js'));
  /** `engine().then(run)`, for calls whose arguments the engine's code checks. */
  const later =
    <A extends unknown[], R>(pick: (e: Engine) => (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> =>
      pick(await engine())(...args);

  /**
   * Loads the engine and has it deliver the queue and reconcile the profile when due. `wake`
   * calls it when the engine is loaded already, or when the idle check (outbox/idle.ts) finds
   * work: a warm start with none loads that check and the storage backends, nothing more.
   */
  const deliver = (profileId?: string): void =>
    void engine()
      .then((e) => {
        if (autoFlush) e.outbox.wake();
        if (profileId !== undefined) e.links.reconcileIfDue(profileId);
      })
      .catch(() => undefined); // a chunk that failed to load: the next wake tries again
  const wake = (profileId?: string): void => {
    // Without autoFlush, only an ensure()'s reconcile check runs.
    if (closed || (!autoFlush && (profileId === undefined || reconcileEveryMs <= 0))) return;
    if (engine.current) return deliver(profileId);
    // The check loads on its own, beside the storage backend it reads with (a warm start
    // runs it after the Session is in hand, past the ensure() that called it).
    void outboxKey()
      .then((key) => {
        storage.preload();
        return import('./outbox/idle.js').then((m) =>
          m.hasWork({ storage, namespace, key, profileId, autoFlush, reconcileEveryMs }),
        );
      })
      .then((work) => work && deliver(profileId))
      .catch(() => undefined);
  };
  let closed = false;
  // Created: the queue a previous run left is delivered soon.
  if (autoFlush) setTimeout(() => wake(), 0);
  const target = globalThis as {
    addEventListener?: (type: string, listener: () => void) => void;
    removeEventListener?: (type: string, listener: () => void) => void;
    document?: { visibilityState?: string };
  };
  const online = (): void => wake();
  const visible = (): void => {
    if (!target.document || target.document.visibilityState !== 'hidden') wake();
  };
  const listen = (method: 'addEventListener' | 'removeEventListener'): void => {
    if (!autoFlush || typeof target[method] !== 'function') return;
    target[method]('online', online);
    target[method]('visibilitychange', visible);
  };
  listen('addEventListener');

  // The objects are in the dialect's wire shape at run time (links.ts, identity.ts); the
  // dialect type parameter only names them.
  const client: PaketClient = {
    status: async () => (await statusCode()).getStatus(requests),
    sessions: {
      ...publicCalls(sessions),
      link: later((e) => e.links.sessions.link),
      unlink: later((e) => e.links.sessions.unlink),
      remove: later((e) => e.links.sessions.remove),
      linked: later((e) => e.links.sessions.linked),
      hide: later((e) => e.hides.hide),
      unhide: later((e) => e.hides.unhide),
      // Lists load their code, and check their arguments, on the first `next()`.
      participants: (profileId, o) => lazyList((e) => e.links.sessions.participants(profileId, o)),
      upNext: (profileId, o) => lazyList((e) => e.links.sessions.upNext(profileId, o)),
    },
    participants: {
      ...publicCalls(participants),
      putItem: later((e) => e.items.calls.putItem),
      removeItem: later((e) => e.items.calls.removeItem),
      leaveSessions: later((e) => e.items.calls.leaveSessions),
      items: (profileId, o) => lazyList((e) => e.items.calls.items(profileId, o)),
      // Its argument checks load with the tracker (the item rules are not start-up code).
      // The promise is the handle: its stop() works at once, before the tracker started too.
      trackPlayback: (...args) => {
        let running: PlaybackTracker | undefined;
        const stop = (): void => {
          handle.stopped = true;
          if (running) running.stop();
        };
        const handle = engine()
          .then((e) => {
            running = e.items.calls.trackPlayback(handle, ...args);
            return { stop };
          })
          .catch((error: unknown) => {
            if (handle.stopped) return { stop }; // stopped: nobody waits for this
            throw error;
          }) as StartingTracker & TrackerHandle;
        handle.stop = stop;
        return handle;
      },
    },
    flush: async () => (await engine()).outbox.flush(),
    pending: async () => (await (await engine()).outbox.read()).ops,
    close: () => {
      closed = true;
      listen('removeEventListener');
      void engine.current?.then(
        (e) => e.outbox.close(),
        () => undefined,
      );
    },
    get storageKind() {
      return storage.kind;
    },
  };
  /** An async iterable whose list (and the engine) loads on the first `next()`. */
  function lazyList<T>(make: (e: Engine) => AsyncIterable<T>): AsyncIterable<T> {
    return {
      [asyncIteratorSymbol]: () => {
        let inner: Promise<AsyncIterator<T>> | undefined;
        return {
          next: async () => {
            inner ??= engine().then((e) =>
              make(e)[asyncIteratorSymbol as typeof Symbol.asyncIterator](),
            );
            return (await inner).next();
          },
        };
      },
    } as unknown as AsyncIterable<T>;
  }
  return client as unknown as PaketClient<D>;
}

/** The public calls of an identity resource, without its internals. */
const publicCalls = <T>(r: IdentityResource<T>): IdentityResource<T> => ({
  create: r.create,
  ensure: r.ensure,
  get: r.get,
  forget: r.forget,
});

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/** Each rule a `baseUrl` must meet, and what is said when it does not. */
function baseUrlProblem(value: unknown, allowInsecureHttp: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL (such as https://api.paket.tv/v1)';
  }
  if (!/^https?:$/.test(url.protocol)) return `must use https: (not ${url.protocol})`;
  if (url.username || url.password) {
    return 'must not contain credentials (pass them as the credentials option)';
  }
  if (url.search) return 'must not contain a query';
  if (url.hash || value.indexOf('#') >= 0) return 'must not contain a fragment';
  if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname) && allowInsecureHttp !== true) {
    return 'must use https: (plain http: only on loopback, or with allowInsecureHttp: true)';
  }
  return undefined;
}

function checkBaseUrl(value: unknown, allowInsecureHttp: unknown): string {
  const problem = baseUrlProblem(value, allowInsecureHttp);
  if (problem) throw new PaketInputError('baseUrl', problem);
  const url = new URL(value as string);
  return url.origin + url.pathname.replace(/\/+$/, '');
}

/** `object[name]`; a getter that throws is a PaketInputError naming the option. */
function read<O extends object, K extends keyof O>(object: O, name: K, prefix = ''): O[K] {
  try {
    return object[name];
  } catch {
    throw new PaketInputError(prefix + String(name), 'could not be read (its getter threw)');
  }
}

/** The option's value when it is given and `valid`, else a PaketInputError. */
function check<T>(name: string, value: T | undefined, valid: (v: T) => boolean, rule: string) {
  if (value !== undefined && !valid(value)) throw new PaketInputError(name, rule);
  return value;
}

/** A number option from `min` to `max` (an integer when `integer`), or `fallback` when not given. */
function num(
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
  integer?: boolean,
): number {
  return (
    check(
      name,
      value,
      (v) => typeof v === 'number' && v >= min && v <= max && (!integer || v % 1 === 0),
      `must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`,
    ) ?? fallback
  );
}
