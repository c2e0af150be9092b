// Runs the emulator in a child process and drives it over its loopback control endpoint, so
// a long test can measure its own memory without the emulator's growing state in the count.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * @param {{ signatures?: boolean, args?: string[] }} [options] `signatures` defaults to false
 *   for now: today's SDK does not sign by default (the merge of SDK signing flips this)
 * @returns {Promise<{ url: string, origin: string, injectFaults(route: string, faults: import('./server.js').Fault[], opts?: { repeat?: boolean }): Promise<void>, clearFaults(): Promise<void>, log(): Promise<import('./server.js').LogEntry[]>, state(): Promise<ReturnType<import('./server.js').Emulator['state']>>, close(): Promise<void> }>}
 */
export async function startEmulatorProcess(options = {}) {
  const cli = join(dirname(fileURLToPath(import.meta.url)), 'cli.js');
  const child = spawn(
    process.execPath,
    [
      cli,
      '--port',
      '0',
      ...(options.signatures === true ? [] : ['--no-signatures']),
      ...(options.args ?? []),
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+\/v1)/.exec(out);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  const origin = /** @type {string} */ (url).replace(/\/v1$/, '');
  /** @param {string} what @param {string} method @param {unknown} [body] */
  const control = async (what, method, body) => {
    const res = await fetch(`${origin}/__emulator/${what}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return res.status === 204 ? undefined : res.json();
  };
  return {
    url: /** @type {string} */ (url),
    origin,
    injectFaults: (route, faults, opts = {}) =>
      control('faults', 'POST', { route, faults, repeat: opts.repeat === true }),
    clearFaults: () => control('faults', 'DELETE'),
    log: () => control('log', 'GET'),
    state: () => control('state', 'GET'),
    close: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve(undefined));
        child.kill('SIGTERM');
      }),
  };
}
