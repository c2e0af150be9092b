import { toHex } from './encoding.js';

interface CryptoLike {
  randomUUID?: () => string;
  getRandomValues?: (array: Uint8Array) => Uint8Array;
}

/**
 * A random (v4) UUID. Uses `crypto.randomUUID` where it exists (Chromium 92+), else
 * `crypto.getRandomValues` (every TV engine), else `Math.random` as a last resort.
 */
export function uuidv4(
  c: CryptoLike | undefined = typeof crypto === 'undefined' ? undefined : crypto,
): string {
  if (c && c.randomUUID) return c.randomUUID();
  const b = new Uint8Array(16);
  if (c && c.getRandomValues) c.getRandomValues(b);
  else for (let i = 0; i < 16; i++) b[i] = Math.random() * 256;
  b[6] = (b[6]! & 15) | 64;
  b[8] = (b[8]! & 63) | 128;
  return toHex(b).replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
}
