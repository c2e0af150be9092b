// The text hash that names stored records (namespaces, checksums), and the UTF-8 bytes it and
// the request's encodings (encoding.ts) are computed over. Start-up code: keep it small.

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
