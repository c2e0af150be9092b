import { dialectTable } from '../transport/routes.js';
import type { Transport } from '../transport/http.js';
import { pathShower } from '../transport/encoding.js';
import { PaketInputError } from '../errors/PaketInputError.js';
import { reduceAnswer } from './answers.js';

/** Options of a create call. */
export interface CreateOptions {
  /**
   * The Idempotency-Key to send (1 to 255 visible ASCII characters). A retry of a create
   * that may have reached the service must pass the key of the first attempt; the service
   * then answers with the same object instead of making a second one. Default: a new v4 UUID.
   */
  idempotencyKey?: string;
}

/**
 * One `POST` to `segment` (`sessions`, `participants` or `contexts`). The answer is reduced
 * to the documented fields of a Session, Participant or Context in the transport's dialect,
 * its `idField` checked by the ID rule; anything else is a `PaketHttpError`.
 */
export async function createObject<T>(
  transport: Transport,
  segment: string,
  idField: string,
  options: CreateOptions = {},
): Promise<T> {
  const segments = [segment];
  const path = pathShower(transport.baseUrl)(segments);
  const key = options.idempotencyKey;
  if (key !== undefined) checkIdempotencyKey(key, 'POST', path);
  const response = await transport.request({
    method: 'POST',
    segments,
    ...(key ? { idempotencyKey: key } : {}),
  });
  const fields = dialectTable(transport.dialect).fields;
  return reduceAnswer<T>(
    response,
    'POST',
    path,
    idField,
    segment === 'sessions' ? fields.session : fields.publisher,
  );
}

/**
 * An Idempotency-Key given by the app: 1 to 255 visible ASCII characters (it travels in a
 * header, where other characters make `fetch` throw), else a `PaketInputError`.
 */
function checkIdempotencyKey(value: unknown, method: string, path = ''): string {
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
