/**
 * The SDK's rule for an ID that goes into a URL path: a non-empty string of at most 255
 * characters, without "/", not "." or "..", without control characters or lone surrogates.
 * Kept here (rather than imported from the client's validators) so the share chunk stays small.
 */
export function isId(value: unknown): value is string {
  if (typeof value !== 'string' || !value || value.length > 255) return false;
  if (value === '.' || value === '..' || value.indexOf('/') >= 0) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return false;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return false;
  }
  return true;
}
