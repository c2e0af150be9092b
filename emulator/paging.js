// Lists: `limit` and `next_key`. The key is an offset, sent as an integer or, with the
// emulator's `nextKey: 'string'` option, as an opaque string (`"page-6"`), since the spec
// allows either and a client must pass it back exactly as received.

/** @typedef {'number' | 'string'} NextKeyKind */

/**
 * @param {URL} url
 * @param {number} max the largest `limit` (also the default when it is at most 50)
 * @param {NextKeyKind} kind
 * @returns {{ limit: number, start: number } | { field: string, message: string }}
 */
export function pageParams(url, max, kind) {
  const limitText = url.searchParams.get('limit');
  const keyText = url.searchParams.get('next_key');
  const limit = limitText === null ? Math.min(50, max) : Number(limitText);
  if (!/^\d+$/.test(limitText ?? '1') || !Number.isInteger(limit) || limit < 1 || limit > max) {
    return { field: 'limit', message: `limit must be an integer from 1 to ${max}` };
  }
  if (keyText === null) return { limit, start: 0 };
  const match = kind === 'string' ? /^page-(\d{1,9})$/.exec(keyText) : /^(\d{1,9})$/.exec(keyText);
  if (!match) {
    return {
      field: 'next_key',
      message: 'next_key must be a value this emulator returned, passed back exactly',
    };
  }
  return { limit, start: Number(match[1]) };
}

/**
 * @param {unknown[]} all
 * @param {{ limit: number, start: number }} page
 * @param {NextKeyKind} kind
 */
export function paginate(all, page, kind) {
  const items = all.slice(page.start, page.start + page.limit);
  const next = page.start + page.limit;
  if (next >= all.length) return { total: all.length, items };
  return { total: all.length, next_key: kind === 'string' ? `page-${next}` : next, items };
}
