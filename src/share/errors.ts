// From the main entry, so the build keeps PaketError in it (one class for both entries).
import { PaketError } from '../index.js';

/** Why a share failed or was refused. */
export type ShareFailure = 'unavailable' | 'timeout' | 'refused' | 'invalid' | 'too-large';

/**
 * A hand-off failed (publisher side) or a received message was refused (platform side).
 * `reason` is the category; `detail` names the precise check (for example `replay`,
 * `stale`, `version`, `sender`, `app_id`). The message never contains a Participant ID.
 */
export class PaketShareError extends PaketError {
  /** The category: no listener, no answer in time, refused by a check, malformed, over 16 KiB. */
  readonly reason: ShareFailure;
  /** The check that failed, in a word: `malformed`, `version`, `stale`, `replay`, `sender`, `app_id`, `not-found`, … */
  readonly detail: string;

  constructor(
    reason: ShareFailure,
    detail: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`share ${reason} (${detail}): ${message}`, '', '', options);
    this.name = 'PaketShareError';
    this.reason = reason;
    this.detail = detail;
  }
}

/** Shorthand for `new PaketShareError(...)`. */
export const shareError = (
  reason: ShareFailure,
  detail: string,
  message: string,
  cause?: unknown,
): PaketShareError =>
  new PaketShareError(reason, detail, message, cause === undefined ? undefined : { cause });
