import type { StorageAdapter } from '../../src/index';

/** A storage adapter over a Map, so a test can read and corrupt the stored records. */
export function memoryStorage() {
  const memory = new Map<string, unknown>();
  const storage: StorageAdapter = {
    get: async (k) => memory.get(k),
    set: async (k, v) => void memory.set(k, v),
    delete: async (k) => void memory.delete(k),
    update: async (k, fn) => {
      const next = fn(memory.get(k));
      memory.set(k, next);
      return next;
    },
  };
  /** The outbox, as `type participantId` lines. */
  const queued = (): string[] => {
    const record = [...memory].find(([k]) => k.endsWith(':links'))?.[1] as
      { ops?: { type: string; participantId: string }[] } | undefined;
    return (record?.ops ?? []).map((o) => `${o.type} ${o.participantId}`);
  };
  return { memory, storage, queued };
}

/**
 * One Map shared by "app instances": `adapter()` gives each its own adapter, with
 * transactions; values are JSON copies, as a real store keeps them.
 */
export function sharedMemory() {
  const memory = new Map<string, unknown>();
  const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));
  const adapter = (): StorageAdapter => ({
    get: async (k) => clone(memory.get(k)),
    set: async (k, v) => void memory.set(k, clone(v)),
    delete: async (k) => void memory.delete(k),
    update: async (k, fn) => {
      const next = fn(clone(memory.get(k)));
      memory.set(k, clone(next));
      return next;
    },
    transact: async (keys, change) => {
      const values = keys.map((k) => clone(memory.get(k)));
      const before = values.slice();
      const result = change(values);
      keys.forEach((k, i) => {
        if (values[i] === before[i]) return;
        if (values[i] === undefined) memory.delete(k);
        else memory.set(k, clone(values[i]));
      });
      return result;
    },
  });
  return { memory, adapter };
}
