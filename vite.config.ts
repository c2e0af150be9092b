import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const shims = fileURLToPath(new URL('./src/shims.ts', import.meta.url));
const objectShims = fileURLToPath(new URL('./src/shims-object.ts', import.meta.url));
const kyBodyStub = fileURLToPath(new URL('./scripts/ky-body-stub.js', import.meta.url));
const entry = fileURLToPath(new URL('./src/index.ts', import.meta.url));

interface ModuleGraph {
  getModuleInfo(id: string): { importedIds: readonly string[] } | null;
}
// Every module the entry imports statically (directly or not), computed once per chunking pass.
const eagerOf = new WeakMap<ModuleGraph, Set<string>>();
function eager(graph: ModuleGraph): Set<string> {
  let seen = eagerOf.get(graph);
  if (seen) return seen;
  seen = new Set();
  const visit = (id: string): void => {
    if (seen.has(id)) return;
    seen.add(id);
    for (const next of graph.getModuleInfo(id)?.importedIds ?? []) visit(next);
  };
  if (graph.getModuleInfo(entry)) visit(entry);
  eagerOf.set(graph, seen);
  return seen;
}

// Stage one of the SDK build (scripts/build.mjs runs it): bundle src/ with its dependencies
// at ES2022, replacing the globals old TV engines lack with src/shims.ts (globalThis) and
// src/shims-object.ts (Object.hasOwn, fromEntries, entries). Stage two lowers
// the syntax with Babel (Chromium 63 for the modern build, ES5 for the legacy one).
export default defineConfig({
  plugins: [
    {
      name: 'ky-without-progress-streams',
      enforce: 'pre',
      resolveId: (source, importer) =>
        source === '../utils/body.js' && importer?.includes('/node_modules/ky/')
          ? kyBodyStub
          : undefined,
    },
  ],
  build: {
    target: 'esnext',
    outDir: '.cache/build/esm',
    emptyOutDir: true,
    minify: false,
    lib: {
      // share: the optional hand-off entry (paket-tv-sdk/share), never imported by the main one.
      entry: { 'paket-tv-sdk': entry, share: 'src/share/index.ts' },
      formats: ['es'],
      fileName: (_format, name) => `${name}.js`,
    },
    rollupOptions: {
      // The entry exports the public API and nothing else. Everything it loads at start goes
      // into one internal chunk, which the on-demand chunks (signing, lists, repairs) import
      // from: two files at start, and the entry is only the list of public names.
      preserveEntrySignatures: 'strict',
      output: {
        chunkFileNames: '[name].js',
        codeSplitting: {
          groups: [
            {
              debugName: 'core',
              name: (id, graph) => (id !== entry && eager(graph).has(id) ? 'core' : null),
            },
            // The write side of identity, the locks, and the small modules every writer shares
            // (IDs, the lock's BUSY, the create POST): one chunk, loaded by the first create or
            // delivery, not five.
            {
              debugName: 'write',
              name: (id, graph) =>
                !eager(graph).has(id) &&
                /\/src\/(resources\/identity-write|resources\/create|transport\/uuid|coordination\/(types|lock))\.ts$/.test(
                  id,
                )
                  ? 'write'
                  : null,
            },
          ],
        },
      },
      transform: {
        inject: {
          globalThis: [shims, 'default'],
          'Object.hasOwn': [objectShims, 'hasOwn'],
          'Object.fromEntries': [objectShims, 'fromEntries'],
          'Object.entries': [objectShims, 'entries'],
        },
      },
    },
  },
});
