import { toHex } from './encoding.js';

interface CryptoLike {
  randomUUID?: () => string;
  getRandomValues?: (array: Uint8Array) => Uint8Array;
}

/**
 * A random (v4) UUID. Uses `crypto.randomUUID` where it exists (Chromium 92+), else
 * `crypto.getRandomValues` (every TV engine), else `Math.random` as a last resort.
 */
export function uuidv4(cryptoImpl: CryptoLike | undefined = globalCrypto()): string {
  if (cryptoImpl && typeof cryptoImpl.randomUUID === 'function') return cryptoImpl.randomUUID();
  const bytes = new Uint8Array(16);
  if (cryptoImpl && typeof cryptoImpl.getRandomValues === 'function') {
    cryptoImpl.getRandomValues(bytes);
  } else {
    for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  }
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = toHex(bytes);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function globalCrypto(): CryptoLike | undefined {
  return typeof crypto === 'undefined' ? undefined : (crypto as CryptoLike);
}
