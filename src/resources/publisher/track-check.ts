// The checks of trackPlayback's arguments, made before the tracker starts: a bad media object
// or item is a PaketInputError up front (the call's promise rejects), not a write refused
// minutes later.
import { PaketInputError } from '../../errors/PaketInputError.js';
import type { Dialect } from '../../transport/dialect.js';
import { checkProfileId } from '../identity.js';
import { checkItem } from './item.js';
import type { TrackedItem } from './tracker.js';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const SECONDS = 'must be a positive number of seconds';
const seconds = (v: unknown) => v === undefined || (typeof v === 'number' && v > 0 && v < Infinity);
const named = (v: Record<string, unknown>) =>
  typeof v.content_id === 'string' && v.content_id !== '';

/**
 * Why `media`, `item` or `options` cannot be tracked, as `{ field, message }`, or `undefined`
 * when they can. Never throws (a getter that throws is reported as that object being
 * unreadable). The next item's other fields are left to the item rules of `putItem`.
 */
export function trackProblem(
  media: unknown,
  item: unknown,
  options: unknown,
): { field: string; message: string } | undefined {
  let at = 'media';
  const problem = (field: string, message: string) => ({ field, message });
  try {
    if (!isObject(media) || typeof media.addEventListener !== 'function')
      return problem(at, 'must be a media element or an object like one');
    if (typeof media.removeEventListener !== 'function')
      return problem(at, 'must have removeEventListener');
    at = 'item';
    if (!isObject(item)) return problem(at, 'must be an object');
    if (!named(item)) return problem('item.content_id', 'must be a non-empty string');
    if (!seconds(item.duration)) return problem('item.duration', SECONDS);
    at = 'options';
    if (options === undefined) return undefined;
    if (!isObject(options)) return problem(at, 'must be an object');
    if (!seconds(options.creditsAt)) return problem('options.creditsAt', SECONDS);
    const next = options.next;
    at = 'options.next';
    if (next !== undefined && !isObject(next)) return problem(at, 'must be an object');
    if (next !== undefined && !named(next))
      return problem('options.next.content_id', 'must be a non-empty string');
    return undefined;
  } catch {
    return problem(at, 'could not be read');
  }
}

/**
 * The profile ID normalised to NFC; throws a `PaketInputError` naming the argument of
 * `trackPlayback` that cannot be tracked.
 */
export function checkTracking(
  profileId: unknown,
  media: unknown,
  item: unknown,
  options: unknown,
  dialect: Dialect,
): string {
  const where = 'participants.trackPlayback';
  const p = checkProfileId(profileId, where);
  const problem = trackProblem(media, item, options);
  if (problem) throw new PaketInputError(problem.field, problem.message, where);
  // The item rules up front, not at the first write minutes later.
  const rules = (title: TrackedItem, action: string, name: string) => {
    let copy: Record<string, unknown>;
    try {
      const d = title.duration;
      copy = { ...title, action, duration: typeof d === 'number' ? Math.floor(d) : 1 };
    } catch {
      throw new PaketInputError(name, 'could not be read (a getter threw)', where);
    }
    if (action === 'up_next_continue') copy.position = 0;
    else delete copy.position;
    try {
      checkItem(copy, dialect, where);
    } catch (error) {
      if (!(error instanceof PaketInputError)) {
        throw new PaketInputError(name, 'could not be read', where);
      }
      const e = error;
      throw new PaketInputError(
        e.parameter.replace(/^item/, name),
        e.message.replace(/^.*?: \S+ /, ''),
        where,
      );
    }
  };
  rules(item as TrackedItem, 'up_next_continue', 'item');
  let next: TrackedItem | undefined;
  try {
    next = (options as { next?: TrackedItem } | undefined)?.next;
  } catch {
    throw new PaketInputError('options.next', 'could not be read', where); // read twice
  }
  if (next) rules(next, 'up_next_next', 'options.next');
  return p;
}
