// Publisher routes P1-P4 and platform S4/S6 of the emulator, in both dialects (one
// parameterised suite), with the item rules, paging and faults.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/server.js';
import {
  PLATFORM,
  PLATFORM_2025,
  PUBLISHER,
  PUBLISHER_2025,
  rawCaller,
  useEmulator,
} from '../helpers/emulator';

const env = useEmulator();
const call = rawCaller(() => env.emu.origin);

const ITEM = {
  content_id: 'new-show-s1e1',
  media_type: 'tv_episode',
  action: 'up_next_continue',
  title: 'New Show',
  description: 'Pilot.',
  season: 1,
  episode: 1,
  poster_art_uri: 'https://example.invalid/p.png',
  poster_art_aspect_ratio: 'aspect_ratio_16_9',
  position: 10,
  duration: 1800,
};

const DIALECTS = [
  {
    name: 'participants (2024)',
    platform: PLATFORM,
    publisher: PUBLISHER,
    create: '/v1/participants',
    idField: 'participant_id',
    sessions: '/v1/upnext/sessions',
    publishers: '/v1/upnext/participants',
    links: 'participants',
    appId: 'fe4a9ed381e8e376',
    putStatus: 200,
  },
  {
    name: 'contexts (2025)',
    platform: PLATFORM_2025,
    publisher: PUBLISHER_2025,
    create: '/v1/contexts',
    idField: 'context_id',
    sessions: '/v1/sessions/upnext',
    publishers: '/v1/contexts/upnext',
    links: 'contexts',
    appId: 'AP502377819034456',
    putStatus: 204,
  },
] as const;

