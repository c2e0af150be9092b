import { createHmac } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import {
  createPaketClient,
  PaketError,
  PaketHttpError,
  PaketInputError,
  PaketNetworkError,
  PaketTimeoutError,
  type PaketClientOptions,
  type PaketEvent,
} from '../../src/index';
import { CREDS, scriptedFetch, SESSION, type Step } from '../helpers/fake-fetch';

const BASE = 'https://api.paket.tv/v1';
const FAST = { limit: 2, backoffLimitMs: 1 };

function client(steps: Step[], options: Partial<PaketClientOptions> = {}) {
  const fake = scriptedFetch(steps);
  const events: PaketEvent[] = [];
  const c = createPaketClient({
    credentials: CREDS,
    fetch: fake.fetch,
    retry: FAST,
    onEvent: (e) => events.push(e),
    ...options,
  });
  return { c, calls: fake.calls, events };
}

function expectNoSecret(error: unknown) {
  const text = `${String(error)} ${JSON.stringify(error)} ${(error as Error).stack ?? ''}`;
  expect(text).not.toContain(CREDS.password);
  expect(text).not.toContain(Buffer.from(`${CREDS.username}:${CREDS.password}`).toString('base64'));
}

describe('createPaketClient', () => {
  it('does no I/O when created', () => {
    const { calls } = client([{ status: 200, body: SESSION }]);
    expect(calls).toHaveLength(0);
  });

  it.each<[string, Partial<PaketClientOptions>]>([
    ['credentials in the URL', { baseUrl: 'https://user:pw@api.paket.tv/v1' }],
    ['a relative URL', { baseUrl: '/v1' }],
    ['a non-http scheme', { baseUrl: 'ftp://api.paket.tv/v1' }],
    ['plain http to a remote host', { baseUrl: 'http://api.paket.tv/v1' }],
    ['a query string', { baseUrl: 'https://api.paket.tv/v1?x=1' }],
    ['a negative timeout', { timeoutMs: -1 }],
    ['a NaN timeout', { timeoutMs: Number.NaN }],
    ['a fractional retry limit', { retry: { limit: 1.5 } }],
    ['an apiVersion with a newline', { apiVersion: '2024-12-01\r\nX-Evil: 1' }],
    ['credentials that are a string', { credentials: 'user:pw' as never }],
  ])('refuses %s with a PaketInputError', (_name, options) => {
    expect(() => client([], options)).toThrow(PaketInputError);
  });

  it('allows plain http on loopback, and elsewhere only with allowInsecureHttp', () => {
    expect(() => client([], { baseUrl: 'http://127.0.0.1:8787/v1' })).not.toThrow();
    expect(() => client([], { baseUrl: 'http://localhost:8787/v1' })).not.toThrow();
    expect(() =>
      client([], { baseUrl: 'http://10.0.0.2/v1', allowInsecureHttp: true }),
    ).not.toThrow();
  });

  it('rejects empty credentials when the client is created', () => {
    expect(() => client([], { credentials: { username: '', password: 'x' } })).toThrow(
      PaketInputError,
    );
  });
});

