// The Paket emulator: a local server that speaks the contract in shared/spec/paket-api.md,
// both dialects at once, for the demo app and the tests. It imports nothing from the SDK.
// Routes: routes.js; what they do: handlers.js; state: store.js; README.md documents it all.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { runControl } from './controls.js';
import { runHandler } from './handlers.js';
import {
  apiCors,
  controlCors,
  errorReply,
  isLoopback,
  isLoopbackHost,
  isLoopbackOrigin,
  send,
} from './http.js';
import { knownPath, matchRoute } from './routes.js';
import { posterPng } from './samples.js';
import { checkSignature, safeEqual } from './signatures.js';
import { createStore } from './store.js';

export { isLoopback, isLoopbackHost, isLoopbackOrigin } from './http.js';

/**
 * A client the emulator knows. `platform_id` / `app_id` (2025 tenant IDs) are derived from
 * `client_id` when absent. `dialect` is the shape `GET /v1` and `POST /v1/sessions` answer in
 * (default `participants`); a request's `Paket-Dialect` header overrides it. `requireSignature`
 * overrides the emulator's `requireSignatures` for this client.
 * @typedef {{ username: string, secret: string, client_id: string, type: 'platform' | 'publisher', platform_id?: string, app_id?: string, dialect?: 'participants' | 'contexts', requireSignature?: boolean }} EmulatorClient
 * @typedef {{ status?: number, body?: unknown, retryAfter?: number | string, delayMs?: number, drop?: 'before' | 'after', malformed?: boolean }} Fault
 * @typedef {{ time: string, finished?: number, method: string, path: string, route: string, status: number | 'dropped', client?: string, dialect?: string, idempotencyKey?: string, replayed?: boolean, fault?: Fault }} LogEntry
 * @typedef {import('./http.js').Reply} Reply
 * @typedef {import('./handlers.js').Client} Client
 */

/**
 * The demo clients: one platform and one publisher per dialect. The `_demo` pair answers the
 * shared routes in the 2024 shape, the `_2025` pair in the 2025 shape.
 */
export const DEFAULT_CLIENTS = /** @type {EmulatorClient[]} */ ([
  {
    username: 'platform_demo',
    secret: 'test_sk_platform_demo',
    client_id: 'fab3d02606122a08',
    type: 'platform',
    platform_id: 'PL204811350273401',
  },
  {
    username: 'publisher_demo',
    secret: 'test_sk_publisher_demo',
    client_id: 'fe4a9ed381e8e376',
    type: 'publisher',
    app_id: 'AP381902774650122',
  },
  {
    username: 'platform_2025',
    secret: 'test_sk_platform_2025',
    client_id: 'c25a71f0e3b94d12',
    type: 'platform',
    platform_id: 'PL759012384456713',
    dialect: 'contexts',
  },
  {
    username: 'publisher_2025',
    secret: 'test_sk_publisher_2025',
    client_id: 'd25b0c9e4a1f7e33',
    type: 'publisher',
    app_id: 'AP502377819034456',
    dialect: 'contexts',
  },
]);

const IDEMPOTENCY_TTL_MS = 72 * 3600 * 1000;
const MAX_BODY = 1024 * 1024;

/**
 * Options of {@link startEmulator}.
 * @typedef {object} EmulatorOptions
 * @property {number} [port] default 8787; 0 picks a free port
 * @property {string} [host] default 127.0.0.1
 * @property {EmulatorClient[]} [clients] default {@link DEFAULT_CLIENTS}
 * @property {string | undefined} [stateFile] keep state in this JSON file across restarts
 * @property {() => number} [now] the clock (ms), default Date.now; `clockOffsetMs` is added
 * @property {number} [clockOffsetMs] how far the emulator's clock is from `now` (skew tests)
 * @property {boolean} [requireSignatures] refuse unsigned or badly signed requests; default true
 * @property {'object' | 'message'} [linkResponse] 2024 link answer; default the object
 * @property {'number' | 'string'} [nextKey] lists' `next_key` as an integer (default) or a string
 * @property {string[]} [controlOrigins] Origins allowed to call `/__emulator/*` from a page;
 *   default any loopback origin (`http://localhost:*`, `http://127.x.x.x:*`, `http://[::1]:*`)
 * @property {string[]} [allowedHosts] extra `Host` names the API answers while listening on
 *   loopback (the controls answer loopback names only, always)
 * @property {boolean} [quiet] no console output
 */

/** @param {string} seed @param {'PL' | 'AP'} prefix */
function derivedId(seed, prefix) {
  const hex = createHash('sha256').update(seed).digest('hex').slice(0, 14);
  return (
    prefix +
    String(BigInt(`0x${hex}`))
      .padStart(17, '0')
      .slice(0, 17)
  );
}

/**
 * Starts an emulator.
 * @param {EmulatorOptions} [options]
 */
