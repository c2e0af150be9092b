// The receiver's limits against floods, and its options, as outside reviews attacked them
// (each test failed before its fix): junk spends no budget, unattested senders are counted by
// the pair they share, attested and unattested senders have limits apart, a link that never
// settles frees its slot, options keep their `this`, a broken clock refuses.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PaketError, PaketInputError, type PaketEvent } from '../../src/index';
import { linkShares, PaketShareError, receiveShares, type Sender } from '../../src/share/index';
import { APP, PID, driven, share } from '../helpers/share';
import { handledClient } from '../helpers/fake-fetch';

/** 16 hex chars, distinct per i. */
const appId = (i: number) => 'b' + i.toString(16).padStart(15, '0');
const tick = (ms = 10) => new Promise((r) => setTimeout(r, ms));

afterEach(() => vi.useRealTimers());

/** A webOS platform app's receiver (every sender unattested there), with what it linked and refused. */
function webosReceiver() {
  const webos = driven('webos');
  const linked: string[] = [];
  const rejects: string[] = [];
  receiveShares(webos.channel, {
    senders: { 'com.publisher.app': APP },
    link: async (s) => void linked.push(s.participantId),
    onReject: (e) => rejects.push(e.detail),
  });
  return { webos, linked, rejects };
}

describe('a flood from one sender', () => {
  // On webOS any app can launch the platform app with parameters, unattested, and the default
  // policy ('known-app-ids') lets through any allow-listed app_id.
  it('a burst of 1,000 reaches link() only as far as the free slots, and an honest share that comes after it is linked', async () => {
    const { webos, linked, rejects } = webosReceiver();
    const unattested: Sender = { platform: 'webos', id: null, attested: false };
    for (let i = 0; i < 1000; i++) {
      webos.emit(share({ participant_id: `bogus-${i}`, ts: Date.now() + 599_000 }), unattested);
    }
    expect(linked.length).toBeLessThanOrEqual(4); // the unattested slots
    expect(rejects.filter((d) => d === 'rate').length).toBeGreaterThanOrEqual(996);
    await new Promise((r) => setTimeout(r, 20));
    webos.emit(share(), unattested); // the real publisher, its own pair
    await new Promise((r) => setTimeout(r, 20));
    expect(linked).toContain(PID);
  });

  it('an attested sender keeps its own budget while an unattested flood runs', async () => {
    const tizen = driven('tizen');
    const linked: string[] = [];
    receiveShares(tizen.channel, {
      senders: { 'abc.Player': APP },
      unattested: 'known-app-ids',
      link: async (s) => void linked.push(s.participantId),
    });
    for (let i = 0; i < 200; i++) {
      tizen.emit(share({ participant_id: `bogus-${i}` }), {
        platform: 'tizen',
        id: null,
        attested: false,
      });
    }
    tizen.emit(share(), { platform: 'tizen', id: 'abc.Player', attested: true });
    await new Promise((r) => setTimeout(r, 20));
    expect(linked).toContain(PID);
  });

  it('at most 8 shares are linked at once', async () => {
    const ch = driven('web');
    let running = 0;
    let most = 0;
    const senders: Record<string, string> = {};
    for (let i = 0; i < 20; i++) senders[`https://p${i}.example`] = APP;
    receiveShares(ch.channel, {
      senders,
      link: async () => {
        most = Math.max(most, ++running);
        await new Promise((r) => setTimeout(r, 30));
        running--;
      },
    });
    for (let i = 0; i < 20; i++) {
      ch.emit(share(), { platform: 'web', id: `https://p${i}.example`, attested: true });
    }
    await new Promise((r) => setTimeout(r, 80));
    expect(most).toBe(8);
  });
});

