// The TV packages: `npm run package:webos` and `package:tizen` (here the packaging step alone,
// over the demo build the test command made), and the packaged app started from file:// in
// Chromium, the way a TV loads it.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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

  it('Tizen: signed with author and distributor .p12 files when they are given', () => {
    // Self-made certificates: a TV accepts only Samsung-issued ones, but the signing is the same.
    const dir = mkdtempSync(join(tmpdir(), 'paket-tizen-certs-'));
    const p12 = (name: string) => {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          `${dir}/${name}.key`,
          '-out',
          `${dir}/${name}.crt`,
          '-days',
          '2',
          '-subj',
          `/CN=paket ${name}`,
        ],
        { stdio: 'ignore' },
      );
      execFileSync('openssl', [
        'pkcs12',
        '-export',
        '-inkey',
        `${dir}/${name}.key`,
        '-in',
        `${dir}/${name}.crt`,
        '-out',
        `${dir}/${name}.p12`,
        '-passout',
        'pass:demo-pass',
        '-keypbe',
        'PBE-SHA1-3DES',
        '-certpbe',
        'PBE-SHA1-3DES',
        '-macalg',
        'sha1',
      ]);
      return `${dir}/${name}.p12`;
    };
    const out = execFileSync(process.execPath, ['scripts/package-tv.mjs', 'tizen'], {
      encoding: 'utf8',
      env: {
        ...process.env,
        TIZEN_AUTHOR_P12: p12('author'),
        TIZEN_AUTHOR_PASSWORD: 'demo-pass',
        TIZEN_DISTRIBUTOR_P12: p12('distributor'),
        TIZEN_DISTRIBUTOR_PASSWORD: 'demo-pass',
      },
    });
    expect(out).toMatch(/Tizen package \(signed\)/);
    const wgt = readFileSync('demo-app/packages/PaketTVDemo.wgt');
    expect(wgt.includes(Buffer.from('author-signature.xml'))).toBe(true);
    expect(wgt.includes(Buffer.from('signature1.xml'))).toBe(true);
    // Each signature lists every file of the package with its SHA-256 digest.
    const signature = readFileSync('.cache/package/tizen/signature1.xml', 'utf8');
    const digest = createHash('sha256')
      .update(readFileSync('.cache/package/tizen/config.xml'))
      .digest('base64');
    expect(signature).toContain('<Reference URI="config.xml">');
    expect(signature).toContain(`<DigestValue>${digest}</DigestValue>`);
    expect(signature).toContain('<SignatureValue>');
    expect(signature).not.toContain('demo-pass');
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
