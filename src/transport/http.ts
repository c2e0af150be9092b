// The HTTP transport: the only module that imports ky. Everything a request needs on the
// wire lives here: Basic auth, JSON, Idempotency-Key, signing, retries, per-attempt
// timeouts, and the translation of every failure into a typed Paket error.
import ky, { HTTPError, TimeoutError } from 'ky';
import type { PaketEvent } from '../events.js';
import { PaketHttpError } from '../errors/PaketHttpError.js';
import { PaketInputError } from '../errors/PaketInputError.js';
import { PaketNetworkError } from '../errors/PaketNetworkError.js';
import { PaketTimeoutError } from '../errors/PaketTimeoutError.js';
import { base64Utf8, hashText } from './encoding.js';
import { uuidv4 } from './uuid.js';

/** API credentials: the client's API Username and API Secret Key. */
export interface PaketCredentials {
  username: string;
  password: string;
}

/** Credentials, or an async function returning them (asked again after a 401). */
export type CredentialsOption =
  PaketCredentials | (() => PaketCredentials | Promise<PaketCredentials>);

/** Retry policy. */
export interface RetryOptions {
  /** Retries after the first attempt. Default 2. */
  limit?: number;
  /** Cap of the computed exponential backoff, in ms (a server's `Retry-After` is not capped by it). Default 10,000. */
  backoffLimitMs?: number;
  /** A `Retry-After` longer than this, in ms, is not waited for: the call fails at once. Default 60,000. */
  maxRetryAfterMs?: number;
}

export interface TransportConfig {
  baseUrl: string;
  credentials: CredentialsOption;
  timeoutMs: number;
  retry: Required<RetryOptions>;
  apiVersion: string | undefined;
  signRequests: boolean;
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
}

export interface Transport {
  /** The path a spec names, as errors show it (for example `/v1/sessions`). */
  displayPath(segments: readonly string[]): string;
  request(spec: RequestSpec): Promise<TransportResponse>;
  /**
   * A short opaque name for this API origin and username, for keying stored records:
   * records of test and live credentials, or of two clients, never mix, and no credential
   * is written to storage.
   */
  namespace(): Promise<string>;
}

const RETRY_STATUS = [408, 409, 429, 500, 502, 503, 504];
const BASE_DELAY_MS = 300;
const BODY_PREVIEW = 1000;