describe("an unattested flood claiming a publisher's app_id", () => {
  const from: Sender = { platform: 'webos', id: null, attested: false };

  it('10 stale junk messages claiming APP do not stop the honest publisher linking APP', async () => {
    const { webos, linked, rejects } = webosReceiver();
    for (let i = 0; i < 10; i++) webos.emit(share({ participant_id: `junk-${i}`, ts: 0 }), from);
    expect(rejects).toEqual(Array(10).fill('stale')); // all refused as stale...
    webos.emit(share(), from); // ...then the real publisher, with its real pair
    await tick();
    expect(rejects.slice(10)).toEqual([]);
    expect(linked).toEqual([PID]);
  });

  it('sustained: 10 fresh junk shares a minute under APP never keep the publisher out', async () => {
    const webos = driven('webos');
    let clock = 1_700_000_000_000;
    const honest: string[] = [];
    receiveShares(webos.channel, {
      senders: { 'com.publisher.app': APP },
      now: () => clock,
      link: async (s) => {
        if (s.participantId !== PID) throw new Error('app_id does not own this participant');
      },
      onShare: (s, status) => s.participantId === PID && honest.push(status),
      onReject: (e) => e.detail === 'rate' && honest.push('rate'),
    });
    for (let minute = 0; minute < 5; minute++) {
      for (let i = 0; i < 10; i++) {
        webos.emit(share({ participant_id: `junk-${minute}-${i}`, ts: clock }), from);
        await tick(1); // paced: never more than one link in flight
      }
      clock += 30_000;
      webos.emit(share({ ts: clock }), from); // the honest publisher starts, once a minute
      await tick();
      clock += 30_000;
    }
    expect(honest).toContain('linked');
  });
});

describe('attested and unattested senders have limits apart', () => {
  const honest: Sender = { platform: 'web', id: 'https://publisher.example', attested: true };
  const anon: Sender = { platform: 'web', id: null, attested: false };

  function setup(extra: Record<string, unknown>, senders: Record<string, string> = {}) {
    const ch = driven('web');
    let clock = 1_700_000_000_000;
    let last = '';
    receiveShares(ch.channel, {
      onReject: (e) => (last = e.message),
      senders: { 'https://publisher.example': APP, ...senders },
      now: () => clock,
      link: async () => undefined,
      ...extra,
    });
    /** The attested publisher's share; resolves with its ack. */
    const publisher = async () => {
      const acks: string[] = [];
      ch.emit(share({ ts: clock }), honest, (a) => acks.push(a));
      await tick();
      return acks.map((a) => ({ ...(JSON.parse(a) as { status: string }), why: last }));
    };
    return { ch, publisher, advance: (ms: number) => (clock += ms), now: () => clock };
  }

  it("policy 'accept': 100 claimed app_ids x 10 do not refuse the attested publisher (its replay guard is its own)", async () => {
    const t = setup({ unattested: 'accept' });
    for (let a = 0; a < 100; a++) {
      for (let i = 0; i < 10; i++) {
        t.ch.emit(share({ app_id: appId(a), ts: t.now() }), anon);
        if (i % 2 === 1) await tick(1); // let the links settle: never 2 of one key in flight
      }
    }
    expect(await t.publisher()).toEqual([expect.objectContaining({ status: 'linked' })]);
  });

  it("policy 'accept': 256 claimed app_ids do not refuse a new attested publisher (its sender table is its own)", async () => {
    const t = setup({ unattested: 'accept' });
    for (let a = 0; a < 256; a++) {
      t.ch.emit(share({ app_id: appId(a), ts: t.now() }), anon);
      if (a % 4 === 3) await tick(1);
    }
    expect(await t.publisher()).toEqual([expect.objectContaining({ status: 'linked' })]);
  });

  it("default web policy ('known-app-ids', 5 listed app_ids): 20 minutes at the rate limit do not refuse the attested publisher", async () => {
    const others: Record<string, string> = {};
    for (let a = 0; a < 5; a++) others[`https://p${a}.example`] = appId(a);
    const t = setup({}, others);
    for (let minute = 0; minute < 20; minute++) {
      for (let i = 0; i < 10; i++) {
        for (let a = 0; a < 5; a++)
          t.ch.emit(
            share({
              app_id: appId(a),
              participant_id: `junk-${minute}-${i}`,
              ts: t.now() + 599_000,
            }),
            anon,
          );
        await tick(1); // one share per key in flight at a time, 5 in all
      }
      t.advance(minute < 19 ? 60_000 : 30_000);
    }
    expect(await t.publisher()).toEqual([expect.objectContaining({ status: 'linked' })]);
  });

  it("'accept': unattested links holding their slots leave the attested publisher's free", async () => {
    const t = setup({
      unattested: 'accept',
      link: (s: { participantId: string }) =>
        s.participantId === PID ? Promise.resolve() : new Promise((r) => setTimeout(r, 300)),
    });
    for (let a = 0; a < 4; a++)
      for (let i = 0; i < 2; i++)
        t.ch.emit(share({ app_id: appId(a), participant_id: `junk-${a}-${i}`, ts: t.now() }), anon);
    expect(await t.publisher()).toEqual([expect.objectContaining({ status: 'linked' })]);
  });
});

