// The publisher half against the emulator over loopback, in both dialects: putItem,
// removeItem, items, leaveSessions (P1–P4) and the platform's hide, unhide and one app's list
// (S6, S4). Every write is stored before it is sent: the fault matrix ends each item as the
// last write asked for, with the requests counted.
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  PaketHttpError,
  PaketInputError,
  PaketNetworkError,
  type Dialect,
  type PaketEvent,
  type PaketItemInput,
} from '../../src/index';
import {
  PLATFORM,
  PLATFORM_2025,
  PUBLISHER,
  PUBLISHER_2025,
  useEmulator,
} from '../helpers/emulator';

const env = useEmulator({ requireSignatures: true });

beforeEach(() => {
  vi.stubGlobal('indexedDB', new IDBFactory());
  localStorage.clear();
});

const movie = (id: string, position = 600): PaketItemInput => ({
  content_id: id,
  media_type: 'movie',
  action: 'up_next_continue',
  title: `Movie ${id}`,
  description: 'A film.',
  poster_art_uri: 'https://example.invalid/p.png',
  poster_art_aspect_ratio: 'aspect_ratio_2_3',
  duration: 5400,
  position,
});

const DIALECTS = [
  {
    dialect: 'participants' as Dialect,
    platform: PLATFORM,
    publisher: PUBLISHER,
    idField: 'participant_id' as const,
    put: 'PUT /v1/upnext/participants/:participant_id',
    del: 'DELETE /v1/upnext/participants/:participant_id/:content_id',
    create: 'POST /v1/participants',
  },
  {
    dialect: 'contexts' as Dialect,
    platform: PLATFORM_2025,
    publisher: PUBLISHER_2025,
    idField: 'context_id' as const,
    put: 'PUT /v1/contexts/upnext/:context_id',
    del: 'DELETE /v1/contexts/upnext/:context_id/:content_id',
    create: 'POST /v1/contexts',
  },
];

