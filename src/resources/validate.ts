// The one ID rule of the SDK, for IDs an app gives (profile, participant, app IDs) and IDs a
// server gives (session_id, participant_id, context_id) alike.
import { PaketHttpError } from '../errors/PaketHttpError.js';
import { PaketInputError } from '../errors/PaketInputError.js';
import type { TransportResponse } from '../transport/http.js';

/** Most characters (Unicode code points) an ID may have. */
export const MAX_ID_LENGTH = 255;

/**
 * Why `value` breaks the ID rule, or `undefined` when it is a valid ID. The rule: a string,
 * non-empty, at most 255 characters (code points, not UTF-16 units), no `/`, not `.` or
 * `..` (URL dot-segments), well-formed UTF-16 (no lone surrogate), no control character
 * (C0, DEL, C1). `local`: an ID that never goes into a path (a profile ID) may contain `/`
 * and be `.` or `..`.
 */
export function idProblem(value: unknown, local = false): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  if (value === '') return 'must not be empty';
  if (!local && (value === '.' || value === '..')) return 'must not be "." or ".."';
  if (!local && value.indexOf('/') >= 0) return 'must not contain "/"';
  let count = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return 'must not contain control characters';
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return 'must not contain a lone surrogate';
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return 'must not contain a lone surrogate';
    if (++count > MAX_ID_LENGTH) return `must be at most ${MAX_ID_LENGTH} characters`;
  }
  return undefined;
}

/**
 * An app-given ID, checked by the ID rule ({@link idProblem}); else a `PaketInputError`
 * naming `name` and the call (`method`, `path`), thrown before any request.
 */
export function checkId(
  name: string,
  value: unknown,
  method: string,
  path = '',
  local = false,
): string {
  const problem = idProblem(value, local);
  if (problem) throw new PaketInputError(name, problem, method, path);
  return value as string;
}

/**
 * A profile ID checked by the ID rule (as a local ID: it never goes into a path, so `/` and
 * dot names stay allowed, as before) and normalised to Unicode NFC, so that the NFC and NFD
 * spellings of one name (`"é"` typed on two keyboards) are one profile, one Session. Engines
 * without `String.prototype.normalize` keep the text as given.
 */
export function normalizeProfileId(value: unknown, method: string, path = ''): string {
  const id = checkId('profileId', value, method, path, true);
  const nfc = typeof id.normalize === 'function' ? id.normalize('NFC') : id;
  // NFC may change the length (a few characters grow): check again.
  return checkId('profileId', nfc, method, path, true);
}

/**
 * A server-given ID: `body[field]` checked by the ID rule, else a `PaketHttpError` (with the
 * answer's status, `code` `invalid_answer`) naming the field. The SDK reuses the HTTP error
 * class here: the answer is the service's, and callers already treat a 2xx without a usable
 * body as one (the outbox keeps such an operation queued).
 */
export function checkServerId(
  body: unknown,
  field: string,
  response: TransportResponse,
  method: string,
  path: string,
): string {
  const value =
    body && typeof body === 'object' && Object.prototype.hasOwnProperty.call(body, field)
      ? (body as Record<string, unknown>)[field]
      : undefined;
  const problem = idProblem(value);
  if (problem) {
    throw new PaketHttpError(
      method,
      path,
      response.status,
      undefined,
      value === undefined
        ? `HTTP ${response.status} without the documented "${field}"`
        : `HTTP ${response.status} with an invalid "${field}" (${problem})`,
      'invalid_answer',
    );
  }
  return value as string;
}

/** `body` when it is a plain JSON object (not an array, not `null`), else `undefined`. */
export const asObject = (body: unknown): Record<string, unknown> | undefined =>
  body && typeof body === 'object' && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : undefined;

/**
 * The answer's body as an object carrying a valid ID in `idField` (by the ID rule); anything
 * else is a `PaketHttpError`, so no caller ever receives `undefined` or a bad ID.
 */
export function expectObject<T>(
  response: TransportResponse,
  method: string,
  path: string,
  idField: string,
): T {
  const body = asObject(response.body);
  checkServerId(body, idField, response, method, path);
  return body as T;
}

/**
 * An Idempotency-Key given by the app: 1 to 255 visible ASCII characters (it travels in a
 * header, where other characters make `fetch` throw), else a `PaketInputError`.
 */
export function checkIdempotencyKey(value: unknown, method: string, path = ''): string {
  if (typeof value !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(value)) {
    throw new PaketInputError(
      'idempotencyKey',
      'must be 1 to 255 visible ASCII characters',
      method,
      path,
    );
  }
  return value;
}

/** Most characters of a non-ID string field kept from an answer (longer ones are dropped). */
export const MAX_FIELD_LENGTH = 1024;

/**
 * The answer's body reduced to `fields` (strings of at most {@link MAX_FIELD_LENGTH}
 * characters; a field that is not one is left out), with `idField` required and checked by
 * the ID rule. A body that is not a JSON object, or lacks a valid ID, is a `PaketHttpError`
 * (`code` `invalid_answer`), so nothing malformed is ever stored.
 */
export function reduceAnswer<T>(
  response: TransportResponse,
  method: string,
  path: string,
  idField: string,
  fields: readonly string[],
): T {
  const body = asObject(response.body);
  const out: Record<string, unknown> = {};
  out[idField] = checkServerId(body, idField, response, method, path);
  for (const field of fields) {
    if (field === idField || !Object.prototype.hasOwnProperty.call(body, field)) continue;
    const value = (body as Record<string, unknown>)[field];
    if (typeof value === 'string' && value.length <= MAX_FIELD_LENGTH) out[field] = value;
  }
  return out as T;
}
