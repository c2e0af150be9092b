// The durable side of an identity's read path, loaded after a warm start has its object from
// the mirror (and by the write side): the check of the durable record (IndexedDB behind the
// mirror gets its record; a newer generation there replaces the instance's, reported by
// `sessionReplaced`), and the instance's copy and the mirror kept to the newest generation.
import type { IdentityConfig, IdentityRecord } from './identity-record.js';

/** What the read side shares: this instance's copy and how records are read. */
export interface SyncContext<T> {
  config: IdentityConfig;
  /** The object this instance uses, by record key. */
  known: Map<string, IdentityRecord<T>>;
  /** The object's ID (the kind's ID field), or `''`. */
  idOf(object: unknown): string;
  /** The stored value under `key` as the profile's record (see `parseIdentity`). */
  parse(value: unknown, key: string): { record: IdentityRecord<T> | undefined; bad: boolean };
  discarded(profileId: string): void;
}

export interface IdentitySync<T> {
  /** Makes `record` the one this instance uses; reports a replacement of the object in use. */
  adopt(profileId: string, key: string, record: IdentityRecord<T>): void;
  /**
   * Reads the durable record: IndexedDB gets `m` (the mirror's or the instance's record) when
   * it holds an older generation or none, and the instance moves to a newer generation found
   * there. Resolves with the durable record.
   */
  verify(
    profileId: string,
    key: string,
    m: IdentityRecord<T> | undefined,
  ): Promise<IdentityRecord<T> | undefined>;
}

export function identitySync<T>(ctx: SyncContext<T>): IdentitySync<T> {
  const { config, known, idOf, parse, discarded } = ctx;
  const { storage, emit } = config;

  /** Writes the mirror unless it holds a newer generation already. */
  const mirrorPut = (key: string, record: IdentityRecord<T>): void => {
    const { record: m } = parse(storage.mirrorGet(key), key);
    if (!m || m.gen <= record.gen) storage.mirrorSet(key, record);
  };

  const adopt = (profileId: string, key: string, record: IdentityRecord<T>): void => {
    const before = known.get(key);
    if (before && before.gen >= record.gen) return;
    if (record.state === 'done') known.set(key, record);
    else known.delete(key);
    mirrorPut(key, record);
    if (before && before.object && record.object && idOf(before.object) !== idOf(record.object)) {
      emit({
        type: 'sessionReplaced',
        profileId,
        previousSessionId: idOf(before.object),
        sessionId: idOf(record.object),
      });
    }
  };

  const verify = async (
    profileId: string,
    key: string,
    m: IdentityRecord<T> | undefined,
  ): Promise<IdentityRecord<T> | undefined> => {
    let bad = false;
    const durable = await storage.transact([key], (values) => {
      const parsed = parse(values[0], key);
      bad = parsed.bad;
      const r = parsed.record;
      // Behind the mirror: IndexedDB lost, a final write that failed, or a run on the
      // localStorage fallback that replaced the object. (A hand-edited or copied mirror
      // fails its checksum or namespace and never gets here.)
      if (m && (!r || r.gen < m.gen)) {
        values[0] = m;
        return m;
      }
      return r;
    });
    if (bad) discarded(profileId);
    if (durable && durable !== m && (!m || durable.gen !== m.gen || durable.sum !== m.sum)) {
      adopt(profileId, key, durable);
    }
    return durable;
  };

  return { adopt, verify };
}
