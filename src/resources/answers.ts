// The checks of the service's answers: an ID by the ID rule, an object reduced to its known
// fields. Only code that has an answer imports this, so it loads with the network code.
import { PaketHttpError } from '../errors/PaketHttpError.js';
import type { TransportResponse } from '../transport/http.js';
import { idProblem } from './validate.js';

/** `body` when it is a plain JSON object (not an array, not `null`), else `undefined`. */
export const asObject = (body: unknown): Record<string, unknown> | undefined =>
  body && typeof body === 'object' && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : undefined;

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
  const o = asObject(body);
  const value = o && Object.prototype.hasOwnProperty.call(o, field) ? o[field] : undefined;
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
