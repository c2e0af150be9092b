// A queue delivered while the record or the service changes under it: a Session lost in the
// middle of the queue (and its replacement lost too), the profile removed between two
// deliveries, a refusal followed by a write that fails. Each delivered operation's bookkeeping must be written before the next operation is
// sent: a delivery that kept several unwritten (a batched flush, tried and reverted) let the
// repair re-link an unlink already sent, brought a removed profile's links back, and
// reported one refusal twice. These hold the outbox to that.
import { describe, expect, it } from 'vitest';
import { type PaketEvent } from '../../src/index';
import { APP, useEmulator } from '../helpers/emulator';
import { memoryStorage } from '../helpers/memory-storage';

const env = useEmulator();
const offline = (() => Promise.reject(new TypeError('Failed to fetch'))) as typeof fetch;

/** Storage over a Map that stores copies, as IndexedDB does. */
function cloned() {
  const m = memoryStorage();
  return {
    ...m,
    storage: {
      ...m.storage,
      set: async (k: string, v: unknown) => void m.memory.set(k, structuredClone(v)),
      get: async (k: string) => structuredClone(m.memory.get(k)),
    },
  };
}

const participants = (n: number): Promise<string[]> => env.participants(n);
const platform = env.outboxClient.bind(env);

const linksAt = (sessionId: string): string[] =>
  (env.emu.state().links[sessionId] ?? []).map((l) => l.participant_id).sort();
const quiet = (p: Promise<unknown>): Promise<unknown> => p.catch(() => undefined);

/** Profile `p` linked to `participantId` online; then the same storage's app, offline. */
async function linkedThenOffline(store: ReturnType<typeof cloned>, participantId: string) {
  const online = platform(store.storage);
  await online.sessions.link('p', { appId: APP, participantId });
  const session = await online.sessions.ensure('p');
  online.close();
  return { session, away: platform(store.storage, { fetch: offline }) };
}

