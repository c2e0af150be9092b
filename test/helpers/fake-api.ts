// A tiny in-process Paket for unit tests: honours Idempotency-Key on creates, counts POSTs,
// and can be told to fail. (The emulator is the real test server; this keeps unit tests fast.)

export interface FakeApi {
  fetch: typeof fetch;
  posts: string[];
  /** Objects created, by Idempotency-Key. */
  created: Map<string, Record<string, unknown>>;
  /** When set, every request fails this way. */
  fail: 'network' | 503 | 'hang' | undefined;
  /** Delay before answering, ms. */
  delayMs: number;
}

export function fakeApi(): FakeApi {
  let n = 0;
  const api: FakeApi = {
    posts: [],
    created: new Map(),
    fail: undefined,
    delayMs: 0,
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      const path = new URL(request.url).pathname;
      if (api.delayMs) await new Promise((r) => setTimeout(r, api.delayMs));
      if (request.method === 'POST') api.posts.push(path);
      if (api.fail === 'hang') return new Promise<Response>(() => undefined);
      if (api.fail === 'network') throw new TypeError('Failed to fetch');
      if (api.fail === 503) {
        // The documented flat error body, as the emulator answers.
        return new Response(
          JSON.stringify({ error: 'service_unavailable', message: 'injected fault' }),
          { status: 503, headers: { 'content-type': 'application/json' } },
        );
      }
      const key = request.headers.get('idempotency-key') ?? `nokey-${n}`;
      let object = api.created.get(key);
      if (!object) {
        n++;
        object = path.endsWith('/participants')
          ? {
              participant_id: `participant-${n}`,
              client_type: 'publisher',
              client_id: 'pub',
              created_at: new Date().toISOString(),
            }
          : {
              session_id: `session-${n}`,
              client_type: 'platform',
              client_id: 'plat',
              created_at: new Date().toISOString(),
            };
        api.created.set(key, object);
      }
      return new Response(JSON.stringify(object), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    }) as typeof fetch,
  };
  return api;
}
