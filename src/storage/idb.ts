// The only module that imports idb-keyval.
import { createStore, del, get, set, update } from 'idb-keyval';
import type { StorageAdapter } from './adapter.js';

/** The SDK's own IndexedDB database and object store. */
export const IDB_DATABASE = 'paket-tv-sdk';
export const IDB_STORE = 'records';

/** An adapter over the SDK's own IndexedDB store; `update` runs in one readwrite transaction. */
export function indexedDbAdapter(database = IDB_DATABASE, storeName = IDB_STORE): StorageAdapter {
  const store = createStore(database, storeName);
  return {
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
  };
}