describe('a long queue delivered while the record changes', () => {
  it('a Session lost right after an unlink was answered: the repair does not link it again', async () => {
    const store = cloned();
    const [x, y, z0, z1] = (await participants(4)) as [string, string, string, string];
    const { session: old, away } = await linkedThenOffline(store, x);
    // Queued offline: link z0, link z1, unlink x, link y, then 56 hides of another profile
    // (no Session: they send nothing).
    await quiet(away.sessions.link('p', { appId: APP, participantId: z0 }));
    await quiet(away.sessions.link('p', { appId: APP, participantId: z1 }));
    await quiet(away.sessions.unlink('p', x));
    await quiet(away.sessions.link('p', { appId: APP, participantId: y }));
    for (let i = 2; i < 58; i++) {
      await quiet(away.sessions.hide('q', { participantId: 'pub', contentId: `c${i}` }));
    }
    away.close();
    expect(store.queued()).toHaveLength(60);

    // The service loses the Session right after it answered the unlink of x.
    const lossy = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const res = await fetch(input, init);
      if ((init?.method ?? 'GET') === 'DELETE' && String(input).includes(x)) {
        await env.loseSession(old.session_id);
      }
      return res;
    }) as typeof fetch;
    const back = platform(store.storage, { fetch: lossy });
    await expect(back.flush()).resolves.toMatchObject({ pending: 0 });
    const fresh = await back.sessions.ensure('p');
    expect(fresh.session_id).not.toBe(old.session_id);
    // The user's last word for x was unlink: not linked, locally or at the service.
    const shown = (await back.sessions.linked('p')).map((l) => l.participant_id).sort();
    expect(shown).toEqual([y, z0, z1].sort());
    expect(linksAt(fresh.session_id)).toEqual([y, z0, z1].sort());
  });

  it('a Session lost, then its replacement lost too while one link is delivered: replaced again, the link lands', async () => {
    const store = cloned();
    const [x, y] = (await participants(2)) as [string, string];
    const { session: first, away } = await linkedThenOffline(store, x);
    await quiet(away.sessions.link('p', { appId: APP, participantId: y }));
    away.close();
    await env.loseSession(first.session_id);
    // y's link meets the lost Session: the replacement takes the re-link of x, and is lost
    // right after it, before y is sent to it (a second 404 for the same operation).
    let second = '';
    const lossy = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const res = await fetch(input, init);
      const at = /\/upnext\/sessions\/([^/?]+)/.exec(String(input))?.[1];
      if (!second && init?.method === 'PUT' && at && at !== first.session_id && res.ok) {
        second = at;
        await env.loseSession(second);
      }
      return res;
    }) as typeof fetch;
    const back = platform(store.storage, { fetch: lossy });
    await expect(back.flush()).resolves.toMatchObject({ pending: 0 });
    const third = await back.sessions.ensure('p');
    expect(second).not.toBe('');
    expect([first.session_id, second]).not.toContain(third.session_id);
    expect(linksAt(third.session_id)).toEqual([x, y].sort());
    const shown = (await back.sessions.linked('p')).map((l) => l.participant_id).sort();
    expect(shown).toEqual([x, y].sort());
  });

  it('a profile removed between two deliveries: its operations are not delivered, confirmed or reported delivered, and no Session is made for it', async () => {
    const store = cloned();
    const ids = await participants(30);
    const online = platform(store.storage);
    await online.sessions.ensure('p');
    const r = await online.sessions.ensure('r');
    online.close();
    const away = platform(store.storage, { fetch: offline });
    for (const id of ids) {
      await quiet(away.sessions.link('r', { appId: APP, participantId: id }));
      await quiet(away.sessions.link('p', { appId: APP, participantId: id }));
    }
    away.close();
    expect(store.queued()).toHaveLength(60);

    const events: PaketEvent[] = [];
    const hold: { back?: ReturnType<typeof platform> } = {};
    let toR = 0;
    let removal: Promise<unknown> | undefined;
    const hooked = (async (input: RequestInfo | URL, init?: RequestInit) => {
      // Between two deliveries (none of p's in flight), the app removes profile p.
      if (String(input).includes(r.session_id) && init?.method === 'PUT' && ++toR === 2) {
        removal = hold.back?.sessions.remove('p').catch((e: unknown) => e);
        await new Promise((resolve) => setTimeout(resolve, 100)); // its transaction lands
      }
      return fetch(input, init);
    }) as typeof fetch;
    const back = platform(store.storage, { fetch: hooked, onEvent: (e) => events.push(e) });
    hold.back = back;
    await back.flush();
    await removal;
    await back.flush();

    const idOf = (e: PaketEvent): string => (e as { id?: string }).id ?? '';
    const removed = events.filter(
      (e) => e.type === 'outboxDropped' && (e as { reason?: string }).reason === 'removed',
    );
    expect(removed.length).toBeGreaterThan(0);
    const delivered = events.filter((e) => e.type === 'outboxDelivered').map(idOf);
    expect(removed.map(idOf).filter((id) => delivered.includes(id))).toEqual([]);
    await expect(back.sessions.linked('p')).resolves.toEqual([]);
    const live = Object.values(env.emu.state().sessions).filter((s) => !s.removed);
    expect(live.map((s) => s.session_id)).toEqual([r.session_id]);
    expect(linksAt(r.session_id)).toEqual([...ids].sort());
  });

  it('a refused operation is refused and reported once, even when the write after the next one fails', async () => {
    const m = cloned();
    let failing = false;
    const puts = (): number => env.emu.log.filter((e) => e.method === 'PUT').length;
    const storage = {
      ...m.storage,
      set: async (k: string, v: unknown) => {
        if (k.endsWith(':links') && failing && puts() >= 3) throw new Error('QuotaExceededError');
        m.memory.set(k, structuredClone(v));
      },
    };
    const ids = await participants(58);
    const online = platform(storage);
    await online.sessions.ensure('p');
    online.close();
    const away = platform(storage, { fetch: offline });
    const link = (id: string) => quiet(away.sessions.link('p', { appId: APP, participantId: id }));
    await link(ids[0]!);
    await link('nobody'); // unknown to the service: refused (404, the Session is there)
    for (const id of ids.slice(1)) await link(id);
    away.close();
    expect(m.queued()).toHaveLength(59);

    const events: PaketEvent[] = [];
    const back = platform(storage, { onEvent: (e) => events.push(e) });
    env.emu.log.length = 0;
    failing = true;
    const first = await back.flush(); // the write after the second delivered link fails
    expect(first.error).toBeDefined();
    failing = false;
    await expect(back.flush()).resolves.toMatchObject({ pending: 0 });
    expect(events.filter((e) => e.type === 'outboxDropped')).toHaveLength(1);
    expect(env.emu.log.filter((e) => e.method === 'PUT' && e.status === 404)).toHaveLength(1);
  });
});
