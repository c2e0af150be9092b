import { toHex } from './encoding.js';
import { utf8Binary } from './hash.js';
import { hmacSha256 } from './sha256.js';

/** UTF-8 bytes of a string (here, in the chunk loaded on demand, as only signing needs them). */
export const utf8 = (text: string): Uint8Array<ArrayBuffer> =>
  Uint8Array.from(utf8Binary(text), (c) => c.charCodeAt(0));

interface SubtleLike {
  importKey: SubtleCrypto['importKey'];
  sign: SubtleCrypto['sign'];
}

function subtle(): SubtleLike | undefined {
  const c = typeof crypto === 'undefined' ? undefined : (crypto as { subtle?: SubtleLike });
  return c && c.subtle && typeof c.subtle.importKey === 'function' ? c.subtle : undefined;
}

/**
 * The `X-Paket-Signature` value for a request: `sha256=` + hex(HMAC_SHA256(secret,
 * timestamp + "." + rawBody)). Web Crypto where it exists, else the bundled fallback.
 */
export async function paketSignature(
  secret: string,
  timestamp: string,
  rawBody: string,
  webCrypto: SubtleLike | undefined = subtle(),
): Promise<string> {
  const key = utf8(secret);
  const message = utf8(`${timestamp}.${rawBody}`);
  if (webCrypto) {
    try {
      const k = await webCrypto.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, [
        'sign',
      ]);
      const mac = await webCrypto.sign('HMAC', k, message);
      return 'sha256=' + toHex(new Uint8Array(mac));
    } catch {
      // Some engines expose `crypto.subtle` but refuse to use it outside a secure context.
    }
  }
  return `sha256=${toHex(hmacSha256(key, message))}`;
}
