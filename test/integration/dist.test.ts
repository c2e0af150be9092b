// @vitest-environment node
// The built package (npm run build, which the test command runs first), imported the way
// a Node 20 user would, talking to the emulator.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { parseAst } from 'vite';
import { describe, expect, it } from 'vitest';
import { PLATFORM, useEmulator } from '../helpers/emulator';

const env = useEmulator({ requireSignatures: true });
const dist = new URL('../../dist/', import.meta.url);
const entry = new URL('paket-tv-sdk.js', dist);
const legacy = new URL('legacy/paket-tv-sdk.js', dist);

/** The value names src/index.ts exports (the documented API), sorted. */
function documentedNames(): string[] {
  const source = readFileSync(new URL('../../src/index.ts', import.meta.url), 'utf8');
  const names: string[] = [];
  for (const m of source.matchAll(/^export\s+\{([^}]*)\}\s+from/gm)) {
    for (const part of (m[1] ?? '').split(',')) {
      const name = part
        .trim()
        .split(/\s+as\s+/)
        .pop();
      if (name) names.push(name);
    }
  }
  return names.sort();
}

/** Every module specifier a file of dist/ imports (static, re-export or dynamic import()). */
function specifiersOf(code: string): string[] {
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as { type?: string; source?: { value?: unknown } };
    if (
      (n.type === 'ImportDeclaration' ||
        n.type === 'ImportExpression' ||
        n.type === 'ExportNamedDeclaration' ||
        n.type === 'ExportAllDeclaration') &&
      n.source
    ) {
      found.push(typeof n.source.value === 'string' ? n.source.value : '(computed)');
    }
    Object.values(node).forEach(walk);
  };
  walk(parseAst(code));
  return found;
}

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

  it('exports the documented names and nothing else (no chunk plumbing)', async () => {
    const sdk = (await import(/* @vite-ignore */ entry.href)) as Record<string, unknown>;
    expect(documentedNames()).toContain('createPaketClient');
    expect(Object.keys(sdk).sort()).toEqual(documentedNames());
  });

  it('bundles its libraries: no file imports a package, and package.json depends on none', () => {
    const files = readdirSync(dist).filter((f) => f.endsWith('.js'));
    expect(files).toContain('paket-tv-sdk.js');
    for (const file of files) {
      const imported = specifiersOf(readFileSync(new URL(file, dist), 'utf8'));
      expect(
        imported.filter((s) => !s.startsWith('./')),
        file,
      ).toEqual([]);
    }
    const pkg = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as {
      dependencies?: Record<string, string>;
    };
    expect(pkg.dependencies ?? {}).toEqual({});
  });

  it('ships its type declarations next to the code (types of both entries)', () => {
    expect(existsSync(new URL('index.d.ts', dist))).toBe(true);
    expect(existsSync(new URL('legacy/index.d.ts', dist))).toBe(true);
    expect(readFileSync(new URL('index.d.ts', dist), 'utf8')).toContain('createPaketClient');
  });
});

describe('dist/legacy (the ES5 UMD bundle) in Node', () => {
  it("has, for `import * as L from 'paket-tv-sdk/legacy'`, the named exports its types promise", async () => {
    // In Node itself (Vitest's own loader is more lenient with CommonJS), asynchronously: the
    // emulator answering it runs in this process.
    const script = `import * as L from ${JSON.stringify(legacy.href)};
      const client = L.createPaketClient({ credentials: JSON.parse(process.argv[1]), baseUrl: process.argv[2] });
      const session = await client.sessions.create();
      console.log(JSON.stringify({ names: Object.keys(L).filter((k) => k !== 'default').sort(), url: L.DEFAULT_BASE_URL, error: typeof L.PaketInputError, id: session.session_id }));`;
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--input-type=module',
      '-e',
      script,
      JSON.stringify(PLATFORM),
      env.emu.url,
    ]);
    const out = JSON.parse(stdout) as { names: string[]; url: string; error: string; id: string };
    expect(out.names).toEqual(documentedNames());
    expect(out.url).toBe('https://api.paket.tv/v1');
    expect(out.error).toBe('function');
    expect(Object.keys(env.emu.state().sessions)).toEqual([out.id]);
  });

  it('require() gives the same names', () => {
    const L = createRequire(import.meta.url)(legacy.pathname) as Record<string, unknown>;
    expect(Object.keys(L).sort()).toEqual(documentedNames());
  });
});
