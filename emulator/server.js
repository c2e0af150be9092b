// The Paket emulator: a local server that speaks the contract in shared/spec/paket-api.md,
// for the demo app and the tests. It imports nothing from the SDK.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { createStore } from './store.js';
import { posterPng } from './samples.js';

/**
 * @typedef {{ username: string, secret: string, client_id: string, type: 'platform' | 'publisher', requireSignature?: boolean }} EmulatorClient
 * @typedef {{ status?: number, body?: unknown, retryAfter?: number | string, delayMs?: number, drop?: 'before' | 'after', malformed?: boolean }} Fault
 * @typedef {{ time: string, finished?: number, method: string, path: string, route: string, status: number | 'dropped', client?: string, idempotencyKey?: string, replayed?: boolean, fault?: Fault }} LogEntry
 * @typedef {{ status: number, body?: unknown, headers?: Record<string, string> }} Reply
 */

export const DEFAULT_CLIENTS = /** @type {EmulatorClient[]} */ ([
  {
    username: 'platform_demo',
    secret: 'test_sk_platform_demo',
    client_id: 'fab3d02606122a08',
    type: 'platform',
  },
  {
    username: 'publisher_demo',
    secret: 'test_sk_publisher_demo',
    client_id: 'fe4a9ed381e8e376',
    type: 'publisher',
  },
]);

const IDEMPOTENCY_TTL_MS = 72 * 3600 * 1000;
const SIGNATURE_WINDOW_MS = 5 * 60 * 1000;
const MAX_BODY = 1024 * 1024;
const ALLOW_HEADERS =
  'Authorization, Content-Type, Accept, Idempotency-Key, Paket-Version, X-Paket-Timestamp, X-Paket-Signature';

/** The routes, in match order. `:name` matches one path segment. */
const ROUTES = [
  { method: 'GET', pattern: '/v1', role: 'any', handler: 'status' },
  { method: 'POST', pattern: '/v1/sessions', role: 'platform', handler: 'createSession' },
  { method: 'POST', pattern: '/v1/participants', role: 'publisher', handler: 'createParticipant' },
  {
    method: 'GET',
    pattern: '/v1/upnext/sessions/:session_id/participants',
    role: 'platform',
    handler: 'listLinks',
  },
  { method: 'PUT', pattern: '/v1/upnext/sessions/:session_id', role: 'platform', handler: 'link' },
  {
    method: 'DELETE',
    pattern: '/v1/upnext/sessions/:session_id/:participant_id',
    role: 'platform',
    handler: 'unlink',
  },
  {
    method: 'DELETE',
    pattern: '/v1/upnext/sessions/:session_id',
    role: 'platform',
    handler: 'removeSession',
  },
  {
    method: 'GET',
    pattern: '/v1/upnext/sessions/:session_id',
    role: 'platform',
    handler: 'upNext',
  },
  {
    method: 'PUT',
    pattern: '/v1/upnext/participants/:participant_id',
    role: 'publisher',
    handler: 'addItem',
  },
];

/**
 * Starts an emulator.
 * @param {{ port?: number, host?: string, clients?: EmulatorClient[], stateFile?: string | undefined, now?: () => number, linkResponse?: 'object' | 'message', quiet?: boolean }} [options]
 */
