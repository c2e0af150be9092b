// The fifteen ways an outside review made v0.1 lose or split a user's data (issue 18), each
// as a test against the emulator over loopback: app instances are clients sharing one
// storage, a frozen instance is one whose storage and credentials stop answering, and clock
// jumps move `Date.now()` only (the SDK's staleness uses a monotonic clock).
import { IDBFactory, IDBObjectStore } from 'fake-indexeddb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  PaketError,
  PaketNetworkError,
  PaketStorageError,
  type PaketClientOptions,
  type PaketEvent,
  type StorageAdapter,
} from '../../src/index';
import { APP, PLATFORM, PUBLISHER, useEmulator } from '../helpers/emulator';
import { sharedMemory } from '../helpers/memory-storage';

const env = useEmulator();

beforeEach(() => {
  vi.stubGlobal('indexedDB', new IDBFactory());
  localStorage.clear();
});

function platform(options: Partial<PaketClientOptions> = {}) {
  const events: PaketEvent[] = [];
  const client = env.client({
    autoFlush: false,
    retry: { limit: 0, backoffLimitMs: 5 },
    onEvent: (e) => events.push(e),
    ...options,
  });
  return { client, events };
}

async function participants(n: number): Promise<string[]> {
  const publisher = env.client({ credentials: PUBLISHER });
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await publisher.participants.create()).participant_id);
  return ids;
}

const linksAt = (sessionId: string): string[] =>
  (env.emu.state().links[sessionId] ?? []).map((l) => l.participant_id).sort();
const posts = (): number => env.emu.log.filter((e) => e.route === 'POST /v1/sessions').length;
const offline = (): void => env.emu.injectFaults('*', [{ drop: 'before' }], { repeat: true });
const online = (): void => env.emu.clearFaults();

/** A Map-backed adapter with transactions, shared by "app instances"; `freeze` stops one. */
function sharedStorage() {
  const { memory, adapter } = sharedMemory();
  const base = adapter();
  /** A view of the store for one instance; while `frozen`, its calls wait. */
  const view = () => {
    let thaw: Promise<void> = Promise.resolve();
    let release = (): void => undefined;
    const gate =
      <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
      async (...a: A): Promise<R> => {
        await thaw;
        return fn(...a);
      };
    const adapter: StorageAdapter = {
      get: gate(base.get),
      set: gate(base.set),
      delete: gate(base.delete),
      update: gate(base.update),
      transact: gate(base.transact!),
    };
    let armed = false;
    let armedQueue = false;
    /** Freezes after the instance's next write of the outbox record (its queue write). */
    const afterQueueWrite = <R>(keys: readonly string[], result: R): R => {
      if (armedQueue && keys.some((k) => k.endsWith(':links'))) {
        armedQueue = false;
        thaw = new Promise((r) => (release = r));
      }
      return result;
    };
    adapter.update = async (key, fn) => {
      await thaw;
      return afterQueueWrite([key], await base.update(key, fn));
    };
    adapter.transact = async (keys, change) => {
      await thaw;
      const result = await base.transact!(keys, change);
      // Armed: the instance freezes right after it took the outbox lease.
      if (armed && keys.some((k) => k.endsWith(':outbox'))) {
        armed = false;
        thaw = new Promise((r) => (release = r));
      }
      return afterQueueWrite(keys, result);
    };
    return {
      adapter,
      freezeAfterLease() {
        armed = true;
      },
      freezeAfterQueueWrite() {
        armedQueue = true;
      },
      thaw: () => release(),
    };
  };
  return { memory, view };
}

