// The ES5 gate for the legacy bundle: es-check's parser (npm test runs it first), then the
// bundle executed in duktape, an ES5.1 engine that rejects any ES2015 syntax, far enough to
// expose its global `PaketTV`. duktape is no browser: the harness stubs the one host API
// the bundle calls while loading (TextEncoder).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bundle = readFileSync('dist/legacy/paket-tv-sdk.js', 'utf8');
const script = [
  'var self = this, window = this;',
  'var TextEncoder = function () {};',
  'TextEncoder.prototype.encode = function (s) { return { length: s.length }; };',
  bundle,
  "print(typeof PaketTV + ' ' + typeof PaketTV.createPaketClient + ' ' + typeof PaketTV.PaketError);",
].join('\n');
const file = join(mkdtempSync(join(tmpdir(), 'paket-es5-')), 'bundle.js');
writeFileSync(file, script);
let out;
try {
  out = execFileSync('duk', [file], { encoding: 'utf8' }).trim();
} catch (error) {
  console.error(
    'duktape failed (apt-get install -y duktape):',
    String(error.stderr ?? error.message),
  );
  process.exit(1);
}
if (out !== 'object function function') {
  console.error(`duktape ran the bundle but PaketTV is not exposed: ${out}`);
  process.exit(1);
}
console.log('ES5 gate: duktape loaded dist/legacy/paket-tv-sdk.js and exposed PaketTV');
