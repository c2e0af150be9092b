import type { StorageAdapter } from './adapter.js';

/** What the SDK uses of `localStorage`. */
export type WebStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** The engine's `localStorage`, or `undefined` where it is missing or refuses to work. */
export function usableLocalStorage(): Storage | undefined {
  try {
    const ls = (globalThis as { localStorage?: Storage }).localStorage;
    const probe = '__paket_probe__';
    ls!.setItem(probe, '1');
    ls!.removeItem(probe);
    return ls;
  } catch {
    return undefined;
  }
}

/** A store in memory with the shape of `localStorage`: the last resort when the engine keeps nothing. */
export function memoryStorage(): WebStorage {
  const map = new Map<string, string>();
  return {
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, value),
    removeItem: (key) => void map.delete(key),
  };
}

/**
 * An adapter over `localStorage` or {@link memoryStorage} (synchronous, so `update` is atomic
 * within a page). A value that is not valid JSON reads as the raw string, for the caller to
 * discard.
 */
export function webStorageAdapter(ls: WebStorage): StorageAdapter {
  const read = (key: string): unknown => {
    const text = ls.getItem(key);
    if (text === null) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  };
  /** `undefined` (what an update leaving an absent record absent returns) removes the item. */
  const write = <T>(key: string, value: T): T => {
    if (value === undefined) ls.removeItem(key);
    else ls.setItem(key, JSON.stringify(value));
    return value;
  };
  const run = <T>(fn: () => T): Promise<T> => new Promise<T>((resolve) => resolve(fn()));
  return {
    get: (key) => run(() => read(key)),
    set: (key, value) => run(() => void write(key, value)),
    delete: (key) => run(() => ls.removeItem(key)),
    update: (key, updater) => run(() => write(key, updater(read(key)))),
    transact: (keys, change) =>
      run(() => {
        const values = keys.map(read);
        const before = values.slice();
        const result = change(values);
        keys.forEach((key, i) => values[i] !== before[i] && write(key, values[i]));
        return result;
      }),
  };
}
