#!/usr/bin/env node
// The Paket emulator's command: `npx paket-emulator [flags]` (or `npm run emulator -- …` in this
// repository). Paths are relative to this file only, so it runs from any node_modules.
import { parseArgs } from 'node:util';
import { DEFAULT_CLIENTS, startEmulator } from './server.js';

const HELP = `paket-emulator: a local Paket API (both dialects) for tests and demos.

Usage: paket-emulator [flags]        (npx paket-emulator, or npm run emulator -- [flags])

  --port N                  port, default 8787; 0 picks a free one    (env PAKET_EMULATOR_PORT)
  --host H                  address, default 127.0.0.1; 0.0.0.0 for a TV on the network
                                                                      (env PAKET_EMULATOR_HOST)
  --state-file F            keep state in this JSON file across restarts
                                                                      (env PAKET_EMULATOR_STATE_FILE)
  --dialect D               participants (2024, default) or contexts (2025): the shape
                            GET /v1 and POST /v1/sessions answer in for the _demo clients
                                                                      (env PAKET_EMULATOR_DIALECT)
  --no-signatures           accept unsigned requests (signatures are required by default)
                                                                      (env PAKET_EMULATOR_SIGNATURES=0)
  --require-signature       require signatures (the default; kept for older scripts)
  --clock-offset-ms N       run the emulator's clock N ms ahead (negative: behind)
                                                                      (env PAKET_EMULATOR_CLOCK_OFFSET_MS)
  --next-key K              number (default) or string: the type of lists' next_key
                                                                      (env PAKET_EMULATOR_NEXT_KEY)
  --link-response R         object (default) or message: the 2024 link answer
  --control-origin O        a page Origin allowed to use /__emulator/* (repeatable);
                            default: any loopback origin (http://localhost:*, http://127.0.0.1:*)
  --allowed-host H          an extra Host name the API answers on loopback (repeatable)
  --platform-user U         the _demo platform client's username     (env PAKET_PLATFORM_USER)
  --platform-secret S       its password (API secret)                 (env PAKET_PLATFORM_SECRET)
  --publisher-user U        the _demo publisher client's username    (env PAKET_PUBLISHER_USER)
  --publisher-secret S      its password (API secret)                 (env PAKET_PUBLISHER_SECRET)
  -h, --help                this text

Modes:
  paket-emulator                        both dialects, signatures required (like the live API)
  paket-emulator --no-signatures        for a client that does not sign (signRequests: false)
  paket-emulator --dialect contexts     the _demo clients answer GET /v1 and POST /v1/sessions
                                        in the 2025 shape (the _2025 clients always do)
  paket-emulator --next-key string      lists page with string next_key values

Every route of both dialects is served at once: 2024 /v1/participants, /v1/upnext/…;
2025 /v1/contexts, /v1/sessions/upnext/…, /v1/contexts/upnext/…. A request may carry
Paket-Dialect: participants|contexts to pick the shape of GET /v1 and POST /v1/sessions.
Controls (loopback only): /__emulator/{faults,log,state,reset,clock}. See emulator/README.md.`;

/** Prints one line and exits non-zero. @param {string} message @param {number} [code] */
function fail(message, code = 2) {
  process.stderr.write(`paket-emulator: ${message}\n`);
  process.exit(code);
}

