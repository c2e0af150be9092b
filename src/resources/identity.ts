// One Session (platform) or Participant (publisher) per profile, created once and kept for
// the life of the device. Firebase Installations' pattern, made clock-proof:
// - the record is generation-numbered and bound to its namespace, kind and profile:
//   `pending` (an Idempotency-Key written before the POST is sent), `done` (the object the
//   service gave) or `removed`; every change increments `gen`, and every conditional write
//   (the create's final store, forget, remove, heal) checks the generation it read, so a late
//   writer can never put an older state over a newer one;
// - the create runs under the profile's lock (coordination/lock.ts), so one instance sends
//   the POST while the others wait for it; the key survives a crash, so a resumed POST is
//   answered with the same object;
// - the localStorage mirror is a cache: a warm start answers from it synchronously, then the
//   durable record is read; a newer generation there replaces what the instance uses
//   (`sessionReplaced`), and deliveries always read the durable record first.
import { loadOnce } from '../load-once.js';
import { KEY_PREFIX } from '../storage/records.js';
import { publishersOf } from '../transport/dialect.js';
import type { CreateOptions } from './create.js';
import {
  idOfObject,
  parseIdentity,
  type IdentityConfig,
  type IdentityRecord,
  type Retire,
} from './identity-record.js';
import { normalizeProfileId } from './validate.js';

/** Sessions (platform apps) or Participants (publisher apps), one per profile. */
export interface IdentityResource<T> {
  /**
   * Creates a new object with one `POST` (retried with the same Idempotency-Key on
   * transient failures). Stores nothing; most apps want {@link IdentityResource.ensure}.
   */
  create(options?: CreateOptions): Promise<T>;
  /**
   * The profile's object: the stored one, with no request, or else one created once and
   * stored. However many callers, pages or restarts, one profile gets one object.
   * @param profileId your profile's ID (at most 255 characters, normalised to NFC); default `'default'`.
   */
  ensure(profileId?: string): Promise<T>;
  /** The profile's stored object, or `undefined`. Local only: never sends a request. */
  get(profileId?: string): Promise<T | undefined>;
  /**
   * Forgets the profile's stored object (local only); a later `ensure()` creates a new one.
   * @param id forget only while the stored object has this ID: of two callers replacing the
   *   same lost object (pages, app instances), the second keeps the first one's replacement
   *   instead of making another.
   */
  forget(profileId?: string, id?: string): Promise<void>;
}

/** Checks a profile ID (the SDK's ID rule) and returns it normalised to NFC. */
export const checkProfileId: (profileId: unknown, where: string) => string = normalizeProfileId;

/** What identity exposes to the resources that change its record with their own in one transaction. */
export interface IdentityInternals<T> {
  keyOf(profileId: string): Promise<string>;
  /**
   * The profile's object from the durable record (never the mirror): adopted when it is newer
   * than the instance's; `undefined` when there is none, or it was forgotten or removed. With
   * `create`, such a profile gets one as `ensure()` does.
   */
  current(profileId: string, create: boolean): Promise<T | undefined>;
  /**
   * Runs a transaction over the profile's record and `extra` keys: `state` becomes the new
   * state (`pending`: forgotten, a new key; `removed`) when `when(object)` holds; `change`
   * edits the extra values and learns whether the record changed.
   */
  retire: Retire<T>;
}

