import { callName, PaketError } from './PaketError.js';

/**
 * The service could not be reached (offline, DNS, connection refused or dropped) after
 * every retry.
 */
export class PaketNetworkError extends PaketError {
  /**
   * `true` when the operation was written to the SDK's outbox and will be delivered later;
   * `false` for calls that are not queued.
   */
  queued: boolean;

  constructor(method: string, path: string, cause?: unknown, reason = 'network error') {
    super(`${callName(method, path)} failed: ${reason}`, method, path, { cause });
    this.name = 'PaketNetworkError';
    this.queued = false;
  }
}
