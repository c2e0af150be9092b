// Time for deadlines and staleness. Wall-clock time (`Date.now()`) on a TV jumps by hours
// when it syncs after boot, and differs between app instances; nothing that decides who may
// write uses it. Each instance measures its own intervals with a monotonic clock, and judges
// another instance alive by watching a counter change, never by comparing timestamps.

let last = 0;

/** Milliseconds from an arbitrary origin, never going back (`performance.now()` where present). */
export function monotonic(): number {
  const p = (globalThis as { performance?: { now?: () => number } }).performance;
  const t = p && typeof p.now === 'function' ? p.now() : Date.now();
  return (last = t > last ? t : last);
}

/** A promise that resolves after `ms`. */
export const delay = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));
