// The emulator serves both dialects at once, each chosen by the request's path; the shared
// routes (GET /v1, POST /v1/sessions) answer in the client's dialect or the Paket-Dialect header.
import { describe, expect, it } from 'vitest';
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
const PUB_CLIENT_ID = 'fe4a9ed381e8e376';
const APP_2025 = 'AP502377819034456';

describe('identity objects of each dialect', () => {
  it('GET /v1: 2024 gives message and client_id; 2025 adds platform_id or app_id', async () => {
    expect((await call('GET', '/v1')).body).toEqual({
      message: 'The API is healthy!',
      client_id: 'fab3d02606122a08',
    });
    expect((await call('GET', '/v1', { as: PLATFORM_2025 })).body).toEqual({
      message: 'The API is healthy!',
      client_id: 'c25a71f0e3b94d12',
      platform_id: expect.stringMatching(/^PL\d+$/),
    });
    const pub = (await call('GET', '/v1', { as: PUBLISHER_2025 })).body;
    expect(pub).toEqual({
      message: 'The API is healthy!',
      client_id: 'd25b0c9e4a1f7e33',
      app_id: APP_2025,
    });
    expect(pub).not.toHaveProperty('platform_id');
    // The header picks the 2025 shape for a 2024 client, and back.
    expect(
      (await call('GET', '/v1', { as: PUBLISHER, headers: { 'paket-dialect': 'contexts' } })).body,
    ).toMatchObject({ app_id: expect.stringMatching(/^AP\d+$/) });
    expect(
      (
        await call('GET', '/v1', {
          as: PLATFORM_2025,
          headers: { 'paket-dialect': 'participants' },
        })
      ).body,
    ).not.toHaveProperty('platform_id');
  });

  it('POST /v1/sessions: a UUID Session with client_type in 2024, an SN… Session with platform_id in 2025', async () => {
    const old = (await call('POST', '/v1/sessions')).body;
    expect(old).toEqual({
      session_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      client_type: 'platform',
      client_id: 'fab3d02606122a08',
      created_at: expect.any(String),
    });
    const modern = (await call('POST', '/v1/sessions', { as: PLATFORM_2025 })).body;
    expect(modern).toEqual({
      session_id: expect.stringMatching(/^SN\d+$/),
      client_id: 'c25a71f0e3b94d12',
      platform_id: expect.stringMatching(/^PL\d+$/),
      created_at: expect.any(String),
    });
    const byHeader = (
      await call('POST', '/v1/sessions', { headers: { 'paket-dialect': 'contexts' } })
    ).body;
    expect(byHeader.session_id).toMatch(/^SN\d+$/);
    expect(byHeader).not.toHaveProperty('client_type');
    expect(
      (await call('POST', '/v1/sessions', { headers: { 'paket-dialect': '2025' } })).body,
    ).toEqual({ error: 'invalid_header', message: expect.stringContaining('Paket-Dialect') });
  });

  it('a replayed create keeps its first answer whatever dialect it was made in', async () => {
    const first = await call('POST', '/v1/sessions', {
      key: 'k-dialect',
      headers: { 'paket-dialect': 'contexts' },
    });
    const again = await call('POST', '/v1/sessions', {
      key: 'k-dialect',
      headers: { 'paket-dialect': 'contexts' },
    });
    expect(again.body).toEqual(first.body);
    // The same key in the other dialect is other parameters.
    expect((await call('POST', '/v1/sessions', { key: 'k-dialect' })).status).toBe(422);
  });

  it('POST /v1/participants gives a Participant, POST /v1/contexts a CX… Context with app_id', async () => {
    expect((await call('POST', '/v1/participants', { as: PUBLISHER })).body).toEqual({
      participant_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      client_type: 'publisher',
      client_id: PUB_CLIENT_ID,
      created_at: expect.any(String),
    });
    expect((await call('POST', '/v1/contexts', { as: PUBLISHER_2025 })).body).toEqual({
      context_id: expect.stringMatching(/^CX\d+$/),
      client_id: 'd25b0c9e4a1f7e33',
      app_id: APP_2025,
      created_at: expect.any(String),
    });
    expect((await call('POST', '/v1/contexts', { as: PLATFORM })).status).toBe(403);
  });
});

