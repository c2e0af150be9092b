// The emulator and the static server run on a developer's machine next to their browser:
// no web page may drive the controls (CORS allow-list, Origin and Host checks, no
// private-network opt-in), and no request can make either server fail.
import { request } from 'node:http';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isLoopbackHost, isLoopbackOrigin, startEmulator } from '../../emulator/server.js';
import { serveStatic } from '../../scripts/static-server.mjs';
import { rawCaller, useEmulator } from '../helpers/emulator';

const env = useEmulator();
const call = rawCaller(() => env.emu.origin);

/** A raw HTTP request, so the Host header can be anything. */
function raw(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers,
      },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const sessions = () => Object.keys(env.emu.state().sessions).length;

describe('controls: only pages of allowed origins, only loopback host names', () => {
  it('a page of another origin can neither read nor change anything, and gets no CORS', async () => {
    await call('POST', '/v1/sessions');
    for (const origin of ['https://evil.example', 'null', 'http://127.0.0.1.evil.example:8080']) {
      for (const [method, path] of [
        ['POST', '/__emulator/reset'],
        ['POST', '/__emulator/faults'],
        ['DELETE', '/__emulator/faults'],
        ['GET', '/__emulator/state'],
        ['GET', '/__emulator/log'],
        ['OPTIONS', '/__emulator/reset'],
      ] as const) {
        const res = await raw(env.emu.port, {
          method,
          path,
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-private-network': 'true',
          },
          body: method === 'POST' ? '{"route":"*","faults":[{"status":500}]}' : '',
        });
        expect(res.status, `${origin} ${method} ${path}`).toBe(403);
        expect(res.headers['access-control-allow-origin']).toBeUndefined();
        expect(res.headers['access-control-allow-private-network']).toBeUndefined();
        expect(JSON.parse(res.body)).toMatchObject({ error: 'origin_not_allowed' });
      }
    }
    expect(sessions()).toBe(1);
    expect((await call('GET', '/v1')).status).toBe(200); // no fault was injected
  });

  it('the demo page (a loopback origin) may use them; its origin is echoed, no other', async () => {
    const origin = 'http://127.0.0.1:8080';
    const pre = await raw(env.emu.port, {
      method: 'OPTIONS',
      path: '/__emulator/faults',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-private-network': 'true',
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe(origin);
    expect(pre.headers['access-control-allow-private-network']).toBeUndefined();
    const set = await raw(env.emu.port, {
      method: 'POST',
      path: '/__emulator/faults',
      headers: { origin: 'http://localhost:5173' },
      body: JSON.stringify({ route: '*', faults: [{ drop: 'before' }], repeat: true }),
    });
    expect(set.status).toBe(204);
    expect(set.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    await expect(call('GET', '/v1')).rejects.toThrow();
    const clear = await raw(env.emu.port, {
      method: 'DELETE',
      path: '/__emulator/faults',
      headers: { origin: 'http://[::1]:8080' },
    });
    expect(clear.status).toBe(204);
    expect((await call('GET', '/v1')).status).toBe(200);
  });

  it('a request with no Origin (curl, tests) is served', async () => {
    expect((await raw(env.emu.port, { path: '/__emulator/state' })).status).toBe(200);
  });

  it('a DNS-rebound name (a Host that is not loopback) is refused: 421', async () => {
    await call('POST', '/v1/sessions');
    for (const host of [
      'rebind.evil.example',
      'rebind.evil.example:8787',
      '192.168.1.20:8787',
      'localhost.evil.example',
    ]) {
      const reset = await raw(env.emu.port, {
        method: 'POST',
        path: '/__emulator/reset',
        headers: { host },
      });
      expect(reset.status, host).toBe(421);
      expect(JSON.parse(reset.body)).toMatchObject({ error: 'host_not_allowed' });
      // The API too, while the emulator listens on loopback.
      expect((await raw(env.emu.port, { path: '/v1', headers: { host } })).status).toBe(421);
    }
    expect(sessions()).toBe(1);
    for (const host of [
      'localhost',
      'localhost:1',
      '127.0.0.1',
      '127.9.8.7:8787',
      '[::1]:8787',
      'LOCALHOST:80',
    ]) {
      expect(
        (await raw(env.emu.port, { path: '/__emulator/log', headers: { host } })).status,
        host,
      ).toBe(200);
    }
  });

  it('the allow-lists are configurable: controlOrigins, allowedHosts', async () => {
    const emu = await startEmulator({
      port: 0,
      quiet: true,
      controlOrigins: ['http://devbox.lan:8080'],
      allowedHosts: ['devbox.lan:8787'],
    });
    try {
      const post = (origin: string) =>
        raw(emu.port, { method: 'POST', path: '/__emulator/reset', headers: { origin } });
      expect((await post('http://devbox.lan:8080')).status).toBe(204);
      expect((await post('http://127.0.0.1:8080')).status).toBe(403);
      expect(
        (await raw(emu.port, { path: '/v1', headers: { host: 'devbox.lan:8787' } })).status,
      ).toBe(401);
      // The controls still want a loopback Host.
      expect(
        (await raw(emu.port, { path: '/__emulator/log', headers: { host: 'devbox.lan:8787' } }))
          .status,
      ).toBe(421);
    } finally {
      await emu.close();
    }
  });

  it('listening on 0.0.0.0 (a TV on the network), the API answers any Host; the controls do not', async () => {
    const emu = await startEmulator({ port: 0, quiet: true, host: '0.0.0.0' });
    try {
      expect(
        (await raw(emu.port, { path: '/v1', headers: { host: '192.168.1.20:8787' } })).status,
      ).toBe(401);
      expect(
        (await raw(emu.port, { path: '/__emulator/state', headers: { host: '192.168.1.20:8787' } }))
          .status,
      ).toBe(421);
    } finally {
      await emu.close();
    }
  });

  it('the helpers', () => {
    expect(isLoopbackOrigin('http://localhost:8080')).toBe(true);
    expect(isLoopbackOrigin('http://127.0.0.1')).toBe(true);
    expect(isLoopbackOrigin('http://[::1]:1')).toBe(true);
    expect(isLoopbackOrigin('null')).toBe(false);
    expect(isLoopbackOrigin('file://')).toBe(false);
    expect(isLoopbackOrigin('http://localhost.evil.example')).toBe(false);
    expect(isLoopbackOrigin('http://127.0.0.1:80/path')).toBe(false);
    expect(isLoopbackHost('127.0.0.256')).toBe(false);
    expect(isLoopbackHost('[::2]:80')).toBe(false);
    expect(isLoopbackHost(undefined)).toBe(false);
  });
});

describe('the API never reflects an Origin, never opts into private-network access', () => {
  it('answers * to any origin', async () => {
    const res = await raw(env.emu.port, {
      method: 'OPTIONS',
      path: '/v1/sessions',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-private-network': 'true',
      },
    });
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-private-network']).toBeUndefined();
  });
});

describe('bad %-escapes are 400, never 500', () => {
  it.each([
    '/media/posters/%E0%A4%A.png',
    '/media/%zz',
    '/v1/upnext/sessions/%E0%A4%A',
    '/v1/%',
    '/__emulator/%E0',
    '/%ff',
  ])('%s', async (path) => {
    const res = await raw(env.emu.port, { path });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ error: 'invalid_path', message: expect.any(String) });
    expect((await call('GET', '/v1')).status).toBe(200);
  });
});

