// @vitest-environment node
// The built package (npm run build, which the test command runs first), imported the way
// a Node 20 user would, talking to the emulator.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PLATFORM, useEmulator } from '../helpers/emulator';

const env = useEmulator();
const entry = new URL('../../dist/paket-tv-sdk.js', import.meta.url);

describe('dist/ (the published ES module)', () => {
  it('exists: run npm run build first', () => {
    expect(existsSync(entry)).toBe(true);
  });

  it('imports in Node 20 and creates a Session against the emulator', async () => {
    const sdk = (await import(/* @vite-ignore */ entry.href)) as typeof import('../../src/index');
    const client = sdk.createPaketClient({ credentials: PLATFORM, baseUrl: env.emu.url });
    const session = await client.sessions.create();
    expect(Object.keys(env.emu.state().sessions)).toEqual([session.session_id]);
    expect(() => sdk.createPaketClient({ credentials: PLATFORM, baseUrl: 'ftp://x' })).toThrow(
      sdk.PaketInputError,
    );
  });

  it('exports every error class', async () => {
    const sdk = (await import(/* @vite-ignore */ entry.href)) as Record<string, unknown>;
    for (const name of [
      'PaketError',
      'PaketHttpError',
      'PaketNetworkError',
      'PaketTimeoutError',
      'PaketInputError',
    ]) {
      expect(typeof sdk[name]).toBe('function');
    }
  });
});
