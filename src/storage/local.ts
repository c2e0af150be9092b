import type { StorageAdapter } from './adapter.js';

/** The engine's `localStorage`, or `undefined` where it is missing or refuses to work. */
export function usableLocalStorage(): Storage | undefined {
  try {
    const ls = (globalThis as { localStorage?: Storage }).localStorage;
    if (!ls) return undefined;
    const probe = '__paket_probe__';
    ls.setItem(probe, '1');
    ls.removeItem(probe);
    return ls;
  } catch {
    return undefined;
  }
}

/**
 * An adapter over `localStorage` (synchronous, so `update` is atomic within a page).
 * A value that is not valid JSON reads as the raw string, for the caller to discard.
 */
export function localStorageAdapter(ls: Storage): StorageAdapter {
  const read = (key: string): unknown => {
    const text = ls.getItem(key);
    if (text === null) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  };
  const run = <T>(fn: () => T): Promise<T> => {
    try {
      return Promise.resolve(fn());
    } catch (error) {
      return Promise.reject(error);
    }
  };
  return {
    get: (key) => run(() => read(key)),
    set: (key, value) => run(() => ls.setItem(key, JSON.stringify(value))),
    delete: (key) => run(() => ls.removeItem(key)),
    update: (key, updater) =>
      run(() => {
        const next = updater(read(key));
        ls.setItem(key, JSON.stringify(next));
        return next;
      }),
  };
}
