// npm run bench: one table of figures measured side by side in one run on this machine.
//   Size: the SDK's bundles beside ky, idb-keyval, Firebase Installations + app core and a
//         hand-written floor, each bundled the same way (Chromium 63 syntax, terser).
//   Warm start: after a browser restart, ensure() of a stored Session against a raw
//         idb-keyval first get and a raw localStorage.getItem (each in its own restart).
//   Cold start: the first ensure() against a raw fetch POST plus an idb-keyval set.
//   Request cost: link() against a raw fetch PUT.
//   Both beside a floor: the least any implementation keeping the SDK's rules pays, written
//   by hand with no library, to tell the cost of the rules from the SDK's own.
// Debian's headless Chromium, loopback only. BENCH_SAMPLES (default 15) sets the samples;
// BENCH_ONLY (a comma-separated list of size, warm, cold, links) runs only those sections.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { build } from 'vite';
import { startEmulator } from '../emulator/server.js';
import { lower, shrink } from './lower.mjs';
import { CHROMIUM, launchChromium } from './chromium.mjs';
import { serveStatic } from './static-server.mjs';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 15);
const ONLY = process.env.BENCH_ONLY?.split(',');
const section = (name) => !ONLY || ONLY.includes(name);
const rows = [];
const row = (...cells) => rows.push(cells);

// ---- sizes ----
/** `entry` bundled alone; `configFile` 'vite.config.ts' bundles it as the SDK's build does. */
async function bundle(entry, name, configFile = false) {
  await build({
    configFile,
    logLevel: 'silent',
    build: {
      target: 'esnext',
      minify: false,
      outDir: '.cache/bench',
      emptyOutDir: false,
      lib: { entry, formats: ['es'], fileName: () => name },
      rollupOptions: { output: { codeSplitting: false } },
    },
  });
  return readFileSync(`.cache/bench/${name}`, 'utf8');
}
const sizes = (min) => {
  const kb = (n) => (n / 1000).toFixed(2);
  return [
    kb(Buffer.byteLength(min)),
    kb(gzipSync(min, { level: 9 }).length),
    kb(brotliCompressSync(min).length),
  ];
};
mkdirSync('.cache/bench', { recursive: true });
if (section('size')) {
  row('**Size** (kB, as size-limit counts: 1,000 bytes)', 'min', 'gzip', 'brotli', '');
  row(
    'paket-tv-sdk, modern start-up (entry + static chunks)',
    ...sizes(readFileSync('.cache/size/modern.min.js')),
    'budget 10 kB gzip',
  );
  row(
    'paket-tv-sdk, legacy ES5 UMD with polyfills',
    ...sizes(readFileSync('dist/legacy/paket-tv-sdk.js')),
    'budget 20 kB gzip',
  );
  for (const [label, entry, name, config] of [
    ['ky alone', 'bench/entries/ky.js', 'ky.js'],
    [
      'ky as the SDK bundles it (shims, no progress-stream module)',
      'bench/entries/ky.js',
      'ky-sdk.js',
      'vite.config.ts',
    ],
    ['idb-keyval alone (createStore, get, set)', 'bench/entries/idb-keyval.js', 'idb-keyval.js'],
    ['@firebase/installations + @firebase/app', 'bench/entries/firebase.js', 'firebase.js'],
    ['hand-written minimum (fetch + raw IndexedDB)', 'bench/entries/minimum.js', 'minimum.js'],
  ]) {
    const min = await shrink(await lower(await bundle(entry, name, config), '63', name), {
      module: true,
      ecma: 2017,
    });
    row(label, ...sizes(min), '');
  }
}
await bundle('bench/entries/page-deps.js', 'page-deps.js');

// ---- browser timings ----
// Signatures off until the SDK signs by default (the merge of SDK signing flips this).
const emu = await startEmulator({ port: 0, quiet: true });
const web = await serveStatic({ base: '.', roots: ['dist', 'bench/pages', '.cache/bench'] });
async function withPage(dir, run) {
  const context = await launchChromium(dir);
  try {
    const page = await context.newPage();
    await page.goto(`${web.origin}/bench/pages/bench.html`);
    await page.waitForFunction(() => window.benchReady === true);
    return await run(page);
  } finally {
    await context.close();
  }
}
const stats = (list) => {
  const s = [...list].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1] };
};
const ms = (n) => n.toFixed(2);
/**
 * A heading row, a median/min/max row per series, and the ratio of the first median to the
 * second (the SDK to the raw way). Further series are floors: the least any implementation
 * keeping the SDK's rules pays; their note gives their own ratio to the raw way.
 */
function timings(heading, note, series, target) {
  row(heading, 'median', 'min', 'max', note);
  const medians = [];
  for (const [label, list] of series) {
    const s = stats(list);
    const x = medians.length > 1 ? `${(s.median / medians[1]).toFixed(2)}× the raw way` : '';
    row(label, ms(s.median), ms(s.min), ms(s.max), x);
    medians.push(s.median);
  }
  const ratio = medians[0] / medians[1];
  const verdict = ratio <= target ? 'met' : 'NOT met';
  row('ratio', ratio.toFixed(2), '', '', target ? `target ≤ ${target}: ${verdict}` : '');
}