describe('data lost (cases 1-6)', () => {
  it('1. a 401, then the credentials function fails once: the link stays queued, then is delivered', async () => {
    const [p] = await participants(1);
    let refreshing = false;
    const { client } = platform({
      credentials: async () => {
        if (refreshing) {
          refreshing = false;
          throw new TypeError('Failed to fetch'); // the refresh after the 401 fails once
        }
        return PLATFORM;
      },
      onEvent: (e) => {
        if (e.type === 'credentialsRefresh') refreshing = true;
      },
    });
    await client.sessions.ensure();
    env.emu.injectFaults('PUT /v1/upnext/sessions/:session_id', [{ status: 401 }]);
    const error = await client.sessions
      .link('default', { appId: APP, participantId: p! })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaketError);
    expect(error).toMatchObject({ queued: true });
    expect((await client.pending()).map((o) => o.participantId)).toEqual([p]);
    expect(await client.flush()).toMatchObject({ delivered: 1, pending: 0 });
    expect(linksAt((await client.sessions.ensure()).session_id)).toEqual([p]);
  });

  it('3. an instance frozen while it holds the outbox sends nothing stale when it thaws', async () => {
    const [p] = await participants(1);
    const store = sharedStorage();
    const a = store.view();
    const A = platform({ storage: a.adapter }).client;
    const B = platform({ storage: store.view().adapter }).client;
    const session = await A.sessions.ensure();
    await A.sessions.link('default', { appId: APP, participantId: p! });
    await A.flush(); // its lease given back
    // A starts delivering the user's unlink, and freezes holding the lease, before it sends.
    a.freezeAfterLease();
    const stale = A.sessions.unlink('default', p!).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    // B takes the stale lease over (after watching the beat stand still), delivers the unlink,
    // then the user's newer link.
    const started = Date.now();
    for (let result = await B.flush(); result.busy; result = await B.flush()) {
      await new Promise((r) => setTimeout(r, 200));
      expect(Date.now() - started).toBeLessThan(8000);
    }
    expect(linksAt(session.session_id)).toEqual([]);
    await B.sessions.link('default', { appId: APP, participantId: p! });
    expect(linksAt(session.session_id)).toEqual([p]);
    // A thaws: it must not send its old unlink.
    a.thaw();
    // Its caller learns from the record that the unlink was delivered (by B), or (its own
    // storage calls timed out while it was frozen) that it is queued: never a false refusal.
    const outcome = await stale;
    if (outcome !== undefined) expect(outcome).toMatchObject({ queued: true });
    await new Promise((r) => setTimeout(r, 300));
    expect(linksAt(session.session_id)).toEqual([p]);
    expect(env.emu.log.filter((e) => e.method === 'DELETE')).toHaveLength(1);
  }, 20_000);

  it('3b. a clock jumping forward 60 s does not let another instance take a live lease', async () => {
    const [p] = await participants(1);
    const store = sharedStorage();
    const A = platform({ storage: store.view().adapter }).client;
    const B = platform({ storage: store.view().adapter }).client;
    await A.sessions.ensure();
    env.emu.injectFaults('PUT /v1/upnext/sessions/:session_id', [{ delayMs: 1500 }]);
    const linking = A.sessions.link('default', { appId: APP, participantId: p! });
    await new Promise((r) => setTimeout(r, 200));
    const now = Date.now();
    vi.spyOn(Date, 'now').mockImplementation(() => now + 60_000);
    expect(await B.flush()).toMatchObject({ busy: true });
    await linking;
    expect(env.emu.log.filter((e) => e.method === 'PUT')).toHaveLength(1);
  });

  it('4. overflow never contradicts the user: link P, unlink P, link Q1, link Q2 with a limit of 3', async () => {
    const [p, q1, q2] = await participants(3);
    const { client } = platform({ outboxLimit: 3 });
    const session = await client.sessions.ensure();
    await client.sessions.link('default', { appId: APP, participantId: p! });
    offline();
    for (const [type, id] of [
      ['link', p],
      ['unlink', p],
      ['link', q1],
      ['link', q2],
    ] as const) {
      const call =
        type === 'link'
          ? client.sessions.link('default', { appId: APP, participantId: id! })
          : client.sessions.unlink('default', id!);
      await call.catch(() => undefined);
    }
    // The first link of P went out (it may be executing): the unlink waits behind it, and
    // the two count as one target of the limit.
    expect((await client.pending()).map((o) => `${o.type} ${o.participantId}`)).toEqual([
      `link ${p}`,
      `unlink ${p}`,
      `link ${q1}`,
      `link ${q2}`,
    ]);
    online();
    await client.flush();
    expect(linksAt(session.session_id)).toEqual([q1!, q2!].sort());
  });

  it('4b. past the limit the oldest target is dropped whole, reported, never the later word', async () => {
    const [p, q1, q2] = await participants(3);
    const { client, events } = platform({ outboxLimit: 2 });
    const session = await client.sessions.ensure();
    await client.sessions.link('default', { appId: APP, participantId: p! });
    offline();
    await client.sessions.unlink('default', p!).catch(() => undefined);
    const dropped = client.sessions.link('default', { appId: APP, participantId: q1! });
    await dropped.catch(() => undefined);
    await client.sessions
      .link('default', { appId: APP, participantId: q2! })
      .catch(() => undefined);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'outboxDropped', reason: 'overflow', participantId: q1 }),
    );
    online();
    await client.flush();
    expect(linksAt(session.session_id)).toEqual([q2]);
  });

  it('5. forget() with a used key queued: the delivery to the new Session is not refused (422)', async () => {
    const [p] = await participants(1);
    const { client } = platform();
    const old = await client.sessions.ensure();
    // The service applies the link, the answer is lost: queued with a key the service has seen.
    env.emu.injectFaults('PUT /v1/upnext/sessions/:session_id', [{ drop: 'after' }]);
    await client.sessions.link('default', { appId: APP, participantId: p! }).catch(() => undefined);
    await client.sessions.forget();
    const fresh = await client.sessions.ensure();
    expect(fresh.session_id).not.toBe(old.session_id);
    expect(await client.flush()).toMatchObject({ delivered: 1, pending: 0 });
    expect(linksAt(fresh.session_id)).toEqual([p]);
    expect(env.emu.log.some((e) => e.status === 422)).toBe(false);
  });

  it('6. an instance warm-started from the mirror moves to the Session another one replaced it with', async () => {
    const [p] = await participants(1);
    const first = await platform().client.sessions.ensure();
    const B = platform();
    expect((await B.client.sessions.ensure()).session_id).toBe(first.session_id); // mirror
    const A = platform().client;
    await A.sessions.forget();
    const fresh = await A.sessions.ensure();
    await B.client.sessions.link('default', { appId: APP, participantId: p! });
    expect(linksAt(fresh.session_id)).toEqual([p]);
    expect(linksAt(first.session_id)).toEqual([]);
    expect((await B.client.sessions.ensure()).session_id).toBe(fresh.session_id);
    expect(B.events).toContainEqual(
      expect.objectContaining({ type: 'sessionReplaced', sessionId: fresh.session_id }),
    );
  });
});

