// Drives the real TV-era Chromium builds (unpacked by scripts/tv-engines.mjs) over the
// DevTools protocol with chrome-remote-interface, which works on every build here.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import CDP from 'chrome-remote-interface';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface OldBrowser {
  evaluate<T>(expression: string): Promise<T>;
  navigate(url: string): Promise<void>;
  reload(): Promise<void>;
  close(): Promise<void>;
}

export async function launchOld(binary: string, profileDir: string): Promise<OldBrowser> {
  const port = await freePort();
  const proc: ChildProcess = spawn(
    binary,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      `--remote-debugging-port=${port}`,
      `--user-data-dir=${profileDir}`,
      'about:blank',
    ],
    { stdio: 'ignore' },
  );
  let client: CDP.Client | undefined;
  for (let i = 0; i < 100 && !client; i++) {
    try {
      client = await CDP({ port, local: true });
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  if (!client) {
    proc.kill('SIGKILL');
    throw new Error(`${binary} did not open its DevTools port`);
  }
  const cdp = client;
  await cdp.Page.enable();
  await cdp.Runtime.enable();
  const loaded = async (start: () => Promise<unknown>) => {
    const done = cdp.Page.loadEventFired();
    await start();
    await done;
  };
  const browser: OldBrowser = {
    async evaluate<T>(expression: string) {
      const result = await cdp.Runtime.evaluate({
        expression,
        awaitPromise: true,
        returnByValue: true,
      });
      if (result.exceptionDetails) {
        throw new Error(`page threw: ${JSON.stringify(result.exceptionDetails).slice(0, 500)}`);
      }
      return result.result.value as T;
    },
    navigate: (url) => loaded(() => cdp.Page.navigate({ url })),
    reload: () => loaded(() => cdp.Page.reload({})),
    async close() {
      await cdp.close().catch(() => undefined);
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    },
  };
  return browser;
}

/** Waits until the page's SDK is loaded (module scripts run after the load event in some builds). */
export async function waitReady(browser: OldBrowser): Promise<void> {
  for (let i = 0; i < 50; i++) {
    if (await browser.evaluate<boolean>('typeof tvReady === "function" && tvReady()')) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the SDK did not load in the page');
}
