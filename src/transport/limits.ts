// Rate-limit headers, read the way ky reads them, so the SDK can hold every one of them to
// `maxRetryAfterMs` (ky itself would wait up to that bound instead of failing at once).

/** The headers ky honours, in its order: the first present one counts. */
export const RATE_LIMIT_HEADERS = [
  'retry-after',
  'ratelimit-reset',
  'x-ratelimit-retry-after',
  'x-ratelimit-reset',
  'x-rate-limit-reset',
];

const EPOCH_FLOOR_MS = Date.UTC(2024, 0, 1);

/**
 * The wait an answer asks for, in ms: `undefined` when it names none, `NaN` when the value is
 * unreadable. Seconds, an HTTP date, or (as ky reads it) Unix seconds from 2024 on.
 */
export function requestedWaitMs(
  headers: { get(name: string): string | null },
  now: number = Date.now(),
): number | undefined {
  for (const name of RATE_LIMIT_HEADERS) {
    const value = headers.get(name);
    if (!value) continue;
    const ms = Number(value) * 1000;
    if (ms !== ms) return Date.parse(value) - now;
    return ms >= EPOCH_FLOOR_MS ? ms - now : ms;
  }
  return undefined;
}
