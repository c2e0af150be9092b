import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHmac } from 'node:crypto';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { isLoopback, startEmulator } from '../../emulator/server.js';
import { PLATFORM, PUBLISHER, useEmulator } from '../helpers/emulator';

let clock = Date.now();
const env = useEmulator({ now: () => clock });

const basic = (c: { username: string; password: string }) =>
  'Basic ' + Buffer.from(`${c.username}:${c.password}`).toString('base64');

async function call(
  method: string,
  path: string,
  options: {
    as?: typeof PLATFORM;
    key?: string;
    body?: unknown;
    headers?: Record<string, string>;
  } = {},
) {
  const headers: Record<string, string> = {
    authorization: basic(options.as ?? PLATFORM),
    ...options.headers,
  };
  if (options.key) headers['idempotency-key'] = options.key;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(env.emu.origin + path, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

async function newSession() {
  return (await call('POST', '/v1/sessions')).body.session_id as string;
}
async function newParticipant() {
  return (await call('POST', '/v1/participants', { as: PUBLISHER })).body.participant_id as string;
}

describe('auth and conventions', () => {
  it('marks answers to test secrets with Paket-Response-Type: Test', async () => {
    const res = await call('GET', '/v1');
    expect(res.status).toBe(200);
    expect(res.headers.get('paket-response-type')).toBe('Test');
  });

  it.each([
    ['no header', {}],
    ['a wrong secret', { authorization: basic({ ...PLATFORM, password: 'nope' }) }],
    ['an unknown user', { authorization: basic({ username: 'x', password: 'y' }) }],
    ['not Basic', { authorization: 'Bearer abc' }],
  ])('401 for %s, as JSON', async (_n, headers) => {
    const res = await fetch(env.emu.url, { headers });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'unauthorized', message: expect.any(String) });
  });

  it('403 when a client calls the other role’s endpoints', async () => {
    expect((await call('POST', '/v1/participants')).status).toBe(403);
    expect((await call('POST', '/v1/sessions', { as: PUBLISHER })).status).toBe(403);
  });

  it('404 JSON for unknown paths, 405 for a known path with the wrong method', async () => {
    expect((await call('GET', '/v1/nope')).status).toBe(404);
    expect((await call('GET', '/v1/sessions')).status).toBe(405);
  });

  it('400 for an ID over 255 characters or with an encoded slash', async () => {
    expect((await call('GET', `/v1/upnext/sessions/${'a'.repeat(256)}`)).status).toBe(400);
    expect((await call('GET', '/v1/upnext/sessions/a%2Fb')).status).toBe(400);
  });
});

describe('idempotency', () => {
  it('replays the first result for a repeated key', async () => {
    const a = await call('POST', '/v1/sessions', { key: 'k1' });
    const b = await call('POST', '/v1/sessions', { key: 'k1' });
    expect(b.body).toEqual(a.body);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect(Object.keys(env.emu.state().sessions)).toHaveLength(1);
  });

  it('keys are per client', async () => {
    const sid = await newSession();
    const pid = await newParticipant();
    const a = await call('PUT', `/v1/upnext/sessions/${sid}`, {
      key: 'shared',
      body: { app_id: 'fe4a9ed381e8e376', participant_id: pid },
    });
    const b = await call('POST', '/v1/participants', { as: PUBLISHER, key: 'shared' });
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
  });

  it('422 when a key is reused with different parameters', async () => {
    const sid = await newSession();
    const pid = await newParticipant();
    const body = { app_id: 'fe4a9ed381e8e376', participant_id: pid };
    expect((await call('PUT', `/v1/upnext/sessions/${sid}`, { key: 'k2', body })).status).toBe(200);
    const other = await call('PUT', `/v1/upnext/sessions/${sid}`, {
      key: 'k2',
      body: { ...body, participant_id: 'other' },
    });
    expect(other.status).toBe(422);
  });

  it('409 while the first request with the key is still executing', async () => {
    env.emu.injectFaults('POST /v1/sessions', [{ delayMs: 500 }]);
    const first = call('POST', '/v1/sessions', { key: 'slow' });
    // Wait until the first is at the server (holding the key), however loaded the machine.
    await vi.waitFor(() => expect(env.emu.log.some((e) => e.idempotencyKey === 'slow')).toBe(true));
    const second = await call('POST', '/v1/sessions', { key: 'slow' });
    expect(second.status).toBe(409);
    expect((await first).status).toBe(200);
    expect((await call('POST', '/v1/sessions', { key: 'slow' })).body).toEqual((await first).body);
  });

  it('keys expire after 72 hours', async () => {
    const a = await call('POST', '/v1/sessions', { key: 'old' });
    clock += 71 * 3600 * 1000;
    expect((await call('POST', '/v1/sessions', { key: 'old' })).body).toEqual(a.body);
    clock += 2 * 3600 * 1000;
    const c = await call('POST', '/v1/sessions', { key: 'old' });
    expect(c.body.session_id).not.toBe(a.body.session_id);
  });

  it('400 for a key over 255 characters', async () => {
    expect((await call('POST', '/v1/sessions', { key: 'k'.repeat(256) })).status).toBe(400);
  });
});