/** Builds the transport. Does no I/O. */
export function createTransport(config: TransportConfig): Transport {
  const basePath = new URL(config.baseUrl).pathname.replace(/\/+$/, '');
  let cached: Promise<PaketCredentials> | undefined;

  const credentials = (refresh = false): Promise<PaketCredentials> => {
    if (!cached || refresh) {
      const source = config.credentials;
      cached = new Promise<PaketCredentials>((resolve) =>
        resolve(typeof source === 'function' ? source() : source),
      ).then(checkCredentials, (error: unknown) => {
        // The app's credentials function failed (its back end is unreachable): a typed,
        // transient failure, so that a queued operation stays queued.
        throw new PaketNetworkError('', '', error, 'credentials function failed');
      });
      cached.catch(() => (cached = undefined));
    }
    return cached;
  };

  const displayPath = (segments: readonly string[]): string =>
    basePath + segments.map((s) => '/' + encodeURIComponent(s)).join('');

  async function attempt(
    spec: RequestSpec,
    creds: PaketCredentials,
    key: string | undefined,
  ): Promise<TransportResponse> {
    const path = displayPath(spec.segments);
    const url = config.baseUrl + path.slice(basePath.length);
    const rawBody = spec.body === undefined ? '' : JSON.stringify(spec.body);
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: 'Basic ' + base64Utf8(`${creds.username}:${creds.password}`),
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

    let response: Response;
    try {
      response = await ky(url + query, {
        method: spec.method,
        headers,
        ...(rawBody ? { body: rawBody } : {}),
        timeout: config.timeoutMs,
        throwHttpErrors: true,
        // ky hands over a Request whose body it has cloned into a stream (to keep one for
        // retries); uploading a stream costs more than the string it came from.
        fetch: (input, init) => {
          const request = input as Request;
          if (spec.guard && !spec.guard()) {
            return Promise.reject(
              new PaketNetworkError(
                spec.method,
                path,
                undefined,
                'not sent: the outbox moved to another app instance',
              ),
            );
          }
          return (config.fetch ?? globalThis.fetch)(request.url, {
            ...init,
            method: request.method,
            headers: request.headers,
            signal: request.signal,
            ...(rawBody ? { body: rawBody } : {}),
          });
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
            if (error instanceof PaketNetworkError) return false;
            if (error instanceof HTTPError) {
              // 409: the same key is still executing; only a keyed request may wait for it.
              if (error.response.status === 409) return key ? undefined : false;
              // ky would wait at most maxRetryAfter; a longer wait fails the call at once instead.
              const header = error.response.headers.get('retry-after');
              if (header && retryAfterMs(header) > config.retry.maxRetryAfterMs) return false;
            }
            return undefined;
          },
        },
        hooks: {
          beforeRequest: [
            async (request, _options, { retryCount }) => {
              config.emit({ type: 'request', method: spec.method, path, attempt: retryCount });
              if (config.signRequests) {
                const timestamp = String(Date.now());
                request.headers.set('x-paket-timestamp', timestamp);
                // Loaded on demand: apps that do not sign never download the HMAC code.
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
      throw await toPaketError(error, spec.method, path, config.timeoutMs);
    }

    const { status } = response;
    let body: Body;
    try {
      body = await readBody(response);
    } catch (error) {
      throw new PaketNetworkError(
        spec.method,
        path,
        error,
        'connection lost while reading the answer',
      );
    }
    if ('text' in body) {
      throw new PaketHttpError(
        spec.method,
        path,
        status,
        body.text,
        `HTTP ${status} with a body that is not JSON`,
      );
    }
    return { status, body: body.json };
  }

  return {
    displayPath,
    namespace: async () => {
      const { username } = await credentials();
      return hashText(`${config.baseUrl}\n${username}`);
    },
    async request(spec) {
      const key =
        spec.method === 'POST' || spec.method === 'PUT'
          ? (spec.idempotencyKey ?? uuidv4())
          : undefined;
      const first = await credentials();
      try {
        return await attempt(spec, first, key);
      } catch (error) {
        // A rotated secret: ask the credentials function once more, then try once more.
        if (
          error instanceof PaketHttpError &&
          error.status === 401 &&
          typeof config.credentials === 'function'
        ) {
          config.emit({ type: 'credentialsRefresh', method: spec.method, path: error.path });
          return attempt(spec, await credentials(true), key);
        }
        throw error;
      }
    },
  };
}

function checkCredentials(value: PaketCredentials): PaketCredentials {
  if (
    !value ||
    typeof value.username !== 'string' ||
    typeof value.password !== 'string' ||
    value.username === '' ||
    value.password === ''
  ) {
    throw new PaketInputError(
      'credentials',
      'must be { username, password } with non-empty strings',
    );
  }
  if (value.username.indexOf(':') !== -1) {
    throw new PaketInputError('credentials.username', 'must not contain ":"');
  }
  return value;
}

/** A `Retry-After` value (seconds or an HTTP date) in ms; NaN when unreadable. */
function retryAfterMs(header: string): number {
  const seconds = Number(header);
  return seconds === seconds ? seconds * 1000 : Date.parse(header) - Date.now();
}

function describe(error: unknown): string {
  if (error instanceof HTTPError) return `HTTP ${error.response.status}`;
  if (error instanceof TimeoutError) return 'timeout';
  return 'network error';
}

async function toPaketError(
  error: unknown,
  method: string,
  path: string,
  timeoutMs: number,
): Promise<Error> {
  if (error instanceof HTTPError) {
    const body = await readBody(error.response).catch(() => ({ json: undefined }));
    return new PaketHttpError(
      method,
      path,
      error.response.status,
      'text' in body ? body.text : body.json,
    );
  }
  if (error instanceof TimeoutError) return new PaketTimeoutError(method, path, timeoutMs);
  if (error instanceof PaketInputError || error instanceof PaketNetworkError) return error;
  // fetch rejects with a TypeError for every network failure; keep it only as `cause`.
  return new PaketNetworkError(method, path, error);
}

type Body = { json: unknown } | { text: string };

/** The answer's body: parsed JSON (`undefined` when empty), or its text cut to 1,000 characters. */
async function readBody(response: Response): Promise<Body> {
  const text = await response.text();
  try {
    return { json: text === '' ? undefined : (JSON.parse(text) as unknown) };
  } catch {
    return { text: text.slice(0, BODY_PREVIEW) };
  }
}
