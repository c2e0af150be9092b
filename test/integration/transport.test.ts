// The bounded transport over real loopback HTTP (issue 19 items 3, 5, 8): a server that
// sends headers then nothing, a body that never ends, a redirect to another origin, and a
// credentials function that fails while a link is being made.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPaketClient,
  PaketHttpError,
  PaketNetworkError,
  PaketTimeoutError,
} from '../../src/index';
import { PLATFORM, useEmulator } from '../helpers/emulator';
import { memoryStorage } from '../helpers/memory-storage';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
async function serve(handler: Handler): Promise<{ url: string; server: Server; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url} auth=${req.headers.authorization ? 'yes' : 'no'}`);
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server, hits };
}

const servers: Server[] = [];
const start = async (handler: Handler) => {
  const s = await serve(handler);
  servers.push(s.server);
  return s;
};
afterAll(() => {
  for (const s of servers) s.closeAllConnections?.();
  for (const s of servers) s.close();
});

const client = (baseUrl: string, timeoutMs = 300) =>
  createPaketClient({
    credentials: PLATFORM,
    baseUrl,
    timeoutMs,
    retry: { limit: 1, backoffLimitMs: 1 },
    signRequests: false,
    autoFlush: false,
    storage: memoryStorage().storage,
  });

describe('over loopback HTTP', () => {
  it('headers then silence: PaketTimeoutError within the deadline of each attempt', async () => {
    const { url } = await start((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"session_id":');
    });
    const started = Date.now();
    await expect(client(url + '/v1').sessions.create()).rejects.toBeInstanceOf(PaketTimeoutError);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a body that never ends: refused past 1 MB, memory bounded', async () => {
    let sent = 0;
    const { url } = await start((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(65536, 0x20);
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk)) sent += chunk.length;
        if (!res.destroyed) res.once('drain', pump);
      };
      res.on('close', () => undefined);
      pump();
    });
    const error = await client(url + '/v1', 10_000)
      .sessions.create()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaketHttpError);
    expect(error).toMatchObject({ code: 'body_too_large' });
    // The server could push what the socket buffers held, no more.
    expect(sent).toBeLessThan(64 * 1024 * 1024);
  });

  it('a 307 to another origin is a typed error and that origin gets nothing', async () => {
    const other = await start((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"session_id":"evil","client_id":"x","created_at":"t"}');
    });
    const { url } = await start((_req, res) => {
      res.writeHead(307, { location: other.url + '/v1/sessions' });
      res.end();
    });
    await expect(client(url + '/v1').sessions.create()).rejects.toMatchObject({
      name: 'PaketHttpError',
      code: 'redirect',
    });
    expect(other.hits).toEqual([]);
  });
});

describe('a credentials function failing while a link is made', () => {
  const env = useEmulator();
  let asked = 0;
  beforeAll(() => {
    asked = 0;
  });

  it('reaches the caller as a PaketNetworkError and the link stays queued', async () => {
    const storage = memoryStorage();
    const make = (credentials: Parameters<typeof createPaketClient>[0]['credentials']) =>
      createPaketClient({
        credentials,
        baseUrl: env.emu.url,
        signRequests: false,
        autoFlush: false,
        storage: storage.storage,
        retry: { limit: 0 },
        timeoutMs: 500,
      });
    // A first run makes the Session.
    await make(PLATFORM).sessions.ensure('p');
    const failing = make(() => {
      asked++;
      if (asked === 1) return PLATFORM;
      throw new TypeError('Failed to fetch');
    });
    // The secret was rotated: 401, then the refresh fails.
    env.emu.injectFaults('PUT /v1/upnext/sessions/:session_id', [{ status: 401 }]);
    const error = await failing.sessions
      .link('p', { appId: 'fe4a9ed381e8e376', participantId: 'x1' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaketNetworkError);
    expect((error as PaketNetworkError).queued).toBe(true);
    expect(storage.queued()).toEqual(['link x1']);
  });
});