if (section('warm')) {
  const dir = mkdtempSync(join(tmpdir(), 'paket-bench-'));
  await withPage(dir, (page) => page.evaluate((url) => window.bench.seed(url), emu.url));
  const warm = { ensure: [], idb: [], ls: [] };
  const postsBefore = emu.count('POST', '/v1/sessions');
  for (let i = 0; i < SAMPLES; i++) {
    const order = [
      ['ensure', 'ensure'],
      ['idb', 'idbFirstGet'],
      ['ls', 'localStorageGet'],
    ];
    for (let k = 0; k < order.length; k++) {
      const [key, fn] = order[(i + k) % order.length];
      const r = await withPage(dir, (page) =>
        page.evaluate(([f, url]) => window.bench[f](url), [fn, emu.url]),
      );
      warm[key].push(r.ms);
    }
  }
  const warmPosts = emu.count('POST', '/v1/sessions') - postsBefore;
  const we = stats(warm.ensure),
    wi = stats(warm.idb),
    wl = stats(warm.ls);
  row(
    '**Warm start** after a browser restart (ms)',
    'median',
    'min',
    'max',
    `${SAMPLES} restarts each`,
  );
  row(
    'sessions.ensure() of a stored Session',
    ms(we.median),
    ms(we.min),
    ms(we.max),
    `${warmPosts} requests`,
  );
  row('raw idb-keyval first get', ms(wi.median), ms(wi.min), ms(wi.max), '');
  row('raw localStorage.getItem', ms(wl.median), ms(wl.min), ms(wl.max), '');
  row(
    'ratio ensure() / idb-keyval first get',
    (we.median / wi.median).toFixed(2),
    (we.min / wi.min).toFixed(2),
    (we.max / wi.max).toFixed(2),
    `target ≤ 0.5: ${we.median / wi.median <= 0.5 ? 'met' : 'NOT met'}`,
  );
}

if (section('cold')) {
  const cold = { sdk: [], raw: [], floor: [], kyFloor: [] };
  const fresh = async (fn, viaKy) =>
    (
      await withPage(mkdtempSync(join(tmpdir(), 'paket-cold-')), (p) =>
        p.evaluate(([f, url, k]) => window.bench[f](url, k), [fn, emu.url, viaKy]),
      )
    ).ms;
  // Each in a browser profile of its own; which one goes first rotates.
  const kinds = [
    ['sdk', 'coldEnsure'],
    ['raw', 'coldRaw'],
    ['floor', 'coldFloor'],
    ['kyFloor', 'coldFloor', true],
  ];
  for (let i = 0; i < SAMPLES; i++) {
    for (let k = 0; k < kinds.length; k++) {
      const [list, fn, viaKy] = kinds[(i + k) % kinds.length];
      cold[list].push(await fresh(fn, viaKy));
    }
  }
  timings(
    '**Cold start**: first run, nothing stored (ms)',
    `${cold.sdk.length} fresh profiles each`,
    [
      ['first sessions.ensure() (POST + store)', cold.sdk],
      ['raw fetch POST + idb-keyval set', cold.raw],
      ['floor: mirror read, claim transaction, fetch POST, store', cold.floor],
      ['floor with ky: mirror read, claim transaction, ky POST, store', cold.kyFloor],
    ],
    1.3,
  );
}

if (section('links')) {
  const publishers = (n) =>
    Promise.all(
      Array.from({ length: n }, async () => {
        const res = await fetch(`${emu.url}/participants`, {
          method: 'POST',
          headers: {
            authorization:
              'Basic ' + Buffer.from('publisher_demo:test_sk_publisher_demo').toString('base64'),
          },
        });
        return (await res.json()).participant_id;
      }),
    );
  const linkTimes = async (ids) =>
    withPage(mkdtempSync(join(tmpdir(), 'paket-links-')), (page) =>
      page.evaluate(
        ([url, list]) => window.bench.links(url, 'fe4a9ed381e8e376', list),
        [emu.url, ids],
      ),
    );
  const n = Math.max(60, SAMPLES);
  const [sdk, raw, floor, kyFloor] = await linkTimes(await publishers(4 * n));
  timings(
    '**Request cost** (ms)',
    `${n} links each`,
    [
      ['sessions.link() (outbox write, PUT, confirmed-link write)', sdk],
      ['raw fetch PUT', raw],
      ['floor: outbox transaction committed, then fetch PUT', floor],
      ['floor with ky: outbox transaction committed, then ky PUT', kyFloor],
    ],
    1.3,
  );
  // The same with 50 ms added by the server to each PUT, as a TV on home Wi-Fi sees an API.
  emu.injectFaults('PUT /v1/upnext/sessions/:session_id', [{ delayMs: 50 }], { repeat: true });
  const slow = await linkTimes(await publishers(40));
  emu.clearFaults();
  timings('**Request cost, 50 ms server latency** (ms)', '10 links each; context, not a target', [
    ['sessions.link()', slow[0]],
    ['raw fetch PUT', slow[1]],
    ['floor: outbox transaction committed, then fetch PUT', slow[2]],
    ['floor with ky', slow[3]],
  ]);
}

await web.close();
await emu.close();
const table = [
  '| measure | | | | note |',
  '| --- | --- | --- | --- | --- |',
  ...rows.map((r) => `| ${r.join(' | ')} |`),
].join('\n');
console.log(
  `\npaket-tv-sdk bench, ${new Date().toISOString()}, ${process.version}, Chromium ${(await import('node:child_process')).execFileSync(CHROMIUM, ['--version']).toString().trim()}\n`,
);
console.log(table);
writeFileSync('.cache/bench/results.md', table + '\n');
