import { PaketHttpError } from '../errors/PaketHttpError.js';
import { PaketInputError } from '../errors/PaketInputError.js';
import type { TransportResponse } from '../transport/http.js';

/**
 * The answer's body as an object carrying a non-empty string `idField`; anything else is
 * a `PaketHttpError`, so no caller ever receives `undefined` for an ID.
 */
export function expectObject<T>(
  response: TransportResponse,
  method: string,
  path: string,
  idField: string,
): T {
  const body = response.body;
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const id = (body as Record<string, unknown>)[idField];
    if (typeof id === 'string' && id !== '') return body as T;
  }
  throw new PaketHttpError(
    method,
    path,
    response.status,
    body,
    `HTTP ${response.status} without the documented "${idField}"`,
  );
}

/**
 * `value` when it is a non-empty string of at most 255 characters (and without "/" when
 * `noSlash`), else a `PaketInputError` naming `name` and the call (`method`, `path`).
 */
export function checkString(
  name: string,
  value: unknown,
  method: string,
  path = '',
  noSlash?: boolean,
): string {
  if (
    typeof value !== 'string' ||
    !value ||
    value.length > 255 ||
    (noSlash && value.indexOf('/') >= 0)
  ) {
    throw new PaketInputError(
      name,
      `must be a non-empty string of at most 255 characters${noSlash ? ', without "/"' : ''}`,
      method,
      path,
    );
  }
  return value;
}