describe('requests on the wire', () => {
  it('sends UTF-8 Basic auth, JSON accept and the API version', async () => {
    const creds = { username: 'plätform', password: 'sëcret🔑' };
    const { c, calls } = client([{ status: 200, body: { message: 'ok' } }], {
      credentials: creds,
      apiVersion: '2024-12-01',
    });
    await c.status();
    const auth = calls[0]!.headers.get('authorization')!;
    expect(Buffer.from(auth.replace('Basic ', ''), 'base64').toString('utf8')).toBe(
      'plätform:sëcret🔑',
    );
    expect(calls[0]!.headers.get('accept')).toBe('application/json');
    expect(calls[0]!.headers.get('paket-version')).toBe('2024-12-01');
    expect(calls[0]!.url).toBe(`${BASE}`);
    expect(calls[0]!.headers.get('idempotency-key')).toBeNull();
  });

  it('sends a v4 Idempotency-Key on POST and the same key on every retry', async () => {
    const { c, calls } = client([
      { status: 503 },
      { error: new TypeError('fetch failed') },
      { status: 200, body: SESSION },
    ]);
    await expect(c.sessions.create()).resolves.toEqual(SESSION);
    expect(calls).toHaveLength(3);
    const keys = calls.map((r) => r.headers.get('idempotency-key'));
    expect(keys[0]).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(new Set(keys).size).toBe(1);
  });

  it('uses a caller-given Idempotency-Key and refuses one over 255 characters', async () => {
    const { c, calls } = client([{ status: 200, body: SESSION }]);
    await c.sessions.create({ idempotencyKey: 'my-key' });
    expect(calls[0]!.headers.get('idempotency-key')).toBe('my-key');
    await expect(c.sessions.create({ idempotencyKey: 'k'.repeat(256) })).rejects.toBeInstanceOf(
      PaketInputError,
    );
    expect(calls).toHaveLength(1);
  });

  it('a new call gets a new key', async () => {
    const { c, calls } = client([{ status: 200, body: SESSION }]);
    await c.sessions.create();
    await c.sessions.create();
    expect(calls[0]!.headers.get('idempotency-key')).not.toBe(
      calls[1]!.headers.get('idempotency-key'),
    );
  });

  it('signs requests with a fresh timestamp per attempt when signRequests is on', async () => {
    const { c, calls } = client([{ status: 500 }, { status: 200, body: SESSION }], {
      signRequests: true,
    });
    await c.sessions.create();
    for (const call of calls) {
      const ts = call.headers.get('x-paket-timestamp')!;
      expect(Math.abs(Number(ts) - Date.now())).toBeLessThan(5000);
      expect(call.headers.get('x-paket-signature')).toBe(
        'sha256=' + createHmac('sha256', CREDS.password).update(`${ts}.`).digest('hex'),
      );
    }
  });
});

