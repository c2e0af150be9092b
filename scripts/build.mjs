// Builds the package into dist/:
//   dist/paket-tv-sdk.js (+ chunks)  ES modules, Chromium 63 syntax (Tizen 2019), for Node 20,
//                                    browsers and bundlers; rarely used code split off
//   dist/legacy/paket-tv-sdk.js      ES5 UMD (global `PaketTV`) with its polyfills, minified
//   dist/**/*.d.ts                   the type declarations (tsc -p tsconfig.build.json)
//   .cache/size/modern.min.js        the modern entry minified, as size-limit measures it
//   dist/share.js                    the optional hand-off entry (paket-tv-sdk/share)
//   dist/legacy/paket-tv-share.js    its ES5 UMD, a second <script> after the legacy bundle:
//                                    sets PaketTV.share, reuses PaketTV.PaketError
// Stage one bundles with Vite at ES2022 (vite.config.ts); stage two lowers the syntax with
// Babel, whose loose class-field assumptions keep ky's private fields small.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { lower, shrink } from './lower.mjs';

// ky's utils/body.js is replaced by a stub in the bundles (vite.config.ts): same exports.
const exportsOf = async (path) =>
  Object.keys(await import(path))
    .sort()
    .join();
const kyBody = await exportsOf('../node_modules/ky/distribution/utils/body.js');
if (kyBody !== (await exportsOf('./ky-body-stub.js'))) {
  throw new Error(`ky's utils/body.js exports ${kyBody}: update scripts/ky-body-stub.js`);
}

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist/legacy', { recursive: true });
mkdirSync('.cache/size', { recursive: true });

// Modern ES modules.
await build({ configFile: 'vite.config.ts', logLevel: 'warn' });
const esm = '.cache/build/esm';
for (const file of readdirSync(esm).filter((f) => f.endsWith('.js'))) {
  writeFileSync(join('dist', file), await lower(readFileSync(join(esm, file), 'utf8'), '63', file));
}
// What an app downloads at start: the entry and every chunk it imports statically (chunks
// loaded by import() only when used, such as signing or lists, are left out), minified.
const closure = [];
const visit = (file) => {
  if (closure.includes(file)) return;
  closure.push(file);
  const code = readFileSync(join('dist', file), 'utf8');
  for (const m of code.matchAll(/^(?:import|export)\s[^;]*?from\s*"\.\/([^"]+)"/gm)) visit(m[1]);
};
visit('paket-tv-sdk.js');
let startup = '';
for (const file of closure) {
  startup +=
    (await shrink(readFileSync(join('dist', file), 'utf8'), { module: true, ecma: 2017 })) + '\n';
}
writeFileSync('.cache/size/modern.min.js', startup);
writeFileSync('.cache/size/modern.files.json', JSON.stringify(closure));
// Everything the main entry can load (the start-up closure and every on-demand chunk).
let all = '';
for (const file of readdirSync('dist').filter((f) => f.endsWith('.js') && f !== 'share.js')) {
  all +=
    (await shrink(readFileSync(join('dist', file), 'utf8'), { module: true, ecma: 2017 })) + '\n';
}
writeFileSync('.cache/size/all.min.js', all);

// Legacy ES5 UMD.
await build({
  configFile: 'vite.config.ts',
  logLevel: 'warn',
  build: {
    outDir: '.cache/build/legacy',
    lib: { entry: 'src/legacy.ts', formats: ['umd'], name: 'PaketTV', fileName: () => 'legacy.js' },
    rollupOptions: { output: { codeSplitting: false } },
  },
});
const es5 = await lower(readFileSync('.cache/build/legacy/legacy.js', 'utf8'), '38', 'legacy.js');
// Babel puts its helpers (_extends, _await, …) at the top of the file: in a classic script
// they would become globals of the host app, and unmangled. A function scope keeps them ours
// and lets the minifier shorten them; `this` stays the UMD wrapper's global.
const legacy = await shrink(`(function(){${es5}\n}).call(this);`);
// The share entry, minified, as size-limit measures it (its imports from the main entry are
// already paid for by any app that shares).
writeFileSync(
  '.cache/size/share.min.js',
  await shrink(readFileSync('dist/share.js', 'utf8'), { module: true, ecma: 2017 }),
);
// Legacy share: its imports from the main entry (PaketError) come from the PaketTV global,
// so instanceof holds across the two files.
const mainEntry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
await build({
  configFile: 'vite.config.ts',
  logLevel: 'warn',
  build: {
    outDir: '.cache/build/legacy-share',
    lib: {
      entry: 'src/share/index.ts',
      formats: ['umd'],
      name: 'PaketTV.share',
      fileName: () => 'share.js',
    },
    rollupOptions: {
      external: (id) => id === '../index.js' || id === mainEntry,
      output: { codeSplitting: false, extend: true, globals: () => 'PaketTV' },
    },
  },
});
const shareEs5 = await lower(
  readFileSync('.cache/build/legacy-share/share.js', 'utf8'),
  '38',
  'share.js',
);
writeFileSync(
  'dist/legacy/paket-tv-share.js',
  await shrink(`(function(){${shareEs5}\n}).call(this);`),
);
writeFileSync(
  'dist/legacy/share.d.ts',
  "// The legacy share script sets PaketTV.share to the paket-tv-sdk/share entry's API.\n" +
    "import * as share from '../share/index.js';\nexport = share;\n",
);
writeFileSync('dist/legacy/package.json', JSON.stringify({ type: 'commonjs' }) + '\n');
// Node's `import * as L from 'paket-tv-sdk/legacy'` finds a CommonJS module's names by
// reading its source (cjs-module-lexer), which cannot see through the UMD wrapper: a line
// that never runs (`0&&(exports.name=0,…)`) lists them, the names being the bundle's own.
writeFileSync('dist/legacy/paket-tv-sdk.js', legacy);
const names = Object.keys(createRequire(import.meta.url)('../dist/legacy/paket-tv-sdk.js'));
if (names.some((name) => !/^[A-Za-z_$][\w$]*$/.test(name))) throw new Error(`legacy: ${names}`);
writeFileSync(
  'dist/legacy/paket-tv-sdk.js',
  `${legacy}0&&(${names.map((name) => `exports.${name}=0`).join(',')})`,
);
writeFileSync(
  'dist/legacy/index.d.ts',
  "// The legacy bundle exports the same API as the package's main entry.\n" +
    "import * as PaketTV from '../index.js';\nexport = PaketTV;\n",
);
// Type declarations, so that every way of building dist/ (npm run build, npm start, npm pack
// and an install from git through `prepare`) leaves a complete package.
execFileSync(
  process.execPath,
  [createRequire(import.meta.url).resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
  { stdio: 'inherit' },
);
console.log('built dist/');
