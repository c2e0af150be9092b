import type { Transport } from '../transport/http.js';
import { checkString, expectObject } from './validate.js';

/** Options of a create call. */
export interface CreateOptions {
  /**
   * The Idempotency-Key to send (at most 255 characters). A retry of a create that may
   * have reached the service must pass the key of the first attempt; the service then
   * answers with the same object instead of making a second one. Default: a new v4 UUID.
   */
  idempotencyKey?: string;
}

/** One `POST` to `segment` whose answer must carry a string `idField`. */
export async function createObject<T>(
  transport: Transport,
  segment: string,
  idField: string,
  options: CreateOptions = {},
): Promise<T> {
  const segments = [segment];
  const key = options.idempotencyKey;
  if (key !== undefined)
    checkString('idempotencyKey', key, 'POST', transport.displayPath(segments));
  const response = await transport.request({
    method: 'POST',
    segments,
    ...(key ? { idempotencyKey: key } : {}),
  });
  return expectObject<T>(response, 'POST', transport.displayPath(segments), idField);
}
