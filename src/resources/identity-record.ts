// The stored identity record and the configuration of an identity resource, shared by its
// read side (identity.ts, on the start-up path) and its write side (identity-write.ts), with
// the record's rules: its checksum, its checks, and the upgrade of a v0.1 record.
import { PaketStorageError } from '../errors/PaketStorageError.js';
import type { PaketEvent } from '../events.js';
import type { Coordinator } from '../coordination/types.js';
import { KEY_PREFIX, type RecordStorage } from '../storage/records.js';
import { hashText } from '../transport/hash.js';
import type { Transport } from '../transport/http.js';

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
  /** Called with the profile ID (normalised) after each `ensure()` that succeeds. */
  ensured?: (profileId: string) => void;
}

/** A generation-checked change of the profile's record to `state` (see `IdentityInternals.retire`). */
export type Retire<T> = (
  profileId: string,
  state: 'pending' | 'removed',
  when: (object: T | undefined) => boolean,
  extra: readonly string[],
  change: (values: unknown[], retired: boolean) => void,
) => Promise<boolean>;

/** A record before its checksum: what a writer gives. */
export type Sealable<T> = Omit<IdentityRecord<T>, 'sum' | 'v' | 'kind'>;

/** The object's ID (its `idField`), or `''`. */
export const idOfObject = (object: unknown, idField: string): string =>
  String((object as Record<string, unknown> | undefined)?.[idField] ?? '');

const sumOf = <T>(r: Omit<IdentityRecord<T>, 'sum'>): string =>
  hashText(JSON.stringify([r.ns, r.kind, r.profile, r.gen, r.state, r.key, r.object ?? null]));

/** The record with its layout version, kind and checksum. */
export function sealRecord<T>(kind: IdentityKind, r: Sealable<T>): IdentityRecord<T> {
  const record = { v: 2 as const, kind, ...r };
  return { ...record, sum: sumOf(record) };
}

/**
 * The stored value under `key` as that profile's record; `bad` when something is there that
 * is not (corrupted, hand-edited, copied from another namespace or profile).
 */
export function parseIdentity<T>(
  value: unknown,
  key: string,
  kind: IdentityKind,
  idField: string,
): { record: IdentityRecord<T> | undefined; bad: boolean } {
  if (value === undefined || value === null) return { record: undefined, bad: false };
  // A newer SDK's layout (an app rolled back) is neither discarded nor replaced by a second
  // object: every call that needs it fails until that version runs again.
  // (Compared as JavaScript does: a string "3" counts too; a typeof test costs start-up bytes.)
  if ((value as { v?: number }).v! > 2) throw new PaketStorageError('read', 'version');
  const r = upgradeIdentity<T>(value, key, kind) as Partial<IdentityRecord<T>>;
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
        idOfObject(r.object, idField) !== '')) &&
    r.sum === sumOf(r as IdentityRecord<T>);
  return ok ? { record: r as IdentityRecord<T>, bad: false } : { record: undefined, bad: true };
}

/**
 * A record of v0.1 (`v: 1`, no generation) under `key`: a pending claim (its key kept, so a
 * resumed POST replays the same object) or a finished one, as generation 1 or 2 of the key's
 * profile. Anything else is returned unchanged.
 */
export function upgradeIdentity<T>(value: unknown, key: string, kind: IdentityKind): unknown {
  const r = value as { v?: unknown; state?: unknown; key?: unknown; object?: unknown };
  const where = key.slice(KEY_PREFIX.length).match(/^([^:]*):(session|participant):([\s\S]*)$/);
  if (!r || r.v !== 1 || typeof r.key !== 'string' || !where || where[2] !== kind) return value;
  const done = r.state === 'done' && !!r.object && typeof r.object === 'object';
  if (!done && r.state !== 'pending') return value;
  return sealRecord<T>(kind, {
    ns: where[1] as string,
    profile: where[3] as string,
    gen: done ? 2 : 1,
    state: done ? 'done' : 'pending',
    key: r.key,
    ...(done ? { object: r.object as T } : {}),
  });
}
