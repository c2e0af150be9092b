// Whether a start finds work for the outbox, read without loading it: a queue, the journal of
// urgent writes, a fallback run's stray outbox, v0.1's queue under its own namespace, or a
// profile whose reconcile is due. A warm start with nothing to do then loads nothing more.
import type { Namespace } from '../namespace.js';
import { KEY_PREFIX, type RecordStorage } from '../storage/records.js';

export interface IdleCheck {
  storage: RecordStorage;
  namespace: Namespace;
  /** The outbox's record key. */
  key: string;
  /** The profile whose reconcile is checked (after its `ensure()`), if any. */
  profileId: string | undefined;
  /** Whether queued operations count (without autoFlush, only a due reconcile does). */
  autoFlush: boolean;
  reconcileEveryMs: number;
}

/** `true` when the outbox has something to deliver or the profile's reconcile is due. */
export async function hasWork(c: IdleCheck): Promise<boolean> {
  const { storage, key, profileId, reconcileEveryMs } = c;
  const r = (await storage.get(key)) as
    { ops?: unknown[]; reconciled?: { p: string; at: number }[] } | undefined;
  const now = Date.now();
  const due =
    profileId !== undefined &&
    reconcileEveryMs > 0 &&
    !(
      !!r &&
      Array.isArray(r.reconciled) &&
      r.reconciled.some((x) => x.p === profileId && x.at <= now && now - x.at < reconcileEveryMs)
    );
  if (due) return true;
  if (!c.autoFlush) return false;
  return (
    !(!r || (Array.isArray(r.ops) && r.ops.length === 0)) ||
    storage.mirrorGet(key) !== undefined ||
    storage.mirrorGet(`${key}:journal`) !== undefined ||
    (r === undefined && (await legacyQueue(c)))
  );
}

/** v0.1's outbox, still under its own namespace (engine.ts moves it)? */
async function legacyQueue(c: IdleCheck): Promise<boolean> {
  const old = await c.namespace.legacy();
  return !!old && (await c.storage.get(`${KEY_PREFIX}${old}:links`)) !== undefined;
}
