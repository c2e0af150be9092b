// Request signatures (shared/spec/paket-api.md): X-Paket-Timestamp (Unix ms) and
// X-Paket-Signature = "sha256=" + hex(HMAC-SHA256(secret, timestamp + "." + rawBody)).
import { createHmac, timingSafeEqual } from 'node:crypto';

/** A timestamp further than this from the emulator's clock is refused. */
export const SIGNATURE_WINDOW_MS = 5 * 60 * 1000;

/**
 * Checks a request's signature; returns the flat error's code and message, or undefined.
 * @param {string} secret the client's secret
 * @param {import('node:http').IncomingHttpHeaders} headers
 * @param {string} raw the raw body ('' for none)
 * @param {number} now the emulator's clock, ms
 * @returns {{ code: string, message: string } | undefined}
 */
export function checkSignature(secret, headers, raw, now) {
  const timestamp = headers['x-paket-timestamp'];
  const signature = headers['x-paket-signature'];
  if (typeof timestamp !== 'string' || typeof signature !== 'string') {
    return {
      code: 'signature_missing',
      message: 'request is not signed (X-Paket-Timestamp and X-Paket-Signature)',
    };
  }
  if (!/^\d{1,16}$/.test(timestamp)) {
    return { code: 'signature_invalid', message: 'X-Paket-Timestamp must be Unix milliseconds' };
  }
  if (Math.abs(now - Number(timestamp)) > SIGNATURE_WINDOW_MS) {
    return {
      code: 'signature_expired',
      message:
        'X-Paket-Timestamp is more than 5 minutes from the server clock (see the Date header)',
    };
  }
  const expected =
    'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex');
  return safeEqual(expected, signature)
    ? undefined
    : { code: 'signature_invalid', message: 'signature does not match' };
}

/** Constant-time string comparison. @param {string} a @param {string} b */
export function safeEqual(a, b) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
