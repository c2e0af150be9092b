// An on-demand chunk that fails to load (a hosted TV app fetching it over a flaky Wi-Fi) is
// fetched again by the next call: the failure is not remembered for the life of the page.
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeApi } from '../helpers/fake-api';

// A username of its own per test: a timer a client of an earlier test left (the durable
// record's check, 200 ms after a start) then writes to records this test never reads.
let run = 0;
const creds = () => ({ username: `platform_demo-${++run}`, password: 'test_sk_never_stored' });

beforeEach(() => {
  vi.stubGlobal('indexedDB', new IDBFactory());
  localStorage.clear();
  vi.resetModules();
});
afterEach(() => {
  vi.doUnmock('../../src/resources/identity-write.ts');
  vi.doUnmock('../../src/coordination/lock.ts');
  vi.doUnmock('../../src/transport/http.ts');
  vi.doUnmock('../../src/engine.ts');
  vi.doUnmock('../../src/storage/backend.ts');
});

/** Mocks `path` so that its first import fails, as a chunk fetch that dropped. */
function failOnce(path: string): { failures: () => number } {
  let failures = 0;
  vi.doMock(path, async (original: () => Promise<unknown>) => {
    if (failures === 0) {
      failures++;
      throw new TypeError('Failed to fetch dynamically imported module');
    }
    return original();
  });
  return { failures: () => failures };
}

/**
 * A client that loads chunks only for the calls a test makes: no delivery at creation and no
 * reconcile after an ensure(), so no work left by a test loads a chunk while the next one
 * mocks it.
 */
async function client() {
  const { createPaketClient } = await import('../../src/index');
  const api = fakeApi();
  return {
    api,
    client: createPaketClient({
      credentials: creds(),
      fetch: api.fetch,
      retry: { limit: 0 },
      autoFlush: false,
      reconcileEveryMs: 0,
    }),
  };
}

describe('on-demand chunks', () => {
  it('the write side failing to load once: that ensure() rejects, the next loads it and creates one Session', async () => {
    const mock = failOnce('../../src/resources/identity-write.ts');
    const { api, client: c } = await client();
    const { PaketNetworkError } = await import('../../src/index');
    const error: unknown = await c.sessions.ensure().catch((e: unknown) => e);
    // Typed, with the browser's error as its cause.
    expect(error).toBeInstanceOf(PaketNetworkError);
    expect((error as { cause?: unknown }).cause).toBeInstanceOf(Error);
    expect(mock.failures()).toBe(1);
    const session = await c.sessions.ensure();
    expect(session.session_id).toBe('session-1');
    expect(await c.sessions.ensure()).toEqual(session);
    expect(api.posts).toHaveLength(1);
  });

  it.each([
    ['the locks', '../../src/coordination/lock.ts'],
    ['the HTTP code', '../../src/transport/http.ts'],
  ])(
    '%s failing to load while a first start preloads them: the create loads them again and succeeds',
    async (_name, path) => {
      const mock = failOnce(path);
      const { api, client: c } = await client();
      const session = await c.sessions.ensure();
      expect(mock.failures()).toBe(1);
      expect(session.session_id).toBe('session-1');
      expect(api.posts).toHaveLength(1);
    },
  );

  it('the storage backends failing to load once: that get() is a PaketStorageError, the next loads them', async () => {
    const mock = failOnce('../../src/storage/backend.ts');
    const { client: c } = await client(); // the get() is its first storage call
    const { PaketStorageError } = await import('../../src/index');
    const error: unknown = await c.sessions.get().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaketStorageError);
    expect(error).toMatchObject({ operation: 'open' });
    expect(mock.failures()).toBe(1);
    expect(c.storageKind).toBe('unknown');
    await expect(c.sessions.get()).resolves.toBeUndefined();
    expect(c.storageKind).toBe('indexeddb');
  });

  it('the storage backends failing to load while a first start preloads them: the create loads them again and makes one Session', async () => {
    const mock = failOnce('../../src/storage/backend.ts');
    const { api, client: c } = await client();
    const session = await c.sessions.ensure();
    expect(mock.failures()).toBe(1);
    expect(session.session_id).toBe('session-1');
    expect(c.storageKind).toBe('indexeddb');
    expect(api.posts).toHaveLength(1);
  });

  it('the outbox failing to load once: that call rejects, the next loads it', async () => {
    const { client: c } = await client();
    await c.sessions.ensure();
    const mock = failOnce('../../src/engine.ts');
    const { PaketNetworkError } = await import('../../src/index');
    await expect(c.pending()).rejects.toBeInstanceOf(PaketNetworkError);
    expect(mock.failures()).toBe(1);
    await expect(c.pending()).resolves.toEqual([]);
  });
});
