// Property tests (issue 19 item 7): arbitrary strings at the ID rule and at every public ID
// parameter of the calls this layer owns; arbitrary statuses, headers and bodies at every
// response parser (transport, create, status, lists, link). Each ends in a correct result or
// a typed PaketError: never a raw error, never a hang.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPaketClient, PaketError, PaketInputError } from '../../src/index';
import { idProblem, normalizeProfileId } from '../../src/resources/validate';
import { memoryStorage } from '../helpers/memory-storage';

const CREDS = { username: 'platform_demo', password: 'test_sk_props' };
const SESSION = { session_id: 's-1', client_type: 'platform', client_id: 'c', created_at: 'now' };
/** Total runs of this file's properties, reported at the end. */
export const RUNS = { ids: 3000, inputs: 300, answers: 400 };

/** The rule written another way: code points by Array.from, well-formedness by encodeURIComponent. */
function oracle(v: unknown): boolean {
  if (typeof v !== 'string' || v === '' || v === '.' || v === '..' || v.includes('/')) return false;
  try {
    encodeURIComponent(v);
  } catch {
    return false;
  }
  const points = Array.from(v);
  return (
    points.length <= 255 &&
    points.every((p) => {
      const c = p.codePointAt(0)!;
      return !(c < 0x20 || (c >= 0x7f && c <= 0x9f));
    })
  );
}

const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.string({
    unit: fc.constantFrom('.', '/', 'a', '\ud800', '\udc00', '😀', '\u0000', 'é'),
    maxLength: 260,
  }),
  fc.constantFrom(
    '',
    '.',
    '..',
    '...',
    'a'.repeat(255),
    'a'.repeat(256),
    '😀'.repeat(255),
    '😀'.repeat(256),
  ),
);

const withDeadline = <T>(p: Promise<T>, ms = 8000): Promise<T> =>
  Promise.race([
    p,
    new Promise<T>((_r, reject) => setTimeout(() => reject(new Error('HANG')), ms)),
  ]);

describe('the ID rule', () => {
  it('agrees with an independent oracle on arbitrary strings and values, never throws', () => {
    fc.assert(
      fc.property(fc.oneof(anyString, fc.anything()), (value) => {
        expect(idProblem(value) === undefined).toBe(oracle(value));
        try {
          const id = normalizeProfileId(value, 'sessions.ensure');
          expect(id).toBe(id.normalize('NFC'));
        } catch (error) {
          expect(error).toBeInstanceOf(PaketInputError);
        }
      }),
      { numRuns: RUNS.ids },
    );
  });
});

describe('public ID parameters', () => {
  it('are accepted or refused with a PaketInputError before any request', async () => {
    await fc.assert(
      fc.asyncProperty(anyString, anyString, anyString, async (participantId, appId, key) => {
        let requests = 0;
        const c = createPaketClient({
          credentials: CREDS,
          autoFlush: false,
          retry: { limit: 0 },
          signRequests: false,
          storage: memoryStorage().storage,
          fetch: (async () => {
            requests++;
            return new Response(JSON.stringify(SESSION), { status: 200 });
          }) as typeof fetch,
        });
        const calls: [boolean, () => Promise<unknown>][] = [
          [
            oracle(participantId) && oracle(appId),
            () => c.sessions.link('p', { appId, participantId }),
          ],
          [oracle(participantId), () => c.sessions.unlink('p', participantId)],
          [/^[\x21-\x7e]{1,255}$/.test(key), () => c.sessions.create({ idempotencyKey: key })],
        ];
        for (const [ok, call] of calls) {
          const before = requests;
          const error = await withDeadline(
            call().then(
              () => undefined,
              (e: unknown) => e,
            ),
          );
          if (ok) expect(error === undefined || error instanceof PaketError).toBe(true);
          else {
            expect(error).toBeInstanceOf(PaketInputError);
            expect(requests).toBe(before);
          }
        }
      }),
      { numRuns: RUNS.inputs },
    );
  });
});

