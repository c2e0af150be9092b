import { describe, expect, it } from 'vitest';
import {
  PaketHttpError,
  PaketNetworkError,
  PaketTimeoutError,
  type PaketSession,
} from '../../src/index';
import { PLATFORM, PUBLISHER, useEmulator } from '../helpers/emulator';

const env = useEmulator();
const CREATE = 'POST /v1/sessions';

function sessionCount() {
  return Object.keys(env.emu.state().sessions).length;
}
function sessionPosts() {
  return env.emu.log.filter((e) => e.route === CREATE);
}

describe('the calls, against the emulator over loopback HTTP', () => {
  it('status() answers healthy with the client ID', async () => {
    await expect(env.client().status()).resolves.toEqual({
      message: 'The API is healthy!',
      client_id: 'fab3d02606122a08',
      test: true,
    });
  });

  it('sessions.create() returns a Session in the wire shape, made once', async () => {
    const session = await env.client().sessions.create();
    expect(session).toEqual({
      session_id: expect.any(String),
      client_type: 'platform',
      client_id: 'fab3d02606122a08',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(env.emu.state().sessions[session.session_id]).toMatchObject(session);
    expect(sessionPosts()).toHaveLength(1);
  });

  it('participants.create() returns a Participant for a publisher client', async () => {
    const participant = await env.client({ credentials: PUBLISHER }).participants.create();
    expect(participant).toMatchObject({ client_type: 'publisher', client_id: 'fe4a9ed381e8e376' });
    expect(env.emu.state().participants[participant.participant_id]).toBeDefined();
  });

  it('a publisher may not create Sessions: 403, not retried', async () => {
    const error = await env
      .client({ credentials: PUBLISHER })
      .sessions.create()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaketHttpError);
    expect((error as PaketHttpError).status).toBe(403);
    expect(sessionPosts()).toHaveLength(1);
  });

  it('wrong credentials: 401 PaketHttpError whose message holds no secret', async () => {
    const error = await env
      .client({ credentials: { username: PLATFORM.username, password: 'test_sk_wrong' } })
      .status()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaketHttpError);
    expect((error as PaketHttpError).status).toBe(401);
    expect(String((error as Error).message)).not.toContain('test_sk_wrong');
  });

  it('a rotated secret: the credentials function is asked again after the 401', async () => {
    const secrets = ['test_sk_revoked', PLATFORM.password];
    let asked = 0;
    const client = env.client({
      credentials: async () => ({ username: PLATFORM.username, password: secrets[asked++]! }),
    });
    await expect(client.status()).resolves.toMatchObject({ client_id: 'fab3d02606122a08' });
    expect(asked).toBe(2);
  });
});