export async function startEmulator(options = {}) {
  /** @type {Client[]} */
  const clients = (options.clients ?? DEFAULT_CLIENTS).map((c) => ({
    ...c,
    platform_id: c.platform_id ?? derivedId(c.client_id, 'PL'),
    app_id: c.app_id ?? derivedId(c.client_id, 'AP'),
    dialect: c.dialect ?? 'participants',
  }));
  const baseNow = options.now ?? Date.now;
  let clockOffsetMs = options.clockOffsetMs ?? 0;
  const now = () => baseNow() + clockOffsetMs;
  const requireSignatures = options.requireSignatures ?? true;
  const nextKey = options.nextKey ?? 'number';
  const store = createStore(options.stateFile);
  /** @type {Map<string, { faults: Fault[], repeat: boolean }>} */
  const faults = new Map();
  /** @type {LogEntry[]} */
  const log = [];
  let origin = '';
  let listensOnLoopback = true;
  const allowedHosts = new Set((options.allowedHosts ?? []).map((h) => h.toLowerCase()));
  /** @param {string} o */
  const controlOriginAllowed = (o) =>
    options.controlOrigins ? options.controlOrigins.includes(o) : isLoopbackOrigin(o);
  /** @type {import('./handlers.js').Context} */
  const ctx = {
    store,
    origin: () => origin,
    appIdOf: (clientId) =>
      clients.find((c) => c.client_id === clientId)?.app_id ?? derivedId(clientId, 'AP'),
    linkResponse: options.linkResponse ?? 'object',
    nextKey,
  };

  /** @param {string} route */
  function nextFault(route) {
    for (const key of [route, '*']) {
      const entry = faults.get(key);
      if (!entry || entry.faults.length === 0) continue;
      const fault = entry.repeat ? entry.faults[0] : entry.faults.shift();
      return fault ?? undefined;
    }
    return undefined;
  }

  /** @param {import('node:http').ServerResponse} res @param {Reply} result */
  const answer = (res, result) => send(res, result, now());

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!options.quiet) console.error('[emulator] internal error', error);
      if (!res.headersSent) answer(res, errorReply(500, 'internal error'));
      else res.destroy();
    });
  });
  // Drop-after-commit needs the socket: destroy it instead of answering.
  server.keepAliveTimeout = 1000;

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   */
  async function handle(req, res) {
    const method = (req.method ?? 'GET').toUpperCase();
    /** @type {URL} */
    let url;
    try {
      url = new URL(req.url ?? '/', 'http://emulator.invalid');
      decodeURIComponent(url.pathname);
    } catch {
      apiCors(res);
      return answer(res, errorReply(400, 'invalid path encoding', 'invalid_path'));
    }
    if (url.pathname.startsWith('/__emulator/')) return control(req, res, url, method);

    const host = req.headers.host;
    if (
      listensOnLoopback &&
      !isLoopbackHost(host) &&
      !allowedHosts.has(String(host).toLowerCase())
    ) {
      return answer(
        res,
        errorReply(421, 'this emulator answers loopback host names only', 'host_not_allowed'),
      );
    }
    apiCors(res);
    if (method === 'OPTIONS') return answer(res, { status: 204 });
    if (method === 'GET' && url.pathname.startsWith('/media/')) return media(res, url);

    /** @type {LogEntry} */
    const entry = {
      time: new Date(now()).toISOString(),
      method,
      path: url.pathname,
      route: '',
      status: 0,
    };
    log.push(entry);
    if (log.length > 10_000) log.splice(0, log.length - 10_000);
    /** @param {Reply} result */
    const reply = (result) => {
      entry.status = result.status;
      entry.finished = Date.now();
      answer(res, result);
    };

    const key = req.headers['idempotency-key'];
    const keyed = typeof key === 'string' && (method === 'POST' || method === 'PUT');
    if (keyed) entry.idempotencyKey = key;

    const raw = await readBody(req);
    if (raw === undefined) return reply(errorReply(413, 'body too large'));

    const client = authenticate(req.headers.authorization);
    if (!client) return reply(errorReply(401, 'invalid API credentials'));
    entry.client = client.username;
    const testMode = client.secret.startsWith('test_sk');
    const extra = testMode ? { 'paket-response-type': 'Test' } : {};
    /** @param {Reply} result */
    const replyWith = (result) => reply({ ...result, headers: { ...extra, ...result.headers } });

    const match = matchRoute(method, url.pathname);
    if (match === 'bad-encoding') {
      return replyWith(errorReply(400, 'invalid path encoding', 'invalid_path'));
    }
    if (!match) {
      return replyWith(
        knownPath(url.pathname)
          ? errorReply(405, 'method not allowed')
          : errorReply(404, 'no such endpoint'),
      );
    }
    entry.route = `${match.route.method} ${match.route.pattern}`;
    const dialectHeader = req.headers['paket-dialect'];
    if (
      dialectHeader !== undefined &&
      dialectHeader !== 'participants' &&
      dialectHeader !== 'contexts'
    ) {
      return replyWith(
        errorReply(400, 'Paket-Dialect must be participants or contexts', 'invalid_header'),
      );
    }
    const dialect = match.route.dialect ?? dialectHeader ?? client.dialect;
    entry.dialect = dialect;
    const fault = nextFault(entry.route);
    if (fault) entry.fault = fault;

    if (fault?.drop === 'before') return drop(res, entry);
    /** An injected status answer. */
    const injected = () => {
      const f = /** @type {Fault & { status: number }} */ (fault);
      /** @type {Record<string, string>} */
      const headers = {};
      if (f.retryAfter !== undefined) headers['retry-after'] = String(f.retryAfter);
      return replyWith({
        status: f.status,
        body: f.body ?? errorReply(f.status, 'injected fault').body,
        headers,
      });
    };
    // 5xx, 429 and 408 come from in front of the service (gateways, rate limits); a 4xx is the
    // service's own answer, given after the idempotency check (a key already answered is
    // replayed, as the real service would).
    const frontStatus =
      fault?.status && (fault.status >= 500 || fault.status === 429 || fault.status === 408);
    if (frontStatus) return injected();

    if (client.requireSignature ?? requireSignatures) {
      const problem = checkSignature(client.secret, req.headers, raw, now());
      if (problem) return replyWith(errorReply(401, problem.message, problem.code));
    }
    if (match.route.role !== 'any' && match.route.role !== client.type) {
      return replyWith(errorReply(403, `this endpoint is for ${match.route.role} clients`));
    }

    /** @type {unknown} */
    let body;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        return replyWith(errorReply(400, 'body is not JSON', 'invalid_json'));
      }
    }

    // Idempotency: POST and PUT only.
    let recordKey = '';
    if (keyed) {
      if (key.length === 0 || key.length > 255) {
        return replyWith(
          errorReply(400, 'Idempotency-Key must be 1 to 255 characters', 'invalid_header'),
        );
      }
      recordKey = `${client.username}\u0000${key}`;
      const fingerprint = `${method} ${url.pathname} ${dialect} ${raw}`;
      const existing = store.getIdempotency(recordKey, now() - IDEMPOTENCY_TTL_MS);
      if (existing) {
        if (existing.fingerprint !== fingerprint) {
          return replyWith(
            errorReply(
              422,
              'Idempotency-Key reused with different parameters',
              'idempotency_key_reused',
            ),
          );
        }
        if (existing.state === 'in-flight') {
          return replyWith(
            errorReply(
              409,
              'a request with this Idempotency-Key is still executing',
              'idempotency_in_flight',
            ),
          );
        }
        entry.replayed = true;
        return finish(res, entry, fault, {
          status: existing.status ?? 500,
          body: existing.body,
          headers: { ...extra, 'idempotent-replayed': 'true' },
        });
      }
      if (fault?.status) return injected();
      store.beginIdempotency(recordKey, fingerprint, now());
    }
    if (fault?.status) return injected();

    if (fault?.delayMs) await sleep(fault.delayMs);

    /** @type {Reply} */
    let result;
    try {
      result = runHandler(ctx, match.route.handler, {
        client,
        dialect,
        params: match.params,
        url,
        body,
        at: new Date(now()).toISOString(),
      });
    } catch (error) {
      if (keyed) store.abortIdempotency(recordKey);
      throw error;
    }
    if (keyed) {
      if (result.status >= 500) store.abortIdempotency(recordKey);
      else store.commitIdempotency(recordKey, result.status, result.body);
    }
    store.save();
    return finish(res, entry, fault, { ...result, headers: { ...extra, ...result.headers } });
  }

  /**
   * @param {import('node:http').ServerResponse} res
   * @param {LogEntry} entry
   * @param {Fault | undefined} fault
   * @param {Reply} result
   */
  function finish(res, entry, fault, result) {
    if (fault?.drop === 'after') return drop(res, entry);
    entry.status = result.status;
    entry.finished = Date.now();
    if (fault?.malformed) {
      res.writeHead(result.status, {
        date: new Date(now()).toUTCString(),
        'content-type': 'application/json',
        ...result.headers,
      });
      res.end('{"session_id": "trunc');
      return;
    }
    answer(res, result);
  }

  /**
   * Posters and app art: a PNG for any name, e.g. `/media/posters/{content_id}.png`,
   * `/media/apps/{app_id}/icon_1x.png`.
   * @param {import('node:http').ServerResponse} res
   * @param {URL} url
   */
  function media(res, url) {
    const name = decodeURIComponent(url.pathname.slice('/media/'.length))
      .replace(/^posters\//, '')
      .replace(/\.png$/, '');
    res.writeHead(200, {
      date: new Date(now()).toUTCString(),
      'content-type': 'image/png',
      'cache-control': 'max-age=3600',
    });
    res.end(posterPng(name));
  }

  /** @param {string | undefined} header @returns {Client | undefined} */
  function authenticate(header) {
    if (!header || !header.startsWith('Basic ')) return undefined;
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const username = decoded.slice(0, colon);
    const secret = decoded.slice(colon + 1);
    const client = clients.find((c) => c.username === username);
    if (!client || !safeEqual(client.secret, secret)) return undefined;
    return client;
  }

  /**
   * Test and demo controls. Answer only to loopback peers using a loopback `Host`, and to a
   * page only from an allowed Origin.
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {URL} url
   * @param {string} method
   */
  async function control(req, res, url, method) {
    if (!isLoopback(req.socket.remoteAddress)) {
      return answer(res, errorReply(403, 'controls answer only on loopback'));
    }
    if (!isLoopbackHost(req.headers.host)) {
      return answer(
        res,
        errorReply(421, 'controls answer loopback host names only', 'host_not_allowed'),
      );
    }
    const pageOrigin = req.headers.origin;
    if (pageOrigin !== undefined) {
      if (!controlOriginAllowed(pageOrigin)) {
        return answer(
          res,
          errorReply(403, 'this Origin may not use the controls', 'origin_not_allowed'),
        );
      }
      controlCors(res, pageOrigin);
    }
    if (method === 'OPTIONS') return answer(res, { status: 204 });
    const what = url.pathname.slice('/__emulator/'.length);
    const raw = (await readBody(req)) ?? '';
    /** @type {any} */
    let input;
    try {
      input = raw ? JSON.parse(raw) : {};
    } catch {
      return answer(res, errorReply(400, 'body is not JSON', 'invalid_json'));
    }
    return answer(
      res,
      runControl(what, method, input, {
        ...api,
        log,
        clockOffsetMs: () => clockOffsetMs,
      }),
    );
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8787, options.host ?? '127.0.0.1', () => resolve(undefined));
  });
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  listensOnLoopback = isLoopback(address.address);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  origin = `http://${host}:${address.port}`;

  const api = {
    /** The emulator's origin, e.g. `http://127.0.0.1:8787`. */
    origin,
    /** The API base URL, e.g. `http://127.0.0.1:8787/v1`. */
    url: `${origin}/v1`,
    port: address.port,
    /** The clients, with their derived `platform_id`, `app_id` and `dialect`. */
    clients,
    /** Whether requests must be signed (a client's `requireSignature` overrides it). */
    requireSignatures,
    /** Every API request seen, oldest first. Credentials are never logged. */
    log,
    /**
     * Queue faults for a route (`'POST /v1/sessions'`, … or `'*'` for every route); each
     * matching request takes the next one. With `repeat`, the first fault applies until cleared.
     * @param {string} route
     * @param {Fault[]} list
     * @param {{ repeat?: boolean }} [opts]
     */
    injectFaults(route, list, opts = {}) {
      const entry = faults.get(route);
      if (entry && !opts.repeat && !entry.repeat) entry.faults.push(...list);
      else faults.set(route, { faults: [...list], repeat: opts.repeat === true });
    },
    clearFaults() {
      faults.clear();
    },
    /** Sets how far the emulator's clock is from `now` (ms; negative is behind). @param {number} ms */
    setClockOffset(ms) {
      clockOffsetMs = ms;
    },
    /** The emulator's clock, ms. */
    now,
    /** Clears state, faults and log (not the clock offset). */
    reset() {
      faults.clear();
      log.length = 0;
      store.clear();
    },
    /** A deep copy of the state: sessions, participants, contexts, links, items, idempotency records, webhooks. */
    state: () => store.snapshot(),
    /**
     * How many logged requests match, e.g. `count('POST', '/v1/sessions')`.
     * @param {string} method
     * @param {string} pattern
     */
    count: (method, pattern) =>
      log.filter((e) => e.method === method && e.route === `${method} ${pattern}`).length,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve(undefined));
      }),
  };
  return api;
}

/** @typedef {Awaited<ReturnType<typeof startEmulator>>} Emulator */

/**
 * @param {import('node:http').ServerResponse} res
 * @param {LogEntry} entry
 */
function drop(res, entry) {
  entry.status = 'dropped';
  entry.finished = Date.now();
  res.socket?.destroy();
}

/** @param {import('node:http').IncomingMessage} req @returns {Promise<string | undefined>} */
function readBody(req) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () =>
      resolve(size > MAX_BODY ? undefined : Buffer.concat(chunks).toString('utf8')),
    );
    req.on('error', reject);
  });
}

/** @param {number} ms */
function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
