// The request's encodings: HTTP Basic's base64, hex digests and IDs, and the path segments
// of a call (loaded with the network code; the record hash is hash.ts).
import { utf8Binary } from './hash.js';

/** Standard base64 of a string's UTF-8 bytes (what HTTP Basic needs; `btoa` is Latin-1 only). */
export const base64Utf8 = (text: string): string => btoa(utf8Binary(text));

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += (bytes[i]! + 0x100).toString(16).slice(1);
  return out;
}

/** Encodes one path segment so that no dot-segment survives (`.` → `%2E`). */
export const encodeSegment = (segment: string): string =>
  encodeURIComponent(segment).replace(/\./g, '%2E');

/** The path of a call below `baseUrl`, as errors show it (for example `/v1/sessions`). */
export const pathShower = (baseUrl: string) => {
  const basePath = new URL(baseUrl).pathname.replace(/\/+$/, '');
  return (segments: readonly string[]): string =>
    basePath + segments.map((s) => '/' + encodeSegment(s)).join('') || '/';
};

/** Whether `text` can go into a URL: well-formed UTF-16, no lone surrogate. */
export function encodable(text: string): boolean {
  try {
    encodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}
