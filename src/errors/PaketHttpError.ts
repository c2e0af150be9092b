import { callName, PaketError } from './PaketError.js';

/**
 * The service answered with a status the call cannot use (any non-2xx after retries), or
 * with a 2xx whose body is not the documented JSON object, or with an answer the transport
 * refuses (a redirect, a body over the size cap). The message names the call and carries the
 * service's own `message` (cut to 300 characters, never a credential).
 */
export class PaketHttpError extends PaketError {
  /** HTTP status of the last answer (0 when there was no usable HTTP answer). */
  readonly status: number;
  /** The answer's body: parsed JSON when it was JSON, else its text (cut to 1,000 characters). */
  readonly body: unknown;
  /**
   * The service's error code (the documented flat body `{"error": "<code>", "message": …}`),
   * or the SDK's for an answer it refused: `invalid_answer`, `redirect`, `body_too_large`,
   * `not_a_response`. `undefined` when neither applies.
   */
  readonly code: string | undefined;

  constructor(
    method: string,
    path: string,
    status: number,
    body: unknown,
    reason?: string,
    code?: string,
  ) {
    super(`${callName(method, path)} failed: ${reason ?? `HTTP ${status}`}`, method, path);
    this.name = 'PaketHttpError';
    this.status = status;
    this.body = body;
    this.code = code;
  }
}