describe('fault classes on create Session: one Session in the emulator, whatever happens', () => {
  it.each([500, 502, 503, 504, 408])('%i, then success: retried, one Session', async (status) => {
    env.emu.injectFaults(CREATE, [{ status }, { status }]);
    const session = await env.client().sessions.create();
    expect(sessionCount()).toBe(1);
    expect(env.emu.state().sessions[session.session_id]).toBeDefined();
    expect(sessionPosts().map((e) => e.status)).toEqual([status, status, 200]);
  });

  it('429 with Retry-After: waits as told, even past backoffLimitMs', async () => {
    env.emu.injectFaults(CREATE, [{ status: 429, retryAfter: 1 }]);
    const started = Date.now();
    await env.client({ retry: { limit: 2, backoffLimitMs: 1 } }).sessions.create();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(sessionCount()).toBe(1);
  });

  it('connection dropped before the server commits: retried with the same key, one Session', async () => {
    env.emu.injectFaults(CREATE, [{ drop: 'before' }]);
    await env.client().sessions.create();
    const posts = sessionPosts();
    expect(posts.map((e) => e.status)).toEqual(['dropped', 200]);
    expect(posts[0]!.idempotencyKey).toBe(posts[1]!.idempotencyKey);
    expect(sessionCount()).toBe(1);
  });

  it('connection dropped after the server commits: the retry replays the same Session', async () => {
    env.emu.injectFaults(CREATE, [{ drop: 'after' }]);
    const session = await env.client().sessions.create();
    const posts = sessionPosts();
    expect(posts.map((e) => e.status)).toEqual(['dropped', 200]);
    expect(posts[1]!.replayed).toBe(true);
    expect(posts[0]!.idempotencyKey).toBe(posts[1]!.idempotencyKey);
    expect(sessionCount()).toBe(1);
    expect(Object.keys(env.emu.state().sessions)).toEqual([session.session_id]);
  });

  it('a slow server past timeoutMs: retried with the same key (409 while in flight), one Session', async () => {
    env.emu.injectFaults(CREATE, [{ delayMs: 400 }]);
    const session = await env
      .client({ timeoutMs: 150, retry: { limit: 6, backoffLimitMs: 100 } })
      .sessions.create();
    expect(sessionCount()).toBe(1);
    expect(Object.keys(env.emu.state().sessions)).toEqual([session.session_id]);
    const keys = new Set(sessionPosts().map((e) => e.idempotencyKey));
    expect(keys.size).toBe(1);
  });

  it('timeouts on every attempt: PaketTimeoutError, no hang', async () => {
    env.emu.injectFaults('GET /v1', [{ delayMs: 300 }], { repeat: true });
    const error = await env
      .client({ timeoutMs: 60, retry: { limit: 1, backoffLimitMs: 1 } })
      .status()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaketTimeoutError);
  });

  it('a create slower than every attempt: a typed error (timeout, or 409 while the first is in flight) and at most one Session', async () => {
    env.emu.injectFaults(CREATE, [{ delayMs: 300 }], { repeat: true });
    const error = await env
      .client({ timeoutMs: 60, retry: { limit: 1, backoffLimitMs: 1 } })
      .sessions.create()
      .catch((e: unknown) => e);
    expect(
      error instanceof PaketTimeoutError ||
        (error instanceof PaketHttpError && error.status === 409),
    ).toBe(true);
    await new Promise((r) => setTimeout(r, 400));
    expect(sessionCount()).toBeLessThanOrEqual(1);
  });

  it('every attempt dropped: PaketNetworkError, and the key would replay the one Session', async () => {
    env.emu.injectFaults(CREATE, [{ drop: 'after' }], { repeat: true });
    const client = env.client({ retry: { limit: 1, backoffLimitMs: 1 } });
    const error = await client.sessions.create({ idempotencyKey: 'crash-key' }).catch((e) => e);
    expect(error).toBeInstanceOf(PaketNetworkError);
    env.emu.clearFaults();
    const session: PaketSession = await client.sessions.create({ idempotencyKey: 'crash-key' });
    expect(Object.keys(env.emu.state().sessions)).toEqual([session.session_id]);
  });

  it('malformed JSON in a 200: PaketHttpError; retrying with the key gets the committed Session', async () => {
    env.emu.injectFaults(CREATE, [{ malformed: true }]);
    const client = env.client();
    const error = await client.sessions.create({ idempotencyKey: 'k-malformed' }).catch((e) => e);
    expect(error).toBeInstanceOf(PaketHttpError);
    expect((error as PaketHttpError).status).toBe(200);
    const session = await client.sessions.create({ idempotencyKey: 'k-malformed' });
    expect(Object.keys(env.emu.state().sessions)).toEqual([session.session_id]);
  });

  it('5xx on every attempt: PaketHttpError with the status, no Session', async () => {
    env.emu.injectFaults(CREATE, [{ status: 503 }], { repeat: true });
    const error = await env
      .client({ retry: { limit: 2, backoffLimitMs: 1 } })
      .sessions.create()
      .catch((e) => e);
    expect(error).toMatchObject({ status: 503, method: 'POST', path: '/v1/sessions' });
    expect(sessionPosts()).toHaveLength(3);
    expect(sessionCount()).toBe(0);
  });

  it('4xx is not retried', async () => {
    env.emu.injectFaults(CREATE, [{ status: 400 }]);
    await expect(env.client().sessions.create()).rejects.toMatchObject({ status: 400 });
    expect(sessionPosts()).toHaveLength(1);
  });

  it('the same fault classes on GET /v1', async () => {
    env.emu.injectFaults('GET /v1', [
      { status: 500 },
      { drop: 'before' },
      { status: 429, retryAfter: 0 },
    ]);
    await expect(
      env.client({ retry: { limit: 3, backoffLimitMs: 1 } }).status(),
    ).resolves.toMatchObject({
      message: 'The API is healthy!',
    });
    env.emu.injectFaults('GET /v1', [{ malformed: true }]);
    await expect(env.client().status()).rejects.toBeInstanceOf(PaketHttpError);
    env.emu.injectFaults('GET /v1', [{ status: 404 }]);
    await expect(env.client().status()).rejects.toMatchObject({ status: 404 });
  });

  it('an unreachable server: PaketNetworkError naming the call', async () => {
    const client = env.client({
      baseUrl: 'http://127.0.0.1:9/v1',
      retry: { limit: 1, backoffLimitMs: 1 },
    });
    const error = await client.status().catch((e) => e);
    expect(error).toBeInstanceOf(PaketNetworkError);
    expect((error as Error).message).toBe('GET /v1 failed: network error');
  });
});

describe('signed requests', () => {
  const signed = useEmulator({
    clients: [
      {
        username: 'platform_demo',
        secret: 'test_sk_platform_demo',
        client_id: 'fab3d02606122a08',
        type: 'platform',
        requireSignature: true,
      },
    ],
  });

  it('are accepted by a server that requires them', async () => {
    await expect(signed.client({ signRequests: true }).sessions.create()).resolves.toMatchObject({
      client_type: 'platform',
    });
  });

  it('unsigned requests are refused with 401', async () => {
    await expect(signed.client({ signRequests: false }).status()).rejects.toMatchObject({
      status: 401,
    });
  });
});
