// Hostile answers an outside review found getting through (each test failed before its fix):
// secrets echoed behind JSON escapes, answers nested too deep, list cursors that cycle or
// cannot be encoded, and a reconcile that took the service's linked IDs without the ID rule.
import { describe, expect, it } from 'vitest';
import { PaketError, PaketHttpError, type PaketClientOptions } from '../../src/index';
import { handledClient, SESSION } from '../helpers/fake-fetch';
import { memoryStorage } from '../helpers/memory-storage';

type Handler = (method: string, path: string, url: URL) => Response | Promise<Response>;
const json = (status: number, body: unknown) =>
  new Response(body === undefined ? null : JSON.stringify(body), { status });

function client(handler: Handler, options: Partial<PaketClientOptions> = {}) {
  return handledClient((request) => {
    const url = new URL(request.url);
    return handler(request.method, url.pathname, url);
  }, options);
}

describe('secrets echoed by the service', () => {
  // A secret holding `"`, `\` or a control character is escaped in JSON: every string of the
  // parsed answer is checked, not its serialised text.
  it.each(['test_sk_ab"cd', 'test_sk_ab\\cd', 'test_sk_ab\ncd'])(
    'a secret %j echoed in an error body is not in error.body',
    async (password) => {
      const c = client(() => json(400, { error: 'bad_auth', message: `bad secret ${password}` }), {
        credentials: { username: 'platform_demo', password },
      });
      const error = await c.status().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PaketHttpError);
      // the message is scrubbed (serviceWords works on the string) ...
      expect((error as Error).message).not.toContain(password);
      // ... but the body the error carries is not
      expect(JSON.stringify((error as PaketHttpError).body)).not.toContain(
        JSON.stringify(password).slice(1, -1),
      );
      expect(
        String(((error as PaketHttpError).body as { message?: string }).message),
      ).not.toContain(password);
    },
  );

  it('a secret with a quote echoed in a 2xx answer is not handed to the app', async () => {
    const password = 'test_sk_ab"cd';
    const c = client(() => json(200, { message: `hello ${password}`, client_id: 'c1' }), {
      credentials: { username: 'platform_demo', password },
    });
    const status = await c.status();
    expect(JSON.stringify(status)).not.toContain('ab\\"cd');
  });
});

describe('a secret of digits echoed as a JSON number', () => {
  const password = '80467215930457';
  it('a numeric secret echoed as a number is not in error.body', async () => {
    const error = await numeric(401, { error: 'bad_auth', secret: Number(password) })
      .status()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaketHttpError);
    expect(JSON.stringify((error as PaketHttpError).body)).not.toContain(password);
  });
  function numeric(status: number, body: unknown) {
    return client(() => new Response(JSON.stringify(body), { status }), {
      credentials: { username: 'platform_demo', password },
    });
  }
});

describe('deeply nested JSON answers', () => {
  // A (legal, < 1 MB) deeply nested answer: past 64 levels it is not read as JSON.
  const deep = '['.repeat(400_000) + ']'.repeat(400_000);
  it('a 2xx answer nested 400,000 deep is a PaketHttpError, not a raw RangeError', async () => {
    const c = client(() => new Response(deep, { status: 200 }));
    const error = await c.status().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaketError);
  });
  it('an error answer nested 400,000 deep is a PaketHttpError, not a raw RangeError', async () => {
    const c = client(() => new Response(deep, { status: 400 }));
    const error = await c.status().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaketHttpError);
  });
});

