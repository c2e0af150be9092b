import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  PaketHttpError,
  PaketInputError,
  PaketNetworkError,
  type PaketClientOptions,
  type PaketEvent,
} from '../../src/index';
import { APP, LINK, PUBLISHER, useEmulator } from '../helpers/emulator';
import { memoryStorage } from '../helpers/memory-storage';

const env = useEmulator();

beforeEach(() => {
  vi.stubGlobal('indexedDB', new IDBFactory());
  localStorage.clear();
});

function platform(options: Partial<PaketClientOptions> = {}) {
  const events: PaketEvent[] = [];
  const client = env.client({
    autoFlush: false,
    retry: { limit: 1, backoffLimitMs: 5 },
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

/** The emulator's links for a session, as participant IDs. */
function linksAt(sessionId: string): string[] {
  return (env.emu.state().links[sessionId] ?? []).map((l) => l.participant_id);
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/**
 * A first run links a participant with IndexedDB working; the runs after it find no IndexedDB
 * (the localStorage fallback) until `indexedDBBack()`.
 */
async function linkThenLoseIndexedDb() {
  const [a, b] = await participants(2);
  const first = platform().client;
  await first.sessions.link('default', { appId: APP, participantId: a! });
  const session = await first.sessions.ensure();
  const idb = globalThis.indexedDB;
  vi.stubGlobal('indexedDB', undefined);
  return { a: a!, b: b!, session, indexedDBBack: () => vi.stubGlobal('indexedDB', idb) };
}

describe('link, unlink, lists, remove', () => {
  it('an unlink and then a link of the same app, called together, end linked: the last word wins', async () => {
    const [a] = await participants(1);
    const { client } = platform();
    await client.sessions.link('default', { appId: APP, participantId: a! });
    const session = await client.sessions.ensure();
    await Promise.allSettled([
      client.sessions.unlink('default', a!),
      client.sessions.link('default', { appId: APP, participantId: a! }),
    ]);
    await client.flush();
    expect(linksAt(session.session_id)).toEqual([a]);
    expect((await client.sessions.linked('default')).map((l) => l.participant_id)).toEqual([a]);
  });
  it('link() returns the Session Participant object and linked() keeps it offline', async () => {
    const [p] = await participants(1);
    const { client } = platform();
    const link = await client.sessions.link('default', { appId: APP, participantId: p! });
    const session = await client.sessions.ensure();
    expect(link).toEqual({
      app_id: APP,
      participant_id: p,
      session_id: session.session_id,
      client_id: 'fab3d02606122a08',
      created_at: expect.any(String),
    });
    // The same client sees it at once; another instance once the bookkeeping is written.
    expect(await client.sessions.linked('default')).toEqual([link]);
    await client.flush();
    expect(await platform().client.sessions.linked('default')).toEqual([link]);
    expect(linksAt(session.session_id)).toEqual([p]);
  });

  it('a corrupted outbox record: the unreadable parts are dropped and reported, the rest kept', async () => {
    const { memory, storage } = memoryStorage();
    const [a, b] = await participants(2);
    const first = platform({ storage }).client;
    const link = await first.sessions.link('default', { appId: APP, participantId: a! });
    await first.flush();
    const key = [...memory.keys()].find((k) => k.endsWith(':links'))!;
    const record = memory.get(key) as { ops: unknown[]; done: unknown };
    memory.set(key, { ...record, ops: [{ type: 'link', id: 7 }], done: 'junk' });
    const { client, events } = platform({ storage });
    expect(await client.sessions.linked('default')).toEqual([link]);
    expect(await client.pending()).toEqual([]);
    expect(events).toContainEqual({ type: 'recordDiscarded', kind: 'outbox', profileId: '' });
    await client.sessions.link('default', { appId: APP, participantId: b! });
    expect(linksAt((await client.sessions.ensure()).session_id)).toEqual([a, b]);

    // (The ensure() above records the profile's first reconcile in the background: let it land.)
    await new Promise((r) => setTimeout(r, 100));
    memory.set(key, 'garbage');
    const third = platform({ storage });
    expect(await third.client.sessions.linked('default')).toEqual([]);
    expect(third.events).toContainEqual({ type: 'recordDiscarded', kind: 'outbox', profileId: '' });
  });

  it('every link and unlink is in the stored outbox before its request is sent', async () => {
    const { storage, queued } = memoryStorage();
    const [a] = await participants(1);
    const sent: string[] = [];
    const { client } = platform({
      storage,
      fetch: (input, init) => {
        if (init?.method === 'PUT' || init?.method === 'DELETE') {
          sent.push(`${init.method} with ${queued().join(', ')} stored`);
        }
        return fetch(input, init);
      },
    });
    await client.sessions.link('default', { appId: APP, participantId: a! });
    await client.sessions.unlink('default', a!);
    expect(sent).toEqual([`PUT with link ${a} stored`, `DELETE with unlink ${a} stored`]);
    await client.flush();
    expect(queued()).toEqual([]);
  });

  it('an outbox that cannot be written: the call fails with the storage error, nothing is sent', async () => {
    const { storage } = memoryStorage();
    const quota = Object.assign(new Error('full'), { name: 'QuotaExceededError' });
    const { client } = platform({
      storage: {
        ...storage,
        update: (k, fn) => (k.endsWith(':links') ? Promise.reject(quota) : storage.update(k, fn)),
        set: (k, v) => (k.endsWith(':links') ? Promise.reject(quota) : storage.set(k, v)),
      },
    });
    const session = await client.sessions.ensure();
    const [a] = await participants(1);
    await expect(
      client.sessions.link('default', { appId: APP, participantId: a! }),
    ).rejects.toMatchObject({ name: 'PaketStorageError', reason: 'quota' });
    expect(linksAt(session.session_id)).toEqual([]);
  });

  it('accepts the older {"message":"Success"} answer', async () => {
    const { startEmulator } = await import('../../emulator/server.js');
    const old = await startEmulator({
      port: 0,
      quiet: true,
      linkResponse: 'message',
      requireSignatures: false, // today's SDK does not sign by default
    });
    try {
      const pub = env.client({ credentials: PUBLISHER, baseUrl: old.url });
      const p = (await pub.participants.create()).participant_id;
      const client = env.client({ baseUrl: old.url, autoFlush: false });
      const link = await client.sessions.link('default', { appId: APP, participantId: p });
      expect(link).toMatchObject({ app_id: APP, participant_id: p, client_id: 'fab3d02606122a08' });
      expect(link.session_id).toBe((await client.sessions.ensure()).session_id);
    } finally {
      await old.close();
    }
  });

  it('unlink() removes the link at the service and locally', async () => {
    const [p] = await participants(1);
    const { client } = platform();
    await client.sessions.link('default', { appId: APP, participantId: p! });
    await client.sessions.unlink('default', p!);
    const session = await client.sessions.ensure();
    expect(linksAt(session.session_id)).toEqual([]);
    expect(await client.sessions.linked('default')).toEqual([]);
  });

  it('participants() and upNext() follow next_key through every page', async () => {
    const ids = await participants(5);
    const { client } = platform();
    for (const p of ids) await client.sessions.link('kid', { appId: APP, participantId: p });
    env.emu.log.length = 0;
    const linked = await collect(client.sessions.participants('kid', { limit: 2 }));
    expect(linked.map((l) => l.participant_id).sort()).toEqual([...ids].sort());
    expect(env.emu.log.filter((e) => e.method === 'GET')).toHaveLength(3);
    const items = await collect(client.sessions.upNext('kid', { limit: 4 }));
    expect(items).toHaveLength(15);
    expect(items[0]).toMatchObject({
      title: expect.any(String),
      poster_art_uri: expect.any(String),
    });
  });

  it('remove() deletes the Session at the service and forgets it locally', async () => {
    const [p] = await participants(1);
    const { client } = platform();
    await client.sessions.link('default', { appId: APP, participantId: p! });
    const session = await client.sessions.ensure();
    await client.sessions.remove('default');
    expect(env.emu.state().sessions[session.session_id]).toMatchObject({ removed: true });
    await expect(client.sessions.get('default')).resolves.toBeUndefined();
    await expect(client.sessions.linked('default')).resolves.toEqual([]);
    const next = await client.sessions.ensure();
    expect(next.session_id).not.toBe(session.session_id);
  });

  it.each([
    ['an empty participant ID', { appId: APP, participantId: '' }],
    ['a participant ID over 255 characters', { appId: APP, participantId: 'p'.repeat(256) }],
    ['a participant ID with "/"', { appId: APP, participantId: '../sessions' }],
    ['a non-string app ID', { appId: 7, participantId: 'p' }],
    ['no input', undefined],
  ])('refuses %s before any request', async (_n, input) => {
    const { client } = platform();
    await expect(client.sessions.link('default', input as never)).rejects.toBeInstanceOf(
      PaketInputError,
    );
    const pid = (input as { participantId?: unknown } | undefined)?.participantId;
    if (pid !== 'p') {
      await expect(client.sessions.unlink('default', pid as string)).rejects.toBeInstanceOf(
        PaketInputError,
      );
    }
    await expect(
      client.sessions.link('', { appId: APP, participantId: 'p' }),
    ).rejects.toBeInstanceOf(PaketInputError);
    // A list checks its arguments at its first next(), before any request.
    const first = (list: AsyncIterable<unknown>) => list[Symbol.asyncIterator]().next();
    await expect(first(client.sessions.participants('default', { limit: 51 }))).rejects.toThrow(
      PaketInputError,
    );
    await expect(first(client.sessions.upNext('default', { limit: 0 }))).rejects.toThrow(
      PaketInputError,
    );
    await expect(
      first(client.sessions.upNext('default', { participantId: 'a/b' })),
    ).rejects.toThrow(PaketInputError);
    await expect(first(client.sessions.upNext('default', null as never))).rejects.toThrow(
      PaketInputError,
    );
    await expect(first(client.sessions.participants('default', 5 as never))).rejects.toThrow(
      PaketInputError,
    );
    await expect(first(client.participants.items('default', null as never))).rejects.toThrow(
      PaketInputError,
    );
    expect(env.emu.log).toHaveLength(0);
  });

  it('encodes path parameters', async () => {
    const { client } = platform();
    await client.sessions.ensure();
    await client.sessions.unlink('default', 'p?x=1#frag %2F');
    const entry = env.emu.log.find((e) => e.method === 'DELETE')!;
    expect(entry.path).toMatch(/\/p%3Fx%3D1%23frag%20%252F$/);
    expect(entry.status).toBe(204);
  });
});

describe('the fault matrix on link: every link ends present exactly once', () => {
  it.each([
    ['5xx then success', [{ status: 500 }]],
    ['429 with Retry-After', [{ status: 429, retryAfter: 0 }]],
    ['dropped before commit', [{ drop: 'before' as const }]],
    ['dropped after commit', [{ drop: 'after' as const }]],
    ['slower than timeoutMs', [{ delayMs: 400 }]],
  ])('%s: delivered in the call', async (_n, faults) => {
    const [p] = await participants(1);
    const { client } = platform({ timeoutMs: 200, retry: { limit: 4, backoffLimitMs: 150 } });
    const session = await client.sessions.ensure();
    env.emu.injectFaults(LINK, faults);
    await client.sessions.link('default', { appId: APP, participantId: p! });
    expect(linksAt(session.session_id)).toEqual([p]);
    await expect(client.pending()).resolves.toEqual([]);
  });

  it('malformed JSON in the answer: stays queued, the flush replays it, one link', async () => {
    const [p] = await participants(1);
    const { client } = platform();
    const session = await client.sessions.ensure();
    env.emu.injectFaults(LINK, [{ malformed: true }]);
    const error = await client.sessions
      .link('default', { appId: APP, participantId: p! })
      .catch((e) => e);
    expect(error).toMatchObject({ name: 'PaketNetworkError', queued: true });
    expect(await client.flush()).toMatchObject({ delivered: 1, pending: 0 });
    expect(linksAt(session.session_id)).toEqual([p]);
    expect(await client.sessions.linked('default')).toHaveLength(1);
  });

  it('offline (every attempt fails): rejects queued, survives a restart, delivered once back', async () => {
    const [p] = await participants(1);
    const { client } = platform();
    const session = await client.sessions.ensure();
    env.emu.injectFaults(LINK, [{ drop: 'before' }], { repeat: true });
    const error = await client.sessions
      .link('default', { appId: APP, participantId: p! })
      .catch((e) => e);
    expect(error).toBeInstanceOf(PaketNetworkError);
    expect((error as PaketNetworkError).queued).toBe(true);
    expect(await client.pending()).toMatchObject([
      { type: 'link', participantId: p, profileId: 'default' },
    ]);
    env.emu.clearFaults();
    // A new client (an app restart) delivers the queue by itself.
    platform({ autoFlush: true });
    await vi.waitFor(() => expect(linksAt(session.session_id)).toEqual([p]));
    await vi.waitFor(async () => expect(await client.pending()).toEqual([]));
  });

  it('5xx on every attempt: queued, reported as a PaketNetworkError with queued = true', async () => {
    const [p] = await participants(1);
    const { client } = platform();
    await client.sessions.ensure();
    env.emu.injectFaults(LINK, [{ status: 503 }], { repeat: true });
    const error = await client.sessions
      .link('default', { appId: APP, participantId: p! })
      .catch((e) => e);
    expect(error).toMatchObject({ name: 'PaketNetworkError', queued: true });
    expect((error as Error).message).toContain('HTTP 503');
    expect(await client.pending()).toHaveLength(1);
  });

  it('a permanent 4xx: rejected, removed from the queue, reported', async () => {
    const [p] = await participants(1);
    const { client, events } = platform();
    await client.sessions.ensure();
    env.emu.injectFaults(LINK, [{ status: 400 }]);
    const error = await client.sessions
      .link('default', { appId: APP, participantId: p! })
      .catch((e) => e);
    expect(error).toBeInstanceOf(PaketHttpError);
    expect(await client.pending()).toEqual([]);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'outboxDropped', reason: 'rejected', status: 400 }),
    );
  });

  it('a link with no Session yet while offline is queued, and the flush creates the Session', async () => {
    const [p] = await participants(1);
    const { client } = platform();
    env.emu.injectFaults('*', [{ drop: 'before' }], { repeat: true });
    await expect(
      client.sessions.link('default', { appId: APP, participantId: p! }),
    ).rejects.toMatchObject({ queued: true });
    env.emu.clearFaults();
    await client.flush();
    const session = await client.sessions.ensure();
    expect(linksAt(session.session_id)).toEqual([p]);
    expect(Object.keys(env.emu.state().sessions)).toHaveLength(1);
  });
});

describe('the outbox', () => {
  it('offline link then unlink of the same participant ends unlinked', async () => {
    const [p] = await participants(1);
    const { client } = platform();
    const session = await client.sessions.ensure();
    env.emu.injectFaults('*', [{ drop: 'before' }], { repeat: true });
    await client.sessions.link('default', { appId: APP, participantId: p! }).catch(() => undefined);
    await client.sessions.unlink('default', p!).catch(() => undefined);
    env.emu.clearFaults();
    await client.flush();
    expect(linksAt(session.session_id)).toEqual([]);
    expect(await client.pending()).toEqual([]);
  });

  it('what a run on the localStorage fallback queued is delivered by the next run on IndexedDB', async () => {
    const { a, b, session, indexedDBBack } = await linkThenLoseIndexedDb();
    const second = platform().client;
    env.emu.injectFaults('*', [{ drop: 'before' }], { repeat: true });
    await expect(
      second.sessions.link('default', { appId: APP, participantId: b }),
    ).rejects.toMatchObject({ queued: true });
    expect(second.storageKind).toBe('localStorage');
    env.emu.clearFaults();
    indexedDBBack();
    const third = platform().client;
    expect(await third.flush()).toMatchObject({ delivered: 1, pending: 0 });
    expect(third.storageKind).toBe('indexeddb');
    expect(linksAt(session.session_id).sort()).toEqual([a, b].sort());
    const linked = await third.sessions.linked('default');
    expect(linked.map((l) => l.participant_id).sort()).toEqual([a, b].sort());
    expect(Object.keys(localStorage).filter((k) => k.endsWith(':links'))).toEqual([]);
  });

  it('an unlink left queued on IndexedDB, then a link the service made in a run on the localStorage fallback (its answer lost): the next run on IndexedDB ends linked', async () => {
    const [a] = await participants(1);
    const first = platform().client;
    await first.sessions.link('default', { appId: APP, participantId: a! });
    const session = await first.sessions.ensure();
    env.emu.injectFaults('*', [{ drop: 'before' }], { repeat: true });
    await expect(first.sessions.unlink('default', a!)).rejects.toMatchObject({ queued: true });
    env.emu.clearFaults();
    const idb = globalThis.indexedDB;
    vi.stubGlobal('indexedDB', undefined);
    // The user links again, on a run where IndexedDB fails: the service makes the link, and
    // the answer is lost on the way back.
    const second = platform().client;
    env.emu.injectFaults(LINK, [{ drop: 'after' }], { repeat: true });
    await expect(
      second.sessions.link('default', { appId: APP, participantId: a! }),
    ).rejects.toMatchObject({ queued: true });
    expect(second.storageKind).toBe('localStorage');
    expect(linksAt(session.session_id)).toEqual([a]);
    env.emu.clearFaults();
    vi.stubGlobal('indexedDB', idb);
    // Both queues meet: the unlink goes first (the user's order), then the link, which must
    // be made again rather than answered from its first request's replay.
    const third = platform().client;
    expect(await third.flush()).toMatchObject({ pending: 0 });
    expect(linksAt(session.session_id)).toEqual([a]);
    expect((await third.sessions.linked('default')).map((l) => l.participant_id)).toEqual([a]);
  });

  it('coalesces per participant and delivers in order: link A (sent), link B, unlink A queues the unlink behind link B', async () => {
    const [a, b] = await participants(2);
    const { client } = platform();
    const session = await client.sessions.ensure();
    env.emu.injectFaults('*', [{ drop: 'before' }], { repeat: true });
    await client.sessions.link('default', { appId: APP, participantId: a! }).catch(() => undefined);
    await client.sessions.link('default', { appId: APP, participantId: b! }).catch(() => undefined);
    await client.sessions.unlink('default', a!).catch(() => undefined);
    expect(
      (await client.pending()).map((o) => `${o.type} ${o.participantId === a ? 'A' : 'B'}`),
    ).toEqual(['link A', 'link B', 'unlink A']); // link A went out: it may be executing
    await client.sessions.link('default', { appId: APP, participantId: b! }).catch(() => undefined);
    await client.sessions.unlink('default', b!).catch(() => undefined);
    expect(
      (await client.pending()).map((o) => `${o.type} ${o.participantId === a ? 'A' : 'B'}`),
    ).toEqual(['link A', 'unlink B', 'unlink A']); // never sent: coalesced in place
    await client.sessions.link('default', { appId: APP, participantId: b! }).catch(() => undefined);
    env.emu.clearFaults();
    expect(await client.flush()).toMatchObject({ delivered: 3, pending: 0 });
    expect(linksAt(session.session_id)).toEqual([b]);
  });

  it('is bounded: past outboxLimit the oldest after the head is dropped and reported', async () => {
    const ids = await participants(3);
    const { client, events } = platform({ outboxLimit: 2 });
    await client.sessions.ensure();
    env.emu.injectFaults('*', [{ drop: 'before' }], { repeat: true });
    for (const p of ids)
      await client.sessions
        .link('default', { appId: APP, participantId: p })
        .catch(() => undefined);
    // The head is kept (an app instance may be sending it); the next oldest makes room.
    expect((await client.pending()).map((o) => o.participantId)).toEqual([ids[0], ids[2]]);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'outboxDropped', reason: 'overflow', participantId: ids[1] }),
    );
  });

  it('flushes on the browser online event and after ensure()', async () => {
    const [a, b] = await participants(2);
    const { client } = platform({ autoFlush: true });
    const session = await client.sessions.ensure();
    env.emu.injectFaults('*', [{ drop: 'before' }], { repeat: true });
    await client.sessions.link('default', { appId: APP, participantId: a! }).catch(() => undefined);
    env.emu.clearFaults();
    window.dispatchEvent(new Event('online'));
    await vi.waitFor(() => expect(linksAt(session.session_id)).toEqual([a]));
    env.emu.injectFaults('*', [{ drop: 'before' }], { repeat: true });
    await client.sessions.link('default', { appId: APP, participantId: b! }).catch(() => undefined);
    env.emu.clearFaults();
    await client.sessions.ensure();
    await vi.waitFor(() => expect(linksAt(session.session_id)).toEqual([a, b]));
  });
});

