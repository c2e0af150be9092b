// What an app last showed, kept on the TV: the next start draws it at once (its first frame
// waits for no request) and replaces it with what the service answers. The home screen keeps
// its row and connected apps per profile, the player its list per profile. The SDK keeps the
// IDs and the queued changes; this is only the screen's copy, and losing it costs a
// "Loading…" frame, nothing else.

import type { PaketListItem } from 'paket-tv-sdk';

/** Up Next items as a list shows them: each with its `content_id` and `title`. */
export const isItemList = (v: unknown): v is PaketListItem[] =>
  Array.isArray(v) &&
  v.every(
    (i: Partial<PaketListItem> | null) =>
      typeof i?.content_id === 'string' && typeof i.title === 'string',
  );

/** Per key, the JSON stored there as far as this run knows. */
const written = new Map<string, string>();

/** The value stored under `key`, or `undefined` (none, unreadable, or no storage). */
export function recall<T>(key: string, valid: (value: unknown) => value is T): T | undefined {
  try {
    const raw = localStorage.getItem(key);
    if (raw === null) return undefined;
    const value: unknown = JSON.parse(raw);
    if (!valid(value)) return undefined;
    written.set(key, raw); // what is stored already: remember() leaves it as it is
    return value;
  } catch {
    return undefined;
  }
}

/** Stores `value` under `key` when it differs from what this run last read or stored there. */
export function remember(key: string, value: unknown): void {
  const raw = JSON.stringify(value);
  if (written.get(key) === raw) return;
  written.set(key, raw);
  try {
    localStorage.setItem(key, raw);
  } catch {
    // full or no storage: the next start shows "Loading…" first
  }
}
