// A small generated media file for the player demo and the browser tests: a mono 8-bit PCM
// WAV (a quiet tone, one beep per second so seeking is audible), which every Chromium plays
// in an <audio> or <video> element. No binary is shipped in the repository.
//
//   node scripts/media.mjs <out.wav> [seconds=300] [sampleRate=8000]
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The bytes of a WAV file `seconds` long.
 * @param {{ seconds: number, sampleRate?: number }} options
 * @returns {Buffer}
 */
export function wav({ seconds, sampleRate = 8000 }) {
  const samples = Math.max(1, Math.round(seconds * sampleRate));
  const out = Buffer.alloc(44 + samples);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + samples, 4);
  out.write('WAVEfmt ', 8, 'ascii');
  out.writeUInt32LE(16, 16); // fmt chunk size
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate, 28); // byte rate
  out.writeUInt16LE(1, 32); // block align
  out.writeUInt16LE(8, 34); // bits per sample
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(samples, 40);
  for (let i = 0; i < samples; i++) {
    const t = i / sampleRate;
    const beep = t % 1 < 0.05 ? 24 : 0;
    out[44 + i] = 128 + Math.round(beep * Math.sin(2 * Math.PI * 440 * t));
  }
  return out;
}

/** Writes `wav(options)` to `file`, creating its folder. */
export function writeWav(file, options) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, wav(options));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, seconds = '300', rate = '8000'] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node scripts/media.mjs <out.wav> [seconds] [sampleRate]');
    process.exit(2);
  }
  writeWav(file, { seconds: Number(seconds), sampleRate: Number(rate) });
}