describe.each(DIALECTS)('$name', (d) => {
  const asPlatform = (method: string, path: string, o: Parameters<typeof call>[2] = {}) =>
    call(method, path, { as: d.platform, ...o });
  const asPublisher = (method: string, path: string, o: Parameters<typeof call>[2] = {}) =>
    call(method, path, { as: d.publisher, ...o });

  /** A Session with one linked publisher (which starts with 3 sample items). */
  async function linked() {
    const sid: string = (await asPlatform('POST', '/v1/sessions')).body.session_id;
    const pid: string = (await asPublisher('POST', d.create)).body[d.idField];
    const link = await asPlatform('PUT', `${d.sessions}/${sid}`, {
      body: { app_id: d.appId, [d.idField]: pid },
    });
    expect(link.status).toBe(200);
    return { sid, pid };
  }

  it('P1 upserts by content_id; P3 reads the own list without platform_data, app_media or hidden', async () => {
    const { pid } = await linked();
    const put = await asPublisher('PUT', `${d.publishers}/${pid}`, { key: 'p1', body: ITEM });
    expect(put.status).toBe(d.putStatus);
    if (d.putStatus === 200) expect(put.body).toEqual({ message: 'Success' });
    else expect(put.body).toBeUndefined();
    await asPublisher('PUT', `${d.publishers}/${pid}`, { body: { ...ITEM, position: 900 } });
    const own = await asPublisher('GET', `${d.publishers}/${pid}`);
    expect(own.status).toBe(200);
    expect(own.body.total).toBe(4);
    const item = own.body.items.find(
      (i: { content_id: string }) => i.content_id === ITEM.content_id,
    );
    expect(item).toEqual({
      ...ITEM,
      position: 900,
      app_id: d.appId,
      [d.idField]: pid,
      updated_at: expect.any(String),
    });
    for (const i of own.body.items) {
      expect(i).not.toHaveProperty('platform_data');
      expect(i).not.toHaveProperty('app_media');
      expect(i).not.toHaveProperty('hidden');
    }
    // Another publisher client's ID is not this one's to write.
    const other = d.publisher === PUBLISHER ? PUBLISHER_2025 : PUBLISHER;
    expect((await call('PUT', `${d.publishers}/${pid}`, { as: other, body: ITEM })).status).toBe(
      404,
    );
    expect((await asPublisher('PUT', `${d.publishers}/nope`, { body: ITEM })).status).toBe(404);
  });

  it('S3 and S4 show hidden, platform_data.deep_link and app_media; S6 hides', async () => {
    const { sid, pid } = await linked();
    await asPublisher('PUT', `${d.publishers}/${pid}`, { body: ITEM });
    const one = await asPlatform('GET', `${d.sessions}/${sid}/${pid}`);
    expect(one.status).toBe(200);
    expect(one.body.total).toBe(4);
    const item = one.body.items[0];
    expect(item).toMatchObject({
      content_id: ITEM.content_id,
      [d.idField]: pid,
      app_id: d.appId,
      hidden: false,
      platform_data: { deep_link: `app://${d.appId}/${ITEM.content_id}` },
    });
    expect(Object.keys(item.app_media).sort()).toEqual([
      'icon_1x',
      'icon_2x',
      'icon_3x',
      'logo_dark_1x',
      'logo_light_1x',
      'tile_1x',
      'tile_2x',
    ]);
    const art = await fetch(item.app_media.icon_2x);
    expect(art.headers.get('content-type')).toBe('image/png');

    const hide = await asPlatform('PUT', `${d.sessions}/${sid}/${pid}`, {
      key: 'hide-1',
      body: { content_id: ITEM.content_id, action: 'hide' },
    });
    expect(hide).toMatchObject({ status: 200, body: { message: 'Success' } });
    const after = await asPlatform('GET', `${d.sessions}/${sid}`);
    expect(after.body.total).toBe(4);
    expect(
      after.body.items.find((i: { content_id: string }) => i.content_id === ITEM.content_id),
    ).toMatchObject({ hidden: true });
    expect(env.emu.state().webhooks).toEqual([
      expect.objectContaining({
        event: 'item_hidden',
        content_id: ITEM.content_id,
        publisher_id: pid,
      }),
    ]);
    // A publisher's update keeps the platform's hide; hidden: false un-hides.
    await asPublisher('PUT', `${d.publishers}/${pid}`, { body: { ...ITEM, position: 20 } });
    const kept = await asPlatform('GET', `${d.sessions}/${sid}/${pid}`);
    expect(kept.body.items[0]).toMatchObject({ position: 20, hidden: true });
    await asPublisher('PUT', `${d.publishers}/${pid}`, { body: { ...ITEM, hidden: false } });
    expect((await asPlatform('GET', `${d.sessions}/${sid}/${pid}`)).body.items[0].hidden).toBe(
      false,
    );

    const unhide = await asPlatform('PUT', `${d.sessions}/${sid}/${pid}`, {
      body: { content_id: ITEM.content_id, action: 'unhide' },
    });
    if (d.links === 'contexts') expect(unhide.status).toBe(200);
    else
      expect(unhide).toMatchObject({
        status: 400,
        body: { error: 'invalid_field', message: 'action must be hide' },
      });
    expect(
      (
        await asPlatform('PUT', `${d.sessions}/${sid}/${pid}`, {
          body: { content_id: 'no-such-item', action: 'hide' },
        })
      ).status,
    ).toBe(404);
    // S4 and S6 need the publisher linked to the Session.
    const stranger: string = (await asPublisher('POST', d.create)).body[d.idField];
    expect((await asPlatform('GET', `${d.sessions}/${sid}/${stranger}`)).status).toBe(404);
  });

  it('P2 removes an item from every list (204, also when already gone)', async () => {
    const { sid, pid } = await linked();
    await asPublisher('PUT', `${d.publishers}/${pid}`, { body: ITEM });
    expect((await asPlatform('GET', `${d.sessions}/${sid}`)).body.total).toBe(4);
    for (let i = 0; i < 2; i++) {
      expect(
        (await asPublisher('DELETE', `${d.publishers}/${pid}/${ITEM.content_id}`)).status,
      ).toBe(204);
    }
    const up = await asPlatform('GET', `${d.sessions}/${sid}`);
    expect(up.body.total).toBe(3);
    expect(up.body.items.map((i: { content_id: string }) => i.content_id)).not.toContain(
      ITEM.content_id,
    );
  });

  it('P4 detaches the publisher from every Session', async () => {
    const a = await linked();
    const sid2: string = (await asPlatform('POST', '/v1/sessions')).body.session_id;
    await asPlatform('PUT', `${d.sessions}/${sid2}`, {
      body: { app_id: d.appId, [d.idField]: a.pid },
    });
    const other = await linked();
    expect((await asPublisher('DELETE', `${d.publishers}/${a.pid}/sessions`)).status).toBe(204);
    for (const sid of [a.sid, sid2]) {
      expect((await asPlatform('GET', `${d.sessions}/${sid}/${d.links}`)).body).toEqual({
        total: 0,
        items: [],
      });
      expect((await asPlatform('GET', `${d.sessions}/${sid}`)).body.total).toBe(0);
    }
    expect((await asPlatform('GET', `${d.sessions}/${other.sid}/${d.links}`)).body.total).toBe(1);
    // Its own items are kept.
    expect((await asPublisher('GET', `${d.publishers}/${a.pid}`)).body.total).toBe(3);
  });

  it.each([
    [{ content_id: undefined }, 'content_id'],
    [{ title: '' }, 'title'],
    [{ media_type: 'podcast' }, 'media_type'],
    [{ action: 'up_next_later' }, 'action'],
    [{ poster_art_aspect_ratio: '21:9' }, 'poster_art_aspect_ratio'],
    [{ duration: undefined }, 'duration'],
    [{ season: undefined }, 'season'],
    [{ episode: undefined }, 'episode'],
    [{ position: undefined }, 'position'],
    [{ position: 1801 }, 'position'],
    [{ duration: -1 }, 'duration'],
    [{ episode: 1.5 }, 'episode'],
    [{ position: '10' }, 'position'],
    [{ hidden: 'no' }, 'hidden'],
    [{ preview_video_uri: 5 }, 'preview_video_uri'],
    [{ content_id: 'a/b' }, 'content_id'],
  ])('P1 refuses %o with a 400 naming %s', async (change, field) => {
    const { pid } = await linked();
    const res = await asPublisher('PUT', `${d.publishers}/${pid}`, {
      body: { ...ITEM, ...change },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'invalid_field',
      message: expect.stringMatching(new RegExp(`^${field} `)),
    });
  });

  it('P1 takes a movie without season, episode or position when the action needs none', async () => {
    const { pid } = await linked();
    const movie = {
      content_id: 'film',
      media_type: 'movie',
      action: 'up_next_watchlist',
      title: 'Film',
      description: 'A film.',
      poster_art_uri: 'https://example.invalid/f.png',
      poster_art_aspect_ratio: 'aspect_ratio_2_3',
      duration: 6000,
      preview_video_uri: 'https://example.invalid/f.mp4',
    };
    expect((await asPublisher('PUT', `${d.publishers}/${pid}`, { body: movie })).status).toBe(
      d.putStatus,
    );
  });

  it('last_interaction is 2024 only', async () => {
    const { pid } = await linked();
    const res = await asPublisher('PUT', `${d.publishers}/${pid}`, {
      body: { ...ITEM, last_interaction: 1_733_000_000 },
    });
    if (d.links === 'participants') expect(res.status).toBe(200);
    else expect(res.body.message).toMatch(/^last_interaction /);
  });

  it('limits: 200 for item lists, 50 for linked publishers', async () => {
    const { sid, pid } = await linked();
    for (const path of [`${d.sessions}/${sid}`, `${d.sessions}/${sid}/${pid}`]) {
      expect((await asPlatform('GET', `${path}?limit=200`)).status).toBe(200);
      expect((await asPlatform('GET', `${path}?limit=201`)).body.message).toMatch(/^limit /);
    }
    expect((await asPublisher('GET', `${d.publishers}/${pid}?limit=201`)).status).toBe(400);
    expect((await asPlatform('GET', `${d.sessions}/${sid}/${d.links}?limit=50`)).status).toBe(200);
    expect((await asPlatform('GET', `${d.sessions}/${sid}/${d.links}?limit=51`)).status).toBe(400);
    expect((await asPlatform('GET', `${d.sessions}/${sid}?limit=0`)).status).toBe(400);
    expect((await asPlatform('GET', `${d.sessions}/${sid}?next_key=abc`)).body.error).toBe(
      'invalid_field',
    );
  });

  it('faults and Idempotency-Key apply to the new routes', async () => {
    const { sid, pid } = await linked();
    const route = `PUT ${d.publishers}/:${d.idField}`;
    env.emu.injectFaults(route, [{ drop: 'after' }]);
    const lost = await asPublisher('PUT', `${d.publishers}/${pid}`, {
      key: 'put-1',
      body: ITEM,
    }).catch((e: unknown) => e);
    expect(lost).toBeInstanceOf(Error);
    // The retry with the same key is a replay; other parameters under it are a 422.
    const retry = await asPublisher('PUT', `${d.publishers}/${pid}`, { key: 'put-1', body: ITEM });
    expect(retry.status).toBe(d.putStatus);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(
      (
        await asPublisher('PUT', `${d.publishers}/${pid}`, {
          key: 'put-1',
          body: { ...ITEM, position: 11 },
        })
      ).status,
    ).toBe(422);
    for (const [r, req] of [
      [
        `PUT ${d.sessions}/:session_id/:${d.idField}`,
        () =>
          asPlatform('PUT', `${d.sessions}/${sid}/${pid}`, {
            body: { content_id: ITEM.content_id, action: 'hide' },
          }),
      ],
      [
        `GET ${d.sessions}/:session_id/:${d.idField}`,
        () => asPlatform('GET', `${d.sessions}/${sid}/${pid}`),
      ],
      [
        `DELETE ${d.publishers}/:${d.idField}/:content_id`,
        () => asPublisher('DELETE', `${d.publishers}/${pid}/x`),
      ],
      [
        `DELETE ${d.publishers}/:${d.idField}/sessions`,
        () => asPublisher('DELETE', `${d.publishers}/${pid}/sessions`),
      ],
      [`GET ${d.publishers}/:${d.idField}`, () => asPublisher('GET', `${d.publishers}/${pid}`)],
    ] as const) {
      env.emu.injectFaults(r, [{ status: 503, retryAfter: 1 }]);
      const res = await req();
      expect(res.status, r).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
    }
    expect(env.emu.state().links[sid]).toHaveLength(1);
  });
});

