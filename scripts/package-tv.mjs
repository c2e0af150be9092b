// Packages the two built demo apps (demo-app/dist/home and /player, from npm run demo:build)
// for real TVs, each with the hand-off's manifest entries (docs/handoff.md):
//   node scripts/package-tv.mjs webos  ->  demo-app/packages/tv.paket.demo_<version>_all.ipk
//                                          demo-app/packages/tv.paket.demo.player_<version>_all.ipk
//   node scripts/package-tv.mjs tizen  ->  demo-app/packages/PaketTVDemo.wgt (home screen)
//                                          demo-app/packages/PaketTVPlayer.wgt (player)
// webOS: appinfo.json and ares-package (@webos-tools/cli), offline; the home screen handles
// relaunches (a share arrives in a relaunch's parameters).
// Tizen: config.xml (profile tv-samsung, privileges internet and tv.inputdevice; the home
// screen's Application Control for shares, application.launch for both: the player may
// launch the home screen with a share, the home screen launches the player), zipped as a
// .wgt. With TIZEN_AUTHOR_P12 / TIZEN_AUTHOR_PASSWORD and TIZEN_DISTRIBUTOR_P12 /
// TIZEN_DISTRIBUTOR_PASSWORD set, each is signed first (author-signature.xml,
// signature1.xml) by the package signer of @tizentv/webide-common-tizentv, offline. A TV
// installs only a .wgt signed with Samsung-issued certificates (made in Tizen Studio's
// Certificate Manager, not here); without them the package is unsigned, for inspection or
// for signing elsewhere.
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { iconPng } from './icon.mjs';
import { zipDirectory } from './zip.mjs';

const target = process.argv[2];
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
const out = 'demo-app/packages';

/** The two apps, with the IDs demo-app/shared/config.ts gives them. */
const APPS = [
  {
    app: 'home',
    title: 'Paket Home',
    webosId: 'tv.paket.demo',
    tizenPackage: 'PaketDemo0',
    tizenName: 'PaketTVDemo',
    widgetId: 'http://paket.tv/demo',
    stage: '', // .cache/package/<platform>: the home screen keeps the original demo's place
  },
  {
    app: 'player',
    title: 'Paket Player',
    webosId: 'tv.paket.demo.player',
    tizenPackage: 'PaketPlay0',
    tizenName: 'PaketPlayer',
    widgetId: 'http://paket.tv/demo-player',
    stage: '-player',
  },
];

for (const { app } of APPS) {
  if (!existsSync(`demo-app/dist/${app}/appBundle.es5.js`)) {
    throw new Error(
      `demo-app/dist/${app} is missing or partial: run npm run build && npm run demo:build`,
    );
  }
}
mkdirSync(out, { recursive: true });

function stage(platform, a) {
  const dir = `.cache/package/${platform}${a.stage}`;
  rmSync(dir, { recursive: true, force: true });
  cpSync(`demo-app/dist/${a.app}`, dir, { recursive: true });
  return dir;
}

function webos() {
  for (const f of readdirSync(out).filter((f) => f.endsWith('.ipk'))) rmSync(`${out}/${f}`);
  for (const a of APPS) {
    const dir = stage('webos', a);
    writeFileSync(`${dir}/icon.png`, iconPng(80));
    writeFileSync(`${dir}/largeIcon.png`, iconPng(130));
    const info = {
      id: a.webosId,
      version,
      vendor: 'paket-tv-sdk',
      type: 'web',
      main: 'index.html',
      title: a.title,
      icon: 'icon.png',
      largeIcon: 'largeIcon.png',
      resolution: '1920x1080',
      // Let the app handle Back (461) itself instead of the system's history.
      disableBackHistoryAPI: true,
      // The hand-off: a share arrives in a relaunch's parameters (webOSRelaunch).
      ...(a.app === 'home' ? { handlesRelaunch: true } : {}),
    };
    writeFileSync(`${dir}/appinfo.json`, JSON.stringify(info, null, 2));
    const before = new Set(readdirSync(out));
    execFileSync('node_modules/.bin/ares-package', ['--no-minify', '-o', out, dir], {
      stdio: 'inherit',
    });
    const ipk = readdirSync(out).find((f) => f.endsWith('.ipk') && !before.has(f));
    console.log(
      execFileSync('node_modules/.bin/ares-package', ['-i', `${out}/${ipk}`], {
        encoding: 'utf8',
      }),
    );
    console.log(`webOS package: ${out}/${ipk}`);
  }
}

