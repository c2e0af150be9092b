// Signature checking: on by default, off by an option; the 5-minute window against the
// emulator's own clock (which a test can move); a Date header on every answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/server.js';
import { PLATFORM, PUBLISHER, rawCaller, signature } from '../helpers/emulator';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ port: 0, quiet: true }); // the default: signatures required
});
afterAll(() => emu.close());
const call = rawCaller(() => emu.origin);
const MIN = 60_000;

describe('signatures on by default', () => {
  it('refuses an unsigned request with a flat 401', async () => {
    expect(emu.requireSignatures).toBe(true);
    const res = await call('POST', '/v1/sessions');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'signature_missing', message: expect.any(String) });
  });

  it('accepts a signed request, body included, in either role', async () => {
    const session = await call('POST', '/v1/sessions', { sign: true });
    expect(session.status).toBe(200);
    const pid = (await call('POST', '/v1/participants', { as: PUBLISHER, sign: true })).body
      .participant_id;
    const link = await call('PUT', `/v1/upnext/sessions/${session.body.session_id}`, {
      sign: true,
      body: { app_id: 'fe4a9ed381e8e376', participant_id: pid },
    });
    expect(link.status).toBe(200);
  });

  it('refuses a wrong signature, a body changed after signing, and a non-numeric timestamp', async () => {
    const ts = Date.now();
    const wrong = await call('GET', '/v1', {
      headers: { 'x-paket-timestamp': String(ts), 'x-paket-signature': signature('other', ts) },
    });
    expect(wrong.body.error).toBe('signature_invalid');
    const changed = await call('PUT', '/v1/upnext/sessions/x', {
      body: { app_id: 'a', participant_id: 'b' },
      headers: {
        'x-paket-timestamp': String(ts),
        'x-paket-signature': signature(PLATFORM.password, ts, '{}'),
      },
    });
    expect(changed.body.error).toBe('signature_invalid');
    const text = await call('GET', '/v1', {
      headers: { 'x-paket-timestamp': 'yesterday', 'x-paket-signature': 'sha256=00' },
    });
    expect(text.body.error).toBe('signature_invalid');
  });

  it.each([
    ['the TV 2 hours behind', -120 * MIN],
    ['the TV 10 minutes ahead', 10 * MIN],
    ['the TV 5 years ahead', 5 * 365 * 24 * 60 * MIN],
  ])('%s: 401 signature_expired with the Date a client corrects from', async (_n, skew) => {
    const tvNow = Date.now() + skew;
    const refused = await call('POST', '/v1/sessions', { sign: tvNow });
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({ error: 'signature_expired', message: expect.any(String) });
    const serverNow = Date.parse(refused.headers.get('date')!);
    expect(Math.abs(serverNow - Date.now())).toBeLessThan(2000);
    // Signing again with the offset measured from Date is accepted.
    const offset = serverNow - tvNow;
    expect((await call('POST', '/v1/sessions', { sign: tvNow + offset })).status).toBe(200);
  });

  it('the window is 5 minutes each way', async () => {
    expect((await call('GET', '/v1', { sign: Date.now() - 4.5 * MIN })).status).toBe(200);
    expect((await call('GET', '/v1', { sign: Date.now() + 4.5 * MIN })).status).toBe(200);
    expect((await call('GET', '/v1', { sign: Date.now() - 5.5 * MIN })).status).toBe(401);
  });
});

describe("the emulator's clock", () => {
  afterAll(() => emu.setClockOffset(0));

  it('an offset set by a test moves the window and every Date header, errors and successes alike', async () => {
    emu.setClockOffset(3 * 3600_000);
    const ok = await call('GET', '/v1', { sign: Date.now() + 3 * 3600_000 });
    expect(ok.status).toBe(200);
    const date = Date.parse(ok.headers.get('date')!);
    expect(Math.abs(date - (Date.now() + 3 * 3600_000))).toBeLessThan(2000);
    const late = await call('GET', '/v1', { sign: Date.now() });
    expect(late.body.error).toBe('signature_expired');
    for (const path of ['/v1/nope', '/media/posters/x.png']) {
      const res = await fetch(emu.origin + path);
      expect(Math.abs(Date.parse(res.headers.get('date')!) - date)).toBeLessThan(5000);
    }
  });

  it('the control endpoint sets and reads the offset', async () => {
    const set = await fetch(`${emu.origin}/__emulator/clock`, {
      method: 'POST',
      body: JSON.stringify({ offsetMs: -7200_000 }),
    });
    expect(set.status).toBe(204);
    const read = await (await fetch(`${emu.origin}/__emulator/clock`)).json();
    expect(read.offsetMs).toBe(-7200_000);
    expect((await call('GET', '/v1', { sign: Date.now() - 7200_000 })).status).toBe(200);
    const bad = await fetch(`${emu.origin}/__emulator/clock`, {
      method: 'POST',
      body: JSON.stringify({ offsetMs: 'soon' }),
    });
    expect(bad.status).toBe(400);
  });

  it('starts with clockOffsetMs', async () => {
    const ahead = await startEmulator({ port: 0, quiet: true, clockOffsetMs: 10 * MIN });
    try {
      const raw = rawCaller(() => ahead.origin);
      expect((await raw('GET', '/v1', { sign: true })).body.error).toBe('signature_expired');
      expect((await raw('GET', '/v1', { sign: Date.now() + 10 * MIN })).status).toBe(200);
    } finally {
      await ahead.close();
    }
  });
});

describe('signatures off', () => {
  it('requireSignatures: false accepts unsigned requests; a client can still require them', async () => {
    const off = await startEmulator({
      port: 0,
      quiet: true,
      requireSignatures: false,
      clients: [
        {
          username: 'platform_demo',
          secret: 'test_sk_platform_demo',
          client_id: 'fab3d02606122a08',
          type: 'platform',
        },
        {
          username: 'strict',
          secret: 'test_sk_strict',
          client_id: 'c0ffee0000000001',
          type: 'platform',
          requireSignature: true,
        },
      ],
    });
    try {
      const raw = rawCaller(() => off.origin);
      expect((await raw('POST', '/v1/sessions')).status).toBe(200);
      expect(
        (await raw('GET', '/v1', { as: { username: 'strict', password: 'test_sk_strict' } }))
          .status,
      ).toBe(401);
    } finally {
      await off.close();
    }
  });
});
