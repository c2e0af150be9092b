// npm start: builds the SDK and both demo apps (modern and ES5 bundles), starts the Paket
// emulator and serves the two apps, each on its own origin as two TV apps would be:
//   home screen (platform app)  DEMO_PORT   (8080)
//   player (publisher app)      PLAYER_PORT (8081)
//   Paket emulator              PAKET_EMULATOR_PORT (8787)
// DEMO_HOST (127.0.0.1; 0.0.0.0 to reach them from a TV on the network: the apps are then
// built with this machine's address, or DEMO_PUBLIC_HOST's). A port in use is one line on
// stderr and exit code 1, before anything is built.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { startEmulator } from '../emulator/server.js';
import { serveStatic } from './static-server.mjs';

const host = process.env.DEMO_HOST ?? '127.0.0.1';
const emulatorHost = process.env.PAKET_EMULATOR_HOST ?? host;
const ports = {
  emulator: Number(process.env.PAKET_EMULATOR_PORT ?? 8787),
  home: Number(process.env.DEMO_PORT ?? 8080),
  player: Number(process.env.PLAYER_PORT ?? 8081),
};
const names = { emulator: 'PAKET_EMULATOR_PORT', home: 'DEMO_PORT', player: 'PLAYER_PORT' };

function fail(message) {
  console.error(`npm start: ${message}`);
  process.exit(1);
}

/** Resolves when `port` can be listened on, else rejects with the listen error. */
function probe(port, on) {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, on, () => server.close(() => resolve(undefined)));
  });
}

const inUse = (error, key) =>
  error && error.code === 'EADDRINUSE'
    ? `port ${ports[key]} on ${key === 'emulator' ? emulatorHost : host} is already in use (set ${names[key]} to another port)`
    : `cannot listen on ${key === 'emulator' ? emulatorHost : host}:${ports[key]} (${error && error.code ? error.code : error})`;

if (
  new Set(Object.values(ports).filter((p) => p !== 0)).size <
  Object.values(ports).filter((p) => p !== 0).length
) {
  fail('the three ports must differ');
}
// 0 asks the system for a free port, chosen now: the apps are built with their URLs.
for (const key of Object.keys(ports)) {
  if (ports[key] !== 0) continue;
  ports[key] = await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, key === 'emulator' ? emulatorHost : host, () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}
for (const key of Object.keys(ports)) {
  await probe(ports[key], key === 'emulator' ? emulatorHost : host).catch((e) =>
    fail(inUse(e, key)),
  );
}

/** The address a TV uses to reach this machine. */
function publicHost(bound) {
  if (process.env.DEMO_PUBLIC_HOST) return process.env.DEMO_PUBLIC_HOST;
  if (bound !== '0.0.0.0' && bound !== '::') return bound;
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}
const shown = publicHost(host);
const homeUrl = `http://${shown}:${ports.home}/demo-app/dist/home/index.html`;
const playerUrl = `http://${shown}:${ports.player}/demo-app/dist/player/index.html`;
const baseUrl =
  process.env.VITE_PAKET_BASE_URL ?? `http://${publicHost(emulatorHost)}:${ports.emulator}/v1`;

const run = (...args) =>
  execFileSync(process.execPath, args, {
    stdio: 'inherit',
    env: {
      ...process.env,
      VITE_PAKET_BASE_URL: baseUrl,
      VITE_PAKET_HOME_URL: homeUrl,
      VITE_PAKET_PLAYER_URL: playerUrl,
    },
  });
try {
  run('scripts/build.mjs');
  run('scripts/build-demo.mjs');
} catch {
  fail('the build failed (see above)');
}

const stateFile = process.env.PAKET_EMULATOR_STATE_FILE ?? '.cache/emulator-state.json';
let emulator;
let home;
let player;
try {
  emulator = await startEmulator({
    port: ports.emulator,
    host: emulatorHost,
    stateFile,
    quiet: true,
    // Signatures required, as on the live API: the demo's SDK signs by default.
  });
} catch (e) {
  fail(inUse(e, 'emulator'));
}
try {
  home = await serveStatic({ base: '.', roots: ['demo-app/dist'], port: ports.home, host });
} catch (e) {
  await emulator.close();
  fail(inUse(e, 'home'));
}
try {
  player = await serveStatic({ base: '.', roots: ['demo-app/dist'], port: ports.player, host });
} catch (e) {
  await Promise.all([emulator.close(), home.close()]);
  fail(inUse(e, 'player'));
}

console.log(`\nPaket emulator: ${emulator.url} (state in ${stateFile})`);
for (const c of emulator.clients) {
  console.log(`  ${c.type.padEnd(9)} username ${c.username}  password ${c.secret}`);
}
console.log(`\nHome screen (the platform app): ${homeUrl}`);
console.log(`Player (a publisher app):       ${playerUrl}`);
console.log(
  '\nOpen the home screen first: "Open Paket Player" starts the player, which connects itself.' +
    '\nAdd ?es5=1 to either address for the ES5 bundles (TVs before Chromium 63).' +
    "\nKeys: arrows, Enter (OK; hold it for a tile's options), M (menu), Escape or Backspace (Back)," +
    '\nspace (play/pause), F and R (speed). Ctrl+C stops.\n',
);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    void Promise.all([emulator.close(), home.close(), player.close()]).then(() => process.exit(0));
  });
}
