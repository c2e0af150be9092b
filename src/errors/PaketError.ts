/**
 * Base class of every error the SDK throws. `method` and `path` name the API call
 * (for example `POST /v1/sessions`); messages never contain a credential.
 */
export class PaketError extends Error {
  /** HTTP method of the call that failed, upper case; empty when no call was involved. */
  readonly method: string;
  /** Path of the call that failed, relative to the API origin (for example `/v1/sessions`). */
  readonly path: string;

  constructor(message: string, method = '', path = '', options?: { cause?: unknown }) {
    super(message);
    // Keep `instanceof` working when the SDK is compiled down to ES5.
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = 'PaketError';
    this.method = method;
    this.path = path;
    if (options && 'cause' in options) {
      (this as { cause?: unknown }).cause = options.cause;
    }
  }
}

/** How a message names a call: `POST /v1/sessions`, or `Paket request` when none is known. */
export const callName = (method: string, path: string): string =>
  (method + ' ' + path).trim() || 'Paket request';
