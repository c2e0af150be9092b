// The bounded transport and the credentials (issue 19 items 3, 5, 8, 9, 15; issue 16 item 7).
import { describe, expect, it } from 'vitest';
import {
  createPaketClient,
  PaketHttpError,
  PaketInputError,
  PaketNetworkError,
  PaketTimeoutError,
  type PaketClientOptions,
  type PaketEvent,
} from '../../src/index';
import { MAX_BODY_BYTES } from '../../src/transport/body';
import { CREDS, SESSION } from '../helpers/fake-fetch';

const BASE = 'https://api.paket.tv/v1';

function client(
  fetchImpl: (url: string, init: RequestInit) => unknown,
  options: Partial<PaketClientOptions> = {},
) {
  const events: PaketEvent[] = [];
  const c = createPaketClient({
    credentials: CREDS,
    fetch: fetchImpl as unknown as typeof fetch,
    retry: { limit: 0 },
    timeoutMs: 200,
    signRequests: false,
    autoFlush: false,
    onEvent: (e) => events.push(e),
    ...options,
  });
  return { c, events };
}

/** A Response whose body sends `chunks` then, unless `end`, nothing more. */
function streamed(
  chunks: Uint8Array[],
  opts: { end?: boolean; endless?: boolean; status?: number } = {},
) {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (opts.endless) {
        pulled += 65536;
        controller.enqueue(new Uint8Array(65536).fill(0x20));
        return;
      }
      const next = chunks.shift();
      if (next) {
        pulled += next.byteLength;
        controller.enqueue(next);
      } else if (opts.end) controller.close();
      else return new Promise(() => undefined); // silence
    },
  });
  const response = new Response(body, {
    status: opts.status ?? 200,
    headers: { 'content-type': 'application/json' },
  });
  return { response, pulled: () => pulled };
}

