// npm start: builds the SDK and the demo, starts the Paket emulator and serves the demo.
//   PAKET_EMULATOR_PORT (8787), DEMO_PORT (8080), DEMO_HOST (127.0.0.1; 0.0.0.0 to reach it
//   from a TV on the network, with VITE_PAKET_BASE_URL pointing at this machine).
import { execFileSync } from 'node:child_process';
import { startEmulator } from '../emulator/server.js';
import { serveStatic } from './static-server.mjs';

const run = (...args) => execFileSync(process.execPath, args, { stdio: 'inherit' });
run('scripts/build.mjs');
// The ES5 bundle takes most of the build time and no desktop browser needs it; the TV
// packages (npm run package:webos / package:tizen) build both.
run('scripts/build-demo.mjs', ...(process.env.DEMO_LEGACY === '1' ? [] : ['--modern-only']));

const emulator = await startEmulator({
  port: Number(process.env.PAKET_EMULATOR_PORT ?? 8787),
  host: process.env.PAKET_EMULATOR_HOST ?? '127.0.0.1',
  stateFile: process.env.PAKET_EMULATOR_STATE_FILE ?? '.cache/emulator-state.json',
  // Signatures required, as on the live API: the demo's SDK signs by default.
});
const web = await serveStatic({
  base: '.',
  roots: ['demo-app/dist'],
  port: Number(process.env.DEMO_PORT ?? 8080),
  host: process.env.DEMO_HOST ?? '127.0.0.1',
});
console.log(`\nPaket emulator: ${emulator.url} (state in .cache/emulator-state.json)`);
for (const c of emulator.clients) {
  console.log(`  ${c.type.padEnd(9)} username ${c.username}  password ${c.secret}`);
}
console.log(`\nDemo app: ${web.origin}/demo-app/dist/index.html`);
console.log('Keys: arrows, Enter (OK), Escape or Backspace (Back). Ctrl+C stops.\n');
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    void Promise.all([emulator.close(), web.close()]).then(() => process.exit(0));
  });
}
