import { afterEach, describe, expect, it, vi } from 'vitest';
import { CREDS, scriptedFetch, SESSION } from '../helpers/fake-fetch';

// Chromium 64 (Tizen 2019) has no AbortController and no crypto.randomUUID. ky reads what
// the engine has when its module loads, so load fresh copies with the globals changed.
// ky aborts a timed-out fetch only where both AbortController and AbortSignal.any exist;
// removing AbortSignal.any puts it on the same path as an engine with no AbortController
// (removing AbortController itself would break Node's own Request class, not ky).
async function load() {
  vi.resetModules();
  return import('../../src/index');
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('on an engine where ky cannot abort (no AbortController)', () => {
  it('still times out each attempt with a PaketTimeoutError, never hanging', async () => {
    vi.stubGlobal('AbortSignal', { ...AbortSignal, any: undefined });
    const sdk = await load();
    const fake = scriptedFetch([{ hang: true }]);
    const client = sdk.createPaketClient({
      credentials: CREDS,
      fetch: fake.fetch,
      timeoutMs: 40,
      retry: { limit: 1, backoffLimitMs: 1 },
    });
    const error = await client.status().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(sdk.PaketTimeoutError);
    expect(fake.calls).toHaveLength(2);
  });
});

describe('on an engine without crypto.randomUUID', () => {
  it('still sends a v4 Idempotency-Key, the same on each retry', async () => {
    const real = globalThis.crypto;
    vi.stubGlobal('crypto', { getRandomValues: (a: Uint8Array) => real.getRandomValues(a) });
    const sdk = await load();
    const fake = scriptedFetch([{ status: 502 }, { status: 200, body: SESSION }]);
    const client = sdk.createPaketClient({
      credentials: CREDS,
      fetch: fake.fetch,
      retry: { limit: 1, backoffLimitMs: 1 },
    });
    await client.sessions.create();
    const keys = fake.calls.map((c) => c.headers.get('idempotency-key'));
    expect(keys[0]).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(keys[1]).toBe(keys[0]);
  });
});
