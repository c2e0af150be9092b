// ensure() against the emulator: the number of POST /v1/sessions the emulator logs in each
// scenario, and the number of Sessions it holds. (Unit tests cover storage faults; the
// browser suite covers real IndexedDB across reloads and restarts.)
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { PaketNetworkError } from '../../src/index';
import { PUBLISHER, useEmulator } from '../helpers/emulator';

const env = useEmulator({ requireSignatures: true });
const posts = () => env.emu.count('POST', '/v1/sessions');
const sessions = () => Object.keys(env.emu.state().sessions);

beforeEach(() => {
  vi.stubGlobal('indexedDB', new IDBFactory());
  localStorage.clear();
});

describe('one Session per profile, counted at the emulator', () => {
  it('25 concurrent callers, then a restart: 1 POST, 1 Session', async () => {
    const client = env.client();
    const all = await Promise.all(Array.from({ length: 25 }, () => client.sessions.ensure()));
    expect(new Set(all.map((s) => s.session_id)).size).toBe(1);
    const again = await env.client().sessions.ensure();
    expect(again.session_id).toBe(all[0]!.session_id);
    expect(posts()).toBe(1);
    expect(sessions()).toHaveLength(1);
  });

  it('two app instances sharing storage race: 1 POST, 1 Session', async () => {
    env.emu.injectFaults('POST /v1/sessions', [{ delayMs: 300 }]);
    const [a, b] = await Promise.all([
      env.client().sessions.ensure('living-room'),
      env.client().sessions.ensure('living-room'),
    ]);
    expect(a.session_id).toBe(b.session_id);
    expect(posts()).toBe(1);
    expect(sessions()).toHaveLength(1);
  });

  it('three profiles: 3 POSTs, 3 Sessions, each kept', async () => {
    const client = env.client();
    const ids = await Promise.all(['a', 'b', 'c'].map((p) => client.sessions.ensure(p)));
    const restarted = env.client();
    for (const [i, p] of ['a', 'b', 'c'].entries()) {
      expect((await restarted.sessions.ensure(p)).session_id).toBe(ids[i]!.session_id);
    }
    expect(posts()).toBe(3);
    expect(sessions()).toHaveLength(3);
  });

  it('a flaky network (503, dropped before commit, 429): 1 Session', async () => {
    env.emu.injectFaults('POST /v1/sessions', [
      { status: 503 },
      { drop: 'before' },
      { status: 429, retryAfter: 0 },
    ]);
    await env.client({ retry: { limit: 4, backoffLimitMs: 10 } }).sessions.ensure();
    expect(posts()).toBe(4);
    expect(sessions()).toHaveLength(1);
  });

  it('the app dies after the server committed but before it read the answer: the restart resumes with the stored key, 1 Session', async () => {
    env.emu.injectFaults('POST /v1/sessions', [{ drop: 'after' }]);
    const error = await env
      .client({ retry: { limit: 0 } })
      .sessions.ensure()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaketNetworkError);
    expect(sessions()).toHaveLength(1); // the service made it; the app never saw it
    const session = await env.client().sessions.ensure();
    expect(sessions()).toEqual([session.session_id]);
    const log = env.emu.log.filter((e) => e.route === 'POST /v1/sessions');
    expect(log.map((e) => e.status)).toEqual(['dropped', 200]);
    expect(log[1]!.replayed).toBe(true);
    expect(log[0]!.idempotencyKey).toBe(log[1]!.idempotencyKey);
  });

  it('the publisher side: one Participant per profile', async () => {
    const a = await env.client({ credentials: PUBLISHER }).participants.ensure();
    const b = await env.client({ credentials: PUBLISHER }).participants.ensure();
    expect(a).toEqual(b);
    expect(env.emu.count('POST', '/v1/participants')).toBe(1);
    expect(Object.keys(env.emu.state().participants)).toHaveLength(1);
  });
});
