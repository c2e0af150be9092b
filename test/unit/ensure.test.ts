import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createPaketClient,
  PaketNetworkError,
  PaketStorageError,
  type PaketClientOptions,
  type PaketEvent,
  type StorageAdapter,
} from '../../src/index';
import { fakeApi, type FakeApi } from '../helpers/fake-api';
import { storedRecords } from '../helpers/idb';
import { memoryStorage } from '../helpers/memory-storage';

const CREDS = { username: 'platform_demo', password: 'test_sk_never_stored' };
let api: FakeApi;

beforeEach(() => {
  vi.stubGlobal('indexedDB', new IDBFactory());
  localStorage.clear();
  api = fakeApi();
});

/** A client as one page or app instance would make it. */
function page(options: Partial<PaketClientOptions> = {}) {
  const events: PaketEvent[] = [];
  const client = createPaketClient({
    credentials: CREDS,
    fetch: api.fetch,
    retry: { limit: 0 },
    storageTimeoutMs: 300,
    onEvent: (e) => events.push(e),
    ...options,
  });
  return { client, events };
}

describe('sessions.ensure()', () => {
  it('creates once, then returns the stored Session with no request, across restarts', async () => {
    const first = await page().client.sessions.ensure();
    expect(api.posts).toHaveLength(1);
    const restarted = page();
    await expect(restarted.client.sessions.ensure()).resolves.toEqual(first);
    expect(api.posts).toHaveLength(1);
    expect(restarted.client.storageKind).not.toBe('memory');
  });

  it('many concurrent callers in one page make one POST', async () => {
    const { client } = page();
    api.delayMs = 20;
    const all = await Promise.all(Array.from({ length: 25 }, () => client.sessions.ensure()));
    expect(new Set(all.map((s) => s.session_id)).size).toBe(1);
    expect(api.posts).toHaveLength(1);
  });

  it('two pages sharing the database race for one profile: one POST', async () => {
    api.delayMs = 50;
    const a = page().client;
    const b = page().client;
    const [x, y] = await Promise.all([a.sessions.ensure('kid'), b.sessions.ensure('kid')]);
    expect(x.session_id).toBe(y.session_id);
    expect(api.posts).toHaveLength(1);
  });

  it('profiles are separate: one Session each', async () => {
    const { client } = page();
    const [a, b, c] = await Promise.all(['p1', 'p2', 'p3'].map((p) => client.sessions.ensure(p)));
    expect(new Set([a!.session_id, b!.session_id, c!.session_id]).size).toBe(3);
    expect(api.posts).toHaveLength(3);
  });

  it('a failed create keeps its key: the retry after a restart reuses it, so the service replays', async () => {
    api.fail = 'network';
    const crashed = page().client;
    const error = await crashed.sessions.ensure().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaketNetworkError);
    api.fail = undefined;
    const session = await page().client.sessions.ensure();
    expect(api.created.size).toBe(1); // the key from the failed attempt was reused
    expect(api.posts).toHaveLength(2);
    expect(session.session_id).toBe('session-1');
  });

  it('an instance that died mid-request (no heartbeat) is taken over with the same key', async () => {
    // The dead instance left a pending record with its key, and the service created the Session.
    const { client } = page();
    await client.sessions.ensure('warmup'); // opens the store and learns the record key layout
    const key = Object.keys(localStorage).find((k) => k.endsWith(':session:warmup'))!;
    const deadKey = key.replace(':warmup', ':p');
    const staleBeat = Date.now() - 60_000;
    const db = await new Promise<IDBDatabase>((resolve) => {
      const r = indexedDB.open('paket-tv-sdk');
      r.onsuccess = () => resolve(r.result);
    });
    await new Promise((resolve) => {
      const tx = db.transaction('records', 'readwrite');
      tx.objectStore('records').put(
        { v: 1, state: 'pending', key: 'key-of-dead-instance', owner: 'dead', beat: staleBeat },
        deadKey,
      );
      tx.oncomplete = resolve;
    });
    db.close();
    api.created.set('key-of-dead-instance', { session_id: 'made-before-crash' });
    const session = await page().client.sessions.ensure('p');
    expect(session.session_id).toBe('made-before-crash');
  });

  it('waits for a live instance that holds the claim instead of sending a second POST', async () => {
    api.delayMs = 1500; // longer than a heartbeat: the owner must keep the claim alive
    const owner = page().client.sessions.ensure('slow');
    await new Promise((r) => setTimeout(r, 100));
    const waiter = page().client.sessions.ensure('slow');
    const [a, b] = await Promise.all([owner, waiter]);
    expect(a.session_id).toBe(b.session_id);
    expect(api.posts).toHaveLength(1);
  });

  it('get() is local only and forget() makes the next ensure() create a new Session', async () => {
    const { client } = page();
    await expect(client.sessions.get()).resolves.toBeUndefined();
    const first = await client.sessions.ensure();
    await expect(page().client.sessions.get()).resolves.toEqual(first);
    await client.sessions.forget();
    await expect(page().client.sessions.get()).resolves.toBeUndefined();
    const second = await page().client.sessions.ensure();
    expect(second.session_id).not.toBe(first.session_id);
    expect(api.posts).toHaveLength(2);
  });

  it('forget(profile, id) forgets only while the stored Session has that ID, with a new key', async () => {
    const a = page().client;
    const b = page().client; // another page over the same storage
    const first = await a.sessions.ensure();
    await b.sessions.ensure();
    await a.sessions.forget('default', first.session_id);
    const second = await a.sessions.ensure();
    expect(second.session_id).not.toBe(first.session_id);
    // b replaces the same lost Session late: it gets a's replacement, not a third Session.
    await b.sessions.forget('default', first.session_id);
    expect((await b.sessions.ensure()).session_id).toBe(second.session_id);
    expect(api.posts).toHaveLength(2);
    expect(api.created.size).toBe(2); // a new key for the new Session (the old one replays)
  });

  it('refuses bad profile IDs before any request', async () => {
    const { client } = page();
    for (const bad of ['', 'x'.repeat(256), 42 as unknown as string]) {
      await expect(client.sessions.ensure(bad)).rejects.toMatchObject({ name: 'PaketInputError' });
    }
    expect(api.posts).toHaveLength(0);
  });

  it('keeps records of different credentials and base URLs apart', async () => {
    const a = await page().client.sessions.ensure();
    const b = await page({
      credentials: { username: 'other', password: 'x' },
    }).client.sessions.ensure();
    const c = await page({ baseUrl: 'https://staging.example/v1' }).client.sessions.ensure();
    expect(new Set([a.session_id, b.session_id, c.session_id]).size).toBe(3);
  });

  it('keeps the records of a test secret and a live secret of one username apart, across restarts', async () => {
    const as = (password: string) => page({ credentials: { username: 'tv', password } }).client;
    const test = await as('test_sk_one').sessions.ensure();
    const live = await as('sk_live_one').sessions.ensure();
    expect(live.session_id).not.toBe(test.session_id);
    expect((await as('test_sk_one').sessions.ensure()).session_id).toBe(test.session_id);
    expect((await as('sk_live_one').sessions.ensure()).session_id).toBe(live.session_id);
    expect(api.posts).toHaveLength(2);
  });

  it('writes no credential to IndexedDB or localStorage', async () => {
    await page().client.sessions.ensure();
    const stored = (await storedRecords()) + JSON.stringify({ ...localStorage });
    expect(stored).toContain('session-1');
    expect(stored).not.toContain(CREDS.password);
    expect(stored).not.toContain(CREDS.username);
  });
});