describe('signatures', () => {
  const secret = 'test_sk_signed';
  const client = {
    username: 'signed',
    secret,
    client_id: 'c0ffee0000000001',
    type: 'platform' as const,
    requireSignature: true,
  };
  let emu: Awaited<ReturnType<typeof startEmulator>>;
  afterAll(() => emu?.close());

  it('accepts a valid signature and refuses a stale, a wrong or a missing one', async () => {
    emu = await startEmulator({ port: 0, quiet: true, clients: [client] });
    const post = (ts: number, sig?: string) =>
      fetch(emu.url + '/sessions', {
        method: 'POST',
        headers: {
          authorization: basic({ username: 'signed', password: secret }),
          'x-paket-timestamp': String(ts),
          ...(sig ? { 'x-paket-signature': sig } : {}),
        },
      }).then((r) => r.status);
    const sign = (ts: number) =>
      'sha256=' + createHmac('sha256', secret).update(`${ts}.`).digest('hex');
    const now = Date.now();
    expect(await post(now, sign(now))).toBe(200);
    expect(await post(now - 6 * 60 * 1000, sign(now - 6 * 60 * 1000))).toBe(401);
    expect(await post(now, sign(now - 1))).toBe(401);
    expect(await post(now)).toBe(401);
  });
});

describe('CORS (TV apps call from file:// and other origins)', () => {
  it('answers a preflight for every header the SDK sends', async () => {
    const res = await fetch(env.emu.url + '/sessions', {
      method: 'OPTIONS',
      headers: {
        origin: 'null',
        'access-control-request-method': 'POST',
        'access-control-request-headers':
          'authorization,idempotency-key,paket-version,x-paket-timestamp,x-paket-signature',
      },
    });
    expect(res.status).toBe(204);
    // `*`, never the Origin reflected; Date exposed so the SDK can correct a TV's clock.
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-expose-headers')).toContain('Date');
    expect(res.headers.get('access-control-allow-private-network')).toBeNull();
    const allowed = res.headers.get('access-control-allow-headers')!.toLowerCase();
    for (const h of [
      'authorization',
      'idempotency-key',
      'paket-version',
      'x-paket-timestamp',
      'x-paket-signature',
    ]) {
      expect(allowed).toContain(h);
    }
    expect(res.headers.get('access-control-allow-methods')).toContain('PUT');
  });
});

