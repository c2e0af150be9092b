/**
 * The UTF-8 bytes of a string, one per character of a "binary string" (what `btoa` takes).
 * Lone surrogates become U+FFFD, as `TextEncoder` does (absent from the oldest engines).
 */
export function utf8Binary(text: string): string {
  return unescape(
    encodeURIComponent(
      text.replace(/[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff]/g, (m) =>
        m.length > 1 ? m : '\ufffd',
      ),
    ),
  );
}

/** Standard base64 of a string's UTF-8 bytes (what HTTP Basic needs; `btoa` is Latin-1 only). */
export const base64Utf8 = (text: string): string => btoa(utf8Binary(text));

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += (bytes[i]! + 0x100).toString(16).slice(1);
  return out;
}

/**
 * A short, stable, non-reversible-at-a-glance name for a text (two 32-bit FNV-1a hashes of
 * its UTF-8 bytes): enough to keep stored records apart without writing the text itself.
 */
export function hashText(text: string): string {
  const bytes = utf8Binary(text);
  const n = bytes.length;
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ n;
  for (let i = 0; i < n; i++) {
    a = Math.imul(a ^ bytes.charCodeAt(i), 0x01000193);
    b = Math.imul(b ^ bytes.charCodeAt(n - 1 - i), 0x01000193);
  }
  const hex = (x: number): string => ('0000000' + (x >>> 0).toString(16)).slice(-8);
  return hex(a) + hex(b);
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