describe('the per-attempt deadline covers the body', () => {
  it('headers then silence is a PaketTimeoutError, not a call pending for ever', async () => {
    const { c } = client(() => streamed([new TextEncoder().encode('{"session_')]).response);
    const started = Date.now();
    await expect(c.sessions.create()).rejects.toBeInstanceOf(PaketTimeoutError);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('is retried like any timeout', async () => {
    let n = 0;
    const { c } = client(
      () =>
        n++ === 0 ? streamed([]).response : new Response(JSON.stringify(SESSION), { status: 200 }),
      { retry: { limit: 1, backoffLimitMs: 1 } },
    );
    await expect(c.sessions.create()).resolves.toMatchObject({ session_id: SESSION.session_id });
    expect(n).toBe(2);
  });
});

describe('the body size cap', () => {
  it('an endless body is refused without reading far past 1 MB', async () => {
    const s = streamed([], { endless: true });
    const { c } = client(() => s.response, { timeoutMs: 5000 });
    const error = await c.sessions.create().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaketHttpError);
    expect(error).toMatchObject({ code: 'body_too_large', method: 'POST', path: '/v1/sessions' });
    expect(s.pulled()).toBeLessThan(MAX_BODY_BYTES + 4 * 65536);
  });

  it('a declared Content-Length over the cap is refused before reading', async () => {
    const { c } = client(
      () =>
        new Response('{}', {
          status: 200,
          headers: { 'content-length': String(MAX_BODY_BYTES + 1) },
        }),
    );
    await expect(c.sessions.create()).rejects.toMatchObject({ code: 'body_too_large' });
  });

  it('an answer under the cap is read whole', async () => {
    const big = { ...SESSION, pad: 'x'.repeat(500_000) };
    const { c } = client(() => new Response(JSON.stringify(big), { status: 200 }));
    await expect(c.sessions.create()).resolves.toEqual(SESSION);
  });
});

describe('redirects', () => {
  it('are never followed: fetch is told redirect "manual", a 3xx is a typed error', async () => {
    const inits: RequestInit[] = [];
    const { c } = client((_url, init) => {
      inits.push(init);
      return new Response(null, { status: 307, headers: { location: 'https://evil.example/' } });
    });
    await expect(c.sessions.create()).rejects.toMatchObject({
      name: 'PaketHttpError',
      code: 'redirect',
      status: 307,
      message: expect.stringContaining('POST /v1/sessions failed: redirect refused'),
    });
    expect(inits[0]?.redirect).toBe('manual');
    expect(inits).toHaveLength(1);
  });

  it('an answer from another origin (a fetch that followed anyway) is refused', async () => {
    const { c } = client(() => {
      const r = new Response(JSON.stringify(SESSION), { status: 200 });
      Object.defineProperty(r, 'url', { value: 'https://evil.example/v1/sessions' });
      return r;
    });
    await expect(c.sessions.create()).rejects.toMatchObject({ code: 'redirect' });
  });
});

describe('rate-limit headers are all held to maxRetryAfterMs', () => {
  const far = String(Math.round(Date.now() / 1000) + 3600);
  it.each([
    ['Retry-After', '3600'],
    ['RateLimit-Reset', '3600'],
    ['X-RateLimit-Retry-After', '3600'],
    ['X-RateLimit-Reset', far],
    ['X-Rate-Limit-Reset', far],
  ])('%s: %s fails at once', async (name, value) => {
    let n = 0;
    const { c } = client(
      () => {
        n++;
        return new Response('{}', { status: 429, headers: { [name]: value } });
      },
      { retry: { limit: 2, maxRetryAfterMs: 1000 } },
    );
    const started = Date.now();
    await expect(c.sessions.create()).rejects.toMatchObject({ status: 429 });
    expect(n).toBe(1);
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('an unreadable Retry-After gets the SDK backoff, not a wait of maxRetryAfterMs', async () => {
    let n = 0;
    const { c } = client(
      () =>
        n++ === 0
          ? new Response('{}', { status: 503, headers: { 'retry-after': 'soon' } })
          : new Response(JSON.stringify(SESSION), { status: 200 }),
      { retry: { limit: 1, backoffLimitMs: 1, maxRetryAfterMs: 60_000 } },
    );
    const started = Date.now();
    await expect(c.sessions.create()).resolves.toEqual(SESSION);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('a fetch that does not behave', () => {
  it.each([[{}], [null], ['text'], [{ status: 200 }]])(
    'resolving to %j is a typed error naming the call',
    async (value) => {
      const { c } = client(() => value);
      const error = await c.sessions.create().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PaketHttpError);
      expect(error).toMatchObject({ code: 'not_a_response' });
      expect(String((error as Error).message)).toMatch(/^POST \/v1\/sessions failed: /);
      expect(String((error as Error).message)).not.toContain('undefined');
    },
  );

  it('a rejection names method and path', async () => {
    const { c } = client(() => Promise.reject(new Error('boom')));
    await expect(c.sessions.create()).rejects.toMatchObject({
      name: 'PaketNetworkError',
      message: 'POST /v1/sessions failed: network error',
    });
  });
});

describe('credentials', () => {
  const ok = () => new Response(JSON.stringify(SESSION), { status: 200 });
  it.each([
    [
      'throws',
      () => {
        throw new TypeError('Failed to fetch');
      },
    ],
    ['rejects', () => Promise.reject(new TypeError('Failed to fetch'))],
    ['hangs', () => new Promise(() => undefined)],
    ['returns junk', () => 42],
    ['returns an empty username', () => ({ username: '', password: 'x' })],
    ['returns null', () => null],
  ])('a function that %s gives a PaketNetworkError naming the call', async (_name, fn) => {
    const { c } = client(ok, { credentials: fn as PaketClientOptions['credentials'] });
    const error = await c.sessions.create().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaketNetworkError);
    expect((error as Error).message).toMatch(
      /^POST \/v1\/sessions failed: credentials unavailable/,
    );
  });

  it('a failing refresh after a 401 is a PaketNetworkError too', async () => {
    let asked = 0;
    const { c } = client(() => new Response('{}', { status: 401 }), {
      credentials: () => {
        if (asked++ === 0) return CREDS;
        throw new TypeError('Failed to fetch');
      },
    });
    await expect(c.sessions.create()).rejects.toBeInstanceOf(PaketNetworkError);
    expect(asked).toBe(2);
  });

  it.each([
    [{ username: '', password: 'x' }, 'credentials.username'],
    [{ username: 'u', password: '' }, 'credentials.password'],
    [{ username: 'a:b', password: 'x' }, 'credentials.username'],
    [{ username: 'u' }, 'credentials.password'],
    [{ password: 'x' }, 'credentials.username'],
  ])('object credentials %j are refused when the client is created, naming %s', (creds, field) => {
    expect(() => client(ok, { credentials: creds as PaketClientOptions['credentials'] })).toThrow(
      expect.objectContaining({ name: 'PaketInputError', parameter: field }),
    );
  });

  it('a throwing getter in the options is a PaketInputError', () => {
    for (const name of ['timeoutMs', 'baseUrl', 'fetch', 'signRequests', 'dialect']) {
      const options = { credentials: CREDS } as Record<string, unknown>;
      Object.defineProperty(options, name, {
        get() {
          throw new Error('getter');
        },
      });
      expect(() => createPaketClient(options as unknown as PaketClientOptions)).toThrow(
        PaketInputError,
      );
    }
    const creds = {
      username: 'u',
      get password(): string {
        throw new Error('getter');
      },
    };
    expect(() => createPaketClient({ credentials: creds })).toThrow(PaketInputError);
  });
});

describe('baseUrl', () => {
  it.each([
    ['not a URL', 'must be an absolute URL'],
    ['ftp://api.paket.tv/v1', 'must use https: (not ftp:)'],
    ['https://u:p@api.paket.tv/v1', 'must not contain credentials'],
    ['https://api.paket.tv/v1?x=1', 'must not contain a query'],
    ['https://api.paket.tv/v1#top', 'must not contain a fragment'],
    ['http://api.paket.tv/v1', 'plain http: only on loopback'],
  ])('%s: says %s', (baseUrl, words) => {
    expect(() => createPaketClient({ credentials: CREDS, baseUrl })).toThrow(words);
  });

  it('a 404 when the baseUrl does not end in /v1 carries a hint', async () => {
    const { c } = client(() => new Response('{}', { status: 404 }), {
      baseUrl: 'https://api.paket.tv',
    });
    await expect(c.status()).rejects.toThrow(
      'GET / failed: HTTP 404 (the baseUrl does not end in /v1: did you mean https://api.paket.tv/v1?)',
    );
  });

  it('no hint when it does', async () => {
    const { c } = client(() => new Response('{}', { status: 404 }), { baseUrl: BASE });
    await expect(c.status()).rejects.toThrow('GET /v1 failed: HTTP 404');
    await expect(c.status()).rejects.not.toThrow('did you mean');
  });
});