describe('participants.ensure() (the publisher side)', () => {
  it('creates one Participant per profile and keeps it', async () => {
    const p = await page().client.participants.ensure('adult');
    await expect(page().client.participants.ensure('adult')).resolves.toEqual(p);
    expect(p.participant_id).toBe('participant-1');
    expect(api.posts).toEqual(['/v1/participants']);
  });
});

describe('warm start and the localStorage mirror', () => {
  it('survives a wiped localStorage (LG app update): read back from IndexedDB, no request', async () => {
    const first = await page().client.sessions.ensure();
    localStorage.clear();
    await expect(page().client.sessions.ensure()).resolves.toEqual(first);
    expect(api.posts).toHaveLength(1);
    expect(Object.keys(localStorage).some((k) => k.endsWith(':session:default'))).toBe(true);
  });

  it('survives a lost IndexedDB: read from the mirror, and IndexedDB is healed', async () => {
    const first = await page().client.sessions.ensure();
    vi.stubGlobal('indexedDB', new IDBFactory());
    await expect(page().client.sessions.ensure()).resolves.toEqual(first);
    await vi.waitFor(async () => expect(await storedRecords()).toContain(first.session_id), {
      timeout: 3000,
    });
    localStorage.clear();
    await expect(page().client.sessions.ensure()).resolves.toEqual(first);
    expect(api.posts).toHaveLength(1);
  });

  it('a stale mirror does not undo a replacement in progress in IndexedDB', async () => {
    const first = await page().client.sessions.ensure();
    const mirrorKey = Object.keys(localStorage).find((k) => k.endsWith(':session:default'))!;
    const stale = localStorage.getItem(mirrorKey)!;
    await page().client.sessions.forget('default', first.session_id);
    localStorage.setItem(mirrorKey, stale); // e.g. written back by a racing page
    await expect(page().client.sessions.ensure()).resolves.toEqual(first); // warm, from it
    await new Promise((r) => setTimeout(r, 400)); // past the repair of IndexedDB
    expect(await storedRecords()).not.toContain(first.session_id);
    localStorage.clear();
    const second = await page().client.sessions.ensure();
    expect(second.session_id).not.toBe(first.session_id);
  });
});