describe('links in each dialect', () => {
  it('2025: link answers the Session Context object; lists, unlinks and removes on /v1/sessions/upnext', async () => {
    const sid = (await call('POST', '/v1/sessions', { as: PLATFORM_2025 })).body.session_id;
    const cid = (await call('POST', '/v1/contexts', { as: PUBLISHER_2025 })).body.context_id;
    const link = await call('PUT', `/v1/sessions/upnext/${sid}`, {
      as: PLATFORM_2025,
      key: 'l-2025',
      body: { app_id: APP_2025, context_id: cid },
    });
    expect(link).toMatchObject({ status: 200 });
    expect(link.body).toEqual({
      session_id: sid,
      context_id: cid,
      app_id: APP_2025,
      created_at: expect.any(String),
    });
    const list = await call('GET', `/v1/sessions/upnext/${sid}/contexts`, { as: PLATFORM_2025 });
    expect(list.body).toEqual({ total: 1, items: [link.body] });
    const upNext = await call('GET', `/v1/sessions/upnext/${sid}`, { as: PLATFORM_2025 });
    expect(upNext.body.total).toBe(3);
    expect(upNext.body.items[0]).toMatchObject({ context_id: cid, app_id: APP_2025 });
    expect(upNext.body.items[0]).not.toHaveProperty('participant_id');
    expect(
      (await call('DELETE', `/v1/sessions/upnext/${sid}/${cid}`, { as: PLATFORM_2025 })).status,
    ).toBe(204);
    expect(env.emu.state().links[sid]).toEqual([]);
    expect((await call('DELETE', `/v1/sessions/upnext/${sid}`, { as: PLATFORM_2025 })).status).toBe(
      204,
    );
    expect((await call('GET', `/v1/sessions/upnext/${sid}`, { as: PLATFORM_2025 })).status).toBe(
      404,
    );
  });

  it('app_id ownership: 2024 wants the publisher client ID, 2025 the App ID', async () => {
    const sid = (await call('POST', '/v1/sessions')).body.session_id;
    const cid = (await call('POST', '/v1/contexts', { as: PUBLISHER_2025 })).body.context_id;
    const pid = (await call('POST', '/v1/participants', { as: PUBLISHER })).body.participant_id;
    const put = (path: string, body: unknown) => call('PUT', path, { body });
    // 2025 path, a client ID where the App ID belongs: refused.
    expect(
      await put(`/v1/sessions/upnext/${sid}`, { app_id: 'd25b0c9e4a1f7e33', context_id: cid }),
    ).toMatchObject({ status: 400, body: { error: 'app_id_mismatch' } });
    // 2024 path, the App ID where the client ID belongs: refused.
    expect(
      await put(`/v1/upnext/sessions/${sid}`, { app_id: APP_2025, participant_id: cid }),
    ).toMatchObject({ status: 400, body: { error: 'app_id_mismatch' } });
    expect(
      (await put(`/v1/upnext/sessions/${sid}`, { app_id: 'd25b0c9e4a1f7e33', participant_id: cid }))
        .status,
    ).toBe(200);
    // A 2024 Participant linked on a 2025 path takes its client's App ID.
    const app = env.emu.clients.find((c) => c.username === 'publisher_demo')!.app_id;
    expect(
      (await put(`/v1/sessions/upnext/${sid}`, { app_id: app, context_id: pid })).body,
    ).toMatchObject({ context_id: pid, app_id: app });
    // The 2025 body names context_id, not participant_id.
    expect(
      await put(`/v1/sessions/upnext/${sid}`, { app_id: APP_2025, participant_id: cid }),
    ).toMatchObject({
      status: 400,
      body: { error: 'invalid_field', message: expect.stringContaining('context_id') },
    });
    expect(
      await put(`/v1/sessions/upnext/${sid}`, { app_id: APP_2025, context_id: 'CX0' }),
    ).toMatchObject({ status: 404, body: { error: 'not_found', message: 'no such context' } });
  });

  it('every error answers the flat { error, message } body', async () => {
    const answers = [
      await call('GET', '/v1/nope'),
      await call('GET', '/v1/sessions'),
      await call('POST', '/v1/participants'),
      await call('GET', '/v1/sessions/upnext/nope'),
      await call('GET', '/v1/upnext/sessions/a%2Fb'),
      await call('GET', '/v1/upnext/sessions/%E0%A4%A'),
      await call('PUT', '/v1/upnext/sessions/x', {
        headers: { 'content-type': 'application/json' },
        body: undefined,
      }),
      await call('POST', '/v1/sessions', { key: 'k'.repeat(256) }),
      await call('GET', '/v1', { as: { username: 'x', password: 'y' } }),
    ];
    for (const a of answers) {
      expect(a.status).toBeGreaterThanOrEqual(400);
      expect(Object.keys(a.body).sort()).toEqual(['error', 'message']);
      expect(typeof a.body.error).toBe('string');
      expect(typeof a.body.message).toBe('string');
    }
    expect(answers.map((a) => a.status)).toEqual([404, 405, 403, 404, 400, 400, 404, 400, 401]);
    env.emu.injectFaults('GET /v1', [{ status: 503 }]);
    expect((await call('GET', '/v1')).body).toEqual({
      error: 'service_unavailable',
      message: 'injected fault',
    });
  });
});
