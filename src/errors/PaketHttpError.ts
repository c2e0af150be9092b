import { PaketError } from './PaketError.js';

/**
 * The service answered with a status the call cannot use (any non-2xx after retries), or
 * with a 2xx whose body is not the documented JSON object.
 */
export class PaketHttpError extends PaketError {
  /** HTTP status of the last answer. */
  readonly status: number;
  /** The answer's body: parsed JSON when it was JSON, else its text (cut to 1,000 characters). */
  readonly body: unknown;

  constructor(method: string, path: string, status: number, body: unknown, reason?: string) {
    super(`${method} ${path} failed: ${reason ?? `HTTP ${status}`}`, method, path);
    this.name = 'PaketHttpError';
    this.status = status;
    this.body = body;
  }
}