const HEADER_NAMES = [
  'retry-after',
  'ratelimit-reset',
  'x-ratelimit-reset',
  'x-rate-limit-reset',
  'x-ratelimit-retry-after',
  'content-length',
  'content-type',
  'paket-response-type',
  'date',
  'location',
];
const answer = fc.record({
  status: fc.oneof(
    fc.constantFrom(200, 201, 204, 301, 307, 400, 401, 403, 404, 409, 429, 500, 503),
    fc.integer({ min: 200, max: 599 }),
  ),
  headers: fc.dictionary(
    fc.constantFrom(...HEADER_NAMES),
    fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.integer().map(String),
      fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()),
    ),
  ),
  body: fc.oneof(
    fc.json({ maxDepth: 4 }),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.constant(''),
    fc
      .record({ session_id: anyString, client_id: fc.string(), created_at: fc.string() })
      .map((o) => JSON.stringify(o)),
    fc
      .record({
        items: fc.array(fc.oneof(fc.object(), fc.anything()), { maxLength: 3 }),
        next_key: fc.oneof(fc.string(), fc.integer(), fc.anything()),
      })
      .map((o) => JSON.stringify(o)),
    fc
      .record({
        error: fc.oneof(fc.string(), fc.object()),
        message: fc.oneof(fc.string(), fc.constant(CREDS.password)),
      })
      .map((o) => JSON.stringify(o)),
  ),
});

function toResponse(a: {
  status: number;
  headers: Record<string, string>;
  body: string;
}): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(a.headers)) {
    try {
      headers.set(name, value);
    } catch {
      // not a valid header value: leave it out
    }
  }
  const empty = a.status === 204 || a.status === 205 || a.status === 304;
  return new Response(empty ? null : a.body, { status: a.status, headers });
}

describe('response parsers', () => {
  it('any status, headers and body end in a result or a typed error, within the time bounds', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(answer, { minLength: 1, maxLength: 3 }),
        fc.nat(4),
        async (answers, which) => {
          let i = 0;
          const c = createPaketClient({
            credentials: CREDS,
            autoFlush: false,
            timeoutMs: 300,
            retry: { limit: 1, backoffLimitMs: 1, maxRetryAfterMs: 50 },
            signRequests: which % 2 === 0,
            storage: memoryStorage().storage,
            fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
              // A real fetch answers in a later task: an SDK loop of requests then lets the
              // deadline's timer fire (a fetch answered in microtasks would starve it).
              await new Promise((r) => setTimeout(r, 0));
              const request = new Request(input, init);
              // The Session for list and link calls comes from a good create.
              if (which >= 2 && request.method === 'POST') {
                return new Response(JSON.stringify(SESSION), { status: 200 });
              }
              return toResponse(answers[Math.min(i++, answers.length - 1)]!);
            }) as typeof fetch,
          });
          const call = [
            () => c.status(),
            () => c.sessions.create(),
            async () => {
              const out: unknown[] = [];
              for await (const item of c.sessions.upNext('p')) {
                out.push(item);
                if (out.length > 20) break;
              }
              for (const item of out) expect(item && typeof item === 'object').toBe(true);
              return out;
            },
            () => c.sessions.link('p', { appId: 'a', participantId: 'x' }),
            () => c.participants.create(),
          ][which]!;
          const result = await withDeadline(
            call().then(
              (v) => ({ v }),
              (e: unknown) => ({ e }),
            ),
          );
          if ('e' in result) {
            expect(result.e).toBeInstanceOf(PaketError);
            const text =
              String((result.e as Error).message) +
              JSON.stringify((result.e as { body?: unknown }).body ?? '');
            expect(text).not.toContain(CREDS.password);
          }
          if ('v' in result && which === 1) {
            const id = (result.v as { session_id: unknown }).session_id;
            expect(oracle(id)).toBe(true);
          }
        },
      ),
      { numRuns: RUNS.answers },
    );
  }, 120_000);
});
