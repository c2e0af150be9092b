// What the outbox writes to storage: once per delivered operation (the next one's "sent"
// mark rides on the previous one's bookkeeping), nothing for a retry that changes nothing,
// and a damaged record is still repaired by the first transaction that reads it.
import { describe, expect, it } from 'vitest';
import { PaketNetworkError } from '../../src/index';
import { APP, useEmulator } from '../helpers/emulator';
import { memoryStorage } from '../helpers/memory-storage';

const env = useEmulator();
const offline = (() => Promise.reject(new TypeError('Failed to fetch'))) as typeof fetch;

/** A storage adapter that counts the writes of the outbox record (and can fail them). */
function counted() {
  const m = memoryStorage();
  let writes = 0;
  let failAfter = Infinity;
  const outbox = (k: string): boolean => k.endsWith(':links');
  const storage = {
    ...m.storage,
    set: async (k: string, v: unknown) => {
      if (outbox(k) && writes >= failAfter) throw new Error('QuotaExceededError');
      if (outbox(k)) writes++;
      // Stored as a copy: a later in-place change of the caller's object is not a write.
      m.memory.set(k, structuredClone(v));
    },
    get: async (k: string) => structuredClone(m.memory.get(k)),
  };
  return {
    ...m,
    storage,
    writes: () => writes,
    /** Refuses every outbox write past the `n`th (`Infinity`: none). */
    failAfter: (n: number) => void (failAfter = n),
  };
}

const participants = (n: number): Promise<string[]> => env.participants(n);
const platform = env.outboxClient.bind(env);

