// First frame of the two demo apps beside a blank Lightning app, in headless Chromium:
// window.__paketFirstFrame (ms since navigation start, set on the first frame drawn with
// content) read after each load. Each app: a first start (a fresh browser profile: the home
// screen creates its Session and reads its lists first; the player shows its profile picker)
// and a reload (IDs restored). Median, min and max of RUNS loads (default 7).
//   npm run build && npm run demo:build && node bench/blank-lightning/build.mjs
//   node bench/blank-lightning/measure.mjs [--es5]
/* global window -- the functions handed to page.waitForFunction and page.evaluate run in the page */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../../scripts/chromium.mjs';
import { serveStatic } from '../../scripts/static-server.mjs';
import { startEmulator } from '../../emulator/server.js';

const RUNS = Number(process.env.RUNS ?? 7);
const es5 = process.argv.includes('--es5');
const emu = await startEmulator({ port: 0, quiet: true });
const web = await serveStatic({
  base: '.',
  roots: ['demo-app/dist', '.cache/blank-lightning'],
});
const q = `?baseUrl=${encodeURIComponent(emu.url)}${es5 ? '&es5=1' : ''}`;
const targets = {
  'blank Lightning app': `${web.origin}/.cache/blank-lightning/index.html`,
  'home screen': `${web.origin}/demo-app/dist/home/index.html${q}`,
  player: `${web.origin}/demo-app/dist/player/index.html${q}`,
};

async function firstFrame(page) {
  await page.waitForFunction(() => window.__paketFirstFrame !== undefined, null, {
    timeout: 30_000,
  });
  return page.evaluate(() => window.__paketFirstFrame);
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1] };
};
const rows = [];
for (const [name, url] of Object.entries(targets)) {
  const cold = [];
  const warm = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await launchChromium(mkdtempSync(join(tmpdir(), 'paket-bench-')));
    const page = await context.newPage();
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.goto(url);
    cold.push(await firstFrame(page));
    await page.reload();
    warm.push(await firstFrame(page));
    await context.close();
  }
  for (const [kind, xs] of [
    ['first start', cold],
    ['reload', warm],
  ]) {
    const s = stats(xs);
    rows.push(
      [name, kind, s.median, s.min, s.max].map((v) => (typeof v === 'number' ? Math.round(v) : v)),
    );
  }
}
console.log(
  `first frame, ms after navigation start (headless Chromium, ${RUNS} runs${es5 ? ', ES5 bundles' : ''})`,
);
console.log('| app | load | median | min | max |\n| --- | --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
await web.close();
await emu.close();