describe('duplicated (cases 7-11)', () => {
  it('7 and 15. forget() while another instance creates: one Session in use, and the forget holds', async () => {
    const A = platform().client;
    const B = platform().client;
    env.emu.injectFaults('POST /v1/sessions', [{ delayMs: 400 }]);
    const creating = A.sessions.ensure();
    await new Promise((r) => setTimeout(r, 100));
    await B.sessions.forget();
    const a = await creating;
    const b = await B.sessions.ensure();
    expect(b.session_id).toBe(a.session_id);
    // The object made before the forget is never the one stored: a second POST made the one used.
    expect(posts()).toBe(2);
    const restarted = platform().client;
    expect((await restarted.sessions.ensure()).session_id).toBe(a.session_id);
    localStorage.clear();
    expect((await platform().client.sessions.ensure()).session_id).toBe(a.session_id);
    expect(posts()).toBe(2);
  });

  it('8. remove() with a link queued: no later start creates a Session for it or re-links', async () => {
    const [p] = await participants(1);
    const { client } = platform();
    const session = await client.sessions.ensure();
    offline();
    await client.sessions.link('default', { appId: APP, participantId: p! }).catch(() => undefined);
    const removed = await client.sessions.remove('default').catch((e: unknown) => e);
    expect(removed).toMatchObject({ queued: true });
    online();
    const next = platform({ autoFlush: true }).client;
    await next.flush();
    await new Promise((r) => setTimeout(r, 100));
    expect(posts()).toBe(1);
    expect(env.emu.state().sessions[session.session_id]?.removed).toBe(true);
    expect(Object.values(env.emu.state().links).flat()).toEqual([]);
    expect(await next.sessions.get()).toBeUndefined();
  });

  it('10. a failed IndexedDB write after the POST is healed: no second Session after a localStorage wipe', async () => {
    const put = IDBObjectStore.prototype.put;
    let failed = false;
    const spy = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (
      this: IDBObjectStore,
      value: unknown,
      key?: IDBValidKey,
    ) {
      if (!failed && (value as { state?: string } | undefined)?.state === 'done') {
        failed = true;
        throw new DOMException('full', 'QuotaExceededError');
      }
      return put.call(this, value, key);
    });
    const made = await platform().client.sessions.ensure();
    expect(failed).toBe(true);
    spy.mockRestore();
    // The next start answers from the mirror and writes the finished record back.
    await platform().client.sessions.ensure();
    await new Promise((r) => setTimeout(r, 400));
    localStorage.clear();
    expect((await platform().client.sessions.ensure()).session_id).toBe(made.session_id);
    expect(posts()).toBe(1);
  });

  it('11. localStorage only (no IndexedDB): two instances racing make one Session', async () => {
    vi.stubGlobal('indexedDB', undefined);
    env.emu.injectFaults('POST /v1/sessions', [{ delayMs: 100 }]);
    const [a, b] = await Promise.all([
      platform().client.sessions.ensure('kid'),
      platform().client.sessions.ensure('kid'),
    ]);
    expect(a.session_id).toBe(b.session_id);
    expect(posts()).toBe(1);
  });
});

