// The queue a run on the localStorage fallback left is merged into IndexedDB's before the next
// run on IndexedDB queues anything: until it is merged (its code failed to download, storage
// failed), the outbox refuses, typed, and tries again at the next call, so an older queue can
// never overtake what the user did since.
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { APP, LINK, useEmulator } from '../helpers/emulator';

const env = useEmulator();

beforeEach(() => {
  vi.stubGlobal('indexedDB', new IDBFactory());
  localStorage.clear();
});
afterEach(() => vi.doUnmock('../../src/resources/repair.ts'));

const platform = () =>
  env.client({ autoFlush: false, retry: { limit: 1, backoffLimitMs: 5 }, reconcileEveryMs: 0 });
const linksAt = (s: string) => (env.emu.state().links[s] ?? []).map((l) => l.participant_id);
const strays = () => Object.keys(localStorage).filter((k) => k.endsWith(':links'));

it('the merge failing once (its code did not load): that call is a PaketError and queues nothing; the next merges first, and the user’s later unlink stands', async () => {
  const [a, b] = await env.participants(2);
  // Run 1, IndexedDB: link A.
  const r1 = platform();
  await r1.sessions.link('default', { appId: APP, participantId: a! });
  const session = await r1.sessions.ensure();
  // Run 2, the localStorage fallback: link B, its request dropped (queued there, sent).
  const idb = globalThis.indexedDB;
  vi.stubGlobal('indexedDB', undefined);
  const r2 = platform();
  env.emu.injectFaults(LINK, [{ drop: 'before' }], { repeat: true });
  await expect(
    r2.sessions.link('default', { appId: APP, participantId: b! }),
  ).rejects.toMatchObject({ queued: true });
  env.emu.clearFaults();
  expect(r2.storageKind).toBe('localStorage');
  r2.close();
  // Run 3, IndexedDB back; the merge's code fails to download once (a flaky Wi-Fi).
  vi.stubGlobal('indexedDB', idb);
  vi.resetModules();
  let failures = 0;
  vi.doMock('../../src/resources/repair.ts', async (original: () => Promise<unknown>) => {
    if (failures++ === 0) throw new TypeError('Failed to fetch dynamically imported module');
    return original();
  });
  const r3 = platform();
  const error: unknown = await r3.sessions
    .link('default', { appId: APP, participantId: b! })
    .catch((e: unknown) => e);
  // (A PaketError of the modules loaded anew: its name, not instanceof.)
  expect(error).toMatchObject({ name: 'PaketError' });
  expect(String(error)).toMatch(/could not be merged yet/);
  expect(failures).toBe(1);
  expect(strays()).toHaveLength(1);
  // The user tries again, then changes their mind: the old queue goes first.
  await r3.sessions.link('default', { appId: APP, participantId: b! });
  await r3.sessions.unlink('default', b!);
  expect(strays()).toEqual([]);
  expect(await r3.flush()).toMatchObject({ pending: 0 });
  expect(linksAt(session.session_id)).toEqual([a]);
  // And the next run finds nothing left to replay.
  const r4 = platform();
  expect(await r4.flush()).toMatchObject({ delivered: 0, pending: 0 });
  expect(linksAt(session.session_id)).toEqual([a]);
  expect((await r4.sessions.linked('default')).map((l) => l.participant_id)).toEqual([a]);
});
