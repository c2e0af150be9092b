import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/server.js';
import { createPaketClient, type PaketClientOptions } from '../../src/index';

export const PLATFORM = { username: 'platform_demo', password: 'test_sk_platform_demo' };
export const PUBLISHER = { username: 'publisher_demo', password: 'test_sk_publisher_demo' };

/** Starts one emulator on a free loopback port for the file; resets it before each test. */
export function useEmulator(options: Parameters<typeof startEmulator>[0] = {}) {
  const ref: { emu: Emulator } = {} as { emu: Emulator };
  beforeAll(async () => {
    // Signatures off by default here: today's SDK does not sign unless `signRequests` is set.
    // The merge that turns SDK signing on by default flips this (drop `requireSignatures`).
    ref.emu = await startEmulator({ port: 0, quiet: true, requireSignatures: false, ...options });
  });
  beforeEach(() => ref.emu.reset());
  afterAll(() => ref.emu.close());
  return {
    get emu() {
      return ref.emu;
    },
    client(options: Partial<PaketClientOptions> = {}) {
      return createPaketClient({
        credentials: PLATFORM,
        baseUrl: ref.emu.url,
        retry: { limit: 3, backoffLimitMs: 20 },
        timeoutMs: 2000,
        ...options,
      });
    },
  };
}