export function createIdentityResource<T>(
  config: IdentityConfig,
): IdentityResource<T> & { internals: IdentityInternals<T> } {
  const { transport, storage, emit, kind, idField } = config;
  // POST /v1/sessions, or the dialect's publishers (participants, contexts).
  const segment = kind === 'session' ? 'sessions' : publishersOf(transport.dialect);
  /** The object this instance uses, by record key (the key holds the namespace). */
  const known = new Map<string, IdentityRecord<T>>();
  const inflight = new Map<string, Promise<T>>();
  const method = `${kind}s.ensure`;

  const idOf = (object: unknown): string => idOfObject(object, idField);

  /**
   * The stored value as this profile's record; `bad` when something is there that is not
   * (corrupted, hand-edited, copied from another namespace or profile).
   */
  const parse = (value: unknown, key: string) => parseIdentity<T>(value, key, kind, idField);

  const keyOf = async (profileId: string): Promise<string> =>
    KEY_PREFIX + (await config.namespace()) + `:${kind}:${profileId}`;

  const discarded = (profileId: string): void => emit({ type: 'recordDiscarded', kind, profileId });

  /** The mirror's copy, when it is this profile's and well-formed (a bad one is removed, reported). */
  const fromMirror = (key: string, profileId: string): IdentityRecord<T> | undefined => {
    const { record, bad } = parse(storage.mirrorGet(key), key);
    if (bad) {
      discarded(profileId);
      storage.mirrorDelete(key);
    }
    return record;
  };

  /** The durable record's side (verify, adopt), loaded after a warm start has its object. */
  const sync = loadOnce(() =>
    import('./identity-sync.js').then((m) =>
      m.identitySync<T>({ config, known, idOf, parse, discarded }),
    ),
  );

  /** The write side (create, migrate, retire) loads on first need: a warm start never runs it. */
  const writer = loadOnce(() =>
    Promise.all([import('./identity-write.js'), sync()]).then(([m, s]) =>
      m.identityWrites<T>({
        config,
        segment,
        known,
        idOf,
        parse,
        keyOf,
        adopt: s.adopt,
        discarded,
      }),
    ),
  );

  const lockedCreate = (profileId: string, key: string): Promise<T> => {
    // A create takes the lock and is likely to send: the storage backend, the lock's and the
    // HTTP code load while the write side does, not one after the other.
    storage.preload();
    if (transport.preload) transport.preload();
    if (config.coordinator.preload) config.coordinator.preload();
    return writer().then((w) => w.lockedCreate(profileId, key));
  };

  /** Single flight per profile within this instance. */
  const once = (profileId: string, run: () => Promise<T>): Promise<T> => {
    let promise = inflight.get(profileId);
    if (!promise) {
      promise = run();
      inflight.set(profileId, promise);
      const clear = (): void => {
        inflight.delete(profileId);
      };
      promise.then(clear, clear);
    }
    return promise;
  };

  const ensure = async (profileId: string): Promise<T> => {
    const key = await keyOf(profileId);
    const cached = known.get(key);
    if (cached) return cached.object as T;
    const m = fromMirror(key, profileId);
    if (m && m.state === 'done') {
      known.set(key, m);
      // Off the start-up path: opening IndexedDB costs more than the whole warm start.
      setTimeout(() => {
        storage.preload(); // loads beside the check's own code
        void sync()
          .then((s) => s.verify(profileId, key, m))
          .catch(() => undefined);
      }, 200);
      return m.object as T;
    }
    return lockedCreate(profileId, key);
  };

  const internals: IdentityInternals<T> = {
    keyOf,
    async current(profileId, make) {
      const key = await keyOf(profileId);
      // What this instance uses (or the mirror) heals a durable record that is behind it.
      const s = await sync();
      const r = await s.verify(profileId, key, known.get(key) ?? fromMirror(key, profileId));
      if (r && r.state === 'done') return r.object as T;
      // A removed profile gets a new Session only from an operation queued after the removal
      // (the removal dropped every earlier one in the same transaction).
      if (!make) return undefined;
      known.delete(key);
      return once(profileId, () => lockedCreate(profileId, key));
    },
    retire: (profileId, state, when, extra, change) =>
      writer().then((w) => w.retire(profileId, state, when, extra, change)),
  };

  const forgetWhen = (id: string | undefined) => (object: T | undefined) =>
    id === undefined || (!!object && idOf(object) === id);

  return {
    internals,
    create: (options) => writer().then((w) => w.create(options)),

    async ensure(profileId = 'default') {
      const id = checkProfileId(profileId, method);
      const object = await once(id, () => ensure(id));
      if (config.ensured) config.ensured(id);
      return object;
    },

    async get(profileId = 'default') {
      const id = checkProfileId(profileId, `${kind}s.get`);
      const key = await keyOf(id);
      const cached = known.get(key);
      if (cached) return cached.object as T;
      const m = fromMirror(key, id);
      if (m && m.state === 'done') return m.object as T;
      const parsed = parse(await storage.get(key), key);
      if (parsed.bad) discarded(id);
      return parsed.record && parsed.record.state === 'done'
        ? (parsed.record.object as T)
        : undefined;
    },

    async forget(profileId = 'default', id?: string) {
      const p = checkProfileId(profileId, `${kind}s.forget`);
      const pending = inflight.get(p);
      if (pending) await pending.catch(() => undefined);
      await internals.retire(p, 'pending', forgetWhen(id), [], () => undefined);
    },
  };
}
