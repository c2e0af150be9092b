// The HTTP transport: the only module that imports ky. Everything a request needs on the
// wire lives here: Basic auth, JSON, Idempotency-Key, signing (with clock-skew correction),
// retries, per-attempt deadlines that cover the body, a body size cap, no redirects, and the
// translation of every failure into a typed Paket error.
import ky, { HTTPError, TimeoutError } from 'ky';
import type { PaketEvent } from '../events.js';
import { PaketError } from '../errors/PaketError.js';
import { PaketHttpError } from '../errors/PaketHttpError.js';
import { PaketInputError } from '../errors/PaketInputError.js';
import { PaketNetworkError } from '../errors/PaketNetworkError.js';
import { PaketTimeoutError } from '../errors/PaketTimeoutError.js';
import { BodyTooLarge, MAX_BODY_BYTES, readBody } from './body.js';
import type { Dialect } from './dialect.js';
import { base64Utf8, pathShower } from './encoding.js';
import { checkCredentials } from './credentials.js';
import { requestedWaitMs } from './limits.js';
import { isTestSecret, legacyNamespaceOf, namespaceOf } from './namespace.js';
import { scrub, serviceWords } from './scrub.js';
import { uuidv4 } from './uuid.js';

import type { CredentialsOption, PaketCredentials } from './credentials.js';

export type { CredentialsOption, PaketCredentials } from './credentials.js';

/** Retry policy. */
export interface RetryOptions {
  /** Retries after the first attempt. Default 2. */
  limit?: number;
  /** Cap of the computed exponential backoff, in ms (a server's `Retry-After` is not capped by it). Default 10,000. */
  backoffLimitMs?: number;
  /**
   * A wait asked by the server (`Retry-After`, `RateLimit-Reset`, `X-RateLimit-Reset`,
   * `X-RateLimit-Retry-After`, `X-Rate-Limit-Reset`) longer than this, in ms, is not waited
   * for: the call fails at once. Default 60,000.
   */
  maxRetryAfterMs?: number;
}

