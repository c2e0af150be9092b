// The durable backends (IndexedDB through idb-keyval, localStorage, memory) and the choice
// between them. Loaded by the first storage call, not at start: a warm start answers from the
// localStorage mirror (records.ts), so it never parses them before the stored ID is in hand.
import type { PaketStorageFailure } from '../errors/PaketStorageError.js';
import type { StorageAdapter, StorageKind } from './adapter.js';
import { indexedDbAdapter } from './idb.js';
import { memoryStorage, usableLocalStorage, webStorageAdapter } from './local.js';

/** The backend chosen: its adapter and kind, and why it is not IndexedDB (when it is not). */
export interface Chosen {
  adapter: StorageAdapter;
  kind: StorageKind;
  reason?: string;
}

/**
 * A custom adapter, else IndexedDB when it opens (a slow open is waited for: falling back
 * while IndexedDB may be live for another app instance could make a second Session), else
 * localStorage, else memory.
 */
export async function chooseBackend(custom: StorageAdapter | undefined): Promise<Chosen> {
  if (custom) return { adapter: promised(custom), kind: 'custom' };
  let reason = 'IndexedDB is missing';
  try {
    // Reading the global itself throws in a sandboxed or opaque-origin frame: fall back.
    if ((globalThis as { indexedDB?: unknown }).indexedDB) {
      const adapter = indexedDbAdapter();
      // Open, with its store (no read: a transaction that asks nothing costs next to nothing).
      await adapter.opened();
      return { adapter, kind: 'indexeddb' };
    }
  } catch (error) {
    const e = error as { name?: string } | undefined;
    reason = `IndexedDB failed on open${e && typeof e.name === 'string' ? ` (${e.name})` : ''}`;
  }
  const ls = usableLocalStorage();
  if (!ls && typeof (globalThis as { document?: unknown }).document === 'undefined') {
    reason +=
      ' and so is localStorage (not a browser?): records last only as long as this process; pass a storage adapter';
  }
  return {
    adapter: webStorageAdapter(ls ?? memoryStorage()),
    kind: ls ? 'localStorage' : 'memory',
    reason,
  };
}

/**
 * A custom adapter whose every call answers with a promise: a method that throws, or returns
 * a plain value, is then a storage failure or an answer like any other (never a raw error,
 * never a timer left to fire). Methods are called on the adapter itself.
 */
function promised(a: StorageAdapter): StorageAdapter {
  const call = <T>(run: () => T | Promise<T>): Promise<T> => Promise.resolve().then(run);
  const t = a.transact;
  return {
    get: (k) => call(() => a.get(k)),
    set: (k, v) => call(() => a.set(k, v)),
    delete: (k) => call(() => a.delete(k)),
    update: (k, u) => call(() => a.update(k, u)),
    ...(typeof t === 'function' && {
      transact: <R>(keys: readonly string[], change: (values: unknown[]) => R) =>
        call(() => t.call(a, keys, change) as Promise<R>),
    }),
  };
}

/**
 * `transact` for an adapter: its own when it has one, else key by key (each record atomic,
 * the whole not).
 */
export function transactOn<R>(
  adapter: StorageAdapter,
  keys: readonly string[],
  change: (values: unknown[]) => R,
): Promise<R> {
  if (adapter.transact) return adapter.transact(keys, change);
  return (async () => {
    const values = await Promise.all(keys.map((k) => adapter.get(k)));
    const before = values.slice();
    const result = change(values);
    for (let i = 0; i < keys.length; i++) {
      if (values[i] === before[i]) continue;
      const key = keys[i] as string;
      if (values[i] === undefined) await adapter.delete(key);
      else await adapter.set(key, values[i]);
    }
    return result;
  })();
}

/**
 * Why a backend's call failed. Quota errors have different names and codes across engines;
 * an error whose fields cannot be read is an `error` (never a throw: the call must settle).
 */
export function classify(error: unknown): PaketStorageFailure {
  try {
    const e = error as { name?: string; code?: number } | undefined;
    if (e && (e.name === 'QuotaExceededError' || e.code === 22 || e.code === 1014)) return 'quota';
    if (e && (e.name === 'InvalidStateError' || e.name === 'SecurityError')) return 'unavailable';
  } catch {
    // a hostile error object
  }
  return 'error';
}