describe('storage faults', () => {
  it('IndexedDB missing: falls back to localStorage, reports it, still one Session', async () => {
    vi.stubGlobal('indexedDB', undefined);
    const { client, events } = page();
    const first = await client.sessions.ensure();
    expect(client.storageKind).toBe('localStorage');
    expect(events).toContainEqual({
      type: 'storage',
      kind: 'localStorage',
      reason: 'IndexedDB is missing',
    });
    await expect(page().client.sessions.ensure()).resolves.toEqual(first);
    expect(api.posts).toHaveLength(1);
  });

  it('IndexedDB throwing on open (private mode): falls back', async () => {
    vi.stubGlobal('indexedDB', {
      open: () => {
        throw new DOMException('internal error opening backing store', 'UnknownError');
      },
    });
    const { client, events } = page();
    await client.sessions.ensure();
    expect(client.storageKind).toBe('localStorage');
    expect(events.find((e) => e.type === 'storage')).toMatchObject({
      reason: 'IndexedDB failed on open (UnknownError)',
    });
  });

  it("the SDK's database taken by other code without its store: falls back, one Session", async () => {
    await new Promise<void>((resolve) => {
      const r = indexedDB.open('paket-tv-sdk', 1); // created with no object store
      r.onsuccess = () => {
        r.result.close();
        resolve();
      };
    });
    const { client, events } = page();
    const first = await client.sessions.ensure();
    expect(client.storageKind).toBe('localStorage');
    expect(events.find((e) => e.type === 'storage')).toMatchObject({
      reason: 'IndexedDB failed on open (NotFoundError)',
    });
    await expect(page().client.sessions.ensure()).resolves.toEqual(first);
    expect(api.posts).toHaveLength(1);
  });

  it.each([
    ['rejects', () => Promise.reject(new DOMException('The request was denied.', 'SecurityError'))],
    [
      'throws',
      () => {
        throw new DOMException('The request was denied.', 'SecurityError');
      },
    ],
  ])(
    'a lock manager that %s (a sandboxed frame): a typed error, nothing sent',
    async (_, request) => {
      vi.stubGlobal('navigator', { ...globalThis.navigator, locks: { request } });
      const error = await page()
        .client.sessions.ensure()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PaketStorageError);
      expect(error).toMatchObject({ operation: 'lock', reason: 'unavailable' });
      expect(api.posts).toHaveLength(0);
    },
  );

  it('IndexedDB open that never settles: a typed timeout within the bound, no fallback, nothing sent', async () => {
    // Falling back to localStorage while IndexedDB may be live for another app instance could
    // make a second Session (issue 18, case 9): a slow open is waited for, each call bounded.
    vi.stubGlobal('indexedDB', { open: () => ({}) }); // a request whose events never fire
    const { client } = page({ storageTimeoutMs: 200 });
    const started = Date.now();
    const error = await client.sessions.ensure().catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error).toBeInstanceOf(PaketStorageError);
    expect(error).toMatchObject({ reason: 'timeout', operation: 'open' });
    expect(client.storageKind).toBe('unknown');
    expect(api.posts).toHaveLength(0);
  });

  it('neither IndexedDB nor localStorage: memory, reported', async () => {
    vi.stubGlobal('indexedDB', undefined);
    vi.stubGlobal('localStorage', undefined);
    const { client } = page();
    await client.sessions.ensure();
    expect(client.storageKind).toBe('memory');
  });

  it('storage full: a typed quota error, reported, and no request sent', async () => {
    const quota = () => Promise.reject(new DOMException('full', 'QuotaExceededError'));
    const full: StorageAdapter = {
      get: () => Promise.resolve(undefined),
      set: quota,
      delete: () => Promise.resolve(),
      update: quota,
    };
    const { client, events } = page({ storage: full });
    const error = await client.sessions.ensure().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaketStorageError);
    expect((error as PaketStorageError).reason).toBe('quota');
    expect(events).toContainEqual({
      type: 'storageError',
      operation: 'write',
      reason: 'quota',
      backend: 'custom',
    });
    expect(api.posts).toHaveLength(0);
  });

  it('a custom adapter that throws synchronously, returns a plain value or rejects with a hostile object: typed errors and answers, no hang', async () => {
    const hostile = {
      get name(): string {
        throw new Error('a getter that throws');
      },
    };
    const odd: StorageAdapter = {
      get: (() => undefined) as unknown as StorageAdapter['get'], // not a promise: an answer
      set: () => {
        throw new Error('thrown, not rejected');
      },
      delete: () => Promise.reject(hostile),
      update: () => Promise.reject(hostile),
    };
    const { client } = page({ storage: odd });
    await expect(client.sessions.get()).resolves.toBeUndefined();
    const error = await client.sessions.ensure().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaketStorageError);
    expect((error as PaketStorageError).reason).toBe('error');
    await expect(client.sessions.forget()).rejects.toBeInstanceOf(PaketStorageError);
  });

  it('reading indexedDB throws (a sandboxed frame): localStorage, reported', async () => {
    Object.defineProperty(globalThis, 'indexedDB', {
      configurable: true,
      get() {
        throw new DOMException('denied', 'SecurityError');
      },
    });
    try {
      const { client, events } = page();
      const session = await client.sessions.ensure();
      expect(client.storageKind).toBe('localStorage');
      expect(events).toContainEqual(
        expect.objectContaining({ type: 'storage', kind: 'localStorage' }),
      );
      await expect(page().client.sessions.ensure()).resolves.toEqual(session);
    } finally {
      Object.defineProperty(globalThis, 'indexedDB', {
        configurable: true,
        writable: true,
        value: new IDBFactory(),
      });
    }
  });

  it('a storage call that hangs: a typed timeout error within the bound', async () => {
    const hanging: StorageAdapter = {
      get: () => new Promise(() => undefined),
      set: () => new Promise(() => undefined),
      delete: () => new Promise(() => undefined),
      update: () => new Promise(() => undefined),
    };
    const { client } = page({ storage: hanging, storageTimeoutMs: 100 });
    const error = await client.sessions.ensure().catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'PaketStorageError', reason: 'timeout' });
    expect(api.posts).toHaveLength(0);
  });

  it.each([
    ['not an object', 'garbage'],
    ['a foreign shape', { session: 'x' }],
    ['a done record without an ID', { v: 1, state: 'done', key: 'k', object: {} }],
    ['a version that is not one', { v: 'x', state: 'done', key: 'k', object: { session_id: 's' } }],
    ['version 0', { v: 0, state: 'done', key: 'k', object: { session_id: 's' } }],
  ])('a corrupted record (%s) is discarded and reported, never thrown', async (_n, junk) => {
    const { memory, storage: adapter } = memoryStorage();
    await page({ storage: adapter }).client.sessions.ensure('warm');
    const key = [...memory.keys()][0]!.replace(':warm', ':default');
    memory.set(key, junk);
    const { client, events } = page({ storage: adapter });
    const session = await client.sessions.ensure();
    expect(session.session_id).toMatch(/^session-/);
    expect(events).toContainEqual({
      type: 'recordDiscarded',
      kind: 'session',
      profileId: 'default',
    });
    expect(client.storageKind).toBe('custom');
  });

  it('a corrupted localStorage mirror is ignored in favour of IndexedDB', async () => {
    const first = await page().client.sessions.ensure();
    const key = Object.keys(localStorage).find((k) => k.endsWith(':session:default'))!;
    localStorage.setItem(key, '{not json');
    await expect(page().client.sessions.ensure()).resolves.toEqual(first);
    expect(api.posts).toHaveLength(1);
  });

  it('refuses a storage option that is not an adapter', () => {
    expect(() => page({ storage: {} as StorageAdapter })).toThrow(/storage/);
  });
});

