// The P1 list item rules (../shared/spec/paket-api.md, "List item"), checked on the device
// before anything is stored or sent: a bad item is a PaketInputError naming its field, never
// a queued write the service will refuse.
import { PaketInputError } from '../../errors/PaketInputError.js';
import type { Dialect } from '../../transport/dialect.js';
import { idProblem } from '../validate.js';

/** The Up Next lists' actions. */
export type PaketItemAction =
  'up_next_continue' | 'up_next_next' | 'up_next_new' | 'up_next_watchlist';

/** A list item as a publisher writes it (P1). `*`-fields of the spec are required. */
export interface PaketItemInput {
  /** Your own ID of the title: the key of updates and removals (the SDK's ID rule). */
  content_id: string;
  media_type: 'movie' | 'tv_episode';
  action: PaketItemAction;
  title: string;
  description: string;
  poster_art_uri: string;
  poster_art_aspect_ratio:
    'aspect_ratio_16_9' | 'aspect_ratio_4_3' | 'aspect_ratio_1_1' | 'aspect_ratio_2_3';
  /** Seconds, a non-negative integer. */
  duration: number;
  /** Required when `media_type` is `tv_episode`. */
  season?: number;
  /** Required when `media_type` is `tv_episode`. */
  episode?: number;
  /** Seconds watched; required when `action` is `up_next_continue`; not past `duration`. */
  position?: number;
  preview_video_uri?: string;
  /** `false` un-hides an item the platform hid. */
  hidden?: boolean;
  /** 2024 dialect only: Unix seconds of the user's last interaction. */
  last_interaction?: number;
}

const ENUMS: [keyof PaketItemInput, readonly string[]][] = [
  ['media_type', ['movie', 'tv_episode']],
  ['action', ['up_next_continue', 'up_next_next', 'up_next_new', 'up_next_watchlist']],
  [
    'poster_art_aspect_ratio',
    ['aspect_ratio_16_9', 'aspect_ratio_4_3', 'aspect_ratio_1_1', 'aspect_ratio_2_3'],
  ],
];
const STRINGS = ['title', 'description', 'poster_art_uri'] as const;
const INTEGERS = ['duration', 'season', 'episode', 'position', 'last_interaction'] as const;
const FIELDS: readonly string[] = [
  'content_id',
  ...ENUMS.map(([f]) => f),
  ...STRINGS,
  ...INTEGERS,
  'preview_video_uri',
  'hidden',
];
/** Most characters of a string field (titles, descriptions, URIs). */
const MAX_TEXT = 4096;

/**
 * The item checked by the spec's rules, as a copy holding its documented fields only.
 * Throws a `PaketInputError` naming the first field that breaks a rule (`item.position`).
 */
export function checkItem(item: unknown, dialect: Dialect, where: string): PaketItemInput {
  const fail = (field: string, rule: string): never => {
    throw new PaketInputError(field ? `item.${field}` : 'item', rule, where);
  };
  if (!item || typeof item !== 'object' || Array.isArray(item)) fail('', 'must be an object');
  // Read once, into a plain copy that every rule below checks and the result is made of: a
  // getter that throws (or a Proxy) is a PaketInputError, and no getter can answer twice.
  const unreadable = 'could not be read (its getter threw)';
  let keys: string[] = [];
  try {
    keys = Object.keys(item as object);
  } catch {
    fail('', unreadable);
  }
  const given: Record<string, unknown> = {};
  for (const f of keys) {
    let v: unknown;
    try {
      v = (item as Record<string, unknown>)[f];
    } catch {
      fail(f, unreadable);
    }
    if (v === undefined) continue;
    if (FIELDS.indexOf(f) < 0) fail(f, 'is not a list item field (see PaketItemInput)');
    given[f] = v;
  }
  const has = (f: string): boolean => given[f] !== undefined;
  const id = idProblem(given.content_id);
  if (id) fail('content_id', id);
  for (const [f, allowed] of ENUMS) {
    if (!has(f)) fail(f, 'is required');
    if (allowed.indexOf(given[f] as string) < 0) fail(f, `must be one of ${allowed.join(', ')}`);
  }
  for (const f of STRINGS) {
    if (!has(f)) fail(f, 'is required');
    const v = given[f];
    if (typeof v !== 'string' || v === '' || v.length > MAX_TEXT) {
      fail(f, `must be a non-empty string of at most ${MAX_TEXT} characters`);
    }
  }
  if (!has('duration')) fail('duration', 'is required');
  for (const f of INTEGERS) {
    const v = given[f];
    if (has(f) && !(typeof v === 'number' && Number.isSafeInteger(v) && v >= 0)) {
      fail(f, 'must be a non-negative integer');
    }
  }
  if (given.media_type === 'tv_episode') {
    for (const f of ['season', 'episode']) {
      if (!has(f)) fail(f, 'is required when media_type is tv_episode');
    }
  }
  if (given.action === 'up_next_continue' && !has('position')) {
    fail('position', 'is required when action is up_next_continue');
  }
  if (has('position') && (given.position as number) > (given.duration as number)) {
    fail('position', `must not be past duration (${given.duration as number})`);
  }
  if (has('preview_video_uri')) {
    const v = given.preview_video_uri;
    if (typeof v !== 'string' || v.length > MAX_TEXT) fail('preview_video_uri', 'must be a string');
  }
  if (has('hidden') && typeof given.hidden !== 'boolean') fail('hidden', 'must be true or false');
  if (has('last_interaction') && dialect === 'contexts') {
    fail('last_interaction', "exists only in the 'participants' (2024) dialect");
  }
  const out: Record<string, unknown> = {};
  for (const f of FIELDS) if (has(f)) out[f] = given[f];
  return out as unknown as PaketItemInput;
}
