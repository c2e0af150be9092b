// Property tests (fast-check): any public input is either accepted or refused with a
// PaketInputError before any request; any answer from the server ends in a result or a typed
// error, never a hang; and any sequence of links, unlinks, restarts (some without IndexedDB),
// lost Sessions and transient faults ends, once the network is back, with the service holding exactly the links
// the user was told of; as does a long queue flushed under faults, lost Sessions and
// restarts.
import fc from 'fast-check';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPaketClient, PaketError, PaketInputError, PaketNetworkError } from '../../src/index';

const CREDS = { username: 'platform_demo', password: 'test_sk_props' };
const SESSION = { session_id: 's-1', client_type: 'platform', client_id: 'c', created_at: 'now' };

beforeEach(() => {
  vi.stubGlobal('indexedDB', new IDBFactory());
  localStorage.clear();
});

/**
 * The operation sequences run from a fixed seed, so that `npm test` checks the same cases
 * on every machine; `PROPERTY_SEED=random` explores new ones (with `PROPERTY_RUNS`), and
 * `PROPERTY_SEED` with `PROPERTY_PATH` (from a failure's report) replays a counterexample.
 */
const seed = process.env.PROPERTY_SEED ?? '20261207';
const replay =
  seed === 'random'
    ? {}
    : {
        seed: Number(seed),
        ...(process.env.PROPERTY_PATH ? { path: process.env.PROPERTY_PATH } : {}),
      };

const validId = (v: unknown): boolean =>
  typeof v === 'string' && v !== '' && v.length <= 255 && !v.includes('/');

