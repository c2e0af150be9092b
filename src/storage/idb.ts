// The only module that imports idb-keyval.
import { createStore, del, get, set, update } from 'idb-keyval';
import type { StorageAdapter } from './adapter.js';

/** The SDK's own IndexedDB database and object store. */
export const IDB_DATABASE = 'paket-tv-sdk';
export const IDB_STORE = 'records';

/**
 * An adapter over the SDK's own IndexedDB store; `update` and `transact` each run in one
 * readwrite transaction, which IndexedDB serialises across every page of the origin.
 */
export function indexedDbAdapter(
  database = IDB_DATABASE,
  storeName = IDB_STORE,
): StorageAdapter & { opened(): Promise<void> } {
  const store = createStore(database, storeName);
  return {
    /** Resolves once the database is open and its store can start a transaction; else rejects. */
    opened: () => store('readonly', () => undefined),
    get: (key) => get(key, store),
    set: (key, value) => set(key, value, store),
    delete: (key) => del(key, store),
    update: async <T>(key: string, updater: (current: unknown) => T) => {
      let next: T | undefined;
      await update(
        key,
        (current: unknown) => {
          next = updater(current);
          return next;
        },
        store,
      );
      return next as T;
    },
    // Callbacks, not promises, inside the transaction: older engines commit an IndexedDB
    // transaction at the first microtask that issues no request.
    transact: <R>(keys: readonly string[], change: (values: unknown[]) => R) =>
      store(
        'readwrite',
        (s) =>
          new Promise<R>((resolve, reject) => {
            const values: unknown[] = [];
            let left = keys.length;
            const finish = (): void => {
              try {
                const before = values.slice();
                const result = change(values);
                keys.forEach((key, i) => {
                  if (values[i] === before[i]) return;
                  if (values[i] === undefined) s.delete(key);
                  else s.put(values[i], key);
                });
                s.transaction.oncomplete = () => resolve(result);
                s.transaction.onabort = s.transaction.onerror = () =>
                  reject(s.transaction.error ?? new Error('transaction aborted'));
              } catch (error) {
                s.transaction.abort();
                reject(error);
              }
            };
            keys.forEach((key, i) => {
              const request = s.get(key);
              request.onsuccess = () => {
                values[i] = request.result;
                if (--left === 0) finish();
              };
              request.onerror = () => reject(request.error);
            });
            if (!keys.length) finish();
          }),
      ),
  };
}
