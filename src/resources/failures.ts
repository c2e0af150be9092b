// How the resources judge a failure: which ones leave an operation queued, and which HTTP
// status an error carries.
import { PaketError } from '../errors/PaketError.js';
import { PaketHttpError } from '../errors/PaketHttpError.js';
import { PaketNetworkError } from '../errors/PaketNetworkError.js';

/** Is `error` an HTTP error with this status? */
export const isStatus = (error: unknown, status: number): boolean =>
  error instanceof PaketHttpError && error.status === status;

/**
 * Failures after which an operation stays queued. 401/403: the app's credentials, not the
 * operation, are at fault. A 2xx with an unreadable body may have been committed: it is sent
 * again later with the same key. Anything that is not the service refusing the operation
 * (a storage fault, the credentials function failing, an app error) keeps it queued too.
 */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof PaketHttpError)) return true;
  const s = error.status;
  return s < 300 || s === 401 || s === 403 || s === 408 || s === 409 || s === 429 || s >= 500;
}

/**
 * For a failure to get or create the object an operation is sent to (the profile's Session
 * or Participant): the operation stays queued, whatever the service answered the create.
 */
export const keptFor =
  (what: 'Session' | 'Participant') =>
  (error: unknown): never => {
    throw isTransient(error) || !(error instanceof PaketError)
      ? error
      : new PaketNetworkError(error.method, error.path, error, `no ${what} to send it to`);
  };
