// @vitest-environment node
import { describe, expect, it } from 'vitest';

describe('the entry in plain Node 20', () => {
  it('imports and creates a client without window or self', async () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined');
    expect(typeof (globalThis as { self?: unknown }).self).toBe('undefined');
    const sdk = await import('../../src/index');
    const client = sdk.createPaketClient({ credentials: { username: 'u', password: 'p' } });
    expect(typeof client.status).toBe('function');
    expect(typeof client.sessions.create).toBe('function');
    expect(typeof client.participants.create).toBe('function');
  });
});

describe('the legacy entry (src/legacy.ts) in plain Node 20', () => {
  it('exports the same names as the main entry, which its types (export = main entry) promise', async () => {
    const main = await import('../../src/index');
    const legacy = await import('../../src/legacy');
    expect(Object.keys(legacy).sort()).toEqual(Object.keys(main).sort());
    expect(legacy.createPaketClient).toBe(main.createPaketClient);
  });
});