describe('options', () => {
  const honest = { platform: 'tizen' as const, id: 'abc.Player', attested: true };

  it('a link method that uses `this` is still called on the options object', async () => {
    const ch = driven('tizen');
    const acks: string[] = [];
    const linked: string[] = [];
    const receiver = {
      senders: { 'abc.Player': APP },
      store: linked,
      link(s: { participantId: string }) {
        this.store.push(s.participantId);
        return Promise.resolve();
      },
    };
    receiveShares(ch.channel, receiver);
    ch.emit(share(), honest, (a) => acks.push(a));
    await tick();
    expect(linked).toEqual([PID]);
    expect(JSON.parse(acks[0]!).status).toBe('linked');
  });

  it('a class instance as options: onShare uses `this`', async () => {
    class Receiver {
      senders = { 'abc.Player': APP };
      seen: string[] = [];
      link() {
        return Promise.resolve();
      }
      onShare(_s: unknown, status: string) {
        this.seen.push(status);
      }
    }
    const ch = driven('tizen');
    const r = new Receiver();
    receiveShares(ch.channel, r);
    ch.emit(share(), honest);
    await tick();
    expect(r.seen).toEqual(['linked']);
  });

  it('linkShares: an options getter that throws is a PaketShareError, as in receiveShares', () => {
    const ch = driven('tizen');
    const client = { sessions: { link: async () => undefined } };
    const options = {
      unattested: 'refuse' as const,
      get senders(): Record<string, string> {
        throw new Error('hostile getter');
      },
    };
    expect(() =>
      receiveShares(ch.channel, {
        ...{ link: async () => undefined },
        get senders() {
          return options.senders;
        },
      }),
    ).toThrow(PaketShareError);
    expect(() => linkShares(client, () => 'tv', ch.channel, options)).toThrow(PaketShareError);
  });
});

describe('a broken clock', () => {
  it.each([
    ['NaN', () => NaN],
    [
      'throws',
      () => {
        throw new Error('no clock');
      },
    ],
  ])('a now() that gives %s refuses every share as stale, and links nothing', async (_, now) => {
    const ch = driven('tizen');
    const rejects: string[] = [];
    const link = vi.fn(async () => undefined);
    receiveShares(ch.channel, {
      senders: { 'abc.Player': APP },
      now,
      link,
      onReject: (e) => rejects.push(e.detail),
    });
    const from = { platform: 'tizen' as const, id: 'abc.Player', attested: true };
    ch.emit(share({ ts: 0 }), from);
    ch.emit(share(), from);
    await tick();
    expect(rejects).toEqual(['stale', 'stale']);
    expect(link).not.toHaveBeenCalled();
  });
});

describe('linking slots', () => {
  const senders: Record<string, string> = {};
  for (let i = 0; i < 10; i++) senders[`https://p${i}.example`] = APP;
  const from = (i: number) => ({
    platform: 'web' as const,
    id: `https://p${i}.example`,
    attested: true,
  });

  it('a link() that throws synchronously frees its slot', async () => {
    const ch = driven('web');
    let calls = 0;
    const statuses: string[] = [];
    receiveShares(ch.channel, {
      senders,
      link: ((): Promise<unknown> => {
        if (++calls <= 20) throw new Error('sync');
        return Promise.resolve();
      }) as never,
      onShare: (_s, st) => statuses.push(st),
    });
    for (let i = 0; i < 20; i++) {
      ch.emit(share(), from(i % 10));
      await tick(1);
    }
    ch.emit(share(), from(0));
    await tick();
    expect(statuses).toEqual(['linked']);
  });

  it('8 links that never settle hold their slots for a minute, not for good', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const ch = driven('web');
    let clock = 1_700_000_000_000;
    const acks: string[] = [];
    let hang = true;
    receiveShares(ch.channel, {
      senders,
      now: () => clock,
      // e.g. a link that asks the user, or a client call stuck on a storage lock
      link: () => (hang ? new Promise(() => undefined) : Promise.resolve()),
    });
    for (let i = 0; i < 8; i++) ch.emit(share({ ts: clock }), from(i % 4));
    await Promise.resolve();
    ch.emit(share({ ts: clock }), from(8), (a) => acks.push(a));
    expect(JSON.parse(acks[0]!).reason).toBe('rate'); // all 8 slots held
    hang = false;
    await vi.advanceTimersByTimeAsync(60_000);
    clock += 60_000;
    ch.emit(share({ ts: clock }), from(9), (a) => acks.push(a));
    await vi.advanceTimersByTimeAsync(0);
    expect(JSON.parse(acks[1]!).status).toBe('linked');
  });

  it('a publisher switching profile twice while its start share is still linking: the current profile is linked', async () => {
    const ch = driven('tizen');
    const acks: Record<string, string> = {};
    receiveShares(ch.channel, {
      senders: { 'abc.Player': APP },
      link: () => new Promise((r) => setTimeout(r, 300)), // a slow network (the client retries)
    });
    const player = { platform: 'tizen' as const, id: 'abc.Player', attested: true };
    ch.emit(share({ participant_id: 'profile-start' }), player, (a) => (acks.start = a));
    ch.emit(share({ participant_id: 'profile-kids' }), player, (a) => (acks.kids = a));
    ch.emit(share({ participant_id: 'profile-mum' }), player, (a) => (acks.mum = a)); // where the user is now
    await tick(400);
    expect(JSON.parse(acks.mum!).status).toBe('linked');
  });
});

