// Paged lists of a profile's Session (participants, Up Next), loaded on demand: an app that
// never lists does not download this code.
import { PaketHttpError } from '../errors/PaketHttpError.js';
import { dialectTable } from '../transport/dialect.js';
import type { Transport } from '../transport/http.js';
import type { PaketSession } from '../types.js';
import { isStatus } from './links.js';

/** Most characters of a string `next_key` the SDK sends back. */
const MAX_NEXT_KEY = 1024;

/**
 * The segments of a list below a Session, in the transport's dialect: `suffix` `[]` is the
 * aggregated Up Next list (S3), `['participants']` the linked publishers (S5, `contexts` in
 * 2025), `[publisherId]` one app's list (S4).
 */
export function sessionListSegments(
  transport: Transport,
  sessionId: string,
  suffix: readonly string[],
): string[] {
  const t = dialectTable(transport.dialect);
  const rest = suffix.length === 1 && suffix[0] === 'participants' ? [t.publishers] : suffix;
  return [...t.sessionBase, sessionId, ...rest];
}

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
  let nextKey: string | number | undefined;
  let done = false;
  let started = false;

  const fetchPage = async (): Promise<{ status: number; body: unknown; path: string }> => {
    const query = { limit, next_key: started ? nextKey : undefined };
    const get = async (session: PaketSession) => {
      const segments = sessionListSegments(ctx.transport, session.session_id, suffix);
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
        } else if (key === nextKey) {
          throw fail('list whose "next_key" repeats the one just sent');
        } else nextKey = key;
      }
      const value = buffer.shift();
      return value === undefined ? { done: true, value: undefined } : { done: false, value };
    },
  };
}