export interface TransportConfig {
  baseUrl: string;
  credentials: CredentialsOption;
  timeoutMs: number;
  retry: Required<RetryOptions>;
  apiVersion: string | undefined;
  signRequests: boolean;
  /** The API dialect; default `'participants'`. */
  dialect?: Dialect;
  fetch: typeof fetch | undefined;
  emit: (event: PaketEvent) => void;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RequestSpec {
  method: HttpMethod;
  /** Path segments below the base URL; each is percent-encoded here. */
  segments: readonly string[];
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** For POST and PUT: the key to send (one is made when absent). Reused on every retry. */
  idempotencyKey?: string;
  /**
   * Checked synchronously just before each attempt leaves: `false` sends nothing and fails
   * the call with a `PaketNetworkError` (the outbox's fencing: an instance that lost the
   * outbox to another, or was frozen since it last confirmed it, must not send).
   */
  guard?: () => boolean;
}

export interface TransportResponse {
  status: number;
  /** Parsed JSON, or `undefined` for an empty body. */
  body: unknown;
  /** The answer carried `Paket-Response-Type: Test` (test credentials). */
  test?: boolean;
}

export interface Transport {
  /** The dialect this transport speaks. */
  readonly dialect: Dialect;
  /** The API's base URL, without a trailing `/` (the paths errors show: `pathShower`). */
  readonly baseUrl: string;
  request(spec: RequestSpec): Promise<TransportResponse>;
  /**
   * A short opaque name for this API base URL, username, dialect and test-or-live secret,
   * for keying stored records ({@link namespaceOf}); asks the credentials function.
   */
  namespace(): Promise<string>;
  /**
   * The namespace SDK versions up to 0.1.0 keyed their records by (base URL and username),
   * for the 2024 dialect they spoke; `undefined` in the contexts dialect.
   */
  legacyNamespace(): Promise<string | undefined>;
  /** Starts loading the HTTP code now, for a request about to be made (a lazy transport). */
  preload?(): void;
}

const RETRY_STATUS = [408, 409, 429, 500, 502, 503, 504];
const BASE_DELAY_MS = 300;
const BODY_PREVIEW = 1000;
/** A refusal of a signed request is taken for clock skew only past this offset. */
const SKEW_MIN_MS = 30_000;
const SKEW_WORDS = /timestamp|signature|expired|clock|skew|window/i;

export { encodeSegment } from './encoding.js';

/** Builds the transport. Does no I/O. Malformed object credentials throw a `PaketInputError`. */
export function createTransport(config: TransportConfig): Transport {
  const basePath = new URL(config.baseUrl).pathname.replace(/\/+$/, '');
  const origin = new URL(config.baseUrl).origin;
  const dialect: Dialect = config.dialect ?? 'participants';
  if (typeof config.credentials !== 'function') checkCredentials(config.credentials, true);
  let cached: Promise<PaketCredentials> | undefined;
  // This code loads for a request about to be made: the signing chunk loads beside it, not
  // after it (a failed load is retried by the request's own import).
  if (config.signRequests) import('./sign.js').catch(() => undefined);
  /** Offset of the service's clock from this device's, learnt from a refused signature. */
  let skewMs = 0;
  let sawTest = false;

  const credentials = (
    method: string,
    path: string,
    refresh = false,
  ): Promise<PaketCredentials> => {
    if (!cached || refresh) {
      cached = askCredentials(config.credentials, config.timeoutMs).catch((error: unknown) => {
        cached = undefined;
        const why = error instanceof PaketInputError ? error.message : 'the function failed';
        throw new PaketNetworkError(
          method,
          path,
          error instanceof PaketInputError ? undefined : error,
          `credentials unavailable (${why})`,
        );
      });
    }
    return cached;
  };

  const displayPath = pathShower(config.baseUrl);

  async function attempt(
    spec: RequestSpec,
    creds: PaketCredentials,
    key: string | undefined,
    seen: { date?: string },
  ): Promise<TransportResponse> {
    const path = displayPath(spec.segments);
    const url = config.baseUrl + path.slice(basePath.length);
    const rawBody = spec.body === undefined ? '' : JSON.stringify(spec.body);
    const basic = base64Utf8(`${creds.username}:${creds.password}`);
    const secrets = [creds.password, basic];
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: 'Basic ' + basic,
    };
    if (rawBody) headers['content-type'] = 'application/json';
    if (key) headers['idempotency-key'] = key;
    if (config.apiVersion) headers['paket-version'] = config.apiVersion;
    // The query is built here rather than by ky, whose searchParams path needs
    // URLSearchParams and Object.fromEntries (missing from older TV engines).
    let query = '';
    for (const name of Object.keys(spec.query ?? {})) {
      const value = spec.query?.[name];
      if (value !== undefined) {
        query += `${query ? '&' : '?'}${encodeURIComponent(name)}=${encodeURIComponent(value)}`;
      }
    }
    const refuse = (status: number, code: string, reason: string): PaketHttpError =>
      new PaketHttpError(spec.method, path, status, undefined, reason, code);
    /** Body texts read by the fetch below, by answer. */
    const texts = new WeakMap<object, string>();

    let response: Response;
    try {
      response = await ky(url + query, {
        method: spec.method,
        headers,
        ...(rawBody ? { body: rawBody } : {}),
        timeout: config.timeoutMs,
        throwHttpErrors: true,
        // ky hands over a Request whose body it has cloned into a stream (to keep one for
        // retries); uploading a stream costs more than the string it came from. The body is
        // read here, inside ky's per-attempt deadline, so the deadline covers it too.
        fetch: async (input, init) => {
          const request = input as Request;
          // The outbox's fence: an instance that lost the outbox (taken over, frozen since it
          // last confirmed it) sends nothing.
          if (spec.guard && !spec.guard()) {
            throw new PaketNetworkError(
              spec.method,
              path,
              undefined,
              'not sent: the outbox moved to another app instance',
            );
          }
          const answer: unknown = await (config.fetch ?? globalThis.fetch)(request.url, {
            ...init,
            method: request.method,
            headers: request.headers,
            signal: request.signal,
            // Never followed: the client's headers must not go to another origin. `manual`
            // (not `error`) so that a redirect is told apart from an outage.
            redirect: 'manual',
            ...(rawBody ? { body: rawBody } : {}),
          });
          const r = answer as Partial<Response> | null;
          if (
            !r ||
            typeof r !== 'object' ||
            typeof r.status !== 'number' ||
            !r.headers ||
            typeof r.headers.get !== 'function' ||
            typeof r.text !== 'function'
          ) {
            throw refuse(
              0,
              'not_a_response',
              '"fetch" resolved to something that is not a Response',
            );
          }
          const res = r as Response;
          const moved = res.url ? new URL(res.url, url).origin !== origin : false;
          if (res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400) || moved) {
            throw refuse(
              res.status,
              'redirect',
              `redirect refused (HTTP ${res.status || 'redirect'}); the SDK never follows redirects`,
            );
          }
          try {
            texts.set(res, await readBody(res, MAX_BODY_BYTES, config.timeoutMs));
          } catch (error) {
            if (error instanceof BodyTooLarge) {
              throw refuse(
                res.status,
                'body_too_large',
                `answer larger than ${MAX_BODY_BYTES} bytes`,
              );
            }
            throw error;
          }
          return res;
        },
        retry: {
          limit: config.retry.limit,
          methods: ['get', 'put', 'post', 'delete'],
          statusCodes: RETRY_STATUS,
          afterStatusCodes: RETRY_STATUS,
          maxRetryAfter: config.retry.maxRetryAfterMs,
          backoffLimit: config.retry.backoffLimitMs,
          delay: (n) => BASE_DELAY_MS * 2 ** (n - 1),
          // "Equal jitter": between half and all of the computed delay.
          jitter: (ms) => ms / 2 + (Math.random() * ms) / 2,
          retryOnTimeout: true,
          shouldRetry: ({ error }) => {
            // Answers the SDK refused (redirect, too large, not a Response) are not retried.
            if (error instanceof PaketError) return false;
            if (error instanceof HTTPError) {
              const status = error.response.status;
              // 409: the same key is still executing; only a keyed request may wait for it.
              if (status === 409) return key ? undefined : false;
              if (RETRY_STATUS.indexOf(status) < 0) return undefined;
              // ky would wait at most maxRetryAfter; a longer wait fails the call at once
              // instead, and an unreadable one gets the SDK's own backoff.
              const wait = requestedWaitMs(error.response.headers);
              if (wait !== undefined && wait !== wait) return true;
              if (wait !== undefined && wait > config.retry.maxRetryAfterMs) return false;
            }
            return undefined;
          },
        },
        hooks: {
          beforeRequest: [
            async (request, _options, { retryCount }) => {
              config.emit({
                type: 'request',
                method: spec.method,
                path,
                attempt: retryCount,
                ...(sawTest || isTestSecret(creds.password) ? { test: true as const } : {}),
              });
              if (config.signRequests) {
                const timestamp = String(Math.round(Date.now() + skewMs));
                request.headers.set('x-paket-timestamp', timestamp);
                // Loaded on demand: the HMAC code is its own chunk.
                const { paketSignature } = await import('./sign.js');
                request.headers.set(
                  'x-paket-signature',
                  await paketSignature(creds.password, timestamp, rawBody),
                );
              }
            },
          ],
          beforeRetry: [
            ({ error, retryCount }) => {
              config.emit({
                type: 'retry',
                method: spec.method,
                path,
                attempt: retryCount,
                reason: describe(error),
              });
            },
          ],
        },
      });
    } catch (error) {
      if (error instanceof HTTPError) {
        const res = error.response;
        const date = res.headers.get('date');
        if (date) seen.date = date;
        const answer = parse(texts.get(res) ?? '', secrets);
        const body = 'text' in answer ? answer.text : answer.json;
        const words = serviceWords(body, secrets);
        let reason = `HTTP ${res.status}`;
        if (words.code) reason += ` ${words.code}`;
        if (words.message) reason += `: ${words.message}`;
        if (res.status === 404 && !/\/v1$/.test(basePath)) {
          reason += ` (the baseUrl does not end in /v1: did you mean ${origin}${basePath}/v1?)`;
        }
        throw new PaketHttpError(spec.method, path, res.status, body, reason, words.code);
      }
      if (error instanceof TimeoutError) {
        throw new PaketTimeoutError(spec.method, path, config.timeoutMs);
      }
      if (error instanceof PaketError) throw error;
      // fetch rejects with a TypeError for every network failure; keep it only as `cause`.
      throw new PaketNetworkError(spec.method, path, error);
    }

