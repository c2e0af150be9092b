// @vitest-environment node
// The package as a user gets it: the repository's files (what a fresh clone holds, no dist/)
// copied to a temporary folder, `npm pack` there (its `prepare` builds dist/), the tarball
// installed offline into a scratch project, then used from that project only: imported from
// Node (ESM and the legacy CommonJS bundle), loaded in a page in headless Chromium, and its
// emulator started through `node_modules/.bin/paket-emulator`. Also: `npm start` in the copy
// leaves a complete dist/ (types included).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../scripts/chromium.mjs';
import { serveStatic } from '../../scripts/static-server.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'paket-pack-'));
const clone = join(work, 'clone');
const scratch = join(work, 'scratch');
const TARBALL = 'paket-tv-sdk-0.1.0.tgz';

let files: string[] = [];

/** The file-backed storage adapter of the README's Node quick start, word for word. */
const FILE_STORAGE = `import { readFile, rename, writeFile } from 'node:fs/promises';

/** A StorageAdapter keeping the SDK's records in one JSON file (one process at a time). */
export function fileStorage(path) {
  let last = Promise.resolve();
  const read = () =>
    readFile(path, 'utf8').then(JSON.parse, (error) => {
      if (error.code === 'ENOENT') return {};
      throw error;
    });
  // Changes run one after the other, each a read, a change and an atomic rename.
  const change = (apply) => {
    const step = async () => {
      const records = await read();
      const result = apply(records);
      await writeFile(\`\${path}.tmp\`, JSON.stringify(records));
      await rename(\`\${path}.tmp\`, path);
      return result;
    };
    last = last.then(step, step); // after the previous change, whether or not it failed
    return last;
  };
  return {
    get: async (key) => (await read())[key],
    set: (key, value) => change((records) => void (records[key] = value)),
    delete: (key) => change((records) => void delete records[key]),
    update: (key, updater) => change((records) => (records[key] = updater(records[key]))),
  };
}
`;
const started: ChildProcess[] = [];

interface Emulator {
  url: string;
  origin: string;
  username: string;
  password: string;
}

/** Runs `command` in `cwd` and returns its stdout; a failure shows its stderr. */
function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Starts a process in a group of its own (so its children stop with it), kept for afterAll. */
function start(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  /** Resolves with the output once `pattern` matches it; rejects if the process ends first. */
  const waitFor = (pattern: RegExp, timeoutMs: number) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timeout waiting for ${pattern}: ${out}`)),
        timeoutMs,
      );
      const check = () => {
        const m = out.match(pattern);
        if (m) {
          clearTimeout(timer);
          resolve(m);
        }
      };
      child.stdout.on('data', check);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${command} ${args.join(' ')} exited (${code}): ${out}`));
      });
      check();
    });
  return { child, waitFor, output: () => out };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
    return Promise.resolve();
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(-child.pid, 'SIGTERM');
  return exited;
}

/** `paket-emulator --port 0` from the scratch project; what it prints: address, credentials. */
async function startPackedEmulator(): Promise<Emulator> {
  const emu = start(join(scratch, 'node_modules/.bin/paket-emulator'), ['--port', '0'], scratch);
  const [, url = ''] = await emu.waitFor(/listening on (http:\/\/\S+\/v1)/, 20_000);
  const [, username = '', password = ''] = await emu.waitFor(
    /platform\b[^\n]*?username\s+(\S+)[^\n]*?(?:secret|password)\s+(\S+)/,
    20_000,
  );
  return { url, origin: new URL(url).origin, username, password };
}

beforeAll(() => {
  // A fresh clone: the files git knows (tracked and new, not ignored), without dist/.
  const listed = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], ROOT);
  for (const file of listed.split('\0').filter(Boolean)) {
    // Deleted in the work tree, or node_modules as a symbolic link (which .gitignore misses).
    if (!existsSync(join(ROOT, file)) || file === 'node_modules') continue;
    mkdirSync(dirname(join(clone, file)), { recursive: true });
    cpSync(join(ROOT, file), join(clone, file));
  }
  expect(existsSync(join(clone, 'dist'))).toBe(false);
  symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'), 'dir');

  // `prepare` prints the build's lines before npm's JSON.
  const out = run('npm', ['pack', '--json', '--pack-destination', work], clone);
  const packed = JSON.parse(out.slice(out.search(/^\[/m))) as Array<{
    filename: string;
    files: Array<{ path: string }>;
  }>;
  expect(packed[0]?.filename).toBe(TARBALL);
  files = (packed[0]?.files ?? []).map((f) => f.path).sort();

  mkdirSync(scratch);
  writeFileSync(
    join(scratch, 'package.json'),
    JSON.stringify({ name: 'scratch', private: true, type: 'module' }),
  );
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(work, TARBALL)], scratch);
}, 240_000);