describe('the static server', () => {
  const base = mkdtempSync(join(tmpdir(), 'paket-static-'));
  mkdirSync(join(base, 'demo-app', 'dist'), { recursive: true });
  writeFileSync(join(base, 'demo-app', 'dist', 'index.html'), '<p>demo</p>');
  writeFileSync(join(base, 'secret.txt'), 'not served');
  let web: Awaited<ReturnType<typeof serveStatic>>;
  afterAll(() => web?.close());

  it('answers a malformed URL with 400 and stays up', async () => {
    web = await serveStatic({ base, roots: ['demo-app/dist'] });
    const port = Number(new URL(web.origin).port);
    for (const path of ['/demo-app/dist/%E0%A4%A', '/%', '/demo-app/dist/%zz']) {
      expect((await raw(port, { path })).status, path).toBe(400);
    }
    for (const path of [
      '/demo-app/dist/..%2f..%2fsecret.txt',
      '/demo-app/dist/../../secret.txt',
      '/secret.txt',
      '/demo-app/dist/%00',
    ]) {
      expect((await raw(port, { path })).status, path).toBe(404);
    }
    const ok = await raw(port, { path: '/demo-app/dist/' });
    expect(ok).toMatchObject({ status: 200, body: '<p>demo</p>' });
  });
});