describe('outbox writes', () => {
  it('a flush of n queued links writes the record n times, and delivers every one', async () => {
    const store = counted();
    const ids = await participants(12);
    await platform(store.storage).sessions.ensure('p');
    const away = platform(store.storage, { fetch: offline });
    for (const id of ids) {
      await expect(
        away.sessions.link('p', { appId: APP, participantId: id }),
      ).rejects.toMatchObject({ queued: true });
    }
    away.close();
    expect(store.queued()).toHaveLength(12);

    const before = store.writes();
    const back = platform(store.storage);
    const result = await back.flush();
    expect(result).toMatchObject({ delivered: 12, pending: 0 });
    expect(store.writes() - before).toBe(12);
    const session = await back.sessions.ensure('p');
    expect(
      env.emu
        .state()
        .links[session.session_id]?.map((l) => l.participant_id)
        .sort(),
    ).toEqual([...ids].sort());
  });

  /** `n` links queued while offline, on a Session made online; returns the participants. */
  async function queuedOffline(store: ReturnType<typeof counted>, n: number): Promise<string[]> {
    const ids = await participants(n);
    await platform(store.storage).sessions.ensure('p');
    const away = platform(store.storage, { fetch: offline });
    for (const id of ids) {
      await away.sessions.link('p', { appId: APP, participantId: id }).catch(() => undefined);
    }
    away.close();
    expect(store.queued()).toHaveLength(n);
    return ids;
  }

  const linkedAtService = (sessionId: string): string[] =>
    (env.emu.state().links[sessionId] ?? []).map((l) => l.participant_id).sort();

  type Stored = { ops: { participantId: string; sent?: true }[] };
  const stored = (store: ReturnType<typeof counted>): Stored =>
    [...store.memory].find(([k]) => k.endsWith(':links'))?.[1] as Stored;

  it('a flush of a long queue writes the record once per operation, and reads see each delivered link at once', async () => {
    const store = counted();
    const ids = await queuedOffline(store, 160);
    const before = store.writes();
    const back = platform(store.storage);
    const session = await back.sessions.ensure('p');
    const flushing = back.flush();
    // While it runs: what the service holds, the client shows (one may be in flight).
    let reads = 0;
    let running = true;
    void flushing.finally(() => (running = false));
    while (running) {
      const served = linkedAtService(session.session_id).length;
      const shown = (await back.sessions.linked('p')).length;
      expect(shown).toBeGreaterThanOrEqual(served - 1);
      reads++;
      await new Promise((r) => setTimeout(r, 5));
    }
    await expect(flushing).resolves.toMatchObject({ delivered: 160, pending: 0 });
    expect(reads).toBeGreaterThan(3);
    // Each operation's bookkeeping is written before the next one is sent (no other
    // transaction can see a delivered operation without it; see long-queue.test.ts).
    expect(store.writes() - before).toBe(160);
    expect(linkedAtService(session.session_id)).toEqual([...ids].sort());
    await expect(back.sessions.linked('p')).resolves.toHaveLength(160);
    expect(store.queued()).toEqual([]);
  });

  it('a long flush cut by a connection dropped after the server committed: the rest stays queued, unmarked, and is delivered once', async () => {
    const store = counted();
    const ids = await queuedOffline(store, 96);
    const back = platform(store.storage);
    const session = await back.sessions.ensure('p');
    env.emu.injectFaults('*', [...Array.from({ length: 40 }, () => ({})), { drop: 'after' }]);
    const cut = await back.flush();
    expect(cut).toMatchObject({ delivered: 40, pending: 56 });
    expect(cut.error).toBeInstanceOf(PaketNetworkError);
    // The 41st is at the service; it and the 55 behind it are queued, and only it (whose
    // request left) is marked sent: the others can still be replaced by a newer write.
    expect(linkedAtService(session.session_id)).toHaveLength(41);
    const record = stored(store);
    expect(record.ops).toHaveLength(56);
    expect(record.ops.filter((o) => o.sent).map((o) => o.participantId)).toEqual([ids[40]]);
    await expect(back.flush()).resolves.toMatchObject({ delivered: 56, pending: 0 });
    expect(linkedAtService(session.session_id)).toEqual([...ids].sort());
    await expect(back.sessions.linked('p')).resolves.toHaveLength(96);
  });

  it('an app whose record writes start failing mid-flush loses nothing: the next start delivers the rest once', async () => {
    const store = counted();
    const ids = await queuedOffline(store, 96);
    // Every outbox write after 3 more is refused (the storage is full, the app is killed).
    store.failAfter(store.writes() + 3);
    const dying = platform(store.storage);
    const session = await dying.sessions.ensure('p');
    const result = await dying.flush();
    expect(result.pending).toBeGreaterThan(0);
    expect(result.error).toBeDefined();
    dying.close();
    // Some were delivered whose outcomes were never written: still queued.
    const served = linkedAtService(session.session_id).length;
    expect(served).toBeGreaterThan(96 - stored(store).ops.length);
    store.failAfter(Infinity);
    const next = platform(store.storage);
    await expect(next.flush()).resolves.toMatchObject({ pending: 0 });
    expect(linkedAtService(session.session_id)).toEqual([...ids].sort());
    await expect(next.sessions.linked('p')).resolves.toHaveLength(96);
    expect(
      env.emu.log.filter((e) => e.replayed).length,
      'the re-delivered ones were replays',
    ).toBeGreaterThan(0);
  });

  it('a link() on an empty queue writes the record twice: queued and marked sent, then confirmed', async () => {
    const store = counted();
    const [a, b] = await participants(2);
    const tv = platform(store.storage);
    await tv.sessions.link('p', { appId: APP, participantId: a! });
    await tv.sessions.linked('p'); // a read waits for the bookkeeping the answer did not
    const before = store.writes();
    await expect(tv.sessions.link('p', { appId: APP, participantId: b! })).resolves.toMatchObject({
      participant_id: b,
    });
    await expect(tv.sessions.linked('p')).resolves.toHaveLength(2);
    expect(store.writes() - before).toBe(2);
    expect(store.queued()).toEqual([]);
  });

  it('an offline retry whose head is already marked sent writes nothing', async () => {
    const store = counted();
    const [a] = await participants(1);
    await platform(store.storage).sessions.ensure('p');
    const away = platform(store.storage, { fetch: offline });
    const error = await away.sessions
      .link('p', { appId: APP, participantId: a! })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaketNetworkError);
    const before = store.writes();
    const result = await away.flush();
    expect(result.error).toBeInstanceOf(PaketNetworkError);
    expect(result.pending).toBe(1);
    expect(store.writes()).toBe(before);
    away.close();
  });

  it('a damaged record is repaired by a transaction that would otherwise write nothing', async () => {
    const store = counted();
    const [a] = await participants(1);
    await platform(store.storage).sessions.ensure('p');
    const away = platform(store.storage, { fetch: offline });
    await away.sessions.link('p', { appId: APP, participantId: a! }).catch(() => undefined);
    // One junk entry beside the queued link (a bad write by an old version, a bit flip).
    const key = [...store.memory.keys()].find((k) => k.endsWith(':links'))!;
    const record = store.memory.get(key) as { ops: unknown[] };
    record.ops.push({ junk: true });
    const before = store.writes();
    await away.flush();
    expect(store.writes()).toBe(before + 1);
    expect((store.memory.get(key) as { ops: unknown[] }).ops).toHaveLength(1);
    away.close();
    // And the link is still delivered.
    const back = platform(store.storage);
    await expect(back.flush()).resolves.toMatchObject({ delivered: 1, pending: 0 });
  });
});
