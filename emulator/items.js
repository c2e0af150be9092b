// List items: the P1 rules of shared/spec/paket-api.md, and the shapes lists are read in.

export const ACTIONS = ['up_next_continue', 'up_next_next', 'up_next_new', 'up_next_watchlist'];
export const ASPECTS = [
  'aspect_ratio_16_9',
  'aspect_ratio_4_3',
  'aspect_ratio_1_1',
  'aspect_ratio_2_3',
];
const MEDIA_TYPES = ['movie', 'tv_episode'];
const STRINGS = ['content_id', 'title', 'description', 'poster_art_uri'];
const INTEGERS = ['duration', 'season', 'episode', 'position', 'last_interaction'];
/** Every field a publisher may write; anything else is dropped. */
const FIELDS = [
  ...STRINGS,
  'media_type',
  'action',
  'poster_art_aspect_ratio',
  'preview_video_uri',
  'hidden',
  ...INTEGERS,
];

/**
 * Checks a P1 body. Returns the item reduced to its documented fields, or the first problem,
 * naming the field.
 * @param {unknown} body
 * @param {'participants' | 'contexts'} dialect
 * @returns {{ item: Record<string, unknown> } | { field: string, message: string }}
 */
export function checkItem(body, dialect) {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return { field: 'body', message: 'the body must be a list item object' };
  }
  const item = /** @type {Record<string, unknown>} */ (body);
  const has = (/** @type {string} */ f) =>
    Object.prototype.hasOwnProperty.call(item, f) && item[f] !== undefined && item[f] !== null;
  const bad = (/** @type {string} */ field, /** @type {string} */ why) => ({
    field,
    message: `${field} ${why}`,
  });
  for (const field of STRINGS) {
    if (!has(field)) return bad(field, 'is required');
    if (typeof item[field] !== 'string' || item[field] === '') {
      return bad(field, 'must be a non-empty string');
    }
  }
  const contentId = /** @type {string} */ (item.content_id);
  if (
    contentId.length > 255 ||
    contentId.includes('/') ||
    contentId === '.' ||
    contentId === '..'
  ) {
    return bad('content_id', 'must be at most 255 characters, without "/", not "." or ".."');
  }
  /** @type {[string, string[]][]} */
  const enums = [
    ['media_type', MEDIA_TYPES],
    ['action', ACTIONS],
    ['poster_art_aspect_ratio', ASPECTS],
  ];
  for (const [field, allowed] of enums) {
    if (!has(field)) return bad(field, 'is required');
    if (!allowed.includes(/** @type {string} */ (item[field]))) {
      return bad(field, `must be one of ${allowed.join(', ')}`);
    }
  }
  if (!has('duration')) return bad('duration', 'is required');
  if (item.media_type === 'tv_episode') {
    for (const field of ['season', 'episode']) {
      if (!has(field)) return bad(field, 'is required when media_type is tv_episode');
    }
  }
  if (item.action === 'up_next_continue' && !has('position')) {
    return bad('position', 'is required when action is up_next_continue');
  }
  if (dialect === 'contexts' && has('last_interaction')) {
    return bad('last_interaction', 'exists only in the 2024 dialect');
  }
  for (const field of INTEGERS) {
    if (!has(field)) continue;
    const value = item[field];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      return bad(field, 'must be a non-negative integer');
    }
  }
  if (
    has('position') &&
    /** @type {number} */ (item.position) > /** @type {number} */ (item.duration)
  ) {
    return bad('position', 'must not be past duration');
  }
  if (has('preview_video_uri') && typeof item.preview_video_uri !== 'string') {
    return bad('preview_video_uri', 'must be a string');
  }
  if (has('hidden') && typeof item.hidden !== 'boolean') return bad('hidden', 'must be a boolean');
  /** @type {Record<string, unknown>} */
  const kept = {};
  for (const field of FIELDS) if (has(field)) kept[field] = item[field];
  return { item: kept };
}

/**
 * An item as a list shows it.
 * @param {Record<string, unknown>} stored
 * @param {{ dialect: 'participants' | 'contexts', publisherId: string, appId: string, origin: string, platform: boolean }} how
 *   `platform`: S3/S4 (with `hidden`, `platform_data` and `app_media`) rather than P3
 */
export function listItem(stored, how) {
  const { hidden, ...rest } = stored;
  /** @type {Record<string, unknown>} */
  const out = {
    ...rest,
    app_id: how.appId,
    [how.dialect === 'contexts' ? 'context_id' : 'participant_id']: how.publisherId,
  };
  if (!how.platform) return out;
  const media = (/** @type {string} */ name) =>
    `${how.origin}/media/apps/${encodeURIComponent(how.appId)}/${name}.png`;
  return {
    ...out,
    hidden: hidden === true,
    platform_data: {
      deep_link: `app://${encodeURIComponent(how.appId)}/${encodeURIComponent(String(stored.content_id))}`,
    },
    app_media: {
      icon_1x: media('icon_1x'),
      icon_2x: media('icon_2x'),
      icon_3x: media('icon_3x'),
      tile_1x: media('tile_1x'),
      tile_2x: media('tile_2x'),
      logo_dark_1x: media('logo_dark_1x'),
      logo_light_1x: media('logo_light_1x'),
    },
  };
}