describe('self-healing when the service lost the Session', () => {
  it('on link: a new Session, known links restored, the call completed, sessionReplaced reported', async () => {
    const [a, b] = await participants(2);
    const { client, events } = platform();
    await client.sessions.link('default', { appId: APP, participantId: a! });
    const old = await client.sessions.ensure();
    await env.loseSession(old.session_id);
    const link = await client.sessions.link('default', { appId: APP, participantId: b! });
    const fresh = await client.sessions.ensure();
    expect(fresh.session_id).not.toBe(old.session_id);
    expect(link.session_id).toBe(fresh.session_id);
    expect(linksAt(fresh.session_id).sort()).toEqual([a, b].sort());
    expect((await client.sessions.linked('default')).map((l) => l.session_id)).toEqual([
      fresh.session_id,
      fresh.session_id,
    ]);
    expect(events).toContainEqual({
      type: 'sessionReplaced',
      profileId: 'default',
      previousSessionId: old.session_id,
      sessionId: fresh.session_id,
    });
  });

  it('a replacement Session that cannot be created yet loses no known link', async () => {
    const [a, b] = await participants(2);
    const { client } = platform();
    await client.sessions.link('default', { appId: APP, participantId: a! });
    const old = await client.sessions.ensure();
    await env.loseSession(old.session_id);
    // Offline, then a refused POST: the link was not refused, so it stays queued.
    env.emu.injectFaults('POST /v1/sessions', [{ drop: 'before' }, { drop: 'before' }]);
    await expect(
      client.sessions.link('default', { appId: APP, participantId: b! }),
    ).rejects.toMatchObject({ queued: true });
    env.emu.injectFaults('POST /v1/sessions', [{ status: 400 }]);
    await expect(client.flush()).resolves.toMatchObject({ pending: 2 });
    env.emu.clearFaults();
    expect(await client.flush()).toMatchObject({ pending: 0 });
    const fresh = await client.sessions.ensure();
    expect(fresh.session_id).not.toBe(old.session_id);
    expect(linksAt(fresh.session_id).sort()).toEqual([a, b].sort());
    expect((await client.sessions.linked('default')).map((l) => l.participant_id).sort()).toEqual(
      [a, b].sort(),
    );
  });

  it('an app instance holding a Session another one replaced unlinks from the replacement', async () => {
    const [a] = await participants(1);
    const first = platform().client;
    await first.sessions.link('default', { appId: APP, participantId: a! });
    const old = await first.sessions.ensure();
    const second = platform().client; // another app instance over the same storage
    expect((await second.sessions.ensure()).session_id).toBe(old.session_id);
    await env.loseSession(old.session_id);
    await collect(first.sessions.participants('default')); // replaces it, re-links a
    const fresh = await first.sessions.ensure();
    expect(linksAt(fresh.session_id)).toEqual([a]);
    // The service answers 204 to a DELETE on the lost Session: only the replacement counts.
    await second.sessions.unlink('default', a!);
    expect(linksAt(fresh.session_id)).toEqual([]);
    expect((await second.sessions.ensure()).session_id).toBe(fresh.session_id);
    expect(Object.values(env.emu.state().sessions).filter((s) => !s.removed)).toHaveLength(1);
  });

  it('a queued link the service refuses after the loss leaves the restored link in place', async () => {
    const [a] = await participants(1);
    const { client, events } = platform();
    await client.sessions.link('default', { appId: APP, participantId: a! });
    const old = await client.sessions.ensure();
    await env.loseSession(old.session_id);
    // The new link of a meets the 404 (lost Session), the re-link of a is made, then the
    // service refuses the new link itself.
    env.emu.injectFaults(LINK, [{}, {}, { status: 400 }]);
    await expect(
      client.sessions.link('default', { appId: APP, participantId: a! }),
    ).rejects.toMatchObject({ status: 400 });
    const fresh = await client.sessions.ensure();
    expect(fresh.session_id).not.toBe(old.session_id);
    expect(linksAt(fresh.session_id)).toEqual([a]);
    expect((await client.sessions.linked('default')).map((l) => l.participant_id)).toEqual([a]);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'outboxDelivered', participantId: a, relink: true }),
    );
  });

  it('on a list: replaced, links restored, and the list read from the new Session', async () => {
    const [a] = await participants(1);
    const { client } = platform();
    await client.sessions.link('default', { appId: APP, participantId: a! });
    const old = await client.sessions.ensure();
    await env.loseSession(old.session_id);
    const linked = await collect(client.sessions.participants('default'));
    expect(linked.map((l) => l.participant_id)).toEqual([a]);
    expect((await client.sessions.ensure()).session_id).not.toBe(old.session_id);
  });

  it('one lost Session is replaced once, however many lists and app instances meet it', async () => {
    const [a] = await participants(1);
    const first = platform().client;
    await first.sessions.link('default', { appId: APP, participantId: a! });
    const old = await first.sessions.ensure();
    const second = platform().client; // another app instance over the same storage
    await second.sessions.ensure();
    await env.loseSession(old.session_id);
    env.emu.injectFaults('POST /v1/sessions', [{ delayMs: 100 }]);
    const lists = await Promise.all(
      [first, first, second, second].map((c) => collect(c.sessions.participants('default'))),
    );
    const live = Object.values(env.emu.state().sessions).filter((s) => !s.removed);
    expect(live).toHaveLength(1);
    for (const list of lists) expect(list.map((l) => l.participant_id)).toEqual([a]);
    for (const c of [first, second]) {
      expect((await c.sessions.ensure()).session_id).toBe(live[0]!.session_id);
    }
  });

  it('a Session replaced in a run on the localStorage fallback stays the Session once IndexedDB is back', async () => {
    const { a, b, session: old, indexedDBBack } = await linkThenLoseIndexedDb();
    await env.loseSession(old.session_id);
    const second = platform().client;
    await second.sessions.link('default', { appId: APP, participantId: b }); // replaces it
    const fresh = await second.sessions.ensure();
    expect(fresh.session_id).not.toBe(old.session_id);
    indexedDBBack();
    const third = platform().client;
    expect((await third.sessions.ensure()).session_id).toBe(fresh.session_id);
    await third.flush();
    await new Promise((r) => setTimeout(r, 400)); // past the repair of IndexedDB from the mirror
    localStorage.clear(); // then an app update wipes localStorage (LG)
    const fourth = platform().client;
    expect((await fourth.sessions.ensure()).session_id).toBe(fresh.session_id);
    expect(linksAt(fresh.session_id).sort()).toEqual([a, b].sort());
    expect(Object.values(env.emu.state().sessions).filter((x) => !x.removed)).toHaveLength(1);
  });

  it('a 404 for an unknown participant is not a lost Session: rejected, Session kept', async () => {
    const { client } = platform();
    const session = await client.sessions.ensure();
    await expect(
      client.sessions.link('default', { appId: APP, participantId: 'no-such' }),
    ).rejects.toMatchObject({
      status: 404,
    });
    expect((await client.sessions.ensure()).session_id).toBe(session.session_id);
  });
});
