import { PaketNetworkError } from './PaketNetworkError.js';

/** Every attempt of the call took longer than `timeoutMs`. A kind of network error. */
export class PaketTimeoutError extends PaketNetworkError {
  /** The per-attempt time limit that was exceeded, in milliseconds. */
  readonly timeoutMs: number;

  constructor(method: string, path: string, timeoutMs: number, cause?: unknown) {
    super(method, path, cause, `timed out after ${timeoutMs} ms`);
    this.name = 'PaketTimeoutError';
    this.timeoutMs = timeoutMs;
  }
}
