import { PaketHttpError } from '../errors/PaketHttpError';

const asyncIteratorSymbol: symbol =
  (Symbol as { asyncIterator?: symbol }).asyncIterator ?? Symbol.for('Symbol.asyncIterator');

/**
 * An async iterable over every item of a paged list: fetches a page, yields its items,
 * and follows `next_key` until the list ends. Pages are fetched lazily, one at a time.
 */
export function pagedList<T>(
  fetchPage: (nextKey: number | undefined) => Promise<{ status: number; body: unknown }>,
  method: string,
  path: string,
): AsyncIterable<T> {
  return {
    [asyncIteratorSymbol]() {
      let buffer: T[] = [];
      let nextKey: number | undefined;
      let done = false;
      let started = false;
      return {
        async next(): Promise<IteratorResult<T>> {
          while (buffer.length === 0 && !done) {
            const response = await fetchPage(started ? nextKey : undefined);
            started = true;
            const page = response.body as { items?: unknown; next_key?: unknown } | undefined;
            if (!page || !Array.isArray(page.items)) {
              throw new PaketHttpError(method, path, response.status, page, 'list without "items"');
            }
            buffer = page.items as T[];
            if (typeof page.next_key === 'number' && page.items.length > 0) nextKey = page.next_key;
            else done = true;
          }
          const value = buffer.shift();
          return value === undefined ? { done: true, value: undefined } : { done: false, value };
        },
      };
    },
  } as unknown as AsyncIterable<T>;
}
