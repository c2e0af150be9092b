import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const shims = fileURLToPath(new URL('./src/shims.ts', import.meta.url));

// Stage one of the SDK build (scripts/build.mjs runs it): bundle src/ with its dependencies
// at ES2022, replacing the globals old TV engines lack with src/shims.ts. Stage two lowers
// the syntax with Babel (Chromium 63 for the modern build, ES5 for the legacy one).
export default defineConfig({
  build: {
    target: 'esnext',
    outDir: '.cache/build/esm',
    emptyOutDir: true,
    minify: false,
    lib: {
      entry: 'src/index.ts',
      formats: ['es'],
      fileName: () => 'paket-tv-sdk.js',
    },
    rollupOptions: {
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