describe('an identity record written by a newer SDK version (an app rolled back)', () => {
  // An outside review: the newer layout read as corrupt, so it was discarded (in localStorage
  // mode, deleted) and a second Session made: the profile's data split in two.
  const newer = (record: unknown) => ({ ...(record as object), v: 3, layout: 'of a newer SDK' });

  it('localStorage: ensure() fails with PaketStorageError reason "version", no POST, the record kept', async () => {
    vi.stubGlobal('indexedDB', undefined);
    await page().client.sessions.ensure();
    const key = Object.keys(localStorage).find((k) => k.includes(':session:'))!;
    const value = newer(JSON.parse(localStorage.getItem(key)!));
    localStorage.setItem(key, JSON.stringify(value));
    const error = await page()
      .client.sessions.ensure()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaketStorageError);
    expect((error as PaketStorageError).reason).toBe('version');
    expect(api.posts).toHaveLength(1);
    expect(JSON.parse(localStorage.getItem(key)!)).toEqual(value);
  });

  it('a custom adapter: the same, and get() says so too', async () => {
    const { memory, storage } = memoryStorage();
    await page({ storage }).client.sessions.ensure();
    const key = [...memory.keys()].find((k) => k.includes(':session:'))!;
    const value = newer(memory.get(key));
    memory.set(key, value);
    const { client } = page({ storage });
    const error = await client.sessions.ensure().catch((e: unknown) => e);
    expect((error as PaketStorageError).reason).toBe('version');
    await expect(client.sessions.get()).rejects.toBeInstanceOf(PaketStorageError);
    expect(api.posts).toHaveLength(1);
    expect(memory.get(key)).toEqual(value);
  });
});