describe('hangs and wrong outcomes (cases 12-14)', () => {
  /** The record key prefix of this client's namespace, from what ensure() stored. */
  const nsPrefix = (store: Map<string, unknown>): string =>
    [...store.keys()].find((k) => k.endsWith(':session:warmup'))!.replace(/session:warmup$/, '');

  it("12 (and 19.7). a dead instance's claim and queue lease, beating in the future after the clock was set back: taken over, no wait for the clock", async () => {
    const [p] = await participants(1);
    const store = sharedStorage();
    const { client } = platform({ storage: store.view().adapter });
    await client.sessions.ensure('warmup');
    const prefix = nsPrefix(store.memory);
    // As v0.1 wrote them: a claim of profile "p" and the outbox with a queued link and a
    // lease, by an instance that died after the clock was set back an hour (beats "ahead").
    const future = Date.now() + 3_600_000;
    store.memory.set(`${prefix}session:p`, {
      v: 1,
      state: 'pending',
      key: crypto.randomUUID(),
      owner: 'dead',
      beat: future,
    });
    store.memory.set(`${prefix}links`, {
      v: 2,
      ops: [
        {
          id: 'op-dead',
          type: 'link',
          profileId: 'p',
          participantId: p,
          appId: APP,
          key: crypto.randomUUID(),
          queuedAt: new Date().toISOString(),
        },
      ],
      linked: {},
      done: [],
      gone: [],
      lease: { owner: 'dead', beat: future },
    });
    const started = performance.now();
    const session = await client.sessions.ensure('p');
    for (let r = await client.flush(); r.busy || r.pending; r = await client.flush()) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(performance.now() - started).toBeLessThan(10_000);
    }
    expect(linksAt(session.session_id)).toEqual([p]);
  }, 20_000);

  it('13. an outcome another instance delivered is read from state, however many came after it', async () => {
    const ids = await participants(3);
    const store = sharedStorage();
    const b = store.view();
    const A = platform({ storage: store.view().adapter }).client;
    // Bounds longer than the freeze: a frozen page's clock does not run.
    const B = platform({ storage: b.adapter, storageTimeoutMs: 60_000, timeoutMs: 8000 }).client;
    const session = await A.sessions.ensure();
    await B.sessions.ensure();
    offline();
    for (let i = 0; i < 3; i++) {
      await A.sessions
        .link(`early-${i}`, { appId: APP, participantId: ids[0]! })
        .catch(() => undefined);
    }
    online();
    // A delivers (its first request slow, so it holds the outbox while B queues behind it).
    env.emu.injectFaults('PUT /v1/upnext/sessions/:session_id', [{ delayMs: 300 }]);
    const flushing = A.flush();
    await new Promise((r) => setTimeout(r, 100));
    // B queues its link and is frozen right after; A delivers it, then 60 more operations.
    b.freezeAfterQueueWrite();
    const linking = B.sessions.link('default', { appId: APP, participantId: ids[2]! });
    await new Promise((r) => setTimeout(r, 50));
    await flushing;
    for (let i = 0; i < 60; i++) {
      await A.sessions.link(`other-${i}`, { appId: APP, participantId: ids[1]! });
    }
    expect(linksAt(session.session_id)).toEqual([ids[2]]);
    b.thaw();
    await expect(linking).resolves.toMatchObject({
      participant_id: ids[2],
      session_id: session.session_id,
    });
  }, 30_000);

  it('14. a queue write slower than its bound but committing: reported as may-commit, then queued and delivered', async () => {
    const [p] = await participants(1);
    const store = sharedStorage();
    const slow = store.view().adapter;
    let slowed = false;
    const { client, events } = platform({
      autoFlush: true,
      storageTimeoutMs: 300,
      storage: {
        ...slow,
        // The first write of the outbox takes longer than its bound, then commits.
        transact: async (keys, change) => {
          if (keys[0]?.endsWith(':links') && !slowed) {
            slowed = true;
            await new Promise((r) => setTimeout(r, 500));
          }
          return slow.transact!(keys, change);
        },
      },
    });
    const session = await client.sessions.ensure();
    const error = await client.sessions
      .link('default', { appId: APP, participantId: p! })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaketStorageError);
    expect(error).toMatchObject({ reason: 'timeout', mayCommit: true });
    await vi.waitFor(
      () =>
        expect(events).toContainEqual(
          expect.objectContaining({ type: 'outboxQueued', participantId: p }),
        ),
      { timeout: 3000 },
    );
    await vi.waitFor(() => expect(linksAt(session.session_id)).toEqual([p]), { timeout: 8000 });
    client.close();
  }, 20_000);
});