describe('Up Next: link, list, unlink, remove, items', () => {
  it('links a participant (object answer), lists it, and fills the aggregated list', async () => {
    const sid = await newSession();
    const pid = await newParticipant();
    const link = await call('PUT', `/v1/upnext/sessions/${sid}`, {
      key: 'l1',
      body: { app_id: 'fe4a9ed381e8e376', participant_id: pid },
    });
    expect(link.body).toMatchObject({
      session_id: sid,
      participant_id: pid,
      app_id: 'fe4a9ed381e8e376',
    });
    const list = await call('GET', `/v1/upnext/sessions/${sid}/participants`);
    expect(list.body).toEqual({
      total: 1,
      items: [{ participant_id: pid, app_id: 'fe4a9ed381e8e376', created_at: expect.any(String) }],
    });
    const upNext = await call('GET', `/v1/upnext/sessions/${sid}`);
    expect(upNext.body.total).toBe(3);
    expect(upNext.body.items[0]).toMatchObject({
      participant_id: pid,
      app_id: 'fe4a9ed381e8e376',
      title: expect.any(String),
      poster_art_uri: expect.stringContaining('/media/posters/'),
    });
    const poster = await fetch(upNext.body.items[0].poster_art_uri);
    expect(poster.headers.get('content-type')).toBe('image/png');
    expect([...new Uint8Array(await poster.arrayBuffer()).slice(1, 4)]).toEqual([0x50, 0x4e, 0x47]);
  });

  it('linking twice keeps one link; unlink is idempotent (204 twice)', async () => {
    const sid = await newSession();
    const pid = await newParticipant();
    const body = { app_id: 'fe4a9ed381e8e376', participant_id: pid };
    await call('PUT', `/v1/upnext/sessions/${sid}`, { body });
    await call('PUT', `/v1/upnext/sessions/${sid}`, { body });
    expect(env.emu.state().links[sid]).toHaveLength(1);
    expect((await call('DELETE', `/v1/upnext/sessions/${sid}/${pid}`)).status).toBe(204);
    expect((await call('DELETE', `/v1/upnext/sessions/${sid}/${pid}`)).status).toBe(204);
    expect(env.emu.state().links[sid]).toHaveLength(0);
  });

  it('rejects links to unknown sessions (404) or participants (404), or a wrong app_id (400)', async () => {
    const sid = await newSession();
    const pid = await newParticipant();
    expect(
      (
        await call('PUT', '/v1/upnext/sessions/nope', {
          body: { app_id: 'fe4a9ed381e8e376', participant_id: pid },
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await call('PUT', `/v1/upnext/sessions/${sid}`, {
          body: { app_id: 'fe4a9ed381e8e376', participant_id: 'nope' },
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await call('PUT', `/v1/upnext/sessions/${sid}`, {
          body: { app_id: 'other', participant_id: pid },
        })
      ).status,
    ).toBe(400);
    expect((await call('PUT', `/v1/upnext/sessions/${sid}`, { body: { app_id: 1 } })).status).toBe(
      400,
    );
  });

  it('can answer links with {"message":"Success"} like older servers', async () => {
    const emu = await startEmulator({
      port: 0,
      quiet: true,
      linkResponse: 'message',
      requireSignatures: false,
    });
    try {
      const h = { authorization: basic(PLATFORM) };
      const sid = (
        await (await fetch(emu.url + '/sessions', { method: 'POST', headers: h })).json()
      ).session_id;
      const pid = (
        await (
          await fetch(emu.url + '/participants', {
            method: 'POST',
            headers: { authorization: basic(PUBLISHER) },
          })
        ).json()
      ).participant_id;
      const res = await fetch(`${emu.url}/upnext/sessions/${sid}`, {
        method: 'PUT',
        headers: { ...h, 'content-type': 'application/json' },
        body: JSON.stringify({ app_id: 'fe4a9ed381e8e376', participant_id: pid }),
      });
      expect(await res.json()).toEqual({ message: 'Success' });
    } finally {
      await emu.close();
    }
  });

  it('pages with limit and next_key', async () => {
    const sid = await newSession();
    for (let i = 0; i < 5; i++) {
      const pid = await newParticipant();
      await call('PUT', `/v1/upnext/sessions/${sid}`, {
        body: { app_id: 'fe4a9ed381e8e376', participant_id: pid },
      });
    }
    const p1 = await call('GET', `/v1/upnext/sessions/${sid}/participants?limit=2`);
    expect(p1.body).toMatchObject({ total: 5, next_key: 2 });
    expect(p1.body.items).toHaveLength(2);
    const p3 = await call('GET', `/v1/upnext/sessions/${sid}/participants?limit=2&next_key=4`);
    expect(p3.body.next_key).toBeUndefined();
    expect(p3.body.items).toHaveLength(1);
    expect((await call('GET', `/v1/upnext/sessions/${sid}/participants?limit=51`)).status).toBe(
      400,
    );
    const up = await call('GET', `/v1/upnext/sessions/${sid}?limit=4`);
    expect(up.body).toMatchObject({ total: 15, next_key: 4 });
  });

  it('removing a Session removes its links, answers 204 twice, and later links 404', async () => {
    const sid = await newSession();
    const pid = await newParticipant();
    await call('PUT', `/v1/upnext/sessions/${sid}`, {
      body: { app_id: 'fe4a9ed381e8e376', participant_id: pid },
    });
    expect((await call('DELETE', `/v1/upnext/sessions/${sid}`)).status).toBe(204);
    expect((await call('DELETE', `/v1/upnext/sessions/${sid}`)).status).toBe(204);
    expect(env.emu.state().links[sid]).toBeUndefined();
    expect((await call('GET', `/v1/upnext/sessions/${sid}`)).status).toBe(404);
  });

  it('a publisher adds an item to its participant’s list; it shows in the Session’s list', async () => {
    const sid = await newSession();
    const pid = await newParticipant();
    await call('PUT', `/v1/upnext/sessions/${sid}`, {
      body: { app_id: 'fe4a9ed381e8e376', participant_id: pid },
    });
    const item = {
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
    expect(
      (await call('PUT', `/v1/upnext/participants/${pid}`, { as: PUBLISHER, body: item })).body,
    ).toEqual({
      message: 'Success',
    });
    const up = await call('GET', `/v1/upnext/sessions/${sid}`);
    expect(up.body.total).toBe(4);
    expect(up.body.items[0]).toMatchObject({ content_id: 'new-show-s1e1', participant_id: pid });
    const bad = await call('PUT', `/v1/upnext/participants/${pid}`, {
      as: PUBLISHER,
      body: { ...item, media_type: 'podcast' },
    });
    expect(bad.status).toBe(400);
  });
});

describe('controls and persistence', () => {
  it('the control endpoint sets faults and reads the log, without logging credentials', async () => {
    const set = await fetch(env.emu.origin + '/__emulator/faults', {
      method: 'POST',
      body: JSON.stringify({ route: 'GET /v1', faults: [{ status: 503 }] }),
    });
    expect(set.status).toBe(204);
    expect((await call('GET', '/v1')).status).toBe(503);
    expect((await call('GET', '/v1')).status).toBe(200);
    const log = await (await fetch(env.emu.origin + '/__emulator/log')).text();
    expect(log).toContain('"status":503');
    expect(log).not.toContain(PLATFORM.password);
    expect(log).not.toContain(basic(PLATFORM).slice(6));
  });

  it('controls answer only to loopback peers', () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopback('192.168.1.20')).toBe(false);
    expect(isLoopback('::ffff:10.0.0.1')).toBe(false);
    expect(isLoopback(undefined)).toBe(false);
  });

  it('state persists to a JSON file across restarts, idempotency keys included', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'paket-emu-')), 'state.json');
    const first = await startEmulator({
      port: 0,
      quiet: true,
      stateFile: file,
      requireSignatures: false,
    });
    const h = { authorization: basic(PLATFORM), 'idempotency-key': 'persist' };
    const a = await (await fetch(first.url + '/sessions', { method: 'POST', headers: h })).json();
    await first.close();
    const second = await startEmulator({
      port: 0,
      quiet: true,
      stateFile: file,
      requireSignatures: false,
    });
    try {
      expect(Object.keys(second.state().sessions)).toEqual([a.session_id]);
      const b = await (
        await fetch(second.url + '/sessions', { method: 'POST', headers: h })
      ).json();
      expect(b).toEqual(a);
    } finally {
      await second.close();
    }
  });
});
