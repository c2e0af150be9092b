import { PaketInputError } from './errors/PaketInputError.js';
import type { PaketEvent, PaketEventHandler } from './events.js';
import type { ParticipantsResource } from './resources/participants.js';
import type { SessionsResource } from './resources/sessions.js';
import { createIdentityResource } from './resources/identity.js';
import { createLinks, type FlushResult, type QueuedOperation } from './resources/links.js';
import { getStatus } from './resources/status.js';
import type { StorageAdapter, StorageKind } from './storage/adapter.js';
import { createRecordStorage } from './storage/records.js';
import { DIALECTS, type Dialect } from './transport/dialect.js';
import { createTransport, type CredentialsOption, type RetryOptions } from './transport/http.js';
import type { PaketSession, PaketStatus } from './types.js';

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
   * `sessions.ensure()`, and on the browser's `online` event. Default `true`.
   */
  autoFlush?: boolean;
  /** Receives every SDK event. Exceptions it throws are ignored. */
  onEvent?: PaketEventHandler;
}

/** A Paket API client. Create one per set of credentials with {@link createPaketClient}. */
export interface PaketClient {
  /** `GET /v1`: the API status and the calling client's ID. */
  status(): Promise<PaketStatus>;
  /** The platform side: Sessions. */
  readonly sessions: SessionsResource;
  /** The publisher side: Participants. */
  readonly participants: ParticipantsResource;
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
   * Stops listening for the browser's `online` event, so a client that is no longer used can
   * be garbage-collected (an app that replaces its client, for example on a change of account).
   * Calls already made complete; stored data stays.
   */
  close(): void;
}

/**
 * Creates a client. Synchronous; does no I/O and touches no browser-only global, so it is
 * safe at module load and in Node. Invalid options throw a `PaketInputError`.
 */
export function createPaketClient(options: PaketClientOptions): PaketClient {
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
  const transport = createTransport({
    baseUrl: checkBaseUrl(
      read(options, 'baseUrl') ?? DEFAULT_BASE_URL,
      read(options, 'allowInsecureHttp'),
    ),
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
  const shared = { transport, storage, emit };
  const sessions = createIdentityResource<PaketSession>({
    ...shared,
    kind: 'session',
    idField: 'session_id',
  });
  const links = createLinks({
    ...shared,
    sessions,
    outboxLimit: num('outboxLimit', options.outboxLimit, 100, 1, 10_000, true),
  });
  const autoFlush = options.autoFlush !== false;
  // One look at the outbox at a time: creating a client and its first ensure() happen together
  // at start-up, and need one storage read between them, not two.
  let soon = false;
  const flushSoon = (): void => {
    if (!autoFlush || soon) return;
    soon = true;
    setTimeout(() => {
      const done = (): void => {
        soon = false;
      };
      links
        .pending()
        .then((ops): unknown => ops.length && links.flush())
        .then(done, done);
    });
  };
  flushSoon();
  const target = globalThis as {
    addEventListener?: (type: string, listener: () => void) => void;
    removeEventListener?: (type: string, listener: () => void) => void;
  };
  const listen = (method: 'addEventListener' | 'removeEventListener'): void => {
    if (autoFlush && typeof target[method] === 'function') target[method]('online', links.flush);
  };
  listen('addEventListener');

  return {
    status: () => getStatus(transport),
    sessions: {
      ...sessions,
      ...links.sessions,
      ensure: (profileId) =>
        sessions.ensure(profileId).then((session) => {
          flushSoon();
          return session;
        }),
    },
    participants: createIdentityResource({
      ...shared,
      kind: 'participant',
      idField: 'participant_id',
    }),
    flush: links.flush,
    pending: links.pending,
    close: () => listen('removeEventListener'),
    get storageKind() {
      return storage.kind;
    },
  };
}

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
