// One memoised load for the chunks that arrive on first need (the HTTP code, the outbox, the
// locks, the identity write side and the durable record's check, the storage backends, the
// list pager).
import { PaketError } from './errors/PaketError.js';
import { PaketNetworkError } from './errors/PaketNetworkError.js';

/** A memoised load: call it to start or share the load. */
export interface Loader<T> {
  (): Promise<T>;
  /** The load started and not failed, if any: a caller that must not start one looks here. */
  current?: Promise<T> | undefined;
}

/**
 * A function that runs `load` once and shares its promise with every caller. A rejection is
 * forgotten (a chunk that failed to download, a TV that lost its Wi-Fi for a moment), so the
 * next call loads again instead of failing for the life of the page. A failure that is not a
 * `PaketError` (the browser's own, for a chunk that did not download) becomes a
 * `PaketNetworkError` with it as `cause`: a caller never sees a raw error.
 */
export function loadOnce<T>(load: () => Promise<T>): Loader<T> {
  const f: Loader<T> = () =>
    (f.current ??= load().catch((e: unknown) => {
      f.current = undefined;
      throw e instanceof PaketError ? e : new PaketNetworkError('', '', e, 'its code did not load');
    }));
  return f;
}