describe.each(DIALECTS)('$dialect', (d) => {
  const publisher = (events: PaketEvent[] = [], extra = {}) =>
    env.client({
      credentials: d.publisher,
      dialect: d.dialect,
      autoFlush: false,
      retry: { limit: 0, backoffLimitMs: 5 },
      onEvent: (e) => events.push(e),
      ...extra,
    });
  const platform = () =>
    env.client({ credentials: d.platform, dialect: d.dialect, autoFlush: false });
  const idOf = (p: object): string => (p as Record<string, string>)[d.idField] as string;
  const copies = (pid: string, cid: string) =>
    (env.emu.state().items[pid] ?? []).filter((i) => i.content_id === cid).length;
  const item = (pid: string, cid: string) =>
    (env.emu.state().items[pid] ?? []).find((i) => i.content_id === cid);
  /** Requests the service answered (a connection dropped before it was applied is not one). */
  const count = (route: string): number =>
    env.emu.log.filter((e) => e.route === route && e.status !== 'dropped').length;
  const offline = (): void => env.emu.injectFaults('*', [{ drop: 'before' }], { repeat: true });

  it('putItem creates the Participant once and writes the item; items() reads it back', async () => {
    const app = publisher();
    await app.participants.putItem('p1', movie('m1', 60));
    await app.participants.putItem('p1', movie('m1', 120));
    const me = await app.participants.get('p1');
    expect(me).toBeDefined();
    expect(count(d.create)).toBe(1);
    expect(item(idOf(me!), 'm1')).toMatchObject({ position: 120, action: 'up_next_continue' });
    const mine = [];
    for await (const i of app.participants.items('p1')) mine.push(i.content_id);
    expect(mine).toContain('m1');
  });

  it('a remove and then a put, called together (the tracker finishing an episode), reach the service in that order', async () => {
    const app = publisher();
    await app.participants.putItem('p1', movie('done', 60));
    const me = idOf((await app.participants.get('p1'))!);
    const writes = (): string[] =>
      env.emu.log
        .filter((e) => (e.route === d.put || e.route === d.del) && e.status !== 'dropped')
        .map((e) => e.route);
    const before = writes().length;
    await Promise.all([
      app.participants.removeItem('p1', 'done'),
      app.participants.putItem('p1', movie('next', 0)),
    ]);
    // Never both on the service at once: the finished title goes before the next one arrives.
    expect(writes().slice(before)).toEqual([d.del, d.put]);
    expect(item(me, 'done')).toBeUndefined();
    expect(item(me, 'next')).toBeDefined();
  });

  it('a bad item is a PaketInputError naming the field: nothing stored, nothing sent', async () => {
    const app = publisher();
    const bad: [Record<string, unknown>, string][] = [
      [{ ...movie('m'), position: 9999 }, 'item.position'],
      [{ ...movie('m'), position: undefined }, 'item.position'],
      [{ ...movie('m'), media_type: 'tv_episode' }, 'item.season'],
      [{ ...movie('m'), action: 'up_next_later' }, 'item.action'],
      [{ ...movie('m'), duration: -1 }, 'item.duration'],
      [{ ...movie('m'), duration: 1.5 }, 'item.duration'],
      [{ ...movie('m'), title: '' }, 'item.title'],
      [{ ...movie('m'), content_id: 'a/b' }, 'item.content_id'],
      [{ ...movie('m'), colour: 'red' }, 'item.colour'],
      [{ ...movie('m'), hidden: 'no' }, 'item.hidden'],
    ];
    for (const [value, field] of bad) {
      const error = await app.participants
        .putItem('p1', value as unknown as PaketItemInput)
        .catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(PaketInputError);
      expect((error as PaketInputError).parameter).toBe(field);
    }
    expect(await app.pending()).toEqual([]);
    expect(env.emu.log.length).toBe(0);
  });

  it.each([
    ['a 503', [{ status: 503 }]],
    ['a 429 with Retry-After', [{ status: 429, retryAfter: 0 }]],
    ['a timeout', [{ delayMs: 600 }]],
    ['a connection dropped before the server commits', [{ drop: 'before' as const }]],
    ['a connection dropped after the server commits', [{ drop: 'after' as const }]],
    ['malformed JSON', [{ malformed: true }]],
  ])('a put under %s stays queued, then ends as asked', async (_name, faults) => {
    const events: PaketEvent[] = [];
    const app = publisher(events, { timeoutMs: 300 });
    const me = await app.participants.ensure('p1');
    env.emu.injectFaults(d.put, faults);
    const error = await app.participants.putItem('p1', movie('m1', 300)).catch((e: unknown) => e);
    if (error !== undefined) {
      expect(error).toBeInstanceOf(PaketNetworkError);
      expect((error as PaketNetworkError).queued).toBe(true);
      expect((await app.pending()).map((o) => o.type)).toEqual(['putItem']);
    }
    // (A timed-out PUT may still hold its key at the service: 409 until it finishes.)
    let result = await app.flush();
    for (let n = 0; result.pending && n < 20; n++) {
      await new Promise((r) => setTimeout(r, 100));
      result = await app.flush();
    }
    expect(result.pending).toBe(0);
    expect(item(idOf(me), 'm1')).toMatchObject({ position: 300 });
    expect(copies(idOf(me), 'm1')).toBe(1);
    // At most the faulted attempt and one more were new to the service (replays and 409s
    // for a key still executing are not).
    const fresh = env.emu.log.filter(
      (e) => e.route === d.put && e.status !== 'dropped' && e.status !== 409 && !e.replayed,
    );
    expect(fresh.length).toBeLessThanOrEqual(2);
  });

  const FAULTS = [
    ['a 503', [{ status: 503 }]],
    ['a 429 with Retry-After', [{ status: 429, retryAfter: 0 }]],
    ['a timeout', [{ delayMs: 600 }]],
    ['a connection dropped before the server commits', [{ drop: 'before' as const }]],
    ['a connection dropped after the server commits', [{ drop: 'after' as const }]],
    ['malformed JSON', [{ malformed: true }]],
  ] as const;

  it.each(FAULTS)(
    'removeItem, hide, unhide and leaveSessions under %s stay queued, then end as asked',
    async (_name, faults) => {
      const app = publisher([], { timeoutMs: 300 });
      const tv = env.client({
        credentials: d.platform,
        dialect: d.dialect,
        autoFlush: false,
        retry: { limit: 0, backoffLimitMs: 5 },
        timeoutMs: 300,
      });
      const me = await app.participants.ensure('p1');
      await app.participants.putItem('p1', movie('m1'));
      await app.participants.putItem('p1', movie('m2'));
      const appId = (me as { app_id?: string }).app_id ?? me.client_id;
      await tv.sessions.link('tv1', { appId, participantId: idOf(me) });
      const session = (await tv.sessions.get('tv1'))!;
      const target = { participantId: idOf(me), contentId: 'm2' };
      const drain = async (client: { flush(): Promise<{ pending: number }> }) => {
        let r = await client.flush();
        for (let n = 0; r.pending && n < 20; n++) {
          await new Promise((res) => setTimeout(res, 100));
          r = await client.flush();
        }
        expect(r.pending).toBe(0);
      };
      const hidden = () =>
        (env.emu.state().items[idOf(me)] ?? []).find((i) => i.content_id === 'm2')?.hidden;

      env.emu.injectFaults('*', [...faults]);
      await app.participants.removeItem('p1', 'm1').catch(() => undefined);
      await drain(app);
      expect(item(idOf(me), 'm1')).toBeUndefined();

      env.emu.injectFaults('*', [...faults]);
      await tv.sessions.hide('tv1', target).catch(() => undefined);
      await drain(tv);
      expect(hidden()).toBe(true);

      if (d.dialect === 'contexts') {
        env.emu.injectFaults('*', [...faults]);
        await tv.sessions.unhide('tv1', target).catch(() => undefined);
        await drain(tv);
        expect(hidden()).toBe(false);
      }

      env.emu.injectFaults('*', [...faults]);
      await app.participants.leaveSessions('p1').catch(() => undefined);
      await drain(app);
      expect(env.emu.state().links[session.session_id] ?? []).toEqual([]);
      env.emu.clearFaults();
    },
  );

  it('a permanent 4xx drops the put and reports it', async () => {
    const events: PaketEvent[] = [];
    const app = publisher(events);
    await app.participants.ensure('p1');
    env.emu.injectFaults(d.put, [{ status: 400, body: { error: 'invalid_field' } }]);
    const error = await app.participants.putItem('p1', movie('m1')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaketHttpError);
    expect(await app.pending()).toEqual([]);
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'outboxDropped',
        operation: 'putItem',
        contentId: 'm1',
        status: 400,
      }),
    );
  });

  it('an hour offline leaves one queued write per title; online, each title ends as the last write asked', async () => {
    const app = publisher();
    const me = await app.participants.ensure('p1');
    await app.participants.putItem('p1', movie('gone', 10)); // delivered, then removed offline
    offline();
    let writes = 0;
    for (let minute = 1; minute <= 60; minute++) {
      for (const id of ['a', 'b', 'c']) {
        writes++;
        await app.participants.putItem('p1', movie(id, minute * 60)).catch(() => undefined);
      }
    }
    await app.participants.removeItem('p1', 'c').catch(() => undefined);
    await app.participants.removeItem('p1', 'gone').catch(() => undefined);
    writes += 2;
    await app.participants.putItem('p1', movie('c', 42)).catch(() => undefined); // a put after a remove adds it again
    writes++;
    // The first put of `a` was sent (its request may be executing at the service): the
    // newer one waits behind it instead of replacing it; every other title coalesced.
    expect((await app.pending()).map((o) => `${o.type} ${o.contentId}`)).toEqual([
      'putItem a',
      'putItem b',
      'putItem c',
      'putItem a',
      'removeItem gone',
    ]);
    env.emu.clearFaults();
    const before = env.emu.log.filter((e) => e.status !== 'dropped').length;
    expect((await app.flush()).pending).toBe(0);
    const sent = env.emu.log.filter((e) => e.status !== 'dropped').length - before;
    expect(sent).toBe(5); // 183 writes asked for, 5 requests
    expect(writes).toBe(183);
    expect(item(idOf(me), 'a')).toMatchObject({ position: 3600 });
    expect(item(idOf(me), 'b')).toMatchObject({ position: 3600 });
    expect(item(idOf(me), 'c')).toMatchObject({ position: 42 });
    expect(item(idOf(me), 'gone')).toBeUndefined();
  });

  it('a put while the Participant cannot be created (offline first start) is queued, then delivered by the next run', async () => {
    offline();
    const first = publisher();
    const error = await first.participants.putItem('p1', movie('m1')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaketNetworkError);
    expect((error as PaketNetworkError).queued).toBe(true);
    expect(await first.participants.get('p1')).toBeUndefined();
    first.close();
    env.emu.clearFaults();
    const next = publisher(); // the app's next start: same storage
    expect((await next.flush()).pending).toBe(0);
    const me = await next.participants.get('p1');
    expect(item(idOf(me!), 'm1')).toMatchObject({ position: 600 });
    expect(count(d.create)).toBe(1);
  });

  it('removeItem, leaveSessions and hide on a profile with nothing stored resolve, creating nothing', async () => {
    const app = publisher();
    await app.participants.removeItem('nobody', 'm1');
    await app.participants.leaveSessions('nobody');
    const tv = platform();
    await tv.sessions.hide('nobody', { participantId: 'x', contentId: 'm1' });
    expect(await app.participants.get('nobody')).toBeUndefined();
    expect(await tv.sessions.get('nobody')).toBeUndefined();
    expect(env.emu.log).toEqual([]);
  });

  it('removeItem: the item leaves the platform row; a 404 is done', async () => {
    const app = publisher();
    const tv = platform();
    const me = await app.participants.ensure('p1');
    await app.participants.putItem('p1', movie('m1'));
    const link = {
      appId: (me as { app_id?: string }).app_id ?? me.client_id,
      participantId: idOf(me),
    };
    await tv.sessions.link('tv1', link);
    const row = async (options = {}) => {
      const ids: string[] = [];
      for await (const i of tv.sessions.upNext('tv1', options)) ids.push(i.content_id);
      return ids;
    };
    expect(await row()).toContain('m1');
    expect(await row({ participantId: idOf(me) })).toContain('m1');
    await app.participants.removeItem('p1', 'm1');
    expect(await row()).not.toContain('m1');
    await app.participants.removeItem('p1', 'm1'); // already gone
    expect(await app.pending()).toEqual([]);
  });

  it('hide shows hidden on the platform list; unhide is the contexts dialect only', async () => {
    const app = publisher();
    const tv = platform();
    const me = await app.participants.ensure('p1');
    await app.participants.putItem('p1', movie('m1'));
    await tv.sessions.link('tv1', {
      appId: (me as { app_id?: string }).app_id ?? me.client_id,
      participantId: idOf(me),
    });
    const hidden = async () => {
      for await (const i of tv.sessions.upNext('tv1', { participantId: idOf(me) }))
        if (i.content_id === 'm1') return i.hidden;
      return 'missing';
    };
    const target = { participantId: idOf(me), contentId: 'm1' };
    await tv.sessions.hide('tv1', target);
    expect(await hidden()).toBe(true);
    if (d.dialect === 'contexts') {
      await tv.sessions.unhide('tv1', target);
      expect(await hidden()).toBe(false);
    } else {
      const error = await tv.sessions.unhide('tv1', target).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PaketInputError);
      expect((error as PaketInputError).parameter).toBe('dialect');
    }
  });

  it('leaveSessions detaches the Participant from every Session, queued like a put', async () => {
    const app = publisher();
    const tv = platform();
    const me = await app.participants.ensure('p1');
    await tv.sessions.link('tv1', {
      appId: (me as { app_id?: string }).app_id ?? me.client_id,
      participantId: idOf(me),
    });
    const session = await tv.sessions.get('tv1');
    env.emu.injectFaults('*', [{ status: 503 }]);
    await expect(app.participants.leaveSessions('p1')).rejects.toMatchObject({ queued: true });
    await app.flush();
    expect(env.emu.state().links[session!.session_id] ?? []).toEqual([]);
  });
});