export async function startEmulator(options = {}) {
  const clients = options.clients ?? DEFAULT_CLIENTS;
  const now = options.now ?? Date.now;
  const store = createStore(options.stateFile);
  /** @type {Map<string, { faults: Fault[], repeat: boolean }>} */
  const faults = new Map();
  /** @type {LogEntry[]} */
  const log = [];
  let origin = '';

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

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!options.quiet) console.error('[emulator] internal error', error);
      if (!res.headersSent) send(res, { status: 500, body: errorBody(500, 'internal error') });
    });
  });
  // Drop-after-commit needs the socket: destroy it instead of answering.
  server.keepAliveTimeout = 1000;

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   */
  async function handle(req, res) {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    setCors(req, res);
    if (method === 'OPTIONS') {
      res.writeHead(204);
      res.end();
      return;
    }
    if (url.pathname.startsWith('/__emulator/')) {
      await control(req, res, url, method);
      return;
    }
    if (method === 'GET' && url.pathname.startsWith('/media/posters/')) {
      const id = decodeURIComponent(url.pathname.slice('/media/posters/'.length)).replace(
        /\.png$/,
        '',
      );
      res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'max-age=3600' });
      res.end(posterPng(id));
      return;
    }

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

    const key = req.headers['idempotency-key'];
    const keyed = typeof key === 'string' && (method === 'POST' || method === 'PUT');
    if (keyed) entry.idempotencyKey = key;

    const raw = await readBody(req);
    if (raw === undefined)
      return reply(res, entry, { status: 413, body: errorBody(413, 'body too large') });

    const client = authenticate(req.headers.authorization);
    if (!client)
      return reply(res, entry, { status: 401, body: errorBody(401, 'invalid API credentials') });
    entry.client = client.username;
    const testMode = client.secret.startsWith('test_sk');
    const extra = testMode ? { 'paket-response-type': 'Test' } : {};

    const match = matchRoute(method, url.pathname);
    if (match === 'bad-encoding') {
      return reply(res, entry, {
        status: 400,
        body: errorBody(400, 'invalid path encoding'),
        headers: extra,
      });
    }
    if (!match) {
      const known = ROUTES.some((r) => matchPattern(r.pattern, url.pathname));
      return reply(res, entry, {
        status: known ? 405 : 404,
        body: errorBody(known ? 405 : 404, known ? 'method not allowed' : 'no such endpoint'),
        headers: extra,
      });
    }
    entry.route = `${match.route.method} ${match.route.pattern}`;
    const fault = nextFault(entry.route);
    if (fault) entry.fault = fault;

    if (fault?.drop === 'before') return drop(res, entry);
    /** An injected status answer. */
    const injected = () => {
      const f = /** @type {Fault & { status: number }} */ (fault);
      /** @type {Record<string, string>} */
      const headers = { ...extra };
      if (f.retryAfter !== undefined) headers['retry-after'] = String(f.retryAfter);
      return reply(res, entry, {
        status: f.status,
        body: f.body ?? errorBody(f.status, 'injected fault'),
        headers,
      });
    };
    // 5xx, 429 and 408 come from in front of the service (gateways, rate limits); a 4xx is the
    // service's own answer, given after the idempotency check (a key already answered is
    // replayed, as the real service would).
    const frontStatus =
      fault?.status && (fault.status >= 500 || fault.status === 429 || fault.status === 408);
    if (frontStatus) return injected();

    if (client.requireSignature) {
      const problem = checkSignature(client, req.headers, raw);
      if (problem)
        return reply(res, entry, { status: 401, body: errorBody(401, problem), headers: extra });
    }
    if (match.route.role !== 'any' && match.route.role !== client.type) {
      return reply(res, entry, {
        status: 403,
        body: errorBody(403, `this endpoint is for ${match.route.role} clients`),
        headers: extra,
      });
    }

    /** @type {unknown} */
    let body;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        return reply(res, entry, {
          status: 400,
          body: errorBody(400, 'body is not JSON'),
          headers: extra,
        });
      }
    }

    // Idempotency: POST and PUT only.
    let recordKey = '';
    if (keyed) {
      if (key.length === 0 || key.length > 255) {
        return reply(res, entry, {
          status: 400,
          body: errorBody(400, 'Idempotency-Key must be 1 to 255 characters'),
          headers: extra,
        });
      }
      recordKey = `${client.username}\u0000${key}`;
      const fingerprint = `${method} ${url.pathname} ${raw}`;
      const existing = store.getIdempotency(recordKey, now() - IDEMPOTENCY_TTL_MS);
      if (existing) {
        if (existing.fingerprint !== fingerprint) {
          return reply(res, entry, {
            status: 422,
            body: errorBody(422, 'Idempotency-Key reused with different parameters'),
            headers: extra,
          });
        }
        if (existing.state === 'in-flight') {
          return reply(res, entry, {
            status: 409,
            body: errorBody(409, 'a request with this Idempotency-Key is still executing'),
            headers: extra,
          });
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
      result = runHandler(match.route.handler, client, match.params, url, body);
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
    if (fault?.malformed) {
      entry.status = result.status;
      entry.finished = Date.now();
      res.writeHead(result.status, { 'content-type': 'application/json', ...result.headers });
      res.end('{"session_id": "trunc');
      return;
    }
    return reply(res, entry, result);
  }

  /**
   * @param {string} name
   * @param {EmulatorClient} client
   * @param {Record<string, string>} params
   * @param {URL} url
   * @param {unknown} body
   * @returns {Reply}
   */
  function runHandler(name, client, params, url, body) {
    const at = new Date(now()).toISOString();
    for (const [param, value] of Object.entries(params)) {
      if (!validId(value)) return { status: 400, body: errorBody(400, `invalid ${param}`) };
    }
    switch (name) {
      case 'status':
        return {
          status: 200,
          body: { message: 'The API is healthy!', client_id: client.client_id },
        };
      case 'createSession':
        return { status: 200, body: store.createSession(client.client_id, randomUUID(), at) };
      case 'createParticipant':
        return {
          status: 200,
          body: store.createParticipant(client.client_id, randomUUID(), at, origin),
        };
      case 'link': {
        const session = store.ownedSession(client.client_id, params.session_id ?? '');
        if (!session) return { status: 404, body: errorBody(404, 'no such session') };
        const input = /** @type {Record<string, unknown> | undefined} */ (body);
        const appId = input?.app_id;
        const participantId = input?.participant_id;
        if (!validId(appId) || !validId(participantId)) {
          return {
            status: 400,
            body: errorBody(400, 'body must have string app_id and participant_id'),
          };
        }
        const participant = store.participant(participantId);
        if (!participant) return { status: 404, body: errorBody(404, 'no such participant') };
        if (participant.client_id !== appId) {
          return { status: 400, body: errorBody(400, 'app_id does not own this participant') };
        }
        const link = store.link(session.session_id, client.client_id, appId, participantId, at);
        return {
          status: 200,
          body: options.linkResponse === 'message' ? { message: 'Success' } : link,
        };
      }
      case 'unlink': {
        const sid = params.session_id ?? '';
        if (store.foreignSession(client.client_id, sid)) {
          return { status: 404, body: errorBody(404, 'no such session') };
        }
        store.unlink(sid, params.participant_id ?? '');
        return { status: 204 };
      }
      case 'removeSession': {
        const sid = params.session_id ?? '';
        if (store.foreignSession(client.client_id, sid)) {
          return { status: 404, body: errorBody(404, 'no such session') };
        }
        store.removeSession(sid);
        return { status: 204 };
      }
      case 'listLinks':
      case 'upNext': {
        const session = store.ownedSession(client.client_id, params.session_id ?? '');
        if (!session) return { status: 404, body: errorBody(404, 'no such session') };
        const max = name === 'listLinks' ? 50 : 200;
        const page = pageParams(url, max);
        if (typeof page === 'string') return { status: 400, body: errorBody(400, page) };
        const all =
          name === 'listLinks'
            ? store.links(session.session_id).map((l) => ({
                participant_id: l.participant_id,
                app_id: l.app_id,
                created_at: l.created_at,
              }))
            : store.upNext(session.session_id);
        return { status: 200, body: paginate(all, page.limit, page.start) };
      }
      case 'addItem': {
        const participant = store.participant(params.participant_id ?? '');
        if (!participant || participant.client_id !== client.client_id) {
          return { status: 404, body: errorBody(404, 'no such participant') };
        }
        const problem = checkItem(body);
        if (problem) return { status: 400, body: errorBody(400, problem) };
        store.addItem(
          participant.participant_id,
          /** @type {Record<string, unknown>} */ (body),
          at,
        );
        return { status: 200, body: { message: 'Success' } };
      }
      default:
        return { status: 500, body: errorBody(500, 'unknown handler') };
    }
  }

  /** @param {string | undefined} header */
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
   * @param {EmulatorClient} client
   * @param {import('node:http').IncomingHttpHeaders} headers
   * @param {string} raw
   */
  function checkSignature(client, headers, raw) {
    const timestamp = headers['x-paket-timestamp'];
    const signature = headers['x-paket-signature'];
    if (typeof timestamp !== 'string' || typeof signature !== 'string')
      return 'request is not signed';
    const ts = Number(timestamp);
    if (!Number.isFinite(ts) || Math.abs(now() - ts) > SIGNATURE_WINDOW_MS) {
      return 'signature timestamp outside the 5-minute window';
    }
    const expected =
      'sha256=' + createHmac('sha256', client.secret).update(`${timestamp}.${raw}`).digest('hex');
    return safeEqual(expected, signature) ? undefined : 'signature does not match';
  }

  /**
   * Test and demo controls. Answer only to loopback peers.
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {URL} url
   * @param {string} method
   */
  async function control(req, res, url, method) {
    if (!isLoopback(req.socket.remoteAddress)) {
      return send(res, { status: 403, body: errorBody(403, 'controls answer only on loopback') });
    }
    const what = url.pathname.slice('/__emulator/'.length);
    const raw = (await readBody(req)) ?? '';
    /** @type {any} */
    let input;
    try {
      input = raw ? JSON.parse(raw) : {};
    } catch {
      return send(res, { status: 400, body: errorBody(400, 'body is not JSON') });
    }
    if (what === 'faults' && method === 'POST') {
      if (typeof input.route !== 'string' || !Array.isArray(input.faults)) {
        return send(res, { status: 400, body: errorBody(400, 'need { route, faults: [] }') });
      }
      api.injectFaults(input.route, input.faults, { repeat: input.repeat === true });
      return send(res, { status: 204 });
    }
    if (what === 'faults' && method === 'DELETE') {
      api.clearFaults();
      return send(res, { status: 204 });
    }
    if (what === 'log' && method === 'GET') return send(res, { status: 200, body: log });
    if (what === 'log' && method === 'DELETE') {
      log.length = 0;
      return send(res, { status: 204 });
    }
    if (what === 'state' && method === 'GET')
      return send(res, { status: 200, body: store.snapshot() });
    if (what === 'reset' && method === 'POST') {
      api.reset();
      return send(res, { status: 204 });
    }
    return send(res, { status: 404, body: errorBody(404, 'no such control') });
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8787, options.host ?? '127.0.0.1', () => resolve(undefined));
  });
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  origin = `http://${host}:${address.port}`;

  const api = {
    /** The emulator's origin, e.g. `http://127.0.0.1:8787`. */
    origin,
    /** The API base URL, e.g. `http://127.0.0.1:8787/v1`. */
    url: `${origin}/v1`,
    port: address.port,
    clients,
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
    /** Clears state, faults and log. */
    reset() {
      faults.clear();
      log.length = 0;
      store.clear();
    },
    /** A deep copy of the state: sessions, participants, links, idempotency records. */
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
 * @param {Reply} result
 */
function reply(res, entry, result) {
  entry.status = result.status;
  entry.finished = Date.now();
  send(res, result);
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {LogEntry} entry
 */
function drop(res, entry) {
  entry.status = 'dropped';
  entry.finished = Date.now();
  res.socket?.destroy();
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {Reply} result
 */
function send(res, result) {
  const text =
    result.status === 204 || result.body === undefined ? '' : JSON.stringify(result.body);
  res.writeHead(result.status, {
    ...(text ? { 'content-type': 'application/json' } : {}),
    ...result.headers,
  });
  res.end(text);
}

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 */
function setCors(req, res) {
  const origin = req.headers.origin;
  res.setHeader('access-control-allow-origin', origin ?? '*');
  res.setHeader('vary', 'Origin');
  res.setHeader('access-control-allow-methods', 'GET, POST, PUT, DELETE, OPTIONS');
  res.setHeader('access-control-allow-headers', ALLOW_HEADERS);
  res.setHeader(
    'access-control-expose-headers',
    'Paket-Response-Type, Retry-After, Idempotent-Replayed',
  );
  res.setHeader('access-control-max-age', '600');
  if (req.headers['access-control-request-private-network'] === 'true') {
    res.setHeader('access-control-allow-private-network', 'true');
  }
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

/**
 * @param {string} method
 * @param {string} pathname
 * @returns {{ route: typeof ROUTES[number], params: Record<string, string> } | 'bad-encoding' | undefined}
 */
function matchRoute(method, pathname) {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const params = matchPattern(route.pattern, pathname);
    if (params) return params === 'bad-encoding' ? params : { route, params };
  }
  return undefined;
}

/**
 * @param {string} pattern
 * @param {string} pathname
 * @returns {Record<string, string> | 'bad-encoding' | undefined}
 */
function matchPattern(pattern, pathname) {
  const want = pattern.split('/');
  const got = pathname.replace(/\/+$/, '').split('/');
  if (want.length !== got.length) return undefined;
  /** @type {Record<string, string>} */
  const params = {};
  for (let i = 0; i < want.length; i++) {
    const w = /** @type {string} */ (want[i]);
    const g = /** @type {string} */ (got[i]);
    if (w.startsWith(':')) {
      try {
        params[w.slice(1)] = decodeURIComponent(g);
      } catch {
        return 'bad-encoding';
      }
    } else if (w !== g) return undefined;
  }
  return params;
}

/** @param {unknown} value @returns {value is string} */
function validId(value) {
  return (
    typeof value === 'string' && value.length > 0 && value.length <= 255 && !value.includes('/')
  );
}

/**
 * @param {URL} url
 * @param {number} max
 */
function pageParams(url, max) {
  const limitText = url.searchParams.get('limit');
  const keyText = url.searchParams.get('next_key');
  const limit = limitText === null ? 50 : Number(limitText);
  const start = keyText === null ? 0 : Number(keyText);
  if (!Number.isInteger(limit) || limit < 1 || limit > max) return `limit must be 1 to ${max}`;
  if (!Number.isInteger(start) || start < 0) return 'next_key must be a non-negative integer';
  return { limit: Math.min(limit, max), start };
}

/**
 * @param {unknown[]} all
 * @param {number} limit
 * @param {number} start
 */
function paginate(all, limit, start) {
  const items = all.slice(start, start + limit);
  const next = start + limit;
  return next < all.length
    ? { total: all.length, next_key: next, items }
    : { total: all.length, items };
}

const ACTIONS = ['up_next_continue', 'up_next_next', 'up_next_new', 'up_next_watchlist'];
const ASPECTS = ['aspect_ratio_16_9', 'aspect_ratio_4_3', 'aspect_ratio_1_1', 'aspect_ratio_2_3'];

/** @param {unknown} body */
function checkItem(body) {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    return 'body must be a list item object';
  const item = /** @type {Record<string, unknown>} */ (body);
  for (const field of ['content_id', 'title', 'description', 'poster_art_uri']) {
    if (typeof item[field] !== 'string' || item[field] === '')
      return `${field} must be a non-empty string`;
  }
  if (!validId(item.content_id)) return 'content_id must be at most 255 characters, without "/"';
  if (item.media_type !== 'movie' && item.media_type !== 'tv_episode')
    return 'media_type must be movie or tv_episode';
  if (!ACTIONS.includes(/** @type {string} */ (item.action)))
    return `action must be one of ${ACTIONS.join(', ')}`;
  if (!ASPECTS.includes(/** @type {string} */ (item.poster_art_aspect_ratio))) {
    return `poster_art_aspect_ratio must be one of ${ASPECTS.join(', ')}`;
  }
  if (!Number.isInteger(item.duration)) return 'duration must be an integer';
  if (
    item.media_type === 'tv_episode' &&
    (!Number.isInteger(item.season) || !Number.isInteger(item.episode))
  ) {
    return 'season and episode are required for tv_episode';
  }
  if (item.action === 'up_next_continue' && !Number.isInteger(item.position)) {
    return 'position is required for up_next_continue';
  }
  return undefined;
}

/** @param {number} status @param {string} message */
function errorBody(status, message) {
  return { error: { status, message } };
}

/** @param {string} a @param {string} b */
function safeEqual(a, b) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** @param {string | undefined} address */
export function isLoopback(address) {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/** @param {number} ms */
function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
