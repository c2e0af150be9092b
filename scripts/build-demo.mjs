// Builds the Lightning demo app into demo-app/dist/, ready to serve or to package for a TV:
//   appBundle.js      the app (with the built SDK from dist/) at Chromium 63 syntax
//   appBundle.es5.js  the same in ES5 over the SDK's legacy bundle, which brings the
//                     polyfills (skipped with --modern-only)
//   index.html        picks one, with classic scripts only (packaged apps load from file://)
// Run `npm run build` first: the demo imports the SDK's public entry, dist/paket-tv-sdk.js.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { lower, shrink } from './lower.mjs';

const sdk = fileURLToPath(new URL('../dist/paket-tv-sdk.js', import.meta.url));
// The ES5 app takes the SDK's own legacy bundle, which brings the polyfills it needs.
const sdkLegacy = fileURLToPath(new URL('../dist/legacy/paket-tv-sdk.js', import.meta.url));
if (!existsSync(sdk)) throw new Error('dist/ is missing: run npm run build first');
const out = 'demo-app/dist';

async function bundle(entry, name, target = 'esnext', sdkEntry = sdk) {
  await build({
    configFile: false,
    root: 'demo-app',
    logLevel: 'warn',
    envDir: '.',
    resolve: { alias: { 'paket-tv-sdk': sdkEntry } },
    build: {
      target,
      minify: target === 'esnext' ? false : 'terser',
      outDir: '../.cache/build/demo',
      emptyOutDir: false,
      lib: { entry, formats: ['iife'], name: 'PaketDemo', fileName: () => name },
      rollupOptions: { output: { codeSplitting: false } },
    },
  });
  return readFileSync(`.cache/build/demo/${name}`, 'utf8');
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
// The SDK in dist/ is already at Chromium 63 syntax; Vite lowers the rest and terser minifies.
writeFileSync(`${out}/appBundle.js`, await bundle('src/main.ts', 'app.js', 'chrome63'));
if (process.argv.includes('--modern-only')) {
  console.log(
    'skipped appBundle.es5.js (--modern-only): engines older than Chromium 63 need a full build',
  );
} else {
  const legacy = await bundle('src/main.ts', 'app.legacy.js', 'esnext', sdkLegacy);
  writeFileSync(
    `${out}/appBundle.es5.js`,
    await shrink(await lower(legacy, '38', 'app.legacy.js', 'script')),
  );
}
cpSync('demo-app/index.html', `${out}/index.html`);
cpSync('demo-app/public', out, { recursive: true });
console.log(`built ${out}/`);
