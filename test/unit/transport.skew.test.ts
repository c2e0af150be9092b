// Signing on by default, and a TV clock minutes or years off (issue 12 item 3).
import { createHmac, webcrypto } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPaketClient, type PaketClientOptions } from '../../src/index';
import { CREDS, SESSION } from '../helpers/fake-fetch';

const realNow = Date.now.bind(Date);
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

/** A Paket that checks every signature and its 5-minute window by its own (true) clock. */
function signingServer() {
  const seen: { timestamp: string; ok: boolean }[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const body = await request.text();
    const timestamp = request.headers.get('x-paket-timestamp') ?? '';
    const signature = request.headers.get('x-paket-signature') ?? '';
    const now = realNow();
    const date = new Date(now).toUTCString();
    const expected =
      'sha256=' + createHmac('sha256', CREDS.password).update(`${timestamp}.${body}`).digest('hex');
    const inWindow = Math.abs(now - Number(timestamp)) <= 5 * 60_000;
    const ok = inWindow && signature === expected;
    seen.push({ timestamp, ok });
    if (!ok) {
      return new Response(
        JSON.stringify({
          error: inWindow ? 'invalid_signature' : 'signature_expired',
          message: inWindow ? 'signature does not match' : 'timestamp outside the 5-minute window',
        }),
        { status: 401, headers: { date } },
      );
    }
    return new Response(JSON.stringify(SESSION), { status: 200, headers: { date } });
  }) as typeof fetch;
  return { fetch: fetchImpl, seen };
}

const client = (fetchImpl: typeof fetch, options: Partial<PaketClientOptions> = {}) =>
  createPaketClient({
    credentials: CREDS,
    fetch: fetchImpl,
    retry: { limit: 0 },
    autoFlush: false,
    ...options,
  });

describe('signing', () => {
  it('is on by default', async () => {
    const server = signingServer();
    await expect(client(server.fetch).sessions.create()).resolves.toEqual(SESSION);
    expect(server.seen).toEqual([{ timestamp: expect.stringMatching(/^\d+$/), ok: true }]);
  });

  it('signRequests: false turns it off', async () => {
    const calls: Request[] = [];
    const c = client(
      (async (input: RequestInfo | URL, init?: RequestInit) => {
        calls.push(new Request(input, init));
        return new Response(JSON.stringify(SESSION), { status: 200 });
      }) as typeof fetch,
      { signRequests: false },
    );
    await c.sessions.create();
    expect(calls[0]?.headers.has('x-paket-signature')).toBe(false);
  });

  it.each([
    ['-2 h', -2 * 3_600_000],
    ['+10 min', 10 * 60_000],
    ['+5 years', 5 * 365 * 86_400_000],
  ])(
    'a clock %s off: one refusal, then one correct signed request, and the offset is kept',
    async (_name, skew) => {
      vi.spyOn(Date, 'now').mockImplementation(() => realNow() + skew);
      const server = signingServer();
      const c = client(server.fetch);
      await expect(c.sessions.create()).resolves.toEqual(SESSION);
      expect(server.seen.map((s) => s.ok)).toEqual([false, true]);
      await expect(c.sessions.create()).resolves.toEqual(SESSION);
      expect(server.seen.map((s) => s.ok)).toEqual([false, true, true]);
    },
  );

  it('works without crypto.subtle (the bundled SHA-256), clock skew included', async () => {
    vi.stubGlobal('crypto', { getRandomValues: webcrypto.getRandomValues.bind(webcrypto) });
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() - 3_600_000);
    const server = signingServer();
    await expect(client(server.fetch).sessions.create()).resolves.toEqual(SESSION);
    expect(server.seen.map((s) => s.ok)).toEqual([false, true]);
  });

  it('a refusal that is not about the clock is not signed again', async () => {
    const server = signingServer();
    const c = client(server.fetch, { credentials: { username: 'u', password: 'wrong' } });
    await expect(c.sessions.create()).rejects.toMatchObject({
      status: 401,
      code: 'invalid_signature',
    });
    expect(server.seen).toHaveLength(1);
  });
});
