import { PaketError } from './PaketError.js';

/**
 * Why a storage call failed. `version`: a stored record written by a newer version of the
 * SDK (an app rolled back), left as it is; the calls that need it fail until that version
 * runs again.
 */
export type PaketStorageFailure = 'timeout' | 'quota' | 'unavailable' | 'error' | 'version';

/**
 * The device storage that keeps Session and Participant IDs failed: it did not answer in
 * time, is full, or refused the call. Nothing was sent to the service on its account.
 * A write that timed out may still commit later: `mayCommit` says so, and an operation
 * queued that way is then reported by an `outboxQueued` event and delivered.
 */
export class PaketStorageError extends PaketError {
  /** What went wrong. */
  readonly reason: PaketStorageFailure;
  /** `read`, `write`, `delete`, `open` or `lock`. */
  readonly operation: string;
  /** A timed-out call the backend may still complete (nothing was sent meanwhile). */
  get mayCommit(): boolean {
    return this.reason === 'timeout' && !!this.landed;
  }
  /** @internal Resolves with whether the timed-out call committed after all. */
  landed?: Promise<boolean>;

  constructor(operation: string, reason: PaketStorageFailure, cause?: unknown) {
    super(
      `storage ${operation} failed: ${reason}${reason === 'timeout' && (operation === 'write' || operation === 'delete') ? ' (it may still complete)' : ''}`,
      '',
      '',
      { cause },
    );
    this.name = 'PaketStorageError';
    this.operation = operation;
    this.reason = reason;
  }
}
