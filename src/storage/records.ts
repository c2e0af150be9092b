import type { PaketEvent } from '../events.js';
import { bounded, type StorageAdapter, type StorageKind } from './adapter.js';
import { monotonic } from '../coordination/clock.js';
import { loadOnce } from '../load-once.js';

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
  /** Starts loading and opening the backend (a cold start, which is about to need it). */
  preload(): void;
}

export function createRecordStorage(config: RecordStorageConfig): RecordStorage {
  const { custom, emit } = config;
  let kind: StorageKind = 'unknown';
  let mirror: Storage | undefined | null = null; // null: not looked up yet

  /**
   * The backend, chosen on first use (backend.ts, loaded then: a warm start never needs it).
   * A chunk that failed to download is loaded again by the next call; a choice, once made,
   * stays.
   */
  const chosen = loadOnce(() =>
    import('./backend.js').then(async (m) => {
      const c = await m.chooseBackend(custom);
      kind = c.kind;
      emit({
        type: 'storage',
        kind: c.kind,
        ...(c.reason ? { reason: c.reason } : {}),
      } as PaketEvent);
      return { adapter: c.adapter, transact: m.transactOn, classify: m.classify };
    }),
  );

  type Opened = Awaited<ReturnType<typeof chosen>>;
  const call = async <T>(operation: string, run: (o: Opened) => Promise<T>): Promise<T> => {
    try {
      // The open and the call share one bound: a slow open fails the call in time, typed.
      const started = monotonic();
      const opened = await bounded('open', config.timeoutMs, chosen());
      const left = Math.max(1, config.timeoutMs - (monotonic() - started));
      return await bounded(operation, left, run(opened), opened.classify);
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
    get: (key) => call('read', (o) => o.adapter.get(key)),
    set: (key, value) => call('write', (o) => o.adapter.set(key, value)),
    delete: (key) => call('delete', (o) => o.adapter.delete(key)),
    update: (key, updater) => call('write', (o) => o.adapter.update(key, updater)),
    transact: (keys, change) => call('write', (o) => o.transact(o.adapter, keys, change)),
    mirrorGet: (key) =>
      mirrorCall('', (ls) => {
        const text = ls.getItem(key);
        return text === null ? undefined : (JSON.parse(text) as unknown);
      }),
    mirrorSet: (key, value) => mirrorCall('write', (ls) => ls.setItem(key, JSON.stringify(value))),
    mirrorDelete: (key) => mirrorCall('delete', (ls) => ls.removeItem(key)),
    preload: () => void chosen().catch(() => undefined),
  };
}
