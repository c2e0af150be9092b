// What the link calls (links.ts) share with their rare paths (repair.ts, loaded on demand):
// the configuration, the internals and the reconcile schedule. Neither imports the other.
import type { PaketEvent } from '../events.js';
import type { Outbox } from '../outbox/outbox.js';
import type { OutboxRecord } from '../outbox/record.js';
import type { Transport } from '../transport/http.js';
import type { PaketSession } from '../types.js';
import type { IdentityInternals, IdentityResource } from './identity.js';

export interface LinkConfig {
  transport: Transport;
  outbox: Outbox;
  sessions: IdentityResource<PaketSession> & { internals: IdentityInternals<PaketSession> };
  emit: (event: PaketEvent) => void;
  /** The outbox record's storage key. */
  outboxKey: () => Promise<string>;
  /** Reconcile each profile at most this often (ms); 0: never. */
  reconcileEveryMs: number;
  timeoutMs: number;
}

/** What repair.ts needs from this module. */
export interface LinkInternals {
  config: LinkConfig;
  /** The profile's Session from the durable record, none of those the record lists as lost. */
  current(
    profileId: string,
    create: boolean,
    record?: OutboxRecord,
  ): Promise<PaketSession | undefined>;
  /**
   * Forgets the profile's Session `lost`, then its Session from the durable record (made
   * when `create`); one given `lost`'s ID again is taken off the record's lost list.
   */
  after(profileId: string, lost: string, create: boolean): Promise<PaketSession | undefined>;
  /** Forgets the profile's Session (only while it is `id`, when given). */
  forget(profileId: string, id?: string): Promise<void>;
}

/** Is the profile's reconcile due: a period since the last, or a last one in the future (a clock set back)? */
export function reconcileDue(
  r: OutboxRecord,
  profileId: string,
  now: number,
  everyMs: number,
): boolean {
  const last = r.reconciled.find((x) => x.p === profileId);
  return !last || last.at > now || now - last.at >= everyMs;
}