    const test = /^test$/i.test(response.headers.get('paket-response-type') ?? '');
    if (test) sawTest = true;
    const answer = parse(texts.get(response) ?? '', secrets);
    if ('text' in answer) {
      throw new PaketHttpError(
        spec.method,
        path,
        response.status,
        answer.text,
        `HTTP ${response.status} with a body that is not JSON`,
        'invalid_answer',
      );
    }
    const body = answer.json;
    return { status: response.status, body, ...(test ? { test } : {}) };
  }

  return {
    dialect,
    baseUrl: config.baseUrl,
    namespace: async () => {
      const { username, password } = await credentials('', '');
      return namespaceOf(config.baseUrl, username, dialect, isTestSecret(password));
    },
    legacyNamespace: async () =>
      dialect === 'participants'
        ? legacyNamespaceOf(config.baseUrl, (await credentials('', '')).username)
        : undefined,
    async request(spec) {
      const key =
        spec.method === 'POST' || spec.method === 'PUT'
          ? (spec.idempotencyKey ?? uuidv4())
          : undefined;
      const path = displayPath(spec.segments);
      let creds = await credentials(spec.method, path);
      let skewTried = false;
      let refreshed = false;
      for (;;) {
        const seen: { date?: string } = {};
        try {
          return await attempt(spec, creds, key, seen);
        } catch (error) {
          // A refused signature and the service's Date: sign again once with its clock.
          if (!skewTried && config.signRequests && isSkewRefusal(error) && seen.date) {
            skewTried = true;
            // Date has whole seconds: its middle is the best guess.
            const offset = Date.parse(seen.date) + 500 - Date.now();
            if (offset === offset && Math.abs(offset - skewMs) > SKEW_MIN_MS) {
              skewMs = offset;
              continue;
            }
          }
          // A rotated secret: ask the credentials function once more, then try once more.
          if (
            !refreshed &&
            error instanceof PaketHttpError &&
            error.status === 401 &&
            typeof config.credentials === 'function'
          ) {
            refreshed = true;
            config.emit({ type: 'credentialsRefresh', method: spec.method, path });
            creds = await credentials(spec.method, path, true);
            continue;
          }
          throw error;
        }
      }
    },
  };
}