describe('what a new user met (issue 16)', () => {
  it('a TV that boots offline, credentials from a back end that cannot be reached: stored data answers, a link is queued', async () => {
    const [p] = await participants(1);
    const first = platform({ credentials: async () => PLATFORM }).client;
    const session = await first.sessions.ensure();
    await first.sessions.link('default', { appId: APP, participantId: p! });
    const unreachable = async (): Promise<never> => {
      throw new TypeError('Failed to fetch');
    };
    const booted = platform({ credentials: unreachable }).client;
    expect((await booted.sessions.ensure()).session_id).toBe(session.session_id);
    expect((await booted.sessions.get())?.session_id).toBe(session.session_id);
    expect((await booted.sessions.linked('default')).map((l) => l.participant_id)).toEqual([p]);
    expect(await booted.pending()).toEqual([]);
    const [q] = await participants(1);
    const error = await booted.sessions
      .link('default', { appId: APP, participantId: q! })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaketNetworkError);
    expect(error).toMatchObject({ queued: true });
    expect((await booted.pending()).map((o) => o.participantId)).toEqual([q]);
    // Once credentials can be had, it is delivered.
    expect(await platform({ credentials: async () => PLATFORM }).client.flush()).toMatchObject({
      delivered: 1,
    });
    expect(linksAt(session.session_id)).toEqual([p!, q!].sort());
  });

  it('after a 5xx the queue drains by itself on a timer (first retry within 5 s); close() stops it', async () => {
    const [p, q] = await participants(2);
    const { client } = platform({ autoFlush: true });
    const session = await client.sessions.ensure();
    env.emu.injectFaults('PUT /v1/upnext/sessions/:session_id', [{ status: 503 }]);
    await client.sessions.link('default', { appId: APP, participantId: p! }).catch(() => undefined);
    await vi.waitFor(() => expect(linksAt(session.session_id)).toEqual([p]), { timeout: 5500 });
    client.close();
    offline();
    await client.sessions.link('default', { appId: APP, participantId: q! }).catch(() => undefined);
    online();
    await new Promise((r) => setTimeout(r, 5500));
    expect(linksAt(session.session_id)).toEqual([p]); // closed: no retry
  }, 20_000);

  it('unlink() on a profile with nothing stored resolves and creates nothing', async () => {
    const { client } = platform();
    await client.sessions.unlink('nobody', 'p1');
    expect(env.emu.log).toEqual([]);
    expect(await client.sessions.get('nobody')).toBeUndefined();
  });

  it('reconcile re-links what the service lost and repeats an unlink it still shows, reported', async () => {
    const [p, q, r] = await participants(3);
    const { client, events } = platform({ reconcileEveryMs: 1 });
    const session = await client.sessions.ensure();
    await client.sessions.link('default', { appId: APP, participantId: p! });
    await client.sessions.link('default', { appId: APP, participantId: q! });
    await client.sessions.unlink('default', q!);
    // Behind the SDK's back: the service loses p's link and shows q's again (a late DELETE,
    // an unlink it never applied).
    const auth = {
      authorization:
        'Basic ' + Buffer.from(`${PLATFORM.username}:${PLATFORM.password}`).toString('base64'),
      'content-type': 'application/json',
    };
    const base = `${env.emu.url}/upnext/sessions/${session.session_id}`;
    await fetch(`${base}/${p}`, { method: 'DELETE', headers: auth });
    for (const id of [q, r]) {
      await fetch(base, {
        method: 'PUT',
        headers: { ...auth, 'idempotency-key': crypto.randomUUID() },
        body: JSON.stringify({ app_id: APP, participant_id: id }),
      });
    }
    await client.sessions.ensure(); // first ensure since: the reconcile's clock starts
    await new Promise((resolve) => setTimeout(resolve, 20));
    await client.sessions.ensure();
    await vi.waitFor(() => expect(linksAt(session.session_id)).toEqual([p]), { timeout: 3000 });
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'reconciled',
        relinked: [p],
        unlinked: expect.arrayContaining([q, r]),
      }),
    );
  });
});