/** @type {ReturnType<typeof parseArgs>['values']} */
let values;
try {
  ({ values } = parseArgs({
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'state-file': { type: 'string' },
      dialect: { type: 'string' },
      'no-signatures': { type: 'boolean' },
      'require-signature': { type: 'boolean' },
      'clock-offset-ms': { type: 'string' },
      'next-key': { type: 'string' },
      'link-response': { type: 'string' },
      'control-origin': { type: 'string', multiple: true },
      'allowed-host': { type: 'string', multiple: true },
      'platform-user': { type: 'string' },
      'platform-secret': { type: 'string' },
      'publisher-user': { type: 'string' },
      'publisher-secret': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  fail(`${/** @type {Error} */ (error).message.split('\n')[0]} (see --help)`);
  throw error; // unreachable
}

if (values.help) {
  console.log(HELP);
  process.exit(0);
}

const env = process.env;
/** @param {unknown} v @returns {string | undefined} */
const str = (v) => (typeof v === 'string' ? v : undefined);
/** @param {string} name @param {string | undefined} text @param {number} fallback */
function integer(name, text, fallback) {
  if (text === undefined || text === '') return fallback;
  if (!/^-?\d+$/.test(text)) fail(`--${name} must be an integer, got "${text}"`);
  return Number(text);
}
/** @template {string} T @param {string} name @param {string | undefined} text @param {readonly T[]} allowed */
function oneOf(name, text, allowed) {
  if (text === undefined) return undefined;
  if (!allowed.includes(/** @type {T} */ (text))) {
    fail(`--${name} must be ${allowed.join(' or ')}, got "${text}"`);
  }
  return /** @type {T} */ (text);
}

const port = integer('port', str(values.port) ?? env.PAKET_EMULATOR_PORT, 8787);
if (port < 0 || port > 65535) fail(`--port must be 0 to 65535, got ${port}`);
const dialect = oneOf('dialect', str(values.dialect) ?? env.PAKET_EMULATOR_DIALECT, [
  'participants',
  'contexts',
]);
const nextKey = oneOf('next-key', str(values['next-key']) ?? env.PAKET_EMULATOR_NEXT_KEY, [
  'number',
  'string',
]);
const linkResponse = oneOf('link-response', str(values['link-response']), ['object', 'message']);
if (values['no-signatures'] && values['require-signature']) {
  fail('--no-signatures and --require-signature contradict each other');
}
const requireSignatures =
  values['no-signatures'] === true
    ? false
    : values['require-signature'] === true || env.PAKET_EMULATOR_SIGNATURES !== '0';
const clockOffsetMs = integer(
  'clock-offset-ms',
  str(values['clock-offset-ms']) ?? env.PAKET_EMULATOR_CLOCK_OFFSET_MS,
  0,
);

const [platform, publisher, ...others] = /** @type {import('./server.js').EmulatorClient[]} */ (
  DEFAULT_CLIENTS
);
const clients = [
  {
    .../** @type {import('./server.js').EmulatorClient} */ (platform),
    username: str(values['platform-user']) ?? env.PAKET_PLATFORM_USER ?? platform?.username ?? '',
    secret: str(values['platform-secret']) ?? env.PAKET_PLATFORM_SECRET ?? platform?.secret ?? '',
    ...(dialect ? { dialect } : {}),
  },
  {
    .../** @type {import('./server.js').EmulatorClient} */ (publisher),
    username:
      str(values['publisher-user']) ?? env.PAKET_PUBLISHER_USER ?? publisher?.username ?? '',
    secret:
      str(values['publisher-secret']) ?? env.PAKET_PUBLISHER_SECRET ?? publisher?.secret ?? '',
    ...(dialect ? { dialect } : {}),
  },
  ...others,
];

/** @type {Awaited<ReturnType<typeof startEmulator>>} */
let emulator;
const host = str(values.host) ?? env.PAKET_EMULATOR_HOST ?? '127.0.0.1';
try {
  emulator = await startEmulator({
    port,
    host,
    clients,
    stateFile: str(values['state-file']) ?? env.PAKET_EMULATOR_STATE_FILE,
    requireSignatures,
    clockOffsetMs,
    ...(nextKey ? { nextKey } : {}),
    ...(linkResponse ? { linkResponse } : {}),
    ...(Array.isArray(values['control-origin'])
      ? { controlOrigins: values['control-origin'].map(String) }
      : {}),
    ...(Array.isArray(values['allowed-host'])
      ? { allowedHosts: values['allowed-host'].map(String) }
      : {}),
  });
} catch (error) {
  const e = /** @type {NodeJS.ErrnoException} */ (error);
  if (e.code === 'EADDRINUSE') fail(`port ${port} on ${host} is already in use (try --port 0)`, 1);
  if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') {
    fail(`cannot listen on ${host}: ${e.code}`, 1);
  }
  if (e.code === 'EACCES') fail(`no permission to listen on ${host}:${port}`, 1);
  fail(`cannot start: ${String(e.message).split('\n')[0]}`, 1);
  throw error; // unreachable
}

console.log(`Paket emulator listening on ${emulator.url}`);
console.log(
  `  signatures ${emulator.requireSignatures ? 'required' : 'not required'}` +
    (clockOffsetMs ? `, clock offset ${clockOffsetMs} ms` : ''),
);
for (const c of emulator.clients) {
  // These are the emulator's own test credentials, printed so a developer can use them:
  // the SDK takes them as credentials: { username, password }.
  const tenant = c.type === 'platform' ? `platform_id ${c.platform_id}` : `app_id ${c.app_id}`;
  console.log(
    `  ${c.type.padEnd(9)} ${c.dialect.padEnd(12)} username ${c.username}  password ${c.secret}  client_id ${c.client_id}  ${tenant}`,
  );
}
console.log(
  `  controls: ${emulator.origin}/__emulator/{faults,log,state,reset,clock} (loopback only)`,
);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    void emulator.close().then(() => process.exit(0));
  });
}
