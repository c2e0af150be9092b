import { PaketInputError } from './errors/PaketInputError.js';
import type { PaketEvent, PaketEventHandler } from './events.js';
import type { ParticipantsResource } from './resources/participants.js';
import type { SessionsResource } from './resources/sessions.js';
import { createCoordinator } from './coordination/lock.js';
import { createNamespace } from './namespace.js';
import { createOutbox, type FlushResult } from './outbox/outbox.js';
import type { QueuedOperation } from './outbox/record.js';
import {
  checkProfileId,
  createIdentityResource,
  type IdentityResource,
} from './resources/identity.js';
import { isTransient } from './resources/failures.js';
import { createHides } from './resources/hides.js';
import { createLinks } from './resources/links.js';
import { createItems } from './resources/publisher/items.js';
import { getStatus } from './resources/status.js';
import type { StorageAdapter, StorageKind } from './storage/adapter.js';
import { createRecordStorage, KEY_PREFIX } from './storage/records.js';
import { dialectTable, DIALECTS, type Dialect } from './transport/dialect.js';
import {
  createTransport,
  type CredentialsOption,
  type RetryOptions,
  type Transport,
} from './transport/http.js';
import type { PaketParticipant, PaketSession, PaketStatus } from './types.js';

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
  /** Delivers queued links and unlinks, in order, until the outbox is empty or a transient failure stops it. */
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
  const { credentials, retry = {}, onEvent } = options;
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
  const transport = createTransport({
    baseUrl,
    credentials,
    timeoutMs: num('timeoutMs', read(options, 'timeoutMs'), 10_000, 1, 2_147_483_647),
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
        `must be one of ${DIALECTS.map((d) => `'${d}'`).join(', ')}`,
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
      options.storage,
      (v) =>
        !!v && ['get', 'set', 'delete', 'update'].every((m) => typeof v[m as 'get'] === 'function'),
      'must have get, set, delete and update functions',
    ),
    timeoutMs: num('storageTimeoutMs', options.storageTimeoutMs, 3000, 1, 600_000),
    emit,
  });
  const timeoutMs = num('timeoutMs', options.timeoutMs, 10_000, 1, 2_147_483_647);
  const autoFlush = options.autoFlush !== false;
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
  const coordinator = createCoordinator({
    storage,
    keyOf: async (name) =>
      name.indexOf(KEY_PREFIX) === 0 ? name : `${KEY_PREFIX}${await namespace()}:${name}`,
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
  });
  const outboxKey = async (): Promise<string> => {
    const k = KEY_PREFIX + (await namespace()) + ':links';
    // v0.1's outbox (its queue and confirmed links), under its own namespace, moves here.
    await (legacyOutbox ??= migrateOutbox(k));
    // The merge of an outbox a run on the localStorage fallback left there (repair.ts).
    await (stray ??=
      storage.mirrorGet(k) === undefined
        ? Promise.resolve()
        : import('./resources/repair.js')
            .then((m) => m.adoptStray(storage, k))
            .catch(() => undefined)); // kept there for the next run
    return k;
  };
  let stray: Promise<unknown> | undefined;
  let legacyOutbox: Promise<unknown> | undefined;
  const migrateOutbox = async (k: string): Promise<void> => {
    if (
      !(await storage.get(k).then(
        (v) => v === undefined,
        () => false,
      ))
    )
      return;
    const old = await namespace.legacy();
    if (!old) return;
    const oldKey = `${KEY_PREFIX}${old}:links`;
    const value = await storage.get(oldKey).catch(() => undefined);
    if (value === undefined) return;
    await storage.transact([k, oldKey], (values) => {
      if (values[0] === undefined) values[0] = values[1]; // read as v2 by the outbox
      values[1] = undefined;
    });
  };
  const outbox = createOutbox({
    storage,
    coordinator,
    emit,
    key: outboxKey,
    limit: num('outboxLimit', options.outboxLimit, 100, 1, 10_000, true),
    isTransient,
    waitMs,
    auto: autoFlush,
  });
  const links = createLinks({
    transport: requests,
    outbox,
    sessions,
    emit,
    outboxKey,
    reconcileEveryMs: num('reconcileEveryMs', options.reconcileEveryMs, 86_400_000, 0, 3.15e10),
    timeoutMs,
  });
  const participants = createIdentityResource<PaketParticipant>({
    ...identity,
    kind: 'participant',
    idField: dialectTable(transport.dialect).publisherIdField,
  });
  const items = createItems({ transport: requests, outbox, participants });
  const hides = createHides({
    transport: requests,
    outbox,
    current: (profileId) => links.internals.current(profileId, false),
    stored: sessions.get,
  });
  // Created: the queue a previous run left is delivered soon.
  if (autoFlush) setTimeout(() => outbox.wake(), 0);
  const target = globalThis as {
    addEventListener?: (type: string, listener: () => void) => void;
    removeEventListener?: (type: string, listener: () => void) => void;
    document?: { visibilityState?: string };
  };
  const wake = (): void => outbox.wake();
  const visible = (): void => {
    if (!target.document || target.document.visibilityState !== 'hidden') outbox.wake();
  };
  const listen = (method: 'addEventListener' | 'removeEventListener'): void => {
    if (!autoFlush || typeof target[method] !== 'function') return;
    target[method]('online', wake);
    target[method]('visibilitychange', visible);
  };
  listen('addEventListener');

  // The objects are in the dialect's wire shape at run time (links.ts, identity.ts); the
  // dialect type parameter only names them.
  const client: PaketClient = {
    status: () => getStatus(requests),
    sessions: {
      create: sessions.create,
      get: sessions.get,
      ...links.sessions,
      ...hides,
      ensure: (profileId) =>
        sessions.ensure(profileId).then((session) => {
          if (autoFlush) outbox.wake();
          links.reconcileIfDue(checkProfileId(profileId ?? 'default', 'sessions.ensure'));
          return session;
        }),
    },
    participants: { ...publicCalls(participants), ...items.calls },
    flush: () => outbox.flush(),
    pending: async () => (await outbox.read()).ops,
    close: () => {
      listen('removeEventListener');
      outbox.close();
    },
    get storageKind() {
      return storage.kind;
    },
  };
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
