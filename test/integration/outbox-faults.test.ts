// Faults of the outbox an outside review found (each test failed before its fix): a removal
// while a link is in flight, an operation of a kind this SDK does not deliver, a storage open
// that times out, and outcomes read from the record when another instance delivered.
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  PaketError,
  PaketNetworkError,
  PaketStorageError,
  type PaketClientOptions,
  type PaketEvent,
  type StorageAdapter,
} from '../../src/index';
import { APP, LINK, useEmulator } from '../helpers/emulator';
import { memoryStorage, sharedMemory } from '../helpers/memory-storage';

const env = useEmulator();

beforeEach(() => {
  vi.stubGlobal('indexedDB', new IDBFactory());
  localStorage.clear();
});

const linksAt = (sessionId: string): string[] =>
  (env.emu.state().links[sessionId] ?? []).map((l) => l.participant_id).sort();

/** A link to `p` on its way (held 600 ms by the emulator) when `remove()` runs. */
async function removeWhileLinking(p: string) {
  const client = env.client({ autoFlush: false, retry: { limit: 0 } });
  await client.sessions.ensure('kid');
  env.emu.injectFaults(LINK, [{ delayMs: 600 }]);
  const linking = client.sessions.link('kid', { appId: APP, participantId: p }).catch((e) => e);
  await vi.waitFor(() => expect(env.emu.log.some((e) => e.route === LINK)).toBe(true));
  await client.sessions.remove('kid');
  await linking;
  await client.flush();
  return client;
}

describe('remove() while a link is in flight', () => {
  it('the removed profile keeps no confirmed link', async () => {
    const [p] = await env.participants(1);
    const client = await removeWhileLinking(p!);
    expect(await client.sessions.linked('kid')).toEqual([]);
    client.close();
  });

  it('a later repair of the new Session does not link again what the removal took away', async () => {
    const [p, q] = await env.participants(2);
    const client = await removeWhileLinking(p!);
    // The profile starts over: a new Session, one new link; then the service loses that Session.
    const fresh = await client.sessions.ensure('kid');
    await client.sessions.link('kid', { appId: APP, participantId: q! });
    await env.loseSession(fresh.session_id);
    await client.sessions.link('kid', { appId: APP, participantId: q! }); // meets the 404, heals
    const now = await client.sessions.ensure('kid');
    expect(now.session_id).not.toBe(fresh.session_id);
    expect(linksAt(now.session_id)).toEqual([q]);
    client.close();
  });
});

it('an operation of a kind this SDK does not deliver is dropped and reported, never holding back the writes behind it', async () => {
  const [p, q] = await env.participants(2);
  const { memory, storage } = memoryStorage();
  const events: PaketEvent[] = [];
  const client = env.outboxClient(storage, { onEvent: (e) => events.push(e) });
  const session = await client.sessions.ensure('p');
  await client.sessions.link('p', { appId: APP, participantId: p! });
  // A hand-edited or corrupted record: an operation no handler delivers, at the head.
  const key = [...memory.keys()].find((k) => k.endsWith(':links'))!;
  const record = memory.get(key) as { ops: Record<string, unknown>[] };
  record.ops.unshift({
    id: 'x1',
    type: 'linkV9',
    target: '["x"]',
    profileId: 'p',
    participantId: 'zz',
    key: 'k',
    queuedAt: new Date().toISOString(),
  });
  const error = await client.sessions
    .link('p', { appId: APP, participantId: q! })
    .catch((e: unknown) => e);
  expect(error instanceof PaketNetworkError && error.queued).toBe(false);
  expect(linksAt(session.session_id)).toEqual([p, q].sort());
  expect(await client.pending()).toEqual([]);
  expect(events).toContainEqual({ type: 'recordDiscarded', kind: 'outbox', profileId: '' });
  client.close();
});