describe('string next_key', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({
      port: 0,
      quiet: true,
      requireSignatures: false,
      nextKey: 'string',
    });
  });
  afterAll(() => emu.close());
  const raw = rawCaller(() => emu.origin);

  it('serves a 5-page list whose next_key is a string, followed exactly as received', async () => {
    const sid = (await raw('POST', '/v1/sessions')).body.session_id;
    for (let i = 0; i < 3; i++) {
      const pid = (await raw('POST', '/v1/participants', { as: PUBLISHER })).body.participant_id;
      await raw('PUT', `/v1/upnext/sessions/${sid}`, {
        body: { app_id: 'fe4a9ed381e8e376', participant_id: pid },
      });
    }
    // 9 sample items, 2 per page: 5 pages.
    const seen: string[] = [];
    const keys: unknown[] = [];
    let key: unknown;
    do {
      const q = key === undefined ? '' : `&next_key=${encodeURIComponent(String(key))}`;
      const page = await raw('GET', `/v1/upnext/sessions/${sid}?limit=2${q}`);
      expect(page.status).toBe(200);
      expect(page.body.total).toBe(9);
      seen.push(...page.body.items.map((i: { content_id: string }) => i.content_id));
      key = page.body.next_key;
      if (key !== undefined) {
        expect(typeof key).toBe('string');
        keys.push(key);
      }
    } while (key !== undefined);
    expect(keys).toHaveLength(4);
    expect(seen).toHaveLength(9);
    // A number where the string belongs is not "exactly as received".
    expect((await raw('GET', `/v1/upnext/sessions/${sid}?limit=2&next_key=2`)).status).toBe(400);
  });
});
