// Adapter rules that need no second app: exact target origins, detection order, and the
// Tizen publisher's handling of a missing port (jsdom; the end-to-end runs are in
// test/e2e/share.e2e.test.ts).
import { describe, expect, it, vi } from 'vitest';
import { detectChannel, tizenChannel, webChannel, webosChannel } from '../../src/share/index';

const opts = { timeoutMs: 100, accepts: () => true };
const wire = '{"t":"paket.share"}';

describe('web adapter', () => {
  it.each(['*', 'https://a.example/', 'https://a.example/path', 'not a url', ''])(
    'refuses platformOrigin %j: it must be an exact origin',
    async (platformOrigin) => {
      const target = { postMessage: vi.fn() };
      await expect(
        webChannel({ platformOrigin, target: () => target }).send(wire, opts),
      ).rejects.toMatchObject({
        reason: 'invalid',
        detail: 'platformOrigin',
      });
      expect(target.postMessage).not.toHaveBeenCalled();
    },
  );

  it('posts to the exact origin and times out without an answer', async () => {
    const target = { postMessage: vi.fn() };
    const ch = webChannel({ platformOrigin: 'https://a.example', target: () => target });
    await expect(ch.send(wire, opts)).rejects.toMatchObject({ reason: 'timeout' });
    expect(target.postMessage).toHaveBeenCalledWith(wire, 'https://a.example');
  });

  it('refuses a launch URL on another origin than platformOrigin', async () => {
    const open = vi.fn();
    const ch = webChannel({
      platformOrigin: 'https://a.example',
      launchUrl: 'https://evil.example/',
      window: { ...window, open } as never,
    });
    await expect(ch.send(wire, opts)).rejects.toMatchObject({ detail: 'launchUrl' });
    expect(open).not.toHaveBeenCalled();
  });
});

describe('detectChannel', () => {
  it('Firebolt when configured, then Tizen, webOS, web; unavailable when nothing fits', () => {
    const transport = { send: () => undefined, receive: () => undefined };
    expect(detectChannel({ firebolt: { transport }, web: {} }).platform).toBe('firebolt');
    expect(detectChannel({ tizen: {}, webos: {}, web: {} }).platform).toBe('web');
    vi.stubGlobal('PalmSystem', { launchParams: '{}' });
    expect(detectChannel({ tizen: {}, webos: {}, web: {} }).platform).toBe('webos');
    vi.stubGlobal('tizen', { messageport: {} });
    expect(detectChannel({ tizen: {}, webos: {}, web: {} }).platform).toBe('tizen');
    expect(() => detectChannel({ webos: {} })).not.toThrow();
    vi.unstubAllGlobals();
    expect(() => detectChannel({ tizen: {} })).toThrow(/unavailable \(no-platform\)/);
  });
});

describe('tizen adapter', () => {
  it('NotFoundError from requestRemoteMessagePort is unavailable; nothing is sent', async () => {
    const requestLocalMessagePort = vi.fn();
    vi.stubGlobal('tizen', {
      messageport: {
        requestLocalMessagePort,
        requestRemoteMessagePort: () => {
          throw Object.assign(new Error('The port of the target application is not found'), {
            name: 'NotFoundError',
          });
        },
      },
    });
    await expect(
      tizenChannel({ platformAppId: 'Pl12345678.Home' }).send(wire, opts),
    ).rejects.toMatchObject({
      reason: 'unavailable',
      detail: 'not-found',
    });
    expect(requestLocalMessagePort).not.toHaveBeenCalled();
  });

  it('refuses over 16 KiB before touching the port', async () => {
    vi.stubGlobal('tizen', {
      messageport: { requestRemoteMessagePort: vi.fn(), requestLocalMessagePort: vi.fn() },
    });
    await expect(
      tizenChannel({ platformAppId: 'Pl12345678.Home' }).send('é'.repeat(8193), opts),
    ).rejects.toMatchObject({ reason: 'too-large' });
  });
});

describe('webos adapter', () => {
  it('reads the share from launch parameters at start and from webOSRelaunch', () => {
    vi.stubGlobal('webOSSystem', { launchParams: JSON.stringify({ paket: 'first' }) });
    const got: string[] = [];
    const stop = webosChannel().listen((w, from) => {
      expect(from).toEqual({ platform: 'webos', id: null, attested: false });
      got.push(w);
    });
    document.dispatchEvent(new CustomEvent('webOSRelaunch', { detail: { paket: 'second' } }));
    stop();
    document.dispatchEvent(new CustomEvent('webOSRelaunch', { detail: { paket: 'third' } }));
    expect(got).toEqual(['first', 'second']);
  });
});