describe('a newer SDK version writing the record while this one creates', () => {
  // A second outside review: the final store's version error was taken for a failed write,
  // and ensure() answered with a Session stored nowhere (the profile then had two).
  it('ensure() fails with PaketStorageError "version", the newer record stays, and nothing is deleted', async () => {
    const { memory, storage } = memoryStorage();
    const newer = { v: 3, layout: 'newer', session: { session_id: 'session-of-newer-sdk' } };
    let key = '';
    const deletes: string[] = [];
    const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const method = input instanceof Request ? input.method : (init?.method ?? 'GET');
      const url = input instanceof Request ? input.url : String(input);
      if (method === 'DELETE') deletes.push(new URL(url).pathname);
      const res = await api.fetch(input, init);
      if (method === 'POST' && !key) {
        key = [...memory.keys()].find((k) => k.endsWith(':session:kid'))!;
        memory.set(key, newer);
      }
      return res;
    }) as typeof globalThis.fetch;
    const { client, events } = page({ storage, fetch });
    const error = await client.sessions.ensure('kid').catch((e: unknown) => e);
    expect((error as PaketStorageError).reason).toBe('version');
    expect(events.some((e) => e.type === 'created')).toBe(false);
    expect(memory.get(key)).toEqual(newer);
    // The newer version may hold the Session this create made (a resumed claim replays the
    // same one): a third review showed the delete made before could remove a Session in use.
    await new Promise((r) => setTimeout(r, 20));
    expect(deletes).toEqual([]);
  });
});
