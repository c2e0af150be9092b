import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const shims = fileURLToPath(new URL('./src/shims.ts', import.meta.url));
const kyBodyStub = fileURLToPath(new URL('./scripts/ky-body-stub.js', import.meta.url));

// Stage one of the SDK build (scripts/build.mjs runs it): bundle src/ with its dependencies
// at ES2022, replacing the globals old TV engines lack with src/shims.ts. Stage two lowers
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
      entry: { 'paket-tv-sdk': 'src/index.ts', share: 'src/share/index.ts' },
      formats: ['es'],
      fileName: (_format, name) => `${name}.js`,
    },
    rollupOptions: {
      // Lets the code shared with the on-demand chunks stay in the entry (which then also
      // exports it, under short internal names) instead of chunks of their own: fewer files
      // to fetch at start, and no import/export glue between them.
      preserveEntrySignatures: 'allow-extension',
      transform: {
        inject: {
          globalThis: [shims, 'default'],
          'Object.hasOwn': [shims, 'hasOwn'],
          'Object.fromEntries': [shims, 'fromEntries'],
          'Object.entries': [shims, 'entries'],
        },
      },
    },
  },
});