/** An IDBFactory whose open() answers `delayMs` late (a TV's IndexedDB at boot). */
function slowFactory(delayMs: number): IDBFactory {
  const real = new IDBFactory();
  return {
    open(name: string, version?: number) {
      const fake: Record<string, unknown> = {};
      setTimeout(() => {
        const r = real.open(name, version);
        const forward = (type: string) => (e: Event) => {
          fake.result = r.result;
          fake.error = r.error;
          fake.transaction = r.transaction;
          (fake[type] as ((e: Event) => void) | undefined)?.(e);
        };
        r.onupgradeneeded = forward('onupgradeneeded');
        r.onsuccess = forward('onsuccess');
        r.onerror = forward('onerror');
        r.onblocked = forward('onblocked');
      }, delayMs);
      return fake as unknown as IDBOpenDBRequest;
    },
    deleteDatabase: (n: string) => real.deleteDatabase(n),
    cmp: (a: unknown, b: unknown) => real.cmp(a, b),
    databases: () => real.databases(),
  } as unknown as IDBFactory;
}

/**
 * A link whose storage call before its queue write timed out (`slow` makes it so): the
 * write was never issued, so the caller is not told it may still commit, nothing is
 * reported queued once the slow call answers, and nothing is queued.
 */
async function timedOutBeforeTheWrite(
  operation: string,
  storage: PaketClientOptions['storage'],
  settleMs: number,
) {
  const [p] = await env.participants(1);
  const events: PaketEvent[] = [];
  const client = env.client({
    ...(storage ? { storage } : {}),
    autoFlush: true,
    retry: { limit: 0 },
    storageTimeoutMs: 300,
    onEvent: (e) => events.push(e),
  });
  const error = await client.sessions
    .link('default', { appId: APP, participantId: p! })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PaketStorageError);
  expect(error).toMatchObject({ operation, reason: 'timeout', mayCommit: false });
  expect((error as Error).message).not.toMatch(/may still complete/);
  await new Promise((r) => setTimeout(r, settleMs)); // the slow call has answered meanwhile
  expect(events.some((e) => e.type === 'outboxQueued')).toBe(false);
  expect(await client.pending()).toEqual([]);
  client.close();
}

it('a link whose storage open timed out is not told it may still commit, and is never reported queued', async () => {
  vi.stubGlobal('indexedDB', slowFactory(1500));
  await timedOutBeforeTheWrite('open', undefined, 2500);
}, 20_000);

it('a link whose first outbox read timed out is not told it may commit, nor reported queued', async () => {
  const { storage } = memoryStorage();
  let slow = true;
  const get = storage.get;
  storage.get = async (k) => {
    if (slow && k.endsWith(':links')) {
      slow = false;
      await new Promise((r) => setTimeout(r, 700)); // a TV's IndexedDB, slow at boot
    }
    return get(k);
  };
  await timedOutBeforeTheWrite('read', storage, 1000);
}, 20_000);

describe('remove() while the first ensure() is making the Session', () => {
  const CREATE = 'POST /v1/sessions';
  const live = (): string[] => {
    const sessions = (env.emu.state() as { sessions: Record<string, { removed?: boolean }> })
      .sessions;
    return Object.keys(sessions).filter((id) => !sessions[id]!.removed);
  };

  it('the Session made meanwhile is deleted at the service; every ensure() gets the next one', async () => {
    const client = env.client({ autoFlush: false, retry: { limit: 0 } });
    env.emu.injectFaults(CREATE, [{ delayMs: 600 }]);
    const before = client.sessions.ensure('kid');
    await vi.waitFor(() => expect(env.emu.log.some((e) => e.route === CREATE)).toBe(true));
    await client.sessions.remove('kid');
    const after = client.sessions.ensure('kid');
    // Both calls answer with the profile's next Session, the one stored ...
    const [a, b] = await Promise.all([before, after]);
    expect(b.session_id).toBe(a.session_id);
    expect((await client.sessions.ensure('kid')).session_id).toBe(a.session_id);
    // ... and the one made before the removal is deleted at the service.
    await vi.waitFor(() => expect(live()).toEqual([a.session_id]));
    client.close();
  });
});

