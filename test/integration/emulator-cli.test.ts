// @vitest-environment node
// The emulator's command: --help documents every flag and mode, a bad flag or a busy port is
// one line on stderr and a non-zero exit, and it runs from another project's node_modules
// as `npx paket-emulator`.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/server.js';

const CLI = fileURLToPath(new URL('../../emulator/cli.js', import.meta.url));
const EMULATOR_DIR = fileURLToPath(new URL('../../emulator/', import.meta.url));

function run(
  args: string[],
  cwd?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd, timeout: 20_000 },
      (error, stdout, stderr) => {
        resolve({
          code: error ? Number((error as { code?: number }).code ?? 1) : 0,
          stdout,
          stderr,
        });
      },
    );
  });
}

const children: ChildProcess[] = [];
afterAll(() => {
  // npx runs the command in a child of its own: end the whole process group it leads.
  for (const c of children) if (c.pid && c.exitCode === null) process.kill(-c.pid, 'SIGTERM');
});

/** Starts a command and resolves with its base URL once it prints it. */
function listen(
  command: string,
  args: string[],
  cwd: string,
): Promise<{ url: string; out: string }> {
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (c) => {
      out += c;
      const m = /listening on (http:\/\/\S+\/v1)/.exec(out);
      if (m && out.includes('controls:')) resolve({ url: m[1]!, out });
    });
    child.stderr!.on('data', (c) => (err += c));
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
}

describe('paket-emulator --help', () => {
  it('documents every flag, each mode, and the controls', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    for (const flag of [
      '--port',
      '--host',
      '--state-file',
      '--dialect',
      '--no-signatures',
      '--require-signature',
      '--clock-offset-ms',
      '--next-key',
      '--link-response',
      '--control-origin',
      '--allowed-host',
      '--platform-user',
      '--platform-secret',
      '--publisher-user',
      '--publisher-secret',
      '--help',
    ]) {
      expect(stdout).toContain(flag);
    }
    expect(stdout).toMatch(/Modes:/);
    expect(stdout).toContain('npx paket-emulator');
    expect(stdout).toContain('/v1/sessions/upnext/');
    expect(stdout).toContain('/__emulator/');
  });
});

describe('errors are one line, with a non-zero exit', () => {
  it.each([
    [['--bogus'], /unknown option '--bogus'/i],
    [['--port', 'abc'], /--port must be an integer/],
    [['--port', '70000'], /--port must be 0 to 65535/],
    [['--dialect', 'v3'], /--dialect must be participants or contexts/],
    [['--next-key', 'uuid'], /--next-key must be number or string/],
    [['stray'], /positional/],
    [['--no-signatures', '--require-signature'], /contradict/],
  ])('%j', async (args, message) => {
    const { code, stdout, stderr } = await run(args);
    expect(code).not.toBe(0);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^paket-emulator: /);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('a busy port', async () => {
    const busy = await startEmulator({ port: 0, quiet: true });
    try {
      const { code, stderr } = await run(['--port', String(busy.port)]);
      expect(code).toBe(1);
      expect(stderr).toBe(
        `paket-emulator: port ${busy.port} on 127.0.0.1 is already in use (try --port 0)\n`,
      );
    } finally {
      await busy.close();
    }
  });
});

describe('installed in another project', () => {
  it('runs as `npx paket-emulator`, prints username and password, and serves', async () => {
    const project = mkdtempSync(join(tmpdir(), 'paket-app-'));
    writeFileSync(join(project, 'package.json'), '{"name":"tv-app","private":true}');
    const pkg = join(project, 'node_modules', 'paket-tv-sdk');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(
      join(pkg, 'package.json'),
      JSON.stringify({
        name: 'paket-tv-sdk',
        type: 'module',
        bin: { 'paket-emulator': 'emulator/cli.js' },
      }),
    );
    cpSync(EMULATOR_DIR, join(pkg, 'emulator'), { recursive: true });
    chmodSync(join(pkg, 'emulator', 'cli.js'), 0o755); // as npm does for a bin entry
    mkdirSync(join(project, 'node_modules', '.bin'));
    symlinkSync(
      '../paket-tv-sdk/emulator/cli.js',
      join(project, 'node_modules', '.bin', 'paket-emulator'),
    );

    const { url, out } = await listen(
      'npx',
      ['--no-install', 'paket-emulator', '--port', '0', '--no-signatures', '--dialect', 'contexts'],
      project,
    );
    expect(out).toContain('username platform_demo  password test_sk_platform_demo');
    expect(out).not.toMatch(/secret test_sk/);
    const res = await fetch(url, {
      headers: {
        authorization:
          'Basic ' + Buffer.from('platform_demo:test_sk_platform_demo').toString('base64'),
      },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ platform_id: expect.stringMatching(/^PL/) });
  }, 60_000);
});
