// The write side of an identity resource, loaded on first need (a warm start never runs it):
// the create under the profile's lock (a pending claim with its Idempotency-Key, the POST,
// the conditional final store), the move of a v0.1 record to this namespace, and the
// generation-checked retire that forget and remove use. The record's rules are in
// identity-record.ts; identity.ts (the read side) passes in this instance's copy, and
// identity-sync.ts how it changes (adopt, the mirror).
import { BUSY } from '../coordination/types.js';
import { PaketStorageError } from '../errors/PaketStorageError.js';
import { KEY_PREFIX } from '../storage/records.js';
import { route } from '../transport/routes.js';
import { uuidv4 } from '../transport/uuid.js';
import { createObject, type CreateOptions } from './create.js';
import {
  sealRecord,
  upgradeIdentity,
  type IdentityConfig,
  type IdentityRecord,
  type Retire,
  type Sealable,
} from './identity-record.js';

/** What the read side shares with the write side: this instance's copy and how it changes. */
export interface IdentityContext<T> {
  config: IdentityConfig;
  /** The collection a create POSTs to. */
  segment: string;
  /** The object this instance uses, by record key. */
  known: Map<string, IdentityRecord<T>>;
  /** The object's ID (the kind's ID field), or `''`. */
  idOf(object: unknown): string;
  /** The stored value under `key` as the profile's record (see `parseIdentity`). */
  parse(value: unknown, key: string): { record: IdentityRecord<T> | undefined; bad: boolean };
  keyOf(profileId: string): Promise<string>;
  adopt(profileId: string, key: string, record: IdentityRecord<T>): void;
  discarded(profileId: string): void;
}

export interface IdentityWrites<T> {
  /** One create POST, stored nowhere (the public `create()`). */
  create(options?: CreateOptions): Promise<T>;
  /** The profile's object, created once under its lock (or another instance's, waited for). */
  lockedCreate(profileId: string, key: string): Promise<T>;
  /** See `IdentityInternals.retire`. */
  retire: Retire<T>;
}

export function identityWrites<T>(ctx: IdentityContext<T>): IdentityWrites<T> {
  const { config, segment, known, idOf, parse, adopt, discarded } = ctx;
  const { transport, storage, coordinator, emit, kind, idField } = config;
  const seal = (r: Sealable<T>): IdentityRecord<T> => sealRecord(kind, r);

  /**
   * A record v0.1 kept under its own namespace (base URL and username), so that an upgraded
   * TV keeps its Session instead of making a second one: its key and the mirror's copy of it
   * (read now; the durable copy is read in the claim's own transaction).
   */
  const legacyOf = async (
    profileId: string,
  ): Promise<{ key: string; mirror: unknown } | undefined> => {
    const old = config.legacy && (await config.legacy().catch(() => undefined));
    if (!old) return undefined;
    const oldKey = `${KEY_PREFIX}${old}:${kind}:${profileId}`;
    return { key: oldKey, mirror: storage.mirrorGet(oldKey) };
  };

  async function create(profileId: string, key: string): Promise<T> {
    const ns = await config.namespace();
    const legacy = await legacyOf(profileId);
    for (let round = 0; round < 3; round++) {
      let bad = false;
      const found = await storage.transact(legacy ? [key, legacy.key] : [key], (values) => {
        if (values[0] === undefined && legacy) {
          // Nothing stored here yet: v0.1's record moves to this namespace, in this transaction.
          const old = upgradeIdentity<T>(values[1] ?? legacy.mirror, legacy.key, kind) as
            IdentityRecord<T> | undefined;
          if (old && old.v === 2) values[0] = seal({ ...old, ns, profile: profileId });
        }
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
      let outcome: 'stored' | 'moved' | 'removed' | 'unsaved';
      try {
        outcome = await storage.transact([key], (values) => {
          const r = parse(values[0], key).record;
          if (r && r.state === 'pending' && r.gen === found.gen && r.key === found.key) {
            values[0] = done;
            return 'stored';
          }
          if (r && r.state === 'done' && idOf(r.object) === idOf(object)) return 'stored';
          return r && r.state === 'removed' ? 'removed' : 'moved';
        });
      } catch (error) {
        // A newer SDK version's record is there now: it is the profile's. It may hold this
        // very object (a resumed claim replays the same one), so nothing is deleted.
        if (error instanceof PaketStorageError && error.reason === 'version') throw error;
        // Reported by the storage layer. The pending claim keeps the key (a retry replays the
        // same object) and the mirror keeps the object; the next warm start writes it back.
        outcome = 'unsaved';
      }
      if (outcome === 'removed' && kind === 'session') {
        // Removed while it was being made: the removal could not know this Session, so it is
        // deleted here (best effort: offline, it stays at the service, unlinked and empty).
        const sessionId = idOf(object);
        transport
          .request(route(transport.dialect, 'removeSession', { sessionId }))
          .catch(() => undefined);
      }
      // Forgotten or removed meanwhile: claim again (the profile's next Session, which a call
      // after the removal gets too).
      if (outcome === 'moved' || outcome === 'removed') continue;
      adopt(profileId, key, done);
      emit({ type: 'created', kind, profileId, id: idOf(object) });
      return object;
    }
    throw new PaketStorageError('write', 'error');
  }

  return {
    create: (options) => createObject<T>(transport, segment, idField, options),

    async lockedCreate(profileId, key) {
      const result = await coordinator.run(`${key}:lock`, () => create(profileId, key), {
        wait: true,
        waitMs: config.waitMs,
      });
      return result === BUSY ? Promise.reject(new PaketStorageError('lock', 'timeout')) : result;
    },

    async retire(profileId, state, when, extra, change) {
      const key = await ctx.keyOf(profileId);
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
}
