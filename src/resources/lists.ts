// Paged lists of a profile's Session (participants, Up Next), loaded on demand: an app that
// never lists does not download this code.
import { PaketHttpError } from '../errors/PaketHttpError.js';
import type { Transport } from '../transport/http.js';
import type { PaketSession } from '../types.js';
import { isStatus, SESSIONS } from './links.js';

export interface ListContext {
  transport: Transport;
  ensure(profileId: string): Promise<PaketSession>;
  /** Replaces a Session the service lost, restores its links, and resolves with the new one. */
  replace(profileId: string, old: PaketSession): Promise<PaketSession>;
}

/**
 * An async iterator over every item of the list at `suffix` below the profile's Session:
 * fetches a page, yields its items, follows `next_key` until the list ends. A 404 on the
 * first page means the service lost the Session: it is replaced once and the list re-read.
 */
export function listIterator<T>(
  ctx: ListContext,
  profileId: string,
  suffix: string[],
  limit: number | undefined,
): AsyncIterator<T> {
  let buffer: T[] = [];
  let nextKey: number | undefined;
  let done = false;
  let started = false;

  const fetchPage = async (): Promise<{ status: number; body: unknown; path: string }> => {
    const query = { limit, next_key: started ? nextKey : undefined };
    const get = async (session: PaketSession) => {
      const segments = [...SESSIONS, session.session_id, ...suffix];
      const response = await ctx.transport.request({ method: 'GET', segments, query });
      return { ...response, path: ctx.transport.displayPath(segments) };
    };
    const session = await ctx.ensure(profileId);
    try {
      return await get(session);
    } catch (error) {
      if (started || !isStatus(error, 404)) throw error;
      return get(await ctx.replace(profileId, session));
    }
  };

  return {
    async next(): Promise<IteratorResult<T>> {
      while (buffer.length === 0 && !done) {
        const response = await fetchPage();
        started = true;
        const page = response.body as { items?: unknown; next_key?: unknown } | undefined;
        if (!page || !Array.isArray(page.items)) {
          throw new PaketHttpError(
            'GET',
            response.path,
            response.status,
            page,
            'list without "items"',
          );
        }
        buffer = page.items as T[];
        if (typeof page.next_key === 'number' && page.items.length > 0) nextKey = page.next_key;
        else done = true;
      }
      const value = buffer.shift();
      return value === undefined ? { done: true, value: undefined } : { done: false, value };
    },
  };
}
