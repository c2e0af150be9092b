import type { PaketEvent } from '../events.js';
import { bounded, transactOn, type StorageAdapter, type StorageKind } from './adapter.js';
import { monotonic } from '../coordination/clock.js';
import { indexedDbAdapter } from './idb.js';
import { memoryStorage, usableLocalStorage, webStorageAdapter } from './local.js';

/** Prefix of every key the SDK writes, in IndexedDB and in localStorage. */
export const KEY_PREFIX = 'paket-tv-sdk:';

export interface RecordStorageConfig {
  custom: StorageAdapter | undefined;
  /** Bound on opening the backend and on each call, in ms. */
  timeoutMs: number;
  emit: (event: PaketEvent) => void;
}

/**
 * Where the SDK's records live. The durable backend is chosen on first use: a custom
 * adapter, else IndexedDB, else localStorage, else memory; it does not change afterwards,
 * so a record is never looked for in the wrong place. An IndexedDB that is merely slow to
 * open is waited for (each call still fails in time, typed): falling back to localStorage
 * while IndexedDB may be live for another app instance could make a second Session. Only a
 * missing or failing IndexedDB falls back. Beside IndexedDB, localStorage keeps
 * a mirror of finished records: a synchronous read for a fast warm start, and a second copy
 * that survives a lost IndexedDB (and the other way round: LG wipes a packaged app's
 * localStorage when the app updates).
 */
export interface RecordStorage {
  /** The durable backend in use; `unknown` before the first call. */
  readonly kind: StorageKind;
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
  update<T>(key: string, updater: (current: unknown) => T): Promise<T>;
  /** Reads `keys`, lets `change` edit the values in place, writes back what it replaced: one atomic step. */
  transact<R>(keys: readonly string[], change: (values: unknown[]) => R): Promise<R>;
  /** The mirror's copy, read synchronously; `undefined` when there is none. */
  mirrorGet(key: string): unknown;
  /** Best effort: a failed mirror write is reported, never thrown. */
  mirrorSet(key: string, value: unknown): void;
  mirrorDelete(key: string): void;
}

export function createRecordStorage(config: RecordStorageConfig): RecordStorage {
  const { custom, emit } = config;
  let kind: StorageKind = 'unknown';
  let chosen: Promise<StorageAdapter> | undefined;
  let mirror: Storage | undefined | null = null; // null: not looked up yet

  const use = (adapter: StorageAdapter, k: StorageKind, reason?: string): StorageAdapter => {
    kind = k;
    emit({ type: 'storage', kind: k, ...(reason ? { reason } : {}) } as PaketEvent);
    return adapter;
  };

  const choose = async (): Promise<StorageAdapter> => {
    if (custom) return use(custom, 'custom');
    let reason = 'IndexedDB is missing';
    if ((globalThis as { indexedDB?: unknown }).indexedDB) {
      const adapter = indexedDbAdapter();
      try {
        // Not bounded: a slow open is waited for (see above); calls are bounded one by one.
        await adapter.get(`${KEY_PREFIX}probe`);
        return use(adapter, 'indexeddb');
      } catch (error) {
        const e = error as { name?: string } | undefined;
        reason = `IndexedDB failed on open${e && e.name ? ` (${e.name})` : ''}`;
      }
    }
    const ls = usableLocalStorage();
    if (!ls && typeof (globalThis as { document?: unknown }).document === 'undefined') {
      reason +=
        ' and so is localStorage (not a browser?): records last only as long as this process; pass a storage adapter';
    }
    return use(webStorageAdapter(ls ?? memoryStorage()), ls ? 'localStorage' : 'memory', reason);
  };

  const call = async <T>(operation: string, run: (a: StorageAdapter) => Promise<T>): Promise<T> => {
    try {
      // The open and the call share one bound: a slow open fails the call in time, typed.
      const started = monotonic();
      const adapter = await bounded('open', config.timeoutMs, (chosen ??= choose()));
      const left = Math.max(1, config.timeoutMs - (monotonic() - started));
      return await bounded(operation, left, run(adapter));
    } catch (error) {
      const reason = (error as { reason?: string }).reason ?? 'error';
      emit({ type: 'storageError', operation, reason, backend: kind });
      throw error;
    }
  };

  // The mirror is read at every start: no probe write here (a first localStorage write after a
  // restart costs milliseconds); a failing call is caught here, and reported unless a read.
  const mirrorCall = <T>(operation: string, run: (ls: Storage) => T): T | undefined => {
    if (mirror === null) {
      mirror = undefined;
      try {
        if (!custom) mirror = (globalThis as { localStorage?: Storage }).localStorage;
      } catch {
        // a sandboxed frame throws on access
      }
    }
    try {
      return mirror && run(mirror);
    } catch {
      if (operation) {
        emit({ type: 'storageError', operation, reason: 'mirror', backend: 'localStorage' });
      }
      return undefined;
    }
  };

  return {
    get kind() {
      return kind;
    },
    get: (key) => call('read', (a) => a.get(key)),
    set: (key, value) => call('write', (a) => a.set(key, value)),
    delete: (key) => call('delete', (a) => a.delete(key)),
    update: (key, updater) => call('write', (a) => a.update(key, updater)),
    transact: (keys, change) => call('write', (a) => transactOn(a, keys, change)),
    mirrorGet: (key) =>
      mirrorCall('', (ls) => {
        const text = ls.getItem(key);
        return text === null ? undefined : (JSON.parse(text) as unknown);
      }),
    mirrorSet: (key, value) => mirrorCall('write', (ls) => ls.setItem(key, JSON.stringify(value))),
    mirrorDelete: (key) => mirrorCall('delete', (ls) => ls.removeItem(key)),
  };
}
