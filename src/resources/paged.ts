// The async iterables the list calls return. The paging code (lists.ts) loads on the first
// `next()`: an app that never lists never downloads it.
import { PaketInputError } from '../errors/PaketInputError.js';
import type { ListSource } from './lists.js';
import { loadOnce } from '../load-once.js';

const asyncIteratorSymbol: symbol =
  (Symbol as { asyncIterator?: symbol }).asyncIterator ?? Symbol.for('Symbol.asyncIterator');

/** A page size checked: an integer from 1 to `max`, or `undefined` (the service's default). */
export function checkLimit(value: unknown, max: number, where: string): number | undefined {
  if (
    value !== undefined &&
    !(Number.isInteger(value) && (value as number) >= 1 && (value as number) <= max)
  ) {
    throw new PaketInputError('limit', `must be an integer from 1 to ${max}`, where);
  }
  return value as number | undefined;
}

/**
 * The `names` fields of an app's argument, read once into a plain object (none when it is
 * `undefined` or `null`): a getter that throws, or a hostile Proxy, is a `PaketInputError`
 * naming the field.
 */
export function readFields<K extends string>(
  value: unknown,
  names: readonly K[],
  where: string,
): { [F in K]?: unknown } {
  const out: { [F in K]?: unknown } = {};
  if (value === undefined || value === null) return out;
  for (const name of names) {
    try {
      out[name] = (value as Record<string, unknown>)[name];
    } catch {
      throw new PaketInputError(name, 'could not be read (its getter threw)', where);
    }
  }
  return out;
}

/** A list call's options (`names` read once): an object, or `undefined` (none), else a `PaketInputError`. */
export function listOptions<K extends string>(
  options: unknown,
  where: string,
  names: readonly K[],
): { [F in K]?: unknown } {
  if (options !== undefined && (!options || typeof options !== 'object')) {
    throw new PaketInputError('options', 'must be an object', where);
  }
  return readFields(options, names, where);
}

/** An async iterable over every item of the list `source` reads, `limit` per page. */
export const pagedList = <T>(source: ListSource, limit: number | undefined): AsyncIterable<T> =>
  ({
    [asyncIteratorSymbol](): AsyncIterator<T> {
      const inner = loadOnce(() =>
        import('./lists.js').then((m) => m.listIterator<T>(source, limit)),
      );
      return {
        next: async () => (await inner()).next(),
      };
    },
  }) as unknown as AsyncIterable<T>;
