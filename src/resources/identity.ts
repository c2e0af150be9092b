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
import type { PaketEvent } from '../events.js';
import { PaketStorageError } from '../errors/PaketStorageError.js';
import { BUSY, type Coordinator } from '../coordination/types.js';
import type { RecordStorage } from '../storage/records.js';
import { KEY_PREFIX } from '../storage/records.js';
import { hashText } from '../transport/encoding.js';
import { dialectTable } from '../transport/dialect.js';
import type { Transport } from '../transport/http.js';
import { uuidv4 } from '../transport/uuid.js';
import { createObject, type CreateOptions } from './create.js';
import { normalizeProfileId } from './validate.js';

export type IdentityKind = 'session' | 'participant';

type State = 'pending' | 'done' | 'removed';
export interface IdentityRecord<T> {
  v: 2;
  ns: string;
  kind: IdentityKind;
  profile: string;
  gen: number;
  state: State;
  key: string;
  object?: T;
  /** A checksum of the rest: a hand-edited record is discarded. */
  sum: string;
}

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

export interface IdentityConfig {
  transport: Transport;
  storage: RecordStorage;
  coordinator: Coordinator;
  emit: (event: PaketEvent) => void;
  /** The records' namespace: known from storage without calling the credentials function. */
  namespace: () => Promise<string>;
  /** The namespace v0.1 wrote its records under, while they may need migrating. */
  legacy?: () => Promise<string | undefined>;
  /** `session` or `participant`; the collection is its plural. */
  kind: IdentityKind;
  idField: string;
  /** The longest a call waits for another instance's create, in ms. */
  waitMs: number;
}

/** Checks a profile ID (the SDK's ID rule) and returns it normalised to NFC. */
export const checkProfileId = (profileId: unknown, where: string): string =>
  normalizeProfileId(profileId, where);

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
  retire(
    profileId: string,
    state: 'pending' | 'removed',
    when: (object: T | undefined) => boolean,
    extra: readonly string[],
    change: (values: unknown[], retired: boolean) => void,
  ): Promise<boolean>;
}