describe('hostile next_key', () => {
  // A next_key goes into the query: one that cannot be encoded is refused.
  it('a next_key with a lone surrogate is a typed error at next(), not a raw URIError', async () => {
    const c = client((method) =>
      method === 'POST'
        ? json(200, SESSION)
        : json(200, { items: [{ a: 1 }], next_key: 'k\ud800' }),
    );
    const run = async () => {
      for await (const _ of c.sessions.upNext('p')) void _;
    };
    const error = await run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaketError);
  });

  // A cursor that comes back (a, b, a, b, …) would make an endless list, a request a page.
  it('a next_key that cycles between two values ends the list with a typed error', async () => {
    let gets = 0;
    const c = client((method, _path, url) => {
      if (method === 'POST') return json(200, SESSION);
      gets++;
      const key = url.searchParams.get('next_key');
      return json(200, { items: [{ content_id: `c${gets}` }], next_key: key === 'a' ? 'b' : 'a' });
    });
    let seen = 0;
    const run = async () => {
      for await (const _ of c.sessions.upNext('p')) {
        void _;
        if (++seen >= 500) return 'endless';
      }
      return 'ended';
    };
    const outcome = await run().catch((e: unknown) => e);
    expect(outcome).toBeInstanceOf(PaketHttpError);
    expect(gets).toBeLessThan(10);
  });
});

describe('an echoed secret never reaches the stored records', () => {
  it('a Session answer whose client_id echoes a secret holding a quote is not stored with it', async () => {
    const password = 'test_sk_ab"cd';
    const mem = memoryStorage();
    const c = client(() => json(200, { ...SESSION, client_id: password }), {
      credentials: { username: 'platform_demo', password },
      storage: mem.storage,
    });
    await c.sessions.ensure('p');
    expect(JSON.stringify([...mem.memory.values()])).not.toContain('ab\\"cd');
  });
});

const APP = 'fe4a9ed381e8e376';

