// Packages the built demo (demo-app/dist, from npm run demo:build) for real TVs:
//   node scripts/package-tv.mjs webos  ->  demo-app/packages/tv.paket.demo_<version>_all.ipk
//   node scripts/package-tv.mjs tizen  ->  demo-app/packages/PaketTVDemo.wgt
// webOS: appinfo.json and ares-package (@webos-tools/cli), offline.
// Tizen: config.xml (profile tv-samsung, privileges internet and tv.inputdevice), zipped as a
// .wgt. With TIZEN_AUTHOR_P12 / TIZEN_AUTHOR_PASSWORD and TIZEN_DISTRIBUTOR_P12 /
// TIZEN_DISTRIBUTOR_PASSWORD set, it is signed first (author-signature.xml, signature1.xml) by
// the package signer of @tizentv/webide-common-tizentv, offline. A TV installs only a .wgt
// signed with Samsung-issued certificates (made in Tizen Studio's Certificate Manager, not
// here); without them the package is unsigned, for inspection or for signing elsewhere.
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
const dist = 'demo-app/dist';
const out = 'demo-app/packages';
if (!existsSync(`${dist}/appBundle.es5.js`)) {
  throw new Error('demo-app/dist is missing or partial: run npm run build && npm run demo:build');
}
mkdirSync(out, { recursive: true });

function stage(name) {
  const dir = `.cache/package/${name}`;
  rmSync(dir, { recursive: true, force: true });
  cpSync(dist, dir, { recursive: true });
  return dir;
}

if (target === 'webos') {
  const dir = stage('webos');
  writeFileSync(`${dir}/icon.png`, iconPng(80));
  writeFileSync(`${dir}/largeIcon.png`, iconPng(130));
  writeFileSync(
    `${dir}/appinfo.json`,
    JSON.stringify(
      {
        id: 'tv.paket.demo',
        version,
        vendor: 'paket-tv-sdk',
        type: 'web',
        main: 'index.html',
        title: 'Paket TV demo',
        icon: 'icon.png',
        largeIcon: 'largeIcon.png',
        resolution: '1920x1080',
        // Let the app handle Back (461) itself instead of the system's history.
        disableBackHistoryAPI: true,
      },
      null,
      2,
    ),
  );
  for (const f of readdirSync(out).filter((f) => f.endsWith('.ipk'))) rmSync(`${out}/${f}`);
  execFileSync('node_modules/.bin/ares-package', ['--no-minify', '-o', out, dir], {
    stdio: 'inherit',
  });
  const ipk = readdirSync(out).find((f) => f.endsWith('.ipk'));
  console.log(
    execFileSync('node_modules/.bin/ares-package', ['-i', `${out}/${ipk}`], { encoding: 'utf8' }),
  );
  console.log(`webOS package: ${out}/${ipk}`);
} else if (target === 'tizen') {
  const dir = stage('tizen');
  writeFileSync(`${dir}/icon.png`, iconPng(512));
  writeFileSync(
    `${dir}/config.xml`,
    `<?xml version="1.0" encoding="UTF-8"?>
<widget xmlns="http://www.w3.org/ns/widgets" xmlns:tizen="http://tizen.org/ns/widgets" id="http://paket.tv/demo" version="${version}" viewmodes="maximized">
  <tizen:application id="PaketDemo0.PaketTVDemo" package="PaketDemo0" required_version="4.0"/>
  <content src="index.html"/>
  <feature name="http://tizen.org/feature/screen.size.normal.1080.1920"/>
  <icon src="icon.png"/>
  <name>Paket TV demo</name>
  <tizen:profile name="tv-samsung"/>
  <tizen:privilege name="http://tizen.org/privilege/internet"/>
  <tizen:privilege name="http://tizen.org/privilege/tv.inputdevice"/>
  <access origin="*" subdomains="true"/>
  <tizen:setting screen-orientation="landscape" context-menu="disable" background-support="disable" encryption="disable" install-location="auto" hwkey-event="enable"/>
</widget>
`,
  );
  const wgt = `${out}/PaketTVDemo.wgt`;
  rmSync(wgt, { force: true });
  const env = process.env;
  if (env.TIZEN_AUTHOR_P12 && env.TIZEN_DISTRIBUTOR_P12) {
    const require = createRequire(import.meta.url);
    const PackageSigner = require('@tizentv/webide-common-tizentv/lib/packageSigner');
    const { parseP12File } = require('@tizentv/webide-common-tizentv/lib/cryptUtil');
    const signer = new PackageSigner();
    signer.profileInfo.author = parseP12File(env.TIZEN_AUTHOR_P12, env.TIZEN_AUTHOR_PASSWORD ?? '');
    signer.profileInfo.distributor1 = parseP12File(
      env.TIZEN_DISTRIBUTOR_P12,
      env.TIZEN_DISTRIBUTOR_PASSWORD ?? '',
    );
    signer.signPackage(resolve(dir), []);
    zipDirectory(dir, wgt);
    console.log(`Tizen package (signed): ${wgt}`);
  } else {
    zipDirectory(dir, wgt);
    console.log(
      `Tizen package (UNSIGNED: set TIZEN_AUTHOR_P12 and TIZEN_DISTRIBUTOR_P12 to sign): ${wgt}`,
    );
  }
} else {
  console.error('usage: node scripts/package-tv.mjs webos|tizen');
  process.exit(2);
}
