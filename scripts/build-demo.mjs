// Builds the two Lightning demo apps into demo-app/dist/<app>/, ready to serve or to package:
//   home/    the platform app (a home screen)      player/  the publisher app (a player)
// each with
//   appBundle.js       the app with the built SDK (dist/) at Chromium 63 syntax
//   appBundle.es5.js   the app in ES5, over the SDK's legacy scripts (copied beside it:
//                      paket-tv-sdk.js, paket-tv-share.js, which bring the polyfills)
//   index.html         picks one, with classic scripts only (packaged apps load from file://)
// and, for the player, media/*.wav: generated tones (scripts/media.mjs), no binary in git.
// demo-app/dist/index.html forwards to home/ (with the query), the address older docs give.
//
//   node scripts/build-demo.mjs [--modern-only] [--app home|player] [--force]
// Both apps build in parallel child processes; an app whose inputs did not change since its
// last build is kept (npm start runs this every time), unless --force.
// Run `npm run build` first: the apps import the SDK's public entries from dist/.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { writeWav } from './media.mjs';

export const APPS = ['home', 'player'];
/** The player's media: one file per length of title in its catalog (seconds). */
export const MEDIA = { 'episode.wav': 300, 'movie.wav': 600 };

const root = fileURLToPath(new URL('..', import.meta.url));
const sdk = join(root, 'dist/paket-tv-sdk.js');
const share = join(root, 'dist/share.js');
const out = join(root, 'demo-app/dist');
const args = process.argv.slice(2);
const modernOnly = args.includes('--modern-only');
const force = args.includes('--force');
const only = args.includes('--app') ? args[args.indexOf('--app') + 1] : undefined;

if (!existsSync(sdk) || !existsSync(join(root, 'dist/legacy/paket-tv-share.js'))) {
  throw new Error('dist/ is missing: run npm run build first');
}

/** Every file below `dir`, recursively. */
function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** A hash of what an app's build reads: its sources, the shared ones, the SDK, this script. */
function inputsHash(app) {
  const hash = createHash('sha256');
  const inputs = [
    ...files(join(root, 'demo-app', app)),
    ...files(join(root, 'demo-app/shared')),
    join(root, 'demo-app/index.html'),
    ...files(join(root, 'dist')).filter((f) => f.endsWith('.js')),
    fileURLToPath(import.meta.url),
    join(root, 'scripts/lower.mjs'),
    join(root, 'scripts/media.mjs'),
  ].sort();
  for (const f of inputs) hash.update(f).update(readFileSync(f));
  for (const [k, v] of Object.entries(process.env)) if (k.startsWith('VITE_')) hash.update(k + v);
  hash.update(modernOnly ? 'modern' : 'both');
  return hash.digest('hex');
}

async function bundle(app, legacy) {
  const { build } = await import('vite');
  const name = legacy ? 'app.legacy.js' : 'app.js';
  await build({
    configFile: false,
    root: join(root, 'demo-app'),
    logLevel: 'warn',
    envDir: root,
    resolve: legacy ? {} : { alias: { 'paket-tv-sdk/share': share, 'paket-tv-sdk': sdk } },
    build: {
      target: legacy ? 'esnext' : 'chrome63',
      minify: false,
      outDir: join(root, `.cache/build/demo-${app}`),
      emptyOutDir: false,
      lib: { entry: `${app}/main.ts`, formats: ['iife'], name: 'PaketDemo', fileName: () => name },
      rollupOptions: {
        // The ES5 app uses the SDK's legacy scripts, loaded before it: PaketTV and PaketTV.share.
        external: legacy ? ['paket-tv-sdk', 'paket-tv-sdk/share'] : [],
        output: {
          // Lightning names a component's states by their class names: the minifier keeps
          // them (rolldown's output.keepNames would add class static blocks: Chromium 94+).
          minify: legacy
            ? false
            : {
                compress: { keepNames: { function: true, class: true } },
                mangle: { keepNames: true },
              },
          codeSplitting: false,
          globals: { 'paket-tv-sdk': 'PaketTV', 'paket-tv-sdk/share': 'PaketTV.share' },
        },
      },
    },
  });
  return readFileSync(join(root, `.cache/build/demo-${app}/${name}`), 'utf8');
}

async function buildApp(app) {
  const dir = join(out, app);
  const stamp = join(root, `.cache/build/demo-${app}.hash`);
  const hash = inputsHash(app);
  if (!force && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash && existsSync(dir)) {
    console.log(`demo ${app}: unchanged, kept ${dir}`);
    return;
  }
  const started = Date.now();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'appBundle.js'), await bundle(app, false));
  if (modernOnly) {
    console.log(`demo ${app}: skipped appBundle.es5.js (--modern-only)`);
  } else {
    const { lower } = await import('./lower.mjs');
    const { minify } = await import('terser');
    const legacy = await bundle(app, true);
    const es5 = await lower(legacy, '38', 'app.legacy.js', 'script');
    // Function names kept: the state classes, lowered to functions, are named by them.
    const small = await minify(es5, {
      ecma: 5,
      compress: { passes: 2 },
      keep_fnames: true,
      keep_classnames: true,
    });
    writeFileSync(join(dir, 'appBundle.es5.js'), small.code);
    cpSync(join(root, 'dist/legacy/paket-tv-sdk.js'), join(dir, 'paket-tv-sdk.js'));
    cpSync(join(root, 'dist/legacy/paket-tv-share.js'), join(dir, 'paket-tv-share.js'));
  }
  const title = app === 'home' ? 'Paket Home' : 'Paket Player';
  writeFileSync(
    join(dir, 'index.html'),
    readFileSync(join(root, 'demo-app/index.html'), 'utf8').replace(
      '<title>Paket TV demo</title>',
      `<title>${title}</title>`,
    ),
  );
  if (app === 'player') {
    for (const [file, seconds] of Object.entries(MEDIA)) {
      writeWav(join(dir, 'media', file), { seconds });
    }
  }
  mkdirSync(join(dir, 'static'), { recursive: true });
  writeFileSync(stamp, hash);
  const size = statSync(join(dir, 'appBundle.js')).size;
  console.log(
    `demo ${app}: built ${dir} in ${((Date.now() - started) / 1000).toFixed(1)} s (appBundle.js ${Math.round(size / 1024)} KiB)`,
  );
}

if (only) {
  if (!APPS.includes(only)) throw new Error(`--app must be one of ${APPS.join(', ')}`);
  await buildApp(only);
} else {
  mkdirSync(out, { recursive: true });
  // One process per app: the ES5 lowering is CPU-bound, so the two run side by side.
  const run = promisify(execFile);
  const rest = args.filter((a) => a !== '--app');
  const results = await Promise.allSettled(
    APPS.map((app) =>
      run(process.execPath, [fileURLToPath(import.meta.url), ...rest, '--app', app], {
        cwd: root,
        maxBuffer: 16 * 1024 * 1024,
      }),
    ),
  );
  let failed = false;
  for (const r of results) {
    if (r.status === 'fulfilled') process.stdout.write(r.value.stdout + r.value.stderr);
    else {
      failed = true;
      process.stderr.write(String(r.reason.stdout ?? '') + String(r.reason.stderr ?? r.reason));
    }
  }
  if (failed) process.exit(1);
  // The old address of the demo: forwards to the home screen, keeping the query.
  writeFileSync(
    join(out, 'index.html'),
    `<!doctype html>
<meta charset="utf-8" />
<title>Paket TV demo</title>
<script>
  location.replace('home/index.html' + location.search + location.hash);
</script>
`,
  );
  console.log(`built ${out}/ (home/, player/)`);
}