describe('public inputs', () => {
  it('link/unlink/ensure accept valid IDs and refuse anything else with a PaketInputError, sending nothing', async () => {
    const anyId = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.constantFrom('', '/', '../x', '%2F', 'a'.repeat(256), 'ok-id'),
      fc.anything(),
    );
    await fc.assert(
      fc.asyncProperty(anyId, anyId, anyId, async (profileId, appId, participantId) => {
        let requests = 0;
        const client = createPaketClient({
          credentials: CREDS,
          autoFlush: false,
          retry: { limit: 0 },
          fetch: (async () => {
            requests++;
            return new Response(JSON.stringify(SESSION), { status: 200 });
          }) as typeof fetch,
        });
        const profileOk =
          typeof profileId === 'string' && profileId !== '' && profileId.length <= 255;
        const ok = profileOk && validId(appId) && validId(participantId);
        const error = await client.sessions
          .link(profileId as string, { appId, participantId } as never)
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        if (ok) {
          expect(error === undefined || error instanceof PaketError).toBe(true);
        } else {
          expect(error).toBeInstanceOf(PaketInputError);
          expect(requests).toBe(0);
        }
        const unlinkError = await client.sessions
          .unlink(profileId as string, participantId as string)
          .catch((e: unknown) => e);
        if (!(profileOk && validId(participantId)))
          expect(unlinkError).toBeInstanceOf(PaketInputError);
      }),
      { numRuns: 150 },
    );
  });

  it('options: invalid values throw a PaketInputError when the client is created, never later', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            baseUrl: fc.oneof(fc.string(), fc.webUrl(), fc.constant('http://10.0.0.1/v1')),
            timeoutMs: fc.oneof(fc.double(), fc.integer()),
            apiVersion: fc.string(),
            retry: fc.record({ limit: fc.oneof(fc.double(), fc.integer({ min: -5, max: 20 })) }),
          },
          { requiredKeys: [] },
        ),
        (options) => {
          try {
            createPaketClient({ credentials: CREDS, autoFlush: false, ...options } as never);
          } catch (error) {
            expect(error).toBeInstanceOf(PaketInputError);
            expect(String(error)).not.toContain(CREDS.password);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('server answers', () => {
  it('any status, headers and body end in a value or a typed error, within the time bounds', async () => {
    const answer = fc.record({
      status: fc.integer({ min: 200, max: 599 }),
      retryAfter: fc.option(
        fc.oneof(fc.constantFrom('0', '0.01', '-1', 'soon', '99999'), fc.string()),
        { nil: undefined },
      ),
      body: fc.oneof(
        fc.string(),
        fc.json(),
        fc.constant(JSON.stringify(SESSION)),
        fc.constant('{"session_id": "trunc'),
        fc.constant(''),
      ),
      hang: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(answer, { minLength: 1, maxLength: 4 }),
        fc.constantFrom('status', 'create', 'ensure', 'link'),
        async (answers, call) => {
          let i = 0;
          const client = createPaketClient({
            credentials: CREDS,
            autoFlush: false,
            timeoutMs: 30,
            retry: { limit: 2, backoffLimitMs: 1, maxRetryAfterMs: 20 },
            fetch: (async () => {
              // Answered in a later task, as by a real fetch (a loop of requests then meets
              // the run's timeout instead of starving its timer).
              await new Promise((r) => setTimeout(r, 0));
              const a = answers[Math.min(i++, answers.length - 1)]!;
              if (a.hang) return new Promise<Response>(() => undefined);
              const headers: Record<string, string> = { 'content-type': 'application/json' };
              if (a.retryAfter !== undefined) headers['retry-after'] = a.retryAfter;
              const noBody = a.status === 204 || a.status === 205 || a.status === 304;
              return new Response(noBody ? null : a.body, { status: a.status, headers });
            }) as typeof fetch,
          });
          const run =
            call === 'status'
              ? client.status()
              : call === 'create'
                ? client.sessions.create()
                : call === 'ensure'
                  ? client.sessions.ensure()
                  : client.sessions.link('default', { appId: 'app', participantId: 'p' });
          const result = await run.then(
            (value) => ({ value }),
            (error: unknown) => ({ error }),
          );
          if ('error' in result) expect(result.error).toBeInstanceOf(PaketError);
        },
      ),
      // The bound is a hang detector, not a timing: three 30 ms attempts and two 20 ms
      // waits end in well under a second, and a run past 10 s fails as a counterexample
      // (shrunk, with its seed) instead of timing out the whole test on a loaded machine.
      { numRuns: 120, timeout: 10_000 },
    );
  }, 120_000);
});

describe('operation sequences', () => {
  type Fault = 'none' | 'before' | 'after' | '503';
  type Op =
    | { kind: 'link' | 'unlink'; participant: number; faults: Fault[] }
    | { kind: 'restart'; indexedDB: boolean }
    | { kind: 'lose' };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({
      kind: fc.constantFrom('link' as const, 'unlink' as const),
      participant: fc.integer({ min: 0, max: 2 }),
      // One per request, from the operation's first ('none' lets one through): a fault may
      // also hit the Session check, the new Session's POST or a re-link after a lost Session.
      faults: fc.array(fc.constantFrom<Fault>('none', 'before', 'after', '503'), { maxLength: 3 }),
    }),
    // A restart, sometimes into a run where IndexedDB is missing (the localStorage fallback).
    fc.record({ kind: fc.constant('restart' as const), indexedDB: fc.boolean() }),
    fc.constant({ kind: 'lose' as const }),
  );

  /**
   * A small service: Sessions that it may lose, links, idempotency keys that replay the first
   * result and refuse other parameters (422), and faults per request, in order (`lose`: the
   * service loses its live Session just before the request).
   */
  function fakeService() {
    const sessions = new Map<string, Set<string>>();
    const keys = new Map<string, string>();
    let live = '';
    let made = 0;
    const service = {
      sessions,
      faults: [] as (Fault | 'lose')[],
      requests: 0,
      lose: (): void => void sessions.delete(live),
      fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
        const request = new Request(input, init);
        service.requests++;
        let f = service.faults.shift();
        if (f === 'lose') {
          service.lose();
          f = 'none';
        }
        if (f === 'before') throw new TypeError('Failed to fetch');
        if (f === '503') return new Response('{}', { status: 503 });
        const [, , , id = '', tail] = new URL(request.url).pathname.split('/').slice(1);
        const key = request.headers.get('idempotency-key') ?? '';
        const reply = (status: number, body?: unknown): Response => {
          if (f === 'after') throw new TypeError('connection reset');
          return new Response(body === undefined ? null : JSON.stringify(body), { status });
        };
        if (request.method === 'POST') {
          if (!keys.has(key)) {
            live = `s${++made}`;
            sessions.set(live, new Set());
            keys.set(key, live);
          }
          return reply(200, { ...SESSION, session_id: keys.get(key) });
        }
        const links = sessions.get(id);
        if (request.method === 'PUT') {
          const { participant_id } = (await request.json()) as { participant_id: string };
          const asked = `${id} ${participant_id}`;
          const first = keys.get(key);
          if (first !== undefined) {
            return first === asked ? reply(200, { message: 'Success' }) : reply(422, {});
          }
          if (!links) return reply(404, {});
          keys.set(key, asked);
          links.add(participant_id);
          return reply(200, { message: 'Success' });
        }
        if (!links) return reply(404, {});
        if (request.method === 'DELETE') {
          links.delete(tail ?? '');
          return reply(204);
        }
        return reply(200, { items: [...links].map((p) => ({ participant_id: p })) });
      }) as typeof fetch,
    };
    return service;
  }

  it('end with the service holding exactly the links the user was told of', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 12 }), async (ops) => {
        const idb = new IDBFactory();
        vi.stubGlobal('indexedDB', idb);
        localStorage.clear();
        // A username of its own per run: a timer left by a client of an earlier run (the
        // mirror's repair) then writes to records this run never reads.
        const credentials = { ...CREDS, username: `${CREDS.username}-${++run}` };
        const service = fakeService();
        const { sessions } = service;
        // A restart ends the instance before it: it sends nothing more (its calls in
        // flight then fail as a killed page's would).
        let generation = 0;
        const make = () => {
          const mine = ++generation;
          return createPaketClient({
            credentials,
            fetch: ((input: RequestInfo | URL, init?: RequestInit) =>
              mine === generation
                ? service.fetch(input, init)
                : Promise.reject(new TypeError('the app was stopped'))) as typeof fetch,
            autoFlush: false,
            retry: { limit: 0 },
          });
        };
        let client = make();
        const instances = [client];
        await client.sessions.ensure();
        const want = new Map<string, boolean>();
        for (const o of ops) {
          if (o.kind === 'restart') {
            vi.stubGlobal('indexedDB', o.indexedDB ? idb : undefined);
            client = make();
            instances.push(client);
            continue;
          }
          if (o.kind === 'lose') {
            service.lose();
            continue;
          }
          service.faults = [...o.faults];
          const id = `p${o.participant}`;
          const call =
            o.kind === 'link'
              ? client.sessions.link('default', { appId: 'app', participantId: id })
              : client.sessions.unlink('default', id);
          const error = await call.then(
            () => undefined,
            (e: unknown) => e,
          );
          // Nothing here is the caller's fault: each call is done, or queued and said so, or
          // (an instance of an earlier run still alive merged the fallback's queue into
          // IndexedDB meanwhile) its outcome is honestly unknown; never a refusal.
          if (error !== undefined && !/outcome unknown/.test(String(error))) {
            expect(error).toBeInstanceOf(PaketNetworkError);
            expect(error).toMatchObject({ queued: true });
          }
          want.set(id, o.kind === 'link');
        }
        service.faults = [];
        // An earlier instance may still be delivering the rest of the queue (it holds the
        // outbox): let each finish, as its timer would.
        for (const c of instances) await c.flush();
        vi.stubGlobal('indexedDB', idb);
        const last = make();
        expect(await last.flush()).toMatchObject({ pending: 0 });
        // A list meets a lost Session, replaces it and restores its links.
        for await (const item of last.sessions.participants('default')) void item;
        const at = sessions.get((await last.sessions.ensure()).session_id);
        for (const [id, isLinked] of want) expect(at?.has(id)).toBe(isLinked);
        for (const id of at ?? []) expect(want.get(id)).toBe(true);
        expect((await last.sessions.linked('default')).map((l) => l.participant_id).sort()).toEqual(
          [...(at ?? [])].sort(),
        );
      }),
      {
        numRuns: Number(process.env.PROPERTY_RUNS ?? 200),
        ...replay,
        // Counterexamples found by random seeds, checked on every run: a link the service
        // made in a run on the localStorage fallback, its answer lost, merged behind an unlink
        // queued on IndexedDB (sequential runs, and with the earlier instance still alive).
        examples: [
          [
            [
              { kind: 'unlink', participant: 0, faults: ['before'] },
              { kind: 'restart', indexedDB: false },
              { kind: 'link', participant: 0, faults: ['after'] },
              { kind: 'restart', indexedDB: true },
            ],
          ],
          [
            [
              { kind: 'restart', indexedDB: false },
              { kind: 'unlink', participant: 0, faults: [] },
              { kind: 'link', participant: 0, faults: ['after'] },
              { kind: 'restart', indexedDB: true },
            ],
          ],
        ],
      },
    );
  }, 120_000);

  it('a long queue, flushed under faults, lost Sessions and restarts, ends with the service holding exactly what the user asked for', async () => {
    let run = 0;
    const step = fc.record({
      kind: fc.constantFrom('link' as const, 'unlink' as const),
      participant: fc.integer({ min: 0, max: 99 }),
    });
    // One fault schedule per delivery attempt, each by a new instance (an app restart).
    const attempt = fc.array(
      fc.constantFrom<Fault | 'lose'>(
        'none',
        'none',
        'none',
        'none',
        'before',
        'after',
        '503',
        'lose',
      ),
      { maxLength: 60 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 40, maxLength: 90 }),
        fc.array(attempt, { minLength: 1, maxLength: 4 }),
        async (steps, attempts) => {
          vi.stubGlobal('indexedDB', new IDBFactory());
          localStorage.clear();
          const credentials = { ...CREDS, username: `${CREDS.username}-long-${++run}` };
          const service = fakeService();
          const make = (online = true) =>
            createPaketClient({
              credentials,
              fetch: online
                ? service.fetch
                : ((() => Promise.reject(new TypeError('Failed to fetch'))) as typeof fetch),
              autoFlush: false,
              retry: { limit: 0 },
              outboxLimit: 1000,
            });
          await make().sessions.ensure();
          // Queued while the TV is offline: one operation per participant, the last word.
          const away = make(false);
          const want = new Map<string, boolean>();
          for (const { kind, participant } of steps) {
            const id = `p${participant}`;
            const call =
              kind === 'link'
                ? away.sessions.link('default', { appId: 'app', participantId: id })
                : away.sessions.unlink('default', id);
            await expect(call).rejects.toMatchObject({ queued: true });
            want.set(id, kind === 'link');
          }
          away.close();
          expect((await make().pending()).length).toBeGreaterThanOrEqual(Math.min(32, want.size));
          for (const faults of attempts) {
            service.faults = [...faults];
            const c = make();
            const result = await c.flush();
            if (result.error) expect(result.error).toBeInstanceOf(PaketError);
            c.close();
          }
          service.faults = [];
          const last = make();
          expect(await last.flush()).toMatchObject({ pending: 0 });
          // A list meets a lost Session, replaces it and restores its links.
          for await (const item of last.sessions.participants('default')) void item;
          const at = service.sessions.get((await last.sessions.ensure()).session_id);
          for (const [id, isLinked] of want) expect(at?.has(id)).toBe(isLinked);
          for (const id of at ?? []) expect(want.get(id)).toBe(true);
          expect(
            (await last.sessions.linked('default')).map((l) => l.participant_id).sort(),
          ).toEqual([...(at ?? [])].sort());
        },
      ),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 200) / 2, ...replay },
    );
  }, 120_000);
});