afterAll(async () => {
  await Promise.all(started.map(stop));
  rmSync(work, { recursive: true, force: true });
});

describe('npm pack from a fresh clone', () => {
  it('holds a complete package: both bundles, their types, the emulator, LICENSE', () => {
    for (const file of [
      'LICENSE',
      'README.md',
      'package.json',
      'dist/paket-tv-sdk.js',
      'dist/index.d.ts',
      'dist/client.d.ts',
      'dist/legacy/paket-tv-sdk.js',
      'dist/legacy/index.d.ts',
      'dist/legacy/package.json',
      'emulator/cli.js',
      'emulator/server.js',
    ]) {
      expect(files).toContain(file);
    }
    // Only what a user runs: no sources, tests or build scripts.
    expect(
      files.filter((f) => !/^(dist|emulator)\/|^(LICENSE|README\.md|package\.json)$/.test(f)),
    ).toEqual([]);
  });

  it('installs offline with nothing but itself: the bundled libraries are not dependencies', () => {
    expect(readdirSync(join(scratch, 'node_modules')).filter((d) => !d.startsWith('.'))).toEqual([
      'paket-tv-sdk',
    ]);
    expect(existsSync(join(scratch, 'node_modules/.bin/paket-emulator'))).toBe(true);
  });
});

describe('the installed package, used from the scratch project', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startPackedEmulator();
  }, 30_000);

  it('paket-emulator starts and answers GET /v1 with the credentials it prints', async () => {
    const auth = `Basic ${Buffer.from(`${emu.username}:${emu.password}`).toString('base64')}`;
    // Signatures are required by default, as on the live API: an unsigned request with the
    // printed credentials is refused for its missing signature, not its credentials.
    const res = await fetch(emu.url, { headers: { authorization: auth } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe('signature_missing');
    expect((await fetch(emu.url)).status).toBe(401);
    expect(run(join(scratch, 'node_modules/.bin/paket-emulator'), ['--help'], scratch)).toMatch(
      /--port N/,
    );
  });

  it('imports from Node as an ES module: the documented names only; a file-backed Session', () => {
    // The README's Node quick start: a small file-backed storage adapter (Node has no IndexedDB).
    writeFileSync(join(scratch, 'file-storage.mjs'), FILE_STORAGE);
    const script = `
      import * as sdk from 'paket-tv-sdk';
      import { fileStorage } from './file-storage.mjs';
      const [username, password, baseUrl] = process.argv.slice(1);
      const paket = sdk.createPaketClient({
        credentials: { username, password },
        baseUrl,
        storage: fileStorage('paket-records.json'),
      });
      const session = await paket.sessions.ensure('profile-1');
      console.log(JSON.stringify({ names: Object.keys(sdk), id: session.session_id, kind: paket.storageKind }));
      paket.close();`;
    const runOnce = () =>
      JSON.parse(
        run(
          process.execPath,
          ['--input-type=module', '-e', script, emu.username, emu.password, emu.url],
          scratch,
        ),
      ) as { names: string[]; id: string; kind: string };
    const first = runOnce();
    expect(first.names.sort()).toEqual([
      'DEFAULT_BASE_URL',
      'PaketError',
      'PaketHttpError',
      'PaketInputError',
      'PaketNetworkError',
      'PaketStorageError',
      'PaketTimeoutError',
      'createPaketClient',
    ]);
    expect(first.id).toMatch(/\S/);
    expect(first.kind).toBe('custom');
    // The next run reads the stored Session: the same one, not a second.
    expect(runOnce().id).toBe(first.id);
  });

  it("the README's quick starts run as written (against this emulator) from the scratch project", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/```(?:ts|js)\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
    expect(readme).toContain(FILE_STORAGE);
    const quick = blocks.find((b) => b.includes('const tv = createPaketClient'));
    const node = blocks.find((b) => b.includes("from './file-storage.mjs'"));
    const local = (code: string) => code.split('http://127.0.0.1:8787/v1').join(emu.url);
    writeFileSync(join(scratch, 'quick.mjs'), local(quick ?? 'throw new Error("no quick start")'));
    writeFileSync(
      join(scratch, 'node.mjs'),
      local(node ?? 'throw new Error("no Node quick start")'),
    );
    expect(run(process.execPath, ['quick.mjs'], scratch)).toMatch(/The API is healthy!/);
    const first = run(process.execPath, ['node.mjs'], scratch);
    expect(first).toMatch(/ custom\n$/);
    expect(run(process.execPath, ['node.mjs'], scratch)).toBe(first);
  });

  it("the legacy bundle: require() and `import * as L from 'paket-tv-sdk/legacy'` agree", () => {
    const required = run(
      process.execPath,
      ['-e', "console.log(JSON.stringify(Object.keys(require('paket-tv-sdk/legacy')).sort()))"],
      scratch,
    );
    const imported = run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "import * as L from 'paket-tv-sdk/legacy'; console.log(JSON.stringify(Object.keys(L).filter((k) => k !== 'default').sort()), typeof L.createPaketClient, typeof L.PaketInputError)",
      ],
      scratch,
    );
    const names = JSON.parse(required) as string[];
    expect(names).toContain('createPaketClient');
    expect(names).toContain('PaketStorageError');
    expect(imported.trim()).toBe(`${JSON.stringify(names)} function function`);
  });

  describe('in a page (headless Chromium)', () => {
    let browser: BrowserContext;
    let web: { origin: string; close: () => Promise<void> };
    beforeAll(async () => {
      mkdirSync(join(scratch, 'web'));
      writeFileSync(
        join(scratch, 'web/index.html'),
        `<!doctype html><meta charset="utf-8">
<script type="importmap">{"imports":{"paket-tv-sdk":"/node_modules/paket-tv-sdk/dist/paket-tv-sdk.js"}}</script>
<script src="/node_modules/paket-tv-sdk/dist/legacy/paket-tv-sdk.js"></script>
<script type="module">
  import * as sdk from 'paket-tv-sdk';
  window.run = async (credentials, baseUrl) => {
    const client = sdk.createPaketClient({ credentials, baseUrl });
    const session = await client.sessions.create();
    const legacy = window.PaketTV.createPaketClient({ credentials, baseUrl });
    const other = await legacy.sessions.create();
    return { names: Object.keys(sdk).sort(), id: session.session_id, legacyId: other.session_id };
  };
</script>`,
      );
      web = await serveStatic({ base: scratch, roots: ['node_modules', 'web'] });
      browser = await launchChromium(mkdtempSync(join(work, 'chromium-')));
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
      await web?.close();
    });

    it('imports the ES module and the legacy script, and both make Sessions', async () => {
      const page = await browser.newPage();
      await page.goto(`${web.origin}/web/index.html`);
      await page.waitForFunction(() => typeof (window as { run?: unknown }).run === 'function');
      const out = await page.evaluate(
        ([username, password, url]) =>
          (
            window as unknown as {
              run(c: object, u: string): Promise<{ names: string[]; id: string; legacyId: string }>;
            }
          ).run({ username, password }, url),
        [emu.username, emu.password, emu.url] as const,
      );
      expect(out.names).toContain('createPaketClient');
      expect(out.names).not.toContain('a');
      expect(out.id).toMatch(/\S/);
      expect(out.legacyId).toMatch(/\S/);
      expect(out.legacyId).not.toBe(out.id);
    }, 60_000);
  });
});

describe('npm start in the fresh clone', () => {
  it('leaves a complete dist/, type declarations included, and serves the demo', async () => {
    rmSync(join(clone, 'dist'), { recursive: true, force: true });
    const app = start('npm', ['start'], clone, {
      PAKET_EMULATOR_PORT: '0',
      DEMO_PORT: '0',
      PLAYER_PORT: '0',
    });
    const [, home = ''] = await app.waitFor(
      /Home screen \(the platform app\): (http:\/\/\S+)/,
      180_000,
    );
    const [, player = ''] = await app.waitFor(
      /Player \(a publisher app\): +(http:\/\/\S+)/,
      10_000,
    );
    expect((await fetch(home)).status).toBe(200);
    expect((await fetch(player)).status).toBe(200);
    await stop(app.child);
    for (const file of [
      'paket-tv-sdk.js',
      'index.d.ts',
      'legacy/paket-tv-sdk.js',
      'legacy/index.d.ts',
    ]) {
      expect(existsSync(join(clone, 'dist', file)), file).toBe(true);
    }
  }, 240_000);
});
