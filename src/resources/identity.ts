// One Session (platform) or Participant (publisher) per profile, created once and kept for
// the life of the device. The pattern is Firebase Installations': a record per profile that
// is either `pending` (an Idempotency-Key written before the request is sent, with an owner
// that keeps a heartbeat while its request runs) or `done` (the object the service gave).
// - Callers in one page share one promise (single flight).
// - Pages and app instances share the record: only the owner sends the POST, the others
//   wait for it; an owner that stops beating (crashed, closed) is taken over after STALE_MS.
// - The key survives a crash, so the resumed POST is answered with the same object.
import type { PaketEvent } from '../events.js';
import { PaketStorageError } from '../errors/PaketStorageError.js';
import type { RecordStorage } from '../storage/records.js';
import { KEY_PREFIX } from '../storage/records.js';
import type { Transport } from '../transport/http.js';
import { uuidv4 } from '../transport/uuid.js';
import { createObject, type CreateOptions } from './create.js';
import { checkString } from './validate.js';

export const HEARTBEAT_MS = 1000;
export const STALE_MS = 4000;
const POLL_MS = 100;

export type IdentityKind = 'session' | 'participant';

interface PendingRecord {
  v: 1;
  state: 'pending';
  key: string;
  owner: string | null;
  beat: number;
}
interface DoneRecord<T> {
  v: 1;
  state: 'done';
  key: string;
  object: T;
}
type IdentityRecord<T> = PendingRecord | DoneRecord<T>;

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
   * @param profileId your profile's ID (at most 255 characters); default `'default'`.
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
  emit: (event: PaketEvent) => void;
  /** `session` or `participant`; the collection is its plural. */
  kind: IdentityKind;
  idField: string;
}

/** Checks a profile ID: a non-empty string of at most 255 characters. */
export const checkProfileId = (profileId: unknown, where: string): string =>
  checkString('profileId', profileId, where);

