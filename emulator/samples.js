import { encodePng } from './png.js';

// Realistic sample Up Next items, given to every new Participant so that a linked Session
// shows a filled row in the demo. Titles are invented; posters are served by the emulator.

/** @type {ReadonlyArray<Record<string, unknown>>} */
const CATALOG = [
  {
    content_id: 'harbor-lights-s1e3',
    media_type: 'tv_episode',
    action: 'up_next_continue',
    title: 'Harbor Lights',
    description: 'A storm strands the ferry crew on the wrong side of the bay.',
    season: 1,
    episode: 3,
    position: 1312,
    duration: 2640,
  },
  {
    content_id: 'the-long-orbit',
    media_type: 'movie',
    action: 'up_next_continue',
    title: 'The Long Orbit',
    description: 'Two engineers race to bring a crippled station home.',
    position: 3920,
    duration: 7380,
  },
  {
    content_id: 'kitchen-wars-s4e1',
    media_type: 'tv_episode',
    action: 'up_next_new',
    title: 'Kitchen Wars',
    description: 'Season four opens with a blind tasting in Lyon.',
    season: 4,
    episode: 1,
    position: 0,
    duration: 2580,
  },
  {
    content_id: 'north-line-s2e7',
    media_type: 'tv_episode',
    action: 'up_next_next',
    title: 'North Line',
    description: 'The night train is held at the border, and someone is missing.',
    season: 2,
    episode: 7,
    position: 0,
    duration: 3060,
  },
  {
    content_id: 'paper-tigers',
    media_type: 'movie',
    action: 'up_next_watchlist',
    title: 'Paper Tigers',
    description: 'A high-school debate team takes on the state champions.',
    position: 0,
    duration: 6240,
  },
  {
    content_id: 'wild-coast-s1e2',
    media_type: 'tv_episode',
    action: 'up_next_continue',
    title: 'Wild Coast',
    description: 'Orcas return to the fjord for the herring run.',
    season: 1,
    episode: 2,
    position: 845,
    duration: 3000,
  },
];

/**
 * Three sample items for a new participant, picked by its ordinal so that different
 * participants show different rows.
 * @param {number} ordinal
 * @param {string} origin the emulator's origin, for poster URIs
 * @param {string} now ISO timestamp
 */
export function sampleItems(ordinal, origin, now) {
  const items = [];
  for (let i = 0; i < 3; i++) {
    const base = /** @type {Record<string, unknown>} */ (
      CATALOG[(ordinal * 2 + i) % CATALOG.length]
    );
    items.push({
      ...base,
      poster_art_uri: `${origin}/media/posters/${String(base.content_id)}.png`,
      poster_art_aspect_ratio: 'aspect_ratio_16_9',
      hidden: false,
      updated_at: new Date(Date.parse(now) - (i + 1) * 3_600_000).toISOString(),
    });
  }
  return items;
}

const COLORS = [
  [0x1f, 0x4e, 0x79],
  [0x7a, 0x2e, 0x3a],
  [0x2e, 0x6b, 0x3a],
  [0x6b, 0x4f, 0x1d],
  [0x3d, 0x2e, 0x6b],
  [0x1d, 0x5f, 0x6b],
];

/**
 * A 16:9 PNG poster for a content ID: a diagonal gradient in a colour picked from the ID,
 * so the demo shows art with no network. (PNG rather than SVG: TV engines and Lightning's
 * createImageBitmap path decode it everywhere.)
 * @param {string} contentId
 */
export function posterPng(contentId) {
  let hash = 0;
  for (let i = 0; i < contentId.length; i++) hash = (hash * 31 + contentId.charCodeAt(i)) | 0;
  const [r, g, b] = /** @type {[number, number, number]} */ (
    COLORS[Math.abs(hash) % COLORS.length]
  );
  return encodePng(320, 180, (x, y) => {
    const t = 1 - (x / 320 + y / 180) / 2.4;
    return [Math.round(r * t + 12), Math.round(g * t + 12), Math.round(b * t + 16)];
  });
}
