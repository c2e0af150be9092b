import { PaketError } from './PaketError.js';

/** Why a storage call failed. */
export type PaketStorageFailure = 'timeout' | 'quota' | 'unavailable' | 'error';

/**
 * The device storage that keeps Session and Participant IDs failed: it did not answer in
 * time, is full, or refused the call. Nothing was sent to the service on its account.
 */
export class PaketStorageError extends PaketError {
  /** What went wrong. */
  readonly reason: PaketStorageFailure;
  /** `read`, `write` or `delete`. */
  readonly operation: string;

  constructor(operation: string, reason: PaketStorageFailure, cause?: unknown) {
    super(`storage ${operation} failed: ${reason}`, '', '', { cause });
    this.name = 'PaketStorageError';
    this.operation = operation;
    this.reason = reason;
  }
}
