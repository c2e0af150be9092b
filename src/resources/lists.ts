// Paged lists (a Session's Up Next, one app's list, linked publishers; a Participant's own
// items), loaded on demand: an app that never lists does not download this code.
import { PaketHttpError } from '../errors/PaketHttpError.js';
import type { Transport } from '../transport/http.js';
import { encodable, pathShower } from '../transport/encoding.js';
import { isStatus } from './failures.js';

/** Most characters of a string `next_key` the SDK sends back. */
const MAX_NEXT_KEY = 1024;

/**
 * Where a list is read: `open()` resolves the path's segments below the base URL (the
 * profile's Session or Participant, created when there is none); `reopen()`, when given,
 * is called once after a 404 on the first page (the service lost the Session) and resolves
 * the segments of its replacement.
 */
export interface ListSource {
  transport: Transport;
  open(): Promise<string[]>;
  reopen?(): Promise<string[]>;
}

/**
 * An async iterator over every item of a list: fetches a page, yields its items, follows
 * `next_key` until the list ends.
 */
export function listIterator<T>(source: ListSource, limit: number | undefined): AsyncIterator<T> {
  let buffer: T[] = [];
  let nextKey: string | number | undefined;
  /** Every `next_key` this iterator has sent. */
  const sent = new Set<string | number>();
  let done = false;
  let started = false;

  const fetchPage = async (): Promise<{ status: number; body: unknown; path: string }> => {
    const query = { limit, next_key: started ? nextKey : undefined };
    const get = async (segments: string[]) => {
      const response = await source.transport.request({ method: 'GET', segments, query });
      return { ...response, path: pathShower(source.transport.baseUrl)(segments) };
    };
    const segments = await source.open();
    try {
      return await get(segments);
    } catch (error) {
      if (started || !source.reopen || !isStatus(error, 404)) throw error;
      return get(await source.reopen());
    }
  };

  return {
    async next(): Promise<IteratorResult<T>> {
      while (buffer.length === 0 && !done) {
        const response = await fetchPage();
        started = true;
        const page = response.body as { items?: unknown; next_key?: unknown } | undefined;
        const fail = (reason: string): PaketHttpError =>
          new PaketHttpError(
            'GET',
            response.path,
            response.status,
            undefined,
            reason,
            'invalid_answer',
          );
        if (!page || typeof page !== 'object' || !Array.isArray(page.items)) {
          throw fail('list without "items"');
        }
        const items = page.items as unknown[];
        if (!items.every((item) => item && typeof item === 'object' && !Array.isArray(item))) {
          throw fail('list with an item that is not an object');
        }
        const key = page.next_key;
        buffer = items as T[];
        if (key === undefined || key === null || items.length === 0) done = true;
        else if (
          !(typeof key === 'number' && isFinite(key)) &&
          !(typeof key === 'string' && key !== '' && key.length <= MAX_NEXT_KEY)
        ) {
          throw fail('list with a "next_key" that is neither a number nor a short string');
        } else if (sent.has(key)) {
          // A cursor that comes back (a, b, a, …) would make the list endless.
          throw fail('list whose "next_key" repeats one already sent');
        } else if (typeof key === 'string' && !encodable(key)) {
          throw fail('list with a "next_key" that is not well-formed text');
        } else {
          sent.add(key);
          nextKey = key;
        }
      }
      const value = buffer.shift();
      return value === undefined ? { done: true, value: undefined } : { done: false, value };
    },
  };
}