function tizenConfig(a) {
  const home = a.app === 'home';
  return `<?xml version="1.0" encoding="UTF-8"?>
<widget xmlns="http://www.w3.org/ns/widgets" xmlns:tizen="http://tizen.org/ns/widgets" id="${a.widgetId}" version="${version}" viewmodes="maximized">
  <tizen:application id="${a.tizenPackage}.${a.tizenName}" package="${a.tizenPackage}" required_version="4.0"/>
  <content src="index.html"/>
  <feature name="http://tizen.org/feature/screen.size.normal.1080.1920"/>
  <icon src="icon.png"/>
  <name>${a.title}</name>
  <tizen:profile name="tv-samsung"/>
  <tizen:privilege name="http://tizen.org/privilege/internet"/>
  <tizen:privilege name="http://tizen.org/privilege/tv.inputdevice"/>
  <!-- ${home ? 'Launches the player at a title (launchAppControl)' : 'The share falls back to launching the home screen when its message port is missing'} -->
  <tizen:privilege name="http://tizen.org/privilege/application.launch"/>${
    home
      ? `
  <!-- The hand-off: shares by Application Control (docs/handoff.md) -->
  <tizen:app-control>
    <tizen:src name="index.html" reload="disable"/>
    <tizen:operation name="http://paket.tv/appcontrol/operation/share"/>
  </tizen:app-control>`
      : `
  <!-- Opened by the home screen at a title -->
  <tizen:app-control>
    <tizen:src name="index.html" reload="disable"/>
    <tizen:operation name="http://tizen.org/appcontrol/operation/view"/>
  </tizen:app-control>`
  }
  <access origin="*" subdomains="true"/>
  <tizen:setting screen-orientation="landscape" context-menu="disable" background-support="disable" encryption="disable" install-location="auto" hwkey-event="enable"/>
</widget>
`;
}

function tizen() {
  const env = process.env;
  const signing = Boolean(env.TIZEN_AUTHOR_P12 && env.TIZEN_DISTRIBUTOR_P12);
  for (const a of APPS) {
    const dir = stage('tizen', a);
    writeFileSync(`${dir}/icon.png`, iconPng(512));
    writeFileSync(`${dir}/config.xml`, tizenConfig(a));
    const wgt = `${out}/${a.app === 'home' ? 'PaketTVDemo' : 'PaketTVPlayer'}.wgt`;
    rmSync(wgt, { force: true });
    if (signing) {
      const require = createRequire(import.meta.url);
      const PackageSigner = require('@tizentv/webide-common-tizentv/lib/packageSigner');
      const { parseP12File } = require('@tizentv/webide-common-tizentv/lib/cryptUtil');
      const signer = new PackageSigner();
      signer.profileInfo.author = parseP12File(
        env.TIZEN_AUTHOR_P12,
        env.TIZEN_AUTHOR_PASSWORD ?? '',
      );
      signer.profileInfo.distributor1 = parseP12File(
        env.TIZEN_DISTRIBUTOR_P12,
        env.TIZEN_DISTRIBUTOR_PASSWORD ?? '',
      );
      signer.signPackage(resolve(dir), []);
      zipDirectory(dir, wgt);
      console.log(`Tizen package (signed), ${a.title}: ${wgt}`);
    } else {
      zipDirectory(dir, wgt);
      console.log(
        `Tizen package (UNSIGNED: set TIZEN_AUTHOR_P12 and TIZEN_DISTRIBUTOR_P12 to sign), ${a.title}: ${wgt}`,
      );
    }
  }
}

if (target === 'webos') webos();
else if (target === 'tizen') tizen();
else {
  console.error('usage: node scripts/package-tv.mjs webos|tizen');
  process.exit(2);
}
