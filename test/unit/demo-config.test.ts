// The demo never sends the credentials built into it to a host a link names (issue 19, 12).
import { describe, expect, it, vi } from 'vitest';
import { chooseBaseUrl } from '../../demo-app/src/config';

const BUILT = 'https://api.paket.tv/v1';

describe("the demo's ?baseUrl=", () => {
  it('is honoured for the local emulator on any loopback address and port', () => {
    for (const url of [
      'http://127.0.0.1:9999/v1',
      'http://localhost:8787/v1',
      'http://[::1]:8787/v1',
    ]) {
      expect(chooseBaseUrl(url, BUILT)).toBe(url);
    }
  });

  it('is ignored for any other host, so the built-in credentials stay with the built-in API', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    for (const url of [
      'https://attacker.example/v1',
      'http://192.168.1.20:8787/v1',
      'http://127.0.0.1.attacker.example/v1',
      'javascript:alert(1)',
      'not a url',
    ]) {
      expect(chooseBaseUrl(url, BUILT)).toBe(BUILT);
    }
    expect(chooseBaseUrl(undefined, BUILT)).toBe(BUILT);
  });
});
