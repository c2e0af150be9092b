// Builds the blank Lightning app into .cache/blank-lightning/ with the demo apps' modern
// build settings (scripts/build-demo.mjs): an IIFE at Chromium 63 syntax, minified with
// class names kept, loaded by a classic script.
//   node bench/blank-lightning/build.mjs
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const out = fileURLToPath(new URL('../../.cache/blank-lightning', import.meta.url));
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  configFile: false,
  root: here,
  logLevel: 'warn',
  build: {
    target: 'chrome63',
    minify: false,
    outDir: out,
    emptyOutDir: false,
    lib: { entry: 'main.js', formats: ['iife'], name: 'Blank', fileName: () => 'appBundle.js' },
    rollupOptions: {
      output: {
        codeSplitting: false,
        minify: {
          compress: { keepNames: { function: true, class: true } },
          mangle: { keepNames: true },
        },
      },
    },
  },
});
cpSync(`${here}index.html`, `${out}/index.html`);
console.log(`built ${out}/`);