export function createIdentityResource<T>(config: IdentityConfig): IdentityResource<T> {
  const { transport, storage, emit, kind, idField } = config;
  const segment = `${kind}s`;
  const me = uuidv4();
  const known = new Map<string, T>();
  const inflight = new Map<string, Promise<T>>();
  const method = `${kind}s.ensure`;

  const idOf = (object: unknown): unknown => (object as Record<string, unknown>)[idField];

  const recordKey = async (profileId: string): Promise<string> =>
    KEY_PREFIX + (await transport.namespace()) + `:${kind}:${profileId}`;

  /** The record, or `undefined`; anything malformed or foreign counts as absent. */
  const parse = (value: unknown): IdentityRecord<T> | undefined => {
    if (!value || typeof value !== 'object') return undefined;
    const r = value as Record<string, unknown>;
    if (r.v !== 1 || typeof r.key !== 'string' || r.key === '' || r.key.length > 255)
      return undefined;
    if (r.state === 'pending' && typeof r.beat === 'number') return r as unknown as PendingRecord;
    if (r.state === 'done' && r.object && typeof r.object === 'object') {
      const id = idOf(r.object);
      if (typeof id === 'string' && id !== '') return r as unknown as DoneRecord<T>;
    }
    return undefined;
  };

  const othersAlive = (r: IdentityRecord<T> | undefined, now: number): boolean =>
    r !== undefined &&
    r.state === 'pending' &&
    r.owner !== null &&
    r.owner !== me &&
    now - r.beat < STALE_MS;

  /** The durable record; a corrupted one is deleted and reported. */
  const readDurable = async (
    key: string,
    profileId: string,
  ): Promise<IdentityRecord<T> | undefined> => {
    const raw = await storage.get(key);
    const record = parse(raw);
    if (raw !== undefined && raw !== null && !record) {
      emit({ type: 'recordDiscarded', kind, profileId });
      await storage.delete(key);
    }
    return record;
  };

  const remember = (profileId: string, key: string, record: DoneRecord<T>): T => {
    known.set(profileId, record.object);
    storage.mirrorSet(key, record);
    return record.object;
  };

  /** When the service made the object (ms; NaN when it does not say). */
  const made = (r: DoneRecord<T>): number =>
    Date.parse((r.object as { created_at?: string }).created_at ?? '');

  /**
   * After a warm start from the mirror: the durable store gets the mirror's record when it has
   * none (IndexedDB lost) or an older object (replaced in a run on the localStorage fallback);
   * a pending record (a replacement in progress) is left alone; and the mirror gets a newer
   * durable one.
   */
  const heal = (key: string, record: DoneRecord<T>): void => {
    const behind = (value: unknown): boolean => {
      const d = parse(value);
      return !d || (d.state === 'done' && made(record) > made(d));
    };
    // Read first: most starts find IndexedDB right and write nothing. The write re-checks.
    storage
      .get(key)
      .then((raw) => (behind(raw) ? storage.update(key, (c) => (behind(c) ? record : c)) : raw))
      .then(
        (stored) => {
          const d = parse(stored);
          if (d && d.state === 'done' && idOf(d.object) !== idOf(record.object)) {
            storage.mirrorSet(key, d);
          }
        },
        () => undefined, // reported through onEvent by the storage layer
      );
  };

  /** Changes this instance's claim on the record, if it still holds it; failures are reported by the storage layer. */
  const updateClaim = (
    key: string,
    change: (r: PendingRecord) => PendingRecord,
  ): Promise<unknown> =>
    storage
      .update(key, (current) => {
        const r = parse(current);
        return r && r.state === 'pending' && r.owner === me ? change(r) : current;
      })
      .catch(() => undefined);

  async function create(profileId: string, key: string, claim: PendingRecord): Promise<T> {
    const beat = setInterval(
      () => updateClaim(key, (r) => ({ ...r, beat: Date.now() })),
      HEARTBEAT_MS,
    );
    let object: T;
    try {
      object = await createObject<T>(transport, segment, idField, {
        idempotencyKey: claim.key,
      });
    } catch (error) {
      clearInterval(beat);
      // Keep the key (the service may have made the object) but let anyone resume at once.
      await updateClaim(key, (r) => ({ ...r, owner: null }));
      throw error;
    }
    clearInterval(beat);
    const done: DoneRecord<T> = { v: 1, state: 'done', key: claim.key, object };
    try {
      await storage.set(key, done);
    } catch {
      // Reported by the storage layer; the mirror may still keep it, and the object is valid.
    }
    emit({
      type: 'created',
      kind,
      profileId,
      id: String(idOf(object)),
    });
    return remember(profileId, key, done);
  }

  async function run(profileId: string): Promise<T> {
    const key = await recordKey(profileId);
    const mirrored = parse(storage.mirrorGet(key));
    if (mirrored && mirrored.state === 'done') {
      known.set(profileId, mirrored.object);
      // Off the start-up path: opening IndexedDB costs more than the whole warm start.
      setTimeout(() => heal(key, mirrored), 200);
      return mirrored.object;
    }
    // One transaction reads the record and, when nobody holds it, claims it.
    let lostClaims = 0;
    for (;;) {
      let discarded = false;
      const record = parse(
        await storage.update(key, (current): unknown => {
          const r = parse(current);
          discarded = current != null && !r;
          if (r && (r.state === 'done' || othersAlive(r, Date.now()))) return current;
          const claim: PendingRecord = {
            v: 1,
            state: 'pending',
            key: r ? r.key : uuidv4(),
            owner: me,
            beat: Date.now(),
          };
          return claim;
        }),
      );
      if (discarded) emit({ type: 'recordDiscarded', kind, profileId });
      if (record && record.state === 'done') return remember(profileId, key, record);
      if (record && record.owner === me) return create(profileId, key, record);
      if (othersAlive(record, Date.now())) {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      } else if (++lostClaims > 20) {
        // A backend whose update never sticks must not loop.
        throw new PaketStorageError('write', 'error');
      }
    }
  }

  return {
    create: (options) => createObject<T>(transport, segment, idField, options),

    ensure(profileId = 'default') {
      try {
        checkProfileId(profileId, method);
      } catch (error) {
        return Promise.reject(error);
      }
      const cached = known.get(profileId);
      if (cached) return Promise.resolve(cached);
      let promise = inflight.get(profileId);
      if (!promise) {
        promise = run(profileId);
        inflight.set(profileId, promise);
        const clear = (): void => {
          inflight.delete(profileId);
        };
        promise.then(clear, clear);
      }
      return promise;
    },

    async get(profileId = 'default') {
      checkProfileId(profileId, `${kind}s.get`);
      const cached = known.get(profileId);
      if (cached) return cached;
      const key = await recordKey(profileId);
      const mirrored = parse(storage.mirrorGet(key));
      if (mirrored && mirrored.state === 'done') return mirrored.object;
      const record = await readDurable(key, profileId);
      return record && record.state === 'done' ? record.object : undefined;
    },

    async forget(profileId = 'default', id?: string) {
      checkProfileId(profileId, `${kind}s.forget`);
      const pending = inflight.get(profileId);
      if (pending) await pending.catch(() => undefined);
      const key = await recordKey(profileId);
      /** Whether an object is the one to forget: any, or the one with `id`. */
      const is = (object: unknown): boolean =>
        id === undefined || (!!object && idOf(object) === id);
      const holds = (value: unknown): boolean => {
        const r = parse(value);
        return is(r && r.state === 'done' ? r.object : undefined);
      };
      if (is(known.get(profileId))) known.delete(profileId);
      if (holds(storage.mirrorGet(key))) storage.mirrorDelete(key);
      // In one transaction with the check: an abandoned claim with a new key (a new object
      // needs a new key), which the next ensure() takes over.
      await storage.update(key, (current) =>
        holds(current) ? { v: 1, state: 'pending', key: uuidv4(), owner: null, beat: 0 } : current,
      );
    },
  };
}