function reconcileSetup(serviceLinked: (url: URL) => unknown[] | object) {
  const seen: string[] = [];
  const mem = memoryStorage();
  const c = handledClient(
    (r) => {
      const url = new URL(r.url);
      seen.push(`${r.method} ${url.pathname}`);
      if (r.method === 'POST') return json(200, SESSION);
      if (r.method === 'GET' && url.pathname.endsWith('/participants')) {
        const page = serviceLinked(url);
        return json(200, Array.isArray(page) ? { items: page } : page);
      }
      if (r.method === 'DELETE') return json(204, undefined);
      return json(200, { message: 'Success' });
    },
    { reconcileEveryMs: 1, storage: mem.storage },
  );
  return { c, seen, mem };
}
const until = async (f: () => boolean, ms = 2000) => {
  const end = Date.now() + ms;
  while (!f() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
};

describe("reconcile: the service's linked IDs keep the ID rule", () => {
  it('a linked participant_id "." never makes the SDK send DELETE …/sessions/{session_id}/ (S7 on a lenient router)', async () => {
    const { c, seen } = reconcileSetup(() => [
      { participant_id: 'good', app_id: APP, created_at: 't' },
      { participant_id: '.', app_id: APP, created_at: 't' },
    ]);
    await c.sessions.link('p', { appId: APP, participantId: 'good' });
    await c.sessions.ensure('p'); // first seen: due from now
    await new Promise((r) => setTimeout(r, 20));
    await c.sessions.ensure('p'); // due: reconcile reads S5 and queues an unlink of "."
    await until(() => seen.some((s) => s.startsWith('DELETE')));
    // encodeSegment('.') is '%2E', which the URL parser takes as a dot-segment and drops
    expect(seen).not.toContain(`DELETE /v1/upnext/sessions/${SESSION.session_id}/`);
    expect(seen.filter((s) => s.startsWith('DELETE'))).toEqual([]);
  });

  it('a linked participant_id with a lone surrogate does not wedge the outbox (later links are still delivered)', async () => {
    const { c } = reconcileSetup(() => [
      { participant_id: 'good', app_id: APP, created_at: 't' },
      { participant_id: 'x\ud800', app_id: APP, created_at: 't' },
    ]);
    await c.sessions.link('p', { appId: APP, participantId: 'good' });
    await c.sessions.ensure('p');
    await new Promise((r) => setTimeout(r, 20));
    await c.sessions.ensure('p');
    await new Promise((r) => setTimeout(r, 200));
    const later = await c.sessions.link('p', { appId: APP, participantId: 'second' }).then(
      () => 'linked',
      (e: Error) => `${e.name}: ${e.message}`,
    );
    expect(later).toBe('linked');
    expect((await c.pending()).map((o) => o.participantId)).not.toContain('x\ud800');
  });

  it('a profile whose record was lost never stores a malformed link from S5', async () => {
    const { c, mem } = reconcileSetup(() => [
      { participant_id: 'a/b/../../c', app_id: { evil: true }, created_at: 'x'.repeat(100_000) },
    ]);
    await c.sessions.ensure('p');
    await new Promise((r) => setTimeout(r, 20));
    await c.sessions.ensure('p');
    await new Promise((r) => setTimeout(r, 200));
    const stored = JSON.stringify([...mem.memory.values()]);
    expect(stored).not.toContain('a/b/../../c');
    expect(stored.length).toBeLessThan(50_000);
  });

  it('a linked list whose cursor comes back is not acted on: nothing unlinked, a few pages read', async () => {
    const { c, seen } = reconcileSetup((url) => ({
      items: [{ participant_id: 'stranger', app_id: APP, created_at: 't' }],
      next_key: url.searchParams.get('next_key') === 'a' ? 'b' : 'a',
    }));
    await c.sessions.link('p', { appId: APP, participantId: 'good' });
    await c.sessions.ensure('p');
    await new Promise((r) => setTimeout(r, 20));
    await c.sessions.ensure('p'); // due: reads S5, which never ends
    await until(() => seen.filter((x) => x.startsWith('GET')).length >= 3, 500);
    await new Promise((r) => setTimeout(r, 100));
    expect(seen.filter((x) => x.startsWith('GET')).length).toBeLessThanOrEqual(3);
    expect(seen.filter((x) => x.startsWith('DELETE'))).toEqual([]);
  });
});

describe('a service that gives a lost Session’s ID to the new Session', () => {
  // Found by the property tests (CI, 2026-12-08): the link was made on the "new" Session,
  // whose ID was on the lost list, so it was queued again, which found that Session lost,
  // made another, got the same ID … a loop of Session creations that never yielded to a
  // timer. The request cap below stops the old code's loop so the test can fail.
  it('the link completes, one Session is made for the lost one, and the outbox goes quiet', async () => {
    let posts = 0;
    let requests = 0;
    // The service loses the Session once (after the first POST); a new POST gives it back.
    let lost = false;
    const c = client((method) => {
      if (++requests > 60) return json(400, { error: 'test_cap' });
      if (method === 'POST') {
        lost = ++posts === 1;
        return json(200, SESSION);
      }
      if (lost) return json(404, { error: 'not_found' });
      return json(200, method === 'GET' ? { items: [] } : {});
    });
    await c.sessions.ensure('p');
    const link = await c.sessions.link('p', { appId: 'a', participantId: 'x' });
    expect(link.participant_id).toBe('x');
    // Timers still run: nothing spins in the background.
    await new Promise((r) => setTimeout(r, 50));
    await c.flush();
    expect(requests).toBeLessThan(10);
    expect(posts).toBe(2);
    expect(await c.pending()).toEqual([]);
    // The link is confirmed on the Session the profile now has.
    expect((await c.sessions.linked('p')).map((l) => l.participant_id)).toEqual(['x']);
  });
});

describe('a service that loses every Session it makes', () => {
  it('a link ends in a typed error after a bounded number of new Sessions, and the outbox goes quiet', async () => {
    let posts = 0;
    let requests = 0;
    let losing = false;
    const c = client((method) => {
      if (++requests > 200) return json(400, { error: 'test_cap' });
      if (method === 'POST') return json(200, { ...SESSION, session_id: `s-${++posts}` });
      if (losing) return json(404, { error: 'not_found' });
      return json(200, method === 'GET' ? { items: [] } : {});
    });
    await c.sessions.link('p', { appId: 'a', participantId: 'y' });
    losing = true;
    const error = await c.sessions.link('p', { appId: 'a', participantId: 'x' }).catch((e) => e);
    expect(error).toBeInstanceOf(PaketError);
    await new Promise((r) => setTimeout(r, 50));
    await c.flush();
    // The first Session, then at most 3 replacements for each of the two links (the re-link
    // of y and x), and one the last refusal leaves made.
    expect(posts).toBeLessThanOrEqual(8);
    expect(requests).toBeLessThan(40);
    expect(await c.pending()).toEqual([]);
  });
});