describe('outcomes another instance delivered, read from the record', () => {
  const shared = () => sharedMemory().adapter;
  const settled = (p: Promise<unknown>) =>
    p.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );

  it('a link another instance replaced with an unlink is told it was superseded, not that it succeeded', async () => {
    const [p, q] = await env.participants(2);
    const view = shared();
    const a = env.outboxClient(view());
    const b = env.outboxClient(view());
    const session = await b.sessions.ensure('p');
    env.emu.injectFaults(LINK, [{ delayMs: 800 }]);
    const bLink = b.sessions.link('p', { appId: APP, participantId: q! });
    await vi.waitFor(() => expect(env.emu.log.some((e) => e.route === LINK)).toBe(true));
    // A queues a link of p behind B's delivery; B then unlinks p, replacing A's queued link.
    const aLink = settled(a.sessions.link('p', { appId: APP, participantId: p! }));
    await new Promise((r) => setTimeout(r, 150));
    await b.sessions.unlink('p', p!);
    await bLink;
    const outcome = await aLink;
    expect(linksAt(session.session_id)).toEqual([q]);
    expect(outcome).toHaveProperty('error');
    expect(((outcome as { error: PaketError }).error as Error).message).toMatch(/superseded/);
    a.close();
    b.close();
  });

  it('a link another instance delivered, then unlinked, learns its own outcome', async () => {
    const [p, q] = await env.participants(2);
    const view = shared();
    const a = env.outboxClient(view());
    const b = env.outboxClient(view());
    await b.sessions.ensure('p');
    env.emu.injectFaults(LINK, [{ delayMs: 800 }]);
    const bLink = b.sessions.link('p', { appId: APP, participantId: q! });
    await vi.waitFor(() => expect(env.emu.log.some((e) => e.route === LINK)).toBe(true));
    const aLink = settled(a.sessions.link('p', { appId: APP, participantId: p! }));
    // A's link is delivered by B after q; B then unlinks p behind it.
    await bLink;
    await b.sessions.unlink('p', p!);
    const outcome = await aLink;
    const message = 'error' in outcome ? (outcome.error as Error).message : '';
    expect(message).not.toMatch(/outcome unknown/);
    a.close();
    b.close();
  });

  it("a link another instance delivered keeps its outcome through that instance's quick toggles", async () => {
    const [p, q, r] = await env.participants(3);
    const { memory, adapter } = sharedMemory();
    // A's reads can be held back (a busy TV: A's 100 ms poll comes late).
    let gate: Promise<void> | undefined = undefined;
    let open!: () => void;
    const base = adapter();
    const aView: StorageAdapter = {
      ...base,
      get: async (k) => {
        if (gate) await gate;
        return base.get(k);
      },
    };
    const a = env.outboxClient(aView);
    const b = env.outboxClient(adapter());
    await b.sessions.ensure('p');
    await a.sessions.ensure('p');
    // q's link 800 ms, p's at once, r's 1500 ms.
    env.emu.injectFaults(LINK, [{ delayMs: 800 }, {}, { delayMs: 1500 }]);
    const bLink = b.sessions.link('p', { appId: APP, participantId: q! });
    await vi.waitFor(() => expect(env.emu.log.some((e) => e.route === LINK)).toBe(true));
    const aLink = a.sessions.link('p', { appId: APP, participantId: p! }).then(
      (value) => ({ value }),
      (error: unknown) => ({ error: error as Error }),
    );
    const key = () => [...memory.keys()].find((k) => k.endsWith(':links'))!;
    const record = () =>
      memory.get(key()) as { ops: { participantId: string }[]; outcomes: unknown[] };
    await vi.waitFor(() => expect(record().ops.some((o) => o.participantId === p)).toBe(true));
    const bSlow = b.sessions.link('p', { appId: APP, participantId: r! }).catch(() => undefined);
    gate = new Promise<void>((resolve) => (open = resolve));
    await bLink;
    // B delivers A's link, then r's (slow): A's link is done and in the record.
    await vi.waitFor(() => expect(record().ops.some((o) => o.participantId === p)).toBe(false));
    expect((await b.sessions.linked('p')).map((l) => l.participant_id)).toContain(p);
    // The user toggles p four times in B, behind r's delivery.
    const toggles: Promise<unknown>[] = [];
    for (const unlink of [true, false, true, false, true]) {
      toggles.push(
        (unlink
          ? b.sessions.unlink('p', p!)
          : b.sessions.link('p', { appId: APP, participantId: p! })
        ).catch(() => undefined),
      );
      await new Promise((res) => setTimeout(res, 20));
    }
    open();
    const outcome = await aLink;
    await Promise.all([bSlow, ...toggles]);
    expect('error' in outcome ? outcome.error.message : 'linked').not.toMatch(/outcome unknown/);
    a.close();
    b.close();
  }, 20_000);
});
