// The TV packages: `npm run package:webos` and `package:tizen` (here the packaging step alone,
// over the demo build the test command made), and the packaged app started from file:// in
// Chromium, the way a TV loads it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Emulator } from '../../emulator/server.js';
import { launch, newProfileDir, startEmulatorForBrowser } from './harness';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulatorForBrowser();
});
afterAll(() => emu.close());

const pack = (target: string) =>
  execFileSync(process.execPath, ['scripts/package-tv.mjs', target], { encoding: 'utf8' });

describe('TV packages of the demo', () => {
  it('webOS: an .ipk that ares-package reads back as tv.paket.demo', () => {
    const out = pack('webos');
    expect(out).toMatch(/id: tv\.paket\.demo/);
    expect(out).toMatch(/main: index\.html/);
    expect(out).toMatch(/webOS package: demo-app\/packages\/tv\.paket\.demo_.*_all\.ipk/);
  });

  it('Tizen: a .wgt with config.xml (tv-samsung, internet, tv.inputdevice) and both bundles', () => {
    const out = pack('tizen');
    expect(out).toMatch(/UNSIGNED/);
    const wgt = readFileSync('demo-app/packages/PaketTVDemo.wgt');
    for (const name of [
      'config.xml',
      'index.html',
      'appBundle.js',
      'appBundle.es5.js',
      'icon.png',
    ]) {
      expect(wgt.includes(Buffer.from(name))).toBe(true);
    }
    const config = readFileSync('.cache/package/tizen/config.xml', 'utf8');
    expect(config).toContain('<tizen:profile name="tv-samsung"/>');
    expect(config).toContain('http://tizen.org/privilege/internet');
    expect(config).toContain('http://tizen.org/privilege/tv.inputdevice');
  });

  it('the packaged app starts from file:// and creates its Session', async () => {
    const context = await launch(newProfileDir());
    const page = await context.newPage();
    const index = resolve('.cache/package/tizen/index.html');
    await page.goto(`file://${index}?baseUrl=${encodeURIComponent(emu.url)}`);
    type W = {
      __paketDemo?: { state: { ready: boolean; sessions: Record<string, { id: string }> } };
    };
    await vi.waitFor(
      async () =>
        expect(await page.evaluate(() => (window as unknown as W).__paketDemo?.state.ready)).toBe(
          true,
        ),
      { timeout: 20_000 },
    );
    const id = await page.evaluate(
      () => (window as unknown as W).__paketDemo!.state.sessions['profile-anna']?.id,
    );
    expect(emu.state().sessions[id ?? '']).toBeDefined();
    await context.close();
  });
});