describe('unattested shares while offline', () => {
  // An outside review: on webOS any app can send shares, and offline each one queues a link;
  // enough of them pushed the user's own queued writes out of the outbox (outboxLimit).
  it("a flood of unattested shares offline never pushes the user's queued link out of the outbox", async () => {
    const client = handledClient(
      () => {
        throw new TypeError('Failed to fetch');
      },
      { outboxLimit: 3 },
    );
    const mine = await client.sessions
      .link('tv', { appId: APP, participantId: 'mine' })
      .catch((e: { queued?: boolean }) => e);
    expect(mine).toMatchObject({ queued: true });
    const webos = driven('webos');
    const statuses: string[] = [];
    linkShares(client, () => 'tv', webos.channel, {
      senders: { 'com.publisher.app': APP },
      onShare: (_s, status) => statuses.push(status),
      onReject: () => statuses.push('rejected'),
    });
    const unattested: Sender = { platform: 'webos', id: null, attested: false };
    for (let i = 0; i < 12; i++) {
      webos.emit(share({ participant_id: `${PID.slice(0, -2)}${i}`.padEnd(36, '0') }), unattested);
      await vi.waitFor(() => expect(statuses.length).toBe(i + 1));
    }
    // The user's link stays; of the shares, the newest two (the oldest goes first, as ever).
    const ids = (await client.pending()).map((o) => o.participantId);
    expect(ids).toEqual(['mine', ids[1], ids[2]]);
    expect(ids.slice(1)).toEqual([10, 11].map((i) => `${PID.slice(0, -2)}${i}`.padEnd(36, '0')));
    client.close();
  });

  it("a low-priority link into an outbox full of the user's writes is refused, not queued, and nothing else goes", async () => {
    const events: PaketEvent[] = [];
    const client = handledClient(
      () => {
        throw new TypeError('Failed to fetch');
      },
      { outboxLimit: 1, onEvent: (e) => events.push(e) },
    );
    await client.sessions.link('tv', { appId: APP, participantId: 'mine' }).catch(() => undefined);
    const error = await client.sessions
      .link('tv', { appId: APP, participantId: 'share' }, { lowPriority: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaketError);
    expect((error as { queued?: boolean }).queued).toBeUndefined();
    expect((await client.pending()).map((o) => o.participantId)).toEqual(['mine']);
    // Never queued, so no queue event names it: its caller was told.
    expect(events.filter((e) => 'participantId' in e && e.participantId === 'share')).toEqual([]);
    await expect(
      client.sessions.link(
        'tv',
        { appId: APP, participantId: 'x' },
        { lowPriority: 'yes' as unknown as boolean },
      ),
    ).rejects.toBeInstanceOf(PaketInputError);
    client.close();
  });

  it('an attested share links at the user’s priority, an unattested one at low priority', async () => {
    const calls: unknown[] = [];
    const fake = { sessions: { link: async (...args: unknown[]) => void calls.push(args[2]) } };
    const tizen = driven('tizen');
    linkShares(fake, () => 'tv', tizen.channel, {
      senders: { 'com.publisher.app': APP },
      unattested: 'known-app-ids',
    });
    tizen.emit(share(), { platform: 'tizen', id: 'com.publisher.app', attested: true });
    tizen.emit(share(), { platform: 'tizen', id: null, attested: false });
    await vi.waitFor(() => expect(calls.length).toBe(2));
    expect(calls).toEqual([{ lowPriority: false }, { lowPriority: true }]);
  });
});
