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
