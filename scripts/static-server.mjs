// A small static file server on loopback, for the demo (npm start) and the browser tests.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';

const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.map': 'application/json',
  '.json': 'application/json',
  '.css': 'text/css',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

/**
 * Serves the files below `roots` (folders relative to `base`) on 127.0.0.1:`port`.
 * @param {{ base: string, roots: string[], port?: number, host?: string }} options
 * @returns {Promise<{ origin: string, close: () => Promise<void> }>}
 */
export async function serveStatic({ base, roots, port = 0, host = '127.0.0.1' }) {
  const server = createServer((req, res) => {
    // Never dies on a request: a bad escape is a 400, any other failure a 500.
    try {
      serve(req, res);
    } catch {
      if (!res.headersSent) {
        res.writeHead(500);
        res.end();
      } else res.destroy();
    }
  });
  /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res */
  function serve(req, res) {
    let path;
    try {
      path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end('bad request path\n');
      return;
    }
    if (path.endsWith('/')) path += 'index.html';
    const file = join(base, path);
    const allowed = !path.includes('\0') && roots.some((r) => path.startsWith(`/${r}/`));
    if (!allowed || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404);
      res.end();
      return;
    }
    const body = readFileSync(file);
    res.writeHead(200, {
      'content-type':
        TYPES[/** @type {keyof typeof TYPES} */ (extname(file))] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    res.end(body);
  }
  await new Promise((resolve) => server.listen(port, host, () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    origin: `http://${host}:${address.port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
