// The one ID rule of the SDK, for IDs an app gives (profile, participant, app IDs) and IDs a
// server gives (session_id, participant_id, context_id) alike. The checks of answers that use
// it (answers.ts) load with the network code.
import { PaketInputError } from '../errors/PaketInputError.js';

/** Most characters (Unicode code points) an ID may have. */
export const MAX_ID_LENGTH = 255;

/**
 * Why `value` breaks the ID rule, or `undefined` when it is a valid ID. The rule: a string,
 * non-empty, at most 255 characters (code points, not UTF-16 units), no `/`, not `.` or
 * `..` (URL dot-segments), well-formed UTF-16 (no lone surrogate), no control character
 * (C0, DEL, C1). `local`: an ID that never goes into a path (a profile ID) may contain `/`
 * and be `.` or `..`.
 */
export function idProblem(value: unknown, local = false): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  if (value === '') return 'must not be empty';
  if (!local && (value === '.' || value === '..')) return 'must not be "." or ".."';
  if (!local && value.indexOf('/') >= 0) return 'must not contain "/"';
  let count = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return 'must not contain control characters';
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return 'must not contain a lone surrogate';
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return 'must not contain a lone surrogate';
    if (++count > MAX_ID_LENGTH) return `must be at most ${MAX_ID_LENGTH} characters`;
  }
  return undefined;
}

/**
 * An app-given ID, checked by the ID rule ({@link idProblem}); else a `PaketInputError`
 * naming `name` and the call (`method`, `path`), thrown before any request.
 */
export function checkId(
  name: string,
  value: unknown,
  method: string,
  path = '',
  local = false,
): string {
  const problem = idProblem(value, local);
  if (problem) throw new PaketInputError(name, problem, method, path);
  return value as string;
}

/**
 * A profile ID checked by the ID rule (as a local ID: it never goes into a path, so `/` and
 * dot names stay allowed, as before) and normalised to Unicode NFC, so that the NFC and NFD
 * spellings of one name (`"é"` typed on two keyboards) are one profile, one Session. Engines
 * without `String.prototype.normalize` keep the text as given.
 */
export function normalizeProfileId(value: unknown, method: string, path = ''): string {
  const id = checkId('profileId', value, method, path, true);
  const nfc = typeof id.normalize === 'function' ? id.normalize('NFC') : id;
  // NFC may change the length (a few characters grow): check again.
  return checkId('profileId', nfc, method, path, true);
}