export function createIdentityResource<T>(
  config: IdentityConfig,
): IdentityResource<T> & { internals: IdentityInternals<T> } {
  const { transport, storage, coordinator, emit, kind, idField } = config;
  // POST /v1/sessions, or the dialect's publishers (participants, contexts).
  const segment = kind === 'session' ? 'sessions' : dialectTable(transport.dialect).publishers;
  /** The object this instance uses, by record key (the key holds the namespace). */
  const known = new Map<string, IdentityRecord<T>>();
  const inflight = new Map<string, Promise<T>>();
  const method = `${kind}s.ensure`;

  const idOf = (object: unknown): string =>
    String((object as Record<string, unknown> | undefined)?.[idField] ?? '');

  const keyOf = async (profileId: string): Promise<string> =>
    KEY_PREFIX + (await config.namespace()) + `:${kind}:${profileId}`;

  const sumOf = (r: Omit<IdentityRecord<T>, 'sum'>): string =>
    hashText(JSON.stringify([r.ns, r.kind, r.profile, r.gen, r.state, r.key, r.object ?? null]));

  const seal = (r: Omit<IdentityRecord<T>, 'sum' | 'v' | 'kind'>): IdentityRecord<T> => {
    const record = { v: 2 as const, kind, ...r };
    return { ...record, sum: sumOf(record) };
  };

  /**
   * The stored value as this profile's record; `bad` when something is there that is not
   * (corrupted, hand-edited, copied from another namespace or profile).
   */
  const parse = (
    value: unknown,
    key: string,
  ): { record: IdentityRecord<T> | undefined; bad: boolean } => {
    if (value === undefined || value === null) return { record: undefined, bad: false };
    const r = upgrade(value, key) as Partial<IdentityRecord<T>>;
    const ok =
      typeof r === 'object' &&
      r.v === 2 &&
      key === KEY_PREFIX + r.ns + `:${kind}:${r.profile}` &&
      r.kind === kind &&
      typeof r.gen === 'number' &&
      typeof r.key === 'string' &&
      r.key !== '' &&
      r.key.length <= 255 &&
      (r.state === 'pending' ||
        r.state === 'removed' ||
        (r.state === 'done' &&
          !!r.object &&
          typeof r.object === 'object' &&
          idOf(r.object) !== '')) &&
      r.sum === sumOf(r as IdentityRecord<T>);
    return ok ? { record: r as IdentityRecord<T>, bad: false } : { record: undefined, bad: true };
  };

  /**
   * A record of v0.1 (`v: 1`, no generation): a pending claim (its key kept, so a resumed
   * POST replays the same object) or a finished one, as generation 1 or 2 of this key's
   * profile.
   */
  const upgrade = (value: unknown, key: string): unknown => {
    const r = value as { v?: unknown; state?: unknown; key?: unknown; object?: unknown };
    const where = key.slice(KEY_PREFIX.length).match(/^([^:]*):(session|participant):([\s\S]*)$/);
    if (!r || r.v !== 1 || typeof r.key !== 'string' || !where || where[2] !== kind) return value;
    const done = r.state === 'done' && !!r.object && typeof r.object === 'object';
    if (!done && r.state !== 'pending') return value;
    return seal({
      ns: where[1] as string,
      profile: where[3] as string,
      gen: done ? 2 : 1,
      state: done ? 'done' : 'pending',
      key: r.key,
      ...(done ? { object: r.object as T } : {}),
    });
  };

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

  /** Writes the mirror unless it holds a newer generation already. */
  const mirrorPut = (key: string, record: IdentityRecord<T>): void => {
    const { record: m } = parse(storage.mirrorGet(key), key);
    if (!m || m.gen <= record.gen) storage.mirrorSet(key, record);
  };

  /** Makes `record` the one this instance uses; reports a replacement of the object in use. */
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

  /**
   * After a warm start from the mirror: the durable record is read; IndexedDB gets the
   * mirror's record when it holds an older generation or none, and the instance moves to a
   * newer generation found there.
   */
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

  /**
   * A record v0.1 kept under its own namespace (base URL and username) becomes this
   * namespace's, so an upgraded TV keeps its Session instead of making a second one.
   */
  const migrate = async (profileId: string, key: string, ns: string): Promise<void> => {
    const old = config.legacy && (await storage.get(key)) === undefined && (await config.legacy());
    if (!old) return;
    const oldKey = `${KEY_PREFIX}${old}:${kind}:${profileId}`;
    const found = upgrade((await storage.get(oldKey)) ?? storage.mirrorGet(oldKey), oldKey) as
      IdentityRecord<T> | undefined;
    if (!found || found.v !== 2) return;
    const moved = seal({ ...found, ns, profile: profileId });
    await storage.transact([key], (values) => {
      if (values[0] === undefined) values[0] = moved;
    });
    mirrorPut(key, moved);
  };

  async function create(profileId: string, key: string): Promise<T> {
    const ns = await config.namespace();
    await migrate(profileId, key, ns).catch(() => undefined);
    for (let round = 0; round < 3; round++) {
      let bad = false;
      const found = await storage.transact([key], (values) => {
        const parsed = parse(values[0], key);
        bad = parsed.bad;
        const r = parsed.record;
        if (r && r.state === 'done') return r;
        const claim =
          r && r.state === 'pending'
            ? r
            : seal({
                ns,
                profile: profileId,
                gen: (r ? r.gen : 0) + 1,
                state: 'pending',
                key: uuidv4(),
              });
        if (claim !== r) values[0] = claim;
        return claim;
      });
      if (bad) discarded(profileId);
      if (found.state === 'done') {
        adopt(profileId, key, found);
        return found.object as T;
      }
      const object = await createObject<T>(transport, segment, idField, {
        idempotencyKey: found.key,
      });
      const done = seal({
        ns,
        profile: profileId,
        gen: found.gen + 1,
        state: 'done',
        key: found.key,
        object,
      });
      let outcome: 'stored' | 'moved' | 'unsaved';
      try {
        outcome = await storage.transact([key], (values) => {
          const r = parse(values[0], key).record;
          if (r && r.state === 'pending' && r.gen === found.gen && r.key === found.key) {
            values[0] = done;
            return 'stored';
          }
          return r && r.state === 'done' && idOf(r.object) === idOf(object) ? 'stored' : 'moved';
        });
      } catch {
        // Reported by the storage layer. The pending claim keeps the key (a retry replays the
        // same object) and the mirror keeps the object; the next warm start writes it back.
        outcome = 'unsaved';
      }
      if (outcome === 'moved') continue; // forgotten or removed meanwhile: claim again
      adopt(profileId, key, done);
      emit({ type: 'created', kind, profileId, id: idOf(object) });
      return object;
    }
    throw new PaketStorageError('write', 'error');
  }

  const lockedCreate = async (profileId: string, key: string): Promise<T> => {
    // A create is likely to send: the HTTP code loads while the lock is taken.
    if (transport.preload) transport.preload();
    const result = await coordinator.run(`${key}:lock`, () => create(profileId, key), {
      wait: true,
      waitMs: config.waitMs,
    });
    return result === BUSY ? Promise.reject(new PaketStorageError('lock', 'timeout')) : result;
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
      setTimeout(() => void verify(profileId, key, m).catch(() => undefined), 200);
      return m.object as T;
    }
    return lockedCreate(profileId, key);
  };

  const internals: IdentityInternals<T> = {
    keyOf,
    async current(profileId, make) {
      const key = await keyOf(profileId);
      // What this instance uses (or the mirror) heals a durable record that is behind it.
      const r = await verify(profileId, key, known.get(key) ?? fromMirror(key, profileId));
      if (r && r.state === 'done') return r.object as T;
      // A removed profile gets a new Session only from an operation queued after the removal
      // (the removal dropped every earlier one in the same transaction).
      if (!make) return undefined;
      known.delete(key);
      return once(profileId, () => lockedCreate(profileId, key));
    },
    async retire(profileId, state, when, extra, change) {
      const key = await keyOf(profileId);
      const ns = await config.namespace();
      let next: IdentityRecord<T> | undefined;
      const retired = await storage.transact([key, ...extra], (values) => {
        const r = parse(values[0], key).record;
        const hit =
          when(r && r.state === 'done' ? r.object : undefined) &&
          !(r && r.state === state && state === 'removed');
        if (hit) {
          next = seal({ ns, profile: profileId, gen: (r ? r.gen : 0) + 1, state, key: uuidv4() });
          values[0] = next;
        }
        const others = values.slice(1);
        change(others, hit);
        for (let i = 0; i < others.length; i++) values[i + 1] = others[i];
        return hit;
      });
      const cached = known.get(key);
      if (next || (cached && when(cached.object))) known.delete(key); // a stale copy here, too
      if (next) storage.mirrorSet(key, next);
      return retired;
    },
  };

  const forgetWhen = (id: string | undefined) => (object: T | undefined) =>
    id === undefined || (!!object && idOf(object) === id);

  return {
    internals,
    create: (options) => createObject<T>(transport, segment, idField, options),

    ensure(profileId = 'default') {
      let id: string;
      try {
        id = checkProfileId(profileId, method);
      } catch (error) {
        return Promise.reject(error);
      }
      return once(id, () => ensure(id));
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