describe('hostile input (issue 19)', () => {
  it('prototype names as profile IDs: link, unlink, lists, outbox and reconcile work', async () => {
    const names = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__'];
    const ids = await participants(names.length + 1);
    const { client } = platform({ reconcileEveryMs: 1 });
    for (const [i, name] of names.entries()) {
      const p = ids[i]!;
      const session = await client.sessions.ensure(name);
      await client.sessions.link(name, { appId: APP, participantId: p });
      expect((await client.sessions.linked(name)).map((l) => l.participant_id)).toEqual([p]);
      const listed: string[] = [];
      for await (const l of client.sessions.participants(name)) listed.push(l.participant_id!);
      expect(listed).toEqual([p]);
      await client.sessions.ensure(name); // a reconcile's clock starts, and one runs
      await client.sessions.unlink(name, p);
      expect({ name, at: linksAt(session.session_id) }).toEqual({ name, at: [] });
    }
    // The outbox was never wedged: a later link of another profile is delivered.
    await client.sessions.link('default', { appId: APP, participantId: ids[names.length]! });
    expect(await client.pending()).toEqual([]);
  });

  it('prototype names as participant IDs go through the outbox and its records', async () => {
    const names = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__'];
    const links = new Set<string>();
    const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      if (request.method === 'POST') {
        return Response.json({
          session_id: 's1',
          client_type: 'platform',
          client_id: 'c',
          created_at: 'x',
        });
      }
      if (request.method === 'PUT') {
        links.add(((await request.json()) as { participant_id: string }).participant_id);
        return Response.json({ message: 'Success' });
      }
      if (request.method === 'DELETE') {
        links.delete(decodeURIComponent(new URL(request.url).pathname.split('/').pop()!));
        return new Response(null, { status: 204 });
      }
      return Response.json({ items: [...links].map((p) => ({ participant_id: p, app_id: APP })) });
    }) as typeof fetch;
    const { client } = platform({ fetch: fetchImpl, reconcileEveryMs: 1 });
    for (const name of names) {
      await client.sessions.link('default', { appId: APP, participantId: name });
    }
    expect((await client.sessions.linked('default')).map((l) => l.participant_id)).toEqual(names);
    for (const name of names) await client.sessions.unlink('default', name);
    expect([...links]).toEqual([]);
    expect(await client.sessions.linked('default')).toEqual([]);
    expect(await client.pending()).toEqual([]);
  });

  it('a record copied from another namespace or hand-edited is discarded and reported', async () => {
    const first = platform().client;
    const made = await first.sessions.ensure();
    const key = Object.keys(localStorage).find((k) => k.endsWith(':session:default'))!;
    const record = JSON.parse(localStorage.getItem(key)!) as Record<string, unknown>;
    // A hand-edited mirror (another Session, a created_at in the future) never replaces IndexedDB.
    localStorage.setItem(
      key,
      JSON.stringify({
        ...record,
        gen: 99,
        object: {
          ...(record.object as object),
          session_id: 'forged',
          created_at: '2099-01-01T00:00:00Z',
        },
      }),
    );
    const { client, events } = platform();
    expect((await client.sessions.ensure()).session_id).toBe(made.session_id);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'recordDiscarded', kind: 'session' }),
    );
    // Copied to another profile's key: not that profile's.
    localStorage.setItem(key.replace(/default$/, 'kid'), JSON.stringify(record));
    const other = platform();
    const kid = await other.client.sessions.ensure('kid');
    expect(kid.session_id).not.toBe(made.session_id);
    expect(other.events).toContainEqual(expect.objectContaining({ type: 'recordDiscarded' }));
  });

  it('NFC and NFD spellings of one profile name are one profile', async () => {
    const { client } = platform();
    const nfc = await client.sessions.ensure('Zoë'.normalize('NFC'));
    const nfd = await platform().client.sessions.ensure('Zoë'.normalize('NFD'));
    expect(nfd.session_id).toBe(nfc.session_id);
    expect(posts()).toBe(1);
  });
});

