// HTTP plumbing of the emulator: the flat error body, answers, CORS, and the Host and Origin
// checks that keep a web page in the developer's browser away from it.

/**
 * @typedef {{ status: number, body?: unknown, headers?: Record<string, string> }} Reply
 */

export const ALLOW_HEADERS =
  'Authorization, Content-Type, Accept, Idempotency-Key, Paket-Version, Paket-Dialect, X-Paket-Timestamp, X-Paket-Signature';
const EXPOSE_HEADERS = 'Date, Paket-Response-Type, Retry-After, Idempotent-Replayed';

const CODES = /** @type {Record<number, string>} */ ({
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  408: 'request_timeout',
  409: 'conflict',
  413: 'payload_too_large',
  421: 'misdirected_request',
  422: 'unprocessable_entity',
  429: 'rate_limited',
  500: 'internal_error',
  502: 'bad_gateway',
  503: 'service_unavailable',
  504: 'gateway_timeout',
});

/**
 * The documented flat error body.
 * @param {number} status
 * @param {string} message
 * @param {string} [code] defaults to a code for the status
 */
export function errorReply(status, message, code) {
  return { status, body: { error: code ?? CODES[status] ?? `http_${status}`, message } };
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {Reply} result
 * @param {number} now the emulator's clock, for the Date header
 */
export function send(res, result, now) {
  const text =
    result.status === 204 || result.body === undefined ? '' : JSON.stringify(result.body);
  res.writeHead(result.status, {
    date: new Date(now).toUTCString(),
    ...(text ? { 'content-type': 'application/json' } : {}),
    ...result.headers,
  });
  res.end(text);
}

/**
 * CORS of the API and /media: any origin may call them (TV apps run from file:// and other
 * origins; the API needs credentials anyway), answered with `*`: no Origin is ever reflected,
 * and private-network access is never opted into.
 * @param {import('node:http').ServerResponse} res
 */
export function apiCors(res) {
  res.setHeader('access-control-allow-origin', '*');
  res.setHeader('access-control-allow-methods', 'GET, POST, PUT, DELETE, OPTIONS');
  res.setHeader('access-control-allow-headers', ALLOW_HEADERS);
  res.setHeader('access-control-expose-headers', EXPOSE_HEADERS);
  res.setHeader('access-control-max-age', '600');
}

/**
 * CORS of the controls: only for an allowed Origin, echoed only when allowed.
 * @param {import('node:http').ServerResponse} res
 * @param {string} origin
 */
export function controlCors(res, origin) {
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('vary', 'Origin');
  res.setHeader('access-control-allow-methods', 'GET, POST, DELETE, OPTIONS');
  res.setHeader('access-control-allow-headers', 'Content-Type');
  res.setHeader('access-control-max-age', '600');
}

/**
 * True for loopback origins of any port: `http://localhost:8080`, `http://127.0.0.1:5173`,
 * `http://[::1]:8080` (the demo's static server and dev servers).
 * @param {string} origin
 */
export function isLoopbackOrigin(origin) {
  let url;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (`${url.protocol}//${url.host}` !== origin) return false;
  return isLoopbackName(url.hostname);
}

/**
 * A `Host` header naming loopback: localhost, 127.0.0.0/8 or [::1], with any port.
 * Defeats DNS rebinding: a rebound name arrives as the attacker's host name.
 * @param {string | undefined} host
 */
export function isLoopbackHost(host) {
  if (!host) return false;
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(host);
  if (!match) return false;
  return isLoopbackName(/** @type {string} */ (match[1]).toLowerCase());
}

/** @param {string} name a host name, IPv6 in brackets */
function isLoopbackName(name) {
  if (name === 'localhost' || name === '[::1]') return true;
  const parts = name.split('.');
  return (
    parts.length === 4 &&
    parts[0] === '127' &&
    parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)
  );
}

/** A loopback peer address. @param {string | undefined} address */
export function isLoopback(address) {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}
