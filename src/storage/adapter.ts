import { PaketStorageError, type PaketStorageFailure } from '../errors/PaketStorageError.js';

/**
 * A key-value store the SDK keeps its records in. Values are plain JSON-compatible
 * objects. Give your own through the `storage` option to use the platform's persistence.
 */
export interface StorageAdapter {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Reads the value, passes it to `updater` and stores what it returns, as one atomic step
   * with respect to other callers of this adapter (other pages included, where the backend
   * allows). Resolves with the stored value.
   */
  update<T>(key: string, updater: (current: unknown) => T): Promise<T>;
  /**
   * Optional: reads every key, lets `change` edit the array of values in place, and writes
   * back each value it replaced (`undefined` deletes), all as one atomic step. Without it the
   * SDK runs `update` key by key: each record stays consistent, but a change spanning two
   * records (removing a Session and dropping its queued operations) is not atomic
   * across app instances.
   */
  transact?<R>(keys: readonly string[], change: (values: unknown[]) => R): Promise<R>;
}

/** Which backend holds the SDK's records. `unknown` until the first storage call. */
export type StorageKind = 'unknown' | 'indexeddb' | 'localStorage' | 'memory' | 'custom';

/**
 * `promise`, or a `PaketStorageError('timeout')` after `ms`; another failure becomes a
 * `PaketStorageError` whose reason `classify` names (the backend's rules, backend.ts).
 */
export function bounded<T>(
  operation: string,
  ms: number,
  promise: Promise<T>,
  classify: (error: unknown) => PaketStorageFailure = () => 'error',
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      const error = new PaketStorageError(operation, 'timeout');
      // A write may still commit: whoever must know waits for `landed`. (Not a read, which
      // changes nothing, nor an open: the call that waited for it was never issued.)
      if (operation === 'write' || operation === 'delete')
        error.landed = promise.then(
          () => true,
          () => false,
        );
      reject(error);
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(
          error instanceof PaketStorageError
            ? error
            : new PaketStorageError(operation, classify(error), error),
        );
      },
    );
  });
}