describe('upgrading from v0.1', () => {
  /** The key prefix v0.1 used for this client's records, and a writer of IndexedDB records. */
  const v01 = async () => {
    const { legacyNamespaceOf } = await import('../../src/transport/namespace');
    const put = async (entries: [string, unknown][]): Promise<void> => {
      const db = await new Promise<IDBDatabase>((resolve) => {
        const r = indexedDB.open('paket-tv-sdk');
        r.onupgradeneeded = () => r.result.createObjectStore('records');
        r.onsuccess = () => resolve(r.result);
      });
      await new Promise((resolve) => {
        const tx = db.transaction('records', 'readwrite');
        for (const [key, value] of entries) tx.objectStore('records').put(value, key);
        tx.oncomplete = resolve;
      });
      db.close();
    };
    return { old: `paket-tv-sdk:${legacyNamespaceOf(env.emu.url, PLATFORM.username)}`, put };
  };

  /** A link v0.1 queued for the default profile. */
  const v01Link = (participantId: string) => ({
    id: 'op-1',
    type: 'link',
    profileId: 'default',
    participantId,
    appId: APP,
    key: crypto.randomUUID(),
    queuedAt: '2026-01-01T00:00:00Z',
  });

  it("keeps v0.1's stored Session, confirmed links and queue (records under the old namespace)", async () => {
    const [p, q] = await participants(2);
    const made = await platform().client.sessions.create();
    const { old, put } = await v01();
    await put([
      [`${old}:session:default`, { v: 1, state: 'done', key: 'k-0.1', object: made }],
      [
        `${old}:links`,
        {
          v: 2,
          ops: [v01Link(q!)],
          linked: {
            default: [
              {
                app_id: APP,
                participant_id: p,
                session_id: made.session_id,
                client_id: 'c',
                created_at: 'x',
              },
            ],
          },
          done: [],
          gone: [],
        },
      ],
    ]);
    const { client } = platform();
    expect((await client.sessions.ensure()).session_id).toBe(made.session_id);
    expect(posts()).toBe(1); // the create above, no second Session
    expect((await client.sessions.linked('default')).map((l) => l.participant_id)).toEqual([p]);
    expect((await client.pending()).map((o) => o.participantId)).toEqual([q]);
    await client.flush();
    expect(linksAt(made.session_id)).toEqual([q]);
  });

  it("resumes v0.1's pending claim with its Idempotency-Key: the Session it may have made, not a second one", async () => {
    const key = crypto.randomUUID();
    // v0.1 sent the POST, the service made the Session, and the app died before storing it.
    const made = await platform().client.sessions.create({ idempotencyKey: key });
    const { old, put } = await v01();
    await put([[`${old}:session:default`, { v: 1, state: 'pending', key }]]);
    const { client } = platform();
    expect((await client.sessions.ensure()).session_id).toBe(made.session_id);
    // A restart reads it back, now under this namespace.
    expect((await platform().client.sessions.ensure()).session_id).toBe(made.session_id);
    expect(Object.keys(env.emu.state().sessions)).toEqual([made.session_id]);
  });

  it("keeps v0.1's Session found only in the localStorage mirror", async () => {
    const made = await platform().client.sessions.create();
    const { old } = await v01();
    localStorage.setItem(
      `${old}:session:default`,
      JSON.stringify({ v: 1, state: 'done', key: 'k-0.1', object: made }),
    );
    expect((await platform().client.sessions.ensure()).session_id).toBe(made.session_id);
    expect(posts()).toBe(1); // the create above
    localStorage.clear(); // the durable record was written under this namespace
    expect((await platform().client.sessions.ensure()).session_id).toBe(made.session_id);
    expect(posts()).toBe(1);
  });

  it("never lets v0.1's record replace a Session this namespace already has", async () => {
    const mine = await platform().client.sessions.ensure();
    const theirs = await platform().client.sessions.create();
    const { old, put } = await v01();
    await put([[`${old}:session:default`, { v: 1, state: 'done', key: 'k-0.1', object: theirs }]]);
    localStorage.clear(); // no mirror: the start reads IndexedDB
    expect((await platform().client.sessions.ensure()).session_id).toBe(mine.session_id);
    expect(posts()).toBe(2);
  });

  it("a failed read of v0.1's queue is tried again, never taken for an empty one", async () => {
    const { legacyNamespaceOf } = await import('../../src/transport/namespace');
    const [q] = await participants(1);
    const store = sharedStorage();
    const session = await platform({ storage: store.view().adapter }).client.sessions.ensure();
    const old = `paket-tv-sdk:${legacyNamespaceOf(env.emu.url, PLATFORM.username)}:links`;
    store.memory.set(old, {
      v: 2,
      ops: [v01Link(q!)],
      linked: {},
      gone: [],
    });
    // The first read of v0.1's outbox fails (a storage hiccup at start).
    const base = store.view().adapter;
    let failures = 1;
    const adapter: StorageAdapter = {
      ...base,
      get: (key) =>
        key === old && failures-- > 0
          ? Promise.reject(new DOMException('disk hiccup', 'UnknownError'))
          : base.get(key),
    };
    const { client } = platform({ storage: adapter });
    await expect(client.pending()).rejects.toBeInstanceOf(PaketStorageError);
    expect((await client.pending()).map((o) => o.participantId)).toEqual([q]);
    await client.flush();
    expect(linksAt(session.session_id)).toEqual([q]);
    expect(store.memory.has(old)).toBe(false);
  });
});
