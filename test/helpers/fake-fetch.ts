// A scripted fetch for unit tests: each call takes the next step and records the request.
import { createPaketClient, type PaketClientOptions } from '../../src/index';
import { memoryStorage } from './memory-storage';

export type Step =
  | { status: number; body?: unknown; raw?: string; headers?: Record<string, string> }
  | { error: Error }
  | { hang: true };

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Headers;
  body: string;
}

export function scriptedFetch(steps: Step[]) {
  const calls: RecordedRequest[] = [];
  let index = 0;
  const fetchImpl = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    calls.push({
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: await request.text(),
    });
    const step = steps[Math.min(index++, steps.length - 1)];
    if (!step) throw new Error('no scripted step');
    if ('error' in step) throw step.error;
    if ('hang' in step) return new Promise<Response>(() => undefined);
    const text = step.raw ?? (step.body === undefined ? '' : JSON.stringify(step.body));
    return new Response(step.status === 204 ? null : text, {
      status: step.status,
      headers: { 'content-type': 'application/json', ...step.headers },
    });
  };
  return { fetch: fetchImpl as typeof fetch, calls };
}

export const SESSION = {
  session_id: 'faa37296-dc32-4cce-b8c0-47ac4bc032c1',
  client_type: 'platform',
  client_id: 'fab3d02606122a08',
  created_at: '2024-02-16T04:41:06.596Z',
};

export const CREDS = { username: 'platform_demo', password: 'test_sk_s3cr3t' };

/**
 * A platform client whose requests `handle` answers (the Request as the SDK sent it), with
 * nothing automatic: one attempt, no signing, no flush or reconcile by itself, memory storage.
 */
export function handledClient(
  handle: (request: Request) => Response | Promise<Response>,
  options: Partial<PaketClientOptions> = {},
) {
  return createPaketClient({
    credentials: CREDS,
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) =>
      handle(new Request(input, init))) as typeof fetch,
    retry: { limit: 0 },
    signRequests: false,
    autoFlush: false,
    reconcileEveryMs: 0,
    storage: memoryStorage().storage,
    ...options,
  });
}