describe('retries', () => {
  it.each([408, 429, 500, 502, 503, 504])('retries %i up to the limit, then throws', async (s) => {
    const { c, calls } = client([{ status: s, body: { error: { message: 'x' } } }]);
    const error = await c.sessions.create().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaketHttpError);
    expect((error as PaketHttpError).status).toBe(s);
    expect((error as PaketHttpError).body).toEqual({ error: { message: 'x' } });
    expect(calls).toHaveLength(3);
  });

  it.each([400, 403, 404, 422])('never retries %i', async (s) => {
    const { c, calls } = client([{ status: s }]);
    await expect(c.sessions.create()).rejects.toMatchObject({ status: s });
    expect(calls).toHaveLength(1);
  });

  it('retries 409 (key still executing) only for a keyed request', async () => {
    const post = client([{ status: 409 }, { status: 200, body: SESSION }]);
    await expect(post.c.sessions.create()).resolves.toEqual(SESSION);
    const get = client([{ status: 409 }, { status: 200, body: { message: 'ok' } }]);
    await expect(get.c.status()).rejects.toMatchObject({ status: 409 });
    expect(get.calls).toHaveLength(1);
  });

  it('honours Retry-After even beyond backoffLimitMs', async () => {
    const { c, calls } = client([
      { status: 429, headers: { 'retry-after': '0.4' } },
      { status: 200, body: SESSION },
    ]);
    const started = Date.now();
    await c.sessions.create();
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
    expect(calls).toHaveLength(2);
  });

  it('gives up at once on a Retry-After longer than maxRetryAfterMs instead of hanging', async () => {
    const { c, calls } = client(
      [
        { status: 503, headers: { 'retry-after': '3600' } },
        { status: 200, body: SESSION },
      ],
      { retry: { limit: 2, backoffLimitMs: 1, maxRetryAfterMs: 1000 } },
    );
    const started = Date.now();
    await expect(c.sessions.create()).rejects.toMatchObject({ status: 503 });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(calls).toHaveLength(1);
  });

  it('turns network failures into a PaketNetworkError after the retries', async () => {
    const { c, calls, events } = client([{ error: new TypeError('Failed to fetch') }]);
    const error = await c.sessions.create().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaketNetworkError);
    expect(error).toBeInstanceOf(PaketError);
    expect((error as PaketNetworkError).queued).toBe(false);
    expect((error as Error).message).toBe('POST /v1/sessions failed: network error');
    expect(calls).toHaveLength(3);
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(2);
  });

  it('times out each attempt and throws PaketTimeoutError, never hanging', async () => {
    const { c, calls } = client([{ hang: true }], { timeoutMs: 50 });
    const started = Date.now();
    const error = await c.status().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaketTimeoutError);
    expect(error).toBeInstanceOf(PaketNetworkError);
    expect((error as Error).message).toBe('GET /v1 failed: timed out after 50 ms');
    expect(calls).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('credentials', () => {
  it('asks a credentials function again after a 401 and succeeds with the rotated secret', async () => {
    const fn = vi
      .fn()
      .mockResolvedValueOnce({ username: 'u', password: 'old_secret' })
      .mockResolvedValueOnce({ username: 'u', password: 'new_secret' });
    const { c, calls, events } = client([{ status: 401 }, { status: 200, body: SESSION }], {
      credentials: fn,
    });
    await expect(c.sessions.create()).resolves.toEqual(SESSION);
    expect(fn).toHaveBeenCalledTimes(2);
    expect(calls[1]!.headers.get('authorization')).toBe(
      'Basic ' + Buffer.from('u:new_secret').toString('base64'),
    );
    expect(calls[0]!.headers.get('idempotency-key')).toBe(calls[1]!.headers.get('idempotency-key'));
    expect(events.some((e) => e.type === 'credentialsRefresh')).toBe(true);
  });

  it('does not retry a 401 with fixed credentials', async () => {
    const { c, calls } = client([{ status: 401 }]);
    await expect(c.status()).rejects.toMatchObject({ status: 401 });
    expect(calls).toHaveLength(1);
  });

  it('caches the credentials function between calls', async () => {
    const fn = vi.fn().mockResolvedValue(CREDS);
    const { c } = client([{ status: 200, body: { message: 'ok' } }], { credentials: fn });
    await c.status();
    await c.status();
    expect(fn).toHaveBeenCalledTimes(1);
  });
});

describe('response validation', () => {
  it('a 2xx that is not JSON is a PaketHttpError, not undefined', async () => {
    const { c } = client([{ status: 200, raw: '{"session_id": "trunc' }]);
    const error = await c.sessions.create().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaketHttpError);
    expect((error as PaketHttpError).status).toBe(200);
    expect((error as Error).message).toBe(
      'POST /v1/sessions failed: HTTP 200 with a body that is not JSON',
    );
  });

  it.each([[{}], [{ session_id: '' }], [{ session_id: 42 }], [[SESSION]], [null]])(
    'a 2xx JSON body %j without a string session_id is a PaketHttpError',
    async (body) => {
      const { c } = client([{ status: 200, body }]);
      await expect(c.sessions.create()).rejects.toBeInstanceOf(PaketHttpError);
    },
  );

  it('an empty 200 is a PaketHttpError', async () => {
    const { c } = client([{ status: 200, raw: '' }]);
    await expect(c.participants.create()).rejects.toMatchObject({
      status: 200,
      message: 'POST /v1/participants failed: HTTP 200 without the documented "participant_id"',
    });
  });
});

describe('errors never leak credentials', () => {
  it.each<[string, Step]>([
    ['HTTP error', { status: 401, body: { error: 'bad' } }],
    ['network error', { error: new TypeError('fetch failed') }],
    ['malformed', { status: 200, raw: 'not json' }],
  ])('%s', async (_n, step) => {
    const { c } = client([step], { retry: { limit: 0 } });
    const error = await c.sessions.create().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaketError);
    expect((error as PaketError).method).toBe('POST');
    expect((error as PaketError).path).toBe('/v1/sessions');
    expectNoSecret(error);
  });
});

describe('onEvent', () => {
  it('reports each attempt, and a throwing listener does not break the call', async () => {
    const { c, events } = client([{ status: 500 }, { status: 200, body: SESSION }]);
    await c.sessions.create();
    expect(events.map((e) => e.type).filter((t) => t === 'request' || t === 'retry')).toEqual([
      'request',
      'retry',
      'request',
    ]);
    const fake = scriptedFetch([{ status: 200, body: SESSION }]);
    const throwing = createPaketClient({
      credentials: CREDS,
      fetch: fake.fetch,
      onEvent: () => {
        throw new Error('listener bug');
      },
    });
    await expect(throwing.sessions.create()).resolves.toEqual(SESSION);
  });
});
