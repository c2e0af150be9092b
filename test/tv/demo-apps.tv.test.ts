// Both demo apps (demo-app/dist/home and /player) on the TV-era Chromium builds (64, 69, 79),
// each with its modern and its ES5 bundle: the app starts, draws its first frame with
// content, takes the remote's focus, and (home) creates its Session at the emulator.
// Prints the engines × apps table. Needs `npm run build && npm run demo:build`.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../emulator/server.js';
import { unpackEngines, ENGINES } from '../../scripts/tv-engines.mjs';
import { serveStatic, startEmulatorForBrowser } from '../e2e/harness';
import { launchOld } from './harness';

let emu: Emulator;
let home: Awaited<ReturnType<typeof serveStatic>>;
let player: Awaited<ReturnType<typeof serveStatic>>;
let binaries: Record<string, string>;
const table: string[][] = [];

beforeAll(async () => {
  binaries = await unpackEngines();
  emu = await startEmulatorForBrowser();
  home = await serveStatic(['demo-app/dist']);
  player = await serveStatic(['demo-app/dist']);
});
afterAll(async () => {
  await home?.close();
  await player?.close();
  await emu?.close();
  if (table.length > 0) {
    const head = ['engine', 'app', 'bundle', 'started', 'first frame (ms)', 'focus'];
    console.log('\n' + [head, ...table].map((r) => `| ${r.join(' | ')} |`).join('\n') + '\n');
  }
});

interface Seen {
  ready?: boolean;
  healthy?: boolean;
  session?: string;
  firstFrame?: number;
  focus?: string[];
  scripts?: string;
}

const SEEN = `(function () {
  var d = window.__paketDemo;
  var s = d ? d.state : {};
  return {
    ready: s.ready,
    healthy: s.status ? s.status.healthy : undefined,
    session: s.sessions && s.sessions['profile-anna'] ? s.sessions['profile-anna'].id : undefined,
    firstFrame: window.__paketFirstFrame,
    focus: window.__paketFocus ? window.__paketFocus() : [],
    scripts: Array.prototype.map.call(document.scripts, function (x) { return x.src; }).join(' ')
  };
})()`;

describe.each(ENGINES.map((e) => e.name))('%s', (engine) => {
  it.each([
    ['home', 'modern'],
    ['home', 'es5'],
    ['player', 'modern'],
    ['player', 'es5'],
  ])('the %s app, %s bundle: starts, draws, takes the focus', async (app, bundle) => {
    const row = [engine, app, bundle];
    table.push(row);
    const homeUrl = `${home.origin}/demo-app/dist/home/index.html`;
    const playerUrl = `${player.origin}/demo-app/dist/player/index.html`;
    const query =
      `baseUrl=${encodeURIComponent(emu.url)}&homeUrl=${encodeURIComponent(homeUrl)}` +
      `&playerUrl=${encodeURIComponent(playerUrl)}${bundle === 'es5' ? '&es5=1' : ''}`;
    const browser = await launchOld(
      binaries[engine]!,
      mkdtempSync(join(tmpdir(), `paket-demo-${engine}-`)),
    );
    try {
      await browser.navigate(`${app === 'home' ? homeUrl : playerUrl}?${query}`);
      let seen: Seen = {};
      for (let i = 0; i < 150 && !(seen.ready && seen.firstFrame); i++) {
        await new Promise((r) => setTimeout(r, 100));
        seen = await browser.evaluate<Seen>(SEEN);
      }
      expect(seen.ready).toBe(true);
      expect(seen.scripts).toContain(bundle === 'es5' ? 'appBundle.es5.js' : 'appBundle.js');
      row.push('pass');
      expect(seen.firstFrame).toBeGreaterThan(0);
      row.push(String(Math.round(seen.firstFrame!)));
      if (app === 'home') {
        expect(seen.healthy).toBe(true);
        expect(emu.state().sessions[seen.session ?? '']).toBeDefined();
        expect(seen.focus!.slice(-2)).toEqual(['Launcher', 'ListRow']);
      } else {
        // First start: "Who's watching?"
        expect(seen.focus!.slice(-1)).toEqual(['Avatar']);
      }
      row.push(seen.focus!.slice(-1)[0] ?? '');
    } finally {
      while (row.length < 6) row.push('FAIL');
      await browser.close();
    }
  });
});