function isSkewRefusal(error: unknown): boolean {
  if (!(error instanceof PaketHttpError) || (error.status !== 401 && error.status !== 403)) {
    return false;
  }
  const words = serviceWords(error.body, []);
  return SKEW_WORDS.test(`${words.code ?? ''} ${words.message ?? ''}`);
}

/** The credentials the option gives, within `timeoutMs`, checked. */
function askCredentials(source: CredentialsOption, timeoutMs: number): Promise<PaketCredentials> {
  return new Promise<PaketCredentials>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const done = (): void => clearTimeout(timer);
    new Promise<PaketCredentials>((r) => r(typeof source === 'function' ? source() : source))
      .then((value) => checkCredentials(value, false))
      .then(
        (value) => {
          done();
          resolve(value);
        },
        (error: unknown) => {
          done();
          reject(error);
        },
      );
  });
}

function describe(error: unknown): string {
  if (error instanceof HTTPError) return `HTTP ${error.response.status}`;
  if (error instanceof TimeoutError) return 'timeout';
  return 'network error';
}

/** Deepest nesting of an answer the SDK reads (the documented ones are a few levels deep). */
const MAX_DEPTH = 64;
const TOO_DEEP: unique symbol = Symbol('too deep');

/**
 * A body text, secrets scrubbed: parsed JSON (`undefined` when empty), or its text cut to
 * 1,000 characters when it is not JSON or nests deeper than {@link MAX_DEPTH}.
 */
function parse(text: string, secrets: readonly string[]): { json: unknown } | { text: string } {
  if (text === '') return { json: undefined };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { text: scrub(text, secrets).slice(0, BODY_PREVIEW) };
  }
  // A secret can hide behind JSON escapes (\", \\, \u0041): every string of the parsed value
  // is checked, keys too, and the value is copied only when one holds a secret.
  const has = (text: string): boolean => secrets.some((s) => s && text.indexOf(s) >= 0);
  try {
    return { json: holds(value, 0, has) ? cleaned(value, 0, (t) => scrub(t, secrets)) : value };
  } catch (error) {
    if (error !== TOO_DEEP) throw error;
    return { text: `(JSON nested more than ${MAX_DEPTH} levels deep)` };
  }
}

/** The children of a parsed JSON value, as [key, value] pairs (none for a scalar). */
function children(value: unknown, depth: number): [string, unknown][] {
  if (!value || typeof value !== 'object') return [];
  if (depth >= MAX_DEPTH) throw TOO_DEEP;
  return Array.isArray(value)
    ? value.map((item: unknown) => ['', item])
    : Object.keys(value).map((key) => [key, (value as Record<string, unknown>)[key]]);
}

/** Whether a string, number or key of a parsed JSON value passes `test` (throws `TOO_DEEP` when nested too deep). */
function holds(value: unknown, depth: number, test: (text: string) => boolean): boolean {
  if (typeof value === 'string' || typeof value === 'number') return test(String(value));
  return children(value, depth).some(([k, v]) => test(k) || holds(v, depth + 1, test));
}

/** A copy of a parsed JSON value with `change` applied to every string, number and key. */
function cleaned(value: unknown, depth: number, change: (text: string) => string): unknown {
  if (typeof value === 'string') return change(value);
  // A secret of digits, echoed as a number: the number becomes the scrubbed text.
  if (typeof value === 'number') {
    const text = change(String(value));
    return text === String(value) ? value : text;
  }
  const items = children(value, depth);
  if (Array.isArray(value)) return items.map(([, v]) => cleaned(v, depth + 1, change));
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of items) {
    // defineProperty: a key "__proto__" stays data, as JSON.parse made it.
    Object.defineProperty(out, change(k), {
      value: cleaned(v, depth + 1, change),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
