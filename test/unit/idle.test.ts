// The start's check of whether the outbox has work (src/outbox/idle.ts): what makes a start
// load the outbox's code and deliver, and what lets a warm start load nothing more.
import { describe, expect, it } from 'vitest';
import type { Namespace } from '../../src/namespace';
import { hasWork } from '../../src/outbox/idle';
import type { RecordStorage } from '../../src/storage/records';

const KEY = 'paket-tv-sdk:ns1:links';
const DAY = 86_400_000;

/** Storage holding `durable` (IndexedDB) and `mirror` (localStorage) values. */
function check(
  o: {
    durable?: Record<string, unknown>;
    mirror?: Record<string, unknown>;
    legacy?: string;
    profileId?: string;
    autoFlush?: boolean;
    reconcileEveryMs?: number;
  } = {},
) {
  const storage = {
    get: async (k: string) => o.durable?.[k],
    mirrorGet: (k: string) => o.mirror?.[k],
  } as unknown as RecordStorage;
  const namespace = Object.assign(async () => 'ns1', {
    legacy: async () => o.legacy,
    check: () => undefined,
  }) as Namespace;
  return hasWork({
    storage,
    namespace,
    key: KEY,
    profileId: o.profileId,
    autoFlush: o.autoFlush ?? true,
    reconcileEveryMs: o.reconcileEveryMs ?? DAY,
  });
}

const reconciledAt = (at: number) => ({ ops: [], reconciled: [{ p: 'p1', at }] });

describe('hasWork: the start-up check of the outbox', () => {
  it('nothing stored, or an empty queue: no work (a warm start loads nothing more)', async () => {
    expect(await check()).toBe(false);
    expect(await check({ durable: { [KEY]: { ops: [] } } })).toBe(false);
  });

  it('a queued operation, the journal of an urgent write or a stray outbox in the mirror is work', async () => {
    expect(await check({ durable: { [KEY]: { ops: [{ id: 'a' }] } } })).toBe(true);
    expect(
      await check({ durable: { [KEY]: { ops: [] } }, mirror: { [`${KEY}:journal`]: [] } }),
    ).toBe(true);
    expect(await check({ durable: { [KEY]: { ops: [] } }, mirror: { [KEY]: { ops: [] } } })).toBe(
      true,
    );
    // A record the check cannot read as a queue is handed to the outbox, which repairs it.
    expect(await check({ durable: { [KEY]: { ops: 'corrupted' } } })).toBe(true);
  });

  it("v0.1's queue under its old namespace is work; the old namespace without a queue is not", async () => {
    const old = 'paket-tv-sdk:v01ns:links';
    expect(await check({ legacy: 'v01ns', durable: { [old]: { ops: [] } } })).toBe(true);
    expect(await check({ legacy: 'v01ns' })).toBe(false);
    // Once this namespace has an outbox, v0.1's was moved already.
    expect(await check({ legacy: 'v01ns', durable: { [KEY]: { ops: [] }, [old]: {} } })).toBe(
      false,
    );
  });

  it('without autoFlush, a queue is left alone', async () => {
    expect(await check({ autoFlush: false, durable: { [KEY]: { ops: [{ id: 'a' }] } } })).toBe(
      false,
    );
  });

  it("after an ensure(), the profile's reconcile is due when never run, a day old or in the future", async () => {
    const now = Date.now();
    const at = (t: number) => ({ [KEY]: reconciledAt(t) });
    expect(await check({ profileId: 'p1' })).toBe(true);
    expect(await check({ profileId: 'p1', autoFlush: false })).toBe(true);
    expect(await check({ profileId: 'p1', durable: at(now - 60_000) })).toBe(false);
    expect(await check({ profileId: 'p1', durable: at(now - DAY - 1) })).toBe(true);
    // The wall clock jumped back past the last reconcile: due, not postponed.
    expect(await check({ profileId: 'p1', durable: at(now + 3_600_000) })).toBe(true);
    expect(await check({ profileId: 'p2', durable: at(now - 60_000) })).toBe(true);
    expect(await check({ profileId: 'p1', reconcileEveryMs: 0 })).toBe(false);
  });
});
