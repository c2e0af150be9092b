// What the outbox writes to storage: once per delivered operation (the next one's "sent"
// mark rides on the previous one's bookkeeping), nothing for a retry that changes nothing,
// and a damaged record is still repaired by the first transaction that reads it.
import { describe, expect, it } from 'vitest';
import { PaketNetworkError, type PaketClientOptions } from '../../src/index';
import { PUBLISHER, useEmulator } from '../helpers/emulator';
import { memoryStorage } from '../helpers/memory-storage';

const env = useEmulator();
const APP = 'fe4a9ed381e8e376';
const offline = (() => Promise.reject(new TypeError('Failed to fetch'))) as typeof fetch;

/** A storage adapter that counts the writes of the outbox record. */
function counted() {
  const m = memoryStorage();
  let writes = 0;
  const outbox = (k: string): boolean => k.endsWith(':links');
  const storage = {
    ...m.storage,
    set: async (k: string, v: unknown) => {
      if (outbox(k)) writes++;
      // Stored as a copy: a later in-place change of the caller's object is not a write.
      m.memory.set(k, structuredClone(v));
    },
    get: async (k: string) => structuredClone(m.memory.get(k)),
  };
  return { ...m, storage, writes: () => writes };
}

async function participants(n: number): Promise<string[]> {
  const publisher = env.client({ credentials: PUBLISHER });
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await publisher.participants.create()).participant_id);
  return ids;
}

function platform(
  storage: PaketClientOptions['storage'],
  options: Partial<PaketClientOptions> = {},
) {
  return env.client({
    autoFlush: false,
    retry: { limit: 0 },
    ...(storage ? { storage } : {}),
    ...options,
  });
}

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
