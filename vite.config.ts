import { defineConfig } from 'vite';

// The SDK's package build: ES modules for Node 20 and browsers, at a syntax level that
// Chromium 63 (Tizen 2019) parses. Dependencies are bundled so the package has none at
// run time in a browser without a bundler.
export default defineConfig({
  build: {
    target: 'chrome63',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    minify: false,
    lib: {
      entry: 'src/index.ts',
      formats: ['es'],
      fileName: () => 'paket-tv-sdk.js',
    },
  },
});
