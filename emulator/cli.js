#!/usr/bin/env node
// `npm run emulator [-- --port 8787 --host 127.0.0.1 --state-file state.json ...]`
import { parseArgs } from 'node:util';
import { DEFAULT_CLIENTS, startEmulator } from './server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'state-file': { type: 'string' },
    'platform-user': { type: 'string' },
    'platform-secret': { type: 'string' },
    'publisher-user': { type: 'string' },
    'publisher-secret': { type: 'string' },
    'require-signature': { type: 'boolean' },
    'link-response': { type: 'string' },
    help: { type: 'boolean' },
  },
});

if (values.help) {
  console.log(`Paket emulator: a local server for the Paket API contract.
  --port N                 default 8787 (env PAKET_EMULATOR_PORT; 0 picks a free port)
  --host H                 default 127.0.0.1 (env PAKET_EMULATOR_HOST)
  --state-file F           keep state in this JSON file across restarts (env PAKET_EMULATOR_STATE_FILE)
  --platform-user U        platform client's API username (env PAKET_PLATFORM_USER)
  --platform-secret S      platform client's secret (env PAKET_PLATFORM_SECRET)
  --publisher-user U       publisher client's API username (env PAKET_PUBLISHER_USER)
  --publisher-secret S     publisher client's secret (env PAKET_PUBLISHER_SECRET)
  --require-signature      both clients must sign requests (env PAKET_REQUIRE_SIGNATURE=1)
  --link-response message  answer links with {"message":"Success"} instead of the object`);
  process.exit(0);
}

const env = process.env;
const platform = /** @type {import('./server.js').EmulatorClient} */ (DEFAULT_CLIENTS[0]);
const publisher = /** @type {import('./server.js').EmulatorClient} */ (DEFAULT_CLIENTS[1]);
const requireSignature =
  values['require-signature'] === true || env.PAKET_REQUIRE_SIGNATURE === '1';
const clients = [
  {
    ...platform,
    username: values['platform-user'] ?? env.PAKET_PLATFORM_USER ?? platform.username,
    secret: values['platform-secret'] ?? env.PAKET_PLATFORM_SECRET ?? platform.secret,
    requireSignature,
  },
  {
    ...publisher,
    username: values['publisher-user'] ?? env.PAKET_PUBLISHER_USER ?? publisher.username,
    secret: values['publisher-secret'] ?? env.PAKET_PUBLISHER_SECRET ?? publisher.secret,
    requireSignature,
  },
];

const emulator = await startEmulator({
  port: Number(values.port ?? env.PAKET_EMULATOR_PORT ?? 8787),
  host: values.host ?? env.PAKET_EMULATOR_HOST ?? '127.0.0.1',
  clients,
  stateFile: values['state-file'] ?? env.PAKET_EMULATOR_STATE_FILE,
  ...(values['link-response'] === 'message' ? { linkResponse: 'message' } : {}),
});

console.log(`Paket emulator listening on ${emulator.url}`);
for (const c of clients) {
  // These are the emulator's own test secrets, printed so a developer can use them.
  console.log(
    `  ${c.type.padEnd(9)} client ${c.client_id}: username ${c.username}  secret ${c.secret}`,
  );
}
console.log(`  controls: ${emulator.origin}/__emulator/{faults,log,state,reset} (loopback only)`);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    void emulator.close().then(() => process.exit(0));
  });
}
