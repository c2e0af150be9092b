// Mutual exclusion across the app instances (pages, tabs, a relaunched app) that share the
// SDK's storage: the one place that decides who may write.
// - Where the engine has the Web Locks API (Chromium 69 and later), a lock held by a page is
//   exclusive for as long as the page lives, frozen or not, and released when it dies.
// - Elsewhere (Tizen 2018/2019), a lease in storage: `{ o: owner, t: token, b: beat }`. The
//   holder bumps the beat counter every HEARTBEAT_MS; another instance takes the lease over
//   only after watching the same beat for STALE_MS of its own monotonic time, so no clock jump
//   in either direction and no timestamp written by anyone can make a live lease look dead or
//   a dead one alive. Each takeover increments the token (a fencing token): the holder's
//   writes check it in the same transaction, and its sends check it just before they go out.
import { PaketStorageError } from '../errors/PaketStorageError.js';
import type { RecordStorage } from '../storage/records.js';
import { uuidv4 } from '../transport/uuid.js';
import { delay, monotonic } from './clock.js';

export const HEARTBEAT_MS = 1000;
export const STALE_MS = 4000;
const POLL_MS = 100;
/**
 * localStorage has no atomic read-modify-write across pages, and a write reaches a page in
 * another renderer process a few milliseconds late: the lease is checked again after this
 * pause, and a Web Lock's holder waits this long before it reads.
 */
const SETTLE_MS = 60;

import { BUSY, type Coordinator, type Lease } from './types.js';

export { BUSY };
export type { Coordinator, Lease };

interface LockManager {
  request(
    name: string,
    options: { ifAvailable?: boolean },
    callback: (lock: unknown) => Promise<unknown>,
  ): Promise<unknown>;
}

const always: Lease = { keys: [], holds: () => true, fresh: () => true, confirmed: () => {} };

interface LeaseValue {
  o: string;
  t: number;
  b: number;
}
const parseLease = (v: unknown): LeaseValue | undefined => {
  const l = v as Partial<LeaseValue> | undefined;
  return l &&
    typeof l === 'object' &&
    typeof l.o === 'string' &&
    typeof l.t === 'number' &&
    typeof l.b === 'number'
    ? (l as LeaseValue)
    : undefined;
};

export interface CoordinatorConfig {
  storage: RecordStorage;
  /** Prefix of the lease records' keys (the namespace's). */
  keyOf: (name: string) => Promise<string>;
  /** The engine's lock manager; default `navigator.locks` where present. `null`: leases only. */
  locks?: LockManager | null;
}

export function createCoordinator(config: CoordinatorConfig): Coordinator {
  const { storage } = config;
  const nav = (globalThis as { navigator?: { locks?: LockManager } }).navigator;
  const locks = config.locks === undefined ? nav && nav.locks : config.locks;
  const me = uuidv4();
  /** What this instance last saw of each lease held by another, and since when (monotonic). */
  const seen = new Map<string, { value: string; since: number }>();

  /** Is `l` (held by another) stale: the same beat watched for STALE_MS? */
  const stale = (key: string, l: LeaseValue): boolean => {
    const value = `${l.o}:${l.t}:${l.b}`;
    const now = monotonic();
    const s = seen.get(key);
    if (!s || s.value !== value) {
      seen.set(key, { value, since: now });
      return false;
    }
    return now - s.since >= STALE_MS;
  };

  const withWebLock = <T>(
    name: string,
    task: (lease: Lease) => Promise<T>,
    { wait, waitMs }: { wait: boolean; waitMs: number },
  ): Promise<T | typeof BUSY> =>
    new Promise<T | typeof BUSY>((resolve, reject) => {
      let gaveUp = false;
      const timer = wait
        ? setTimeout(() => {
            gaveUp = true;
            reject(new PaketStorageError('lock', 'timeout'));
          }, waitMs)
        : undefined;
      // A lock manager that refuses (a sandboxed or opaque-origin frame): a typed error, and
      // no fallback to the lease, which would not exclude the instances holding Web Locks.
      const refused = (error: unknown): void => {
        clearTimeout(timer);
        reject(new PaketStorageError('lock', 'unavailable', error));
      };
      try {
        (locks as LockManager)
          .request(`paket-tv-sdk:${name}`, wait ? {} : { ifAvailable: true }, async (lock) => {
            clearTimeout(timer);
            if (gaveUp) return; // granted after the caller gave up: release at once
            if (!lock) return resolve(BUSY);
            // localStorage reaches a page in another renderer process a few milliseconds late:
            // the previous holder's last write must be visible before this one reads.
            if (storage.kind === 'localStorage') await delay(SETTLE_MS);
            await task(always).then(resolve, reject);
          })
          .catch(refused);
      } catch (error) {
        refused(error);
      }
    });

  const withLease = async <T>(
    name: string,
    task: (lease: Lease) => Promise<T>,
    { wait, waitMs }: { wait: boolean; waitMs: number },
  ): Promise<T | typeof BUSY> => {
    const key = await config.keyOf(name);
    const started = monotonic();
    let token = 0;
    /** One attempt to take the lease: free, ours, or stale. */
    const take = async (): Promise<boolean> => {
      const got = await storage.transact([key], (values) => {
        const l = parseLease(values[0]);
        if (l && l.o !== me && !stale(key, l)) return false;
        token = (l ? l.t : 0) + 1;
        values[0] = { o: me, t: token, b: 0 };
        return true;
      });
      if (!got || storage.kind !== 'localStorage') return got;
      // localStorage has no atomic read-modify-write across pages: of two pages that wrote at
      // once, the one whose write is there after a pause goes ahead.
      await delay(SETTLE_MS);
      const l = parseLease(await storage.get(key));
      return !!l && l.o === me && l.t === token;
    };
    while (!(await take())) {
      if (!wait) return BUSY;
      if (monotonic() - started > waitMs) throw new PaketStorageError('lock', 'timeout');
      await delay(POLL_MS);
    }
    let confirmedAt = monotonic();
    const lease: Lease = {
      keys: [key],
      holds: (values) => {
        const l = parseLease(values[0]);
        return !!l && l.o === me && l.t === token;
      },
      fresh: () => monotonic() - confirmedAt < STALE_MS / 2,
      confirmed: () => {
        confirmedAt = monotonic();
      },
    };
    const beat = setInterval(() => {
      const before = monotonic();
      storage
        .transact([key], (values) => {
          const l = parseLease(values[0]);
          if (!l || l.o !== me || l.t !== token) return false;
          values[0] = { o: me, t: token, b: l.b + 1 };
          return true;
        })
        .then(
          (held) => held && (confirmedAt = before),
          () => undefined,
        );
    }, HEARTBEAT_MS);
    try {
      return await task(lease);
    } finally {
      clearInterval(beat);
      await storage
        .transact([key], (values) => {
          if (lease.holds(values)) values[0] = undefined;
        })
        .catch(() => undefined); // taken over after STALE_MS
    }
  };

  return {
    run: (name, task, options) =>
      locks ? withWebLock(name, task, options) : withLease(name, task, options),
  };
}
