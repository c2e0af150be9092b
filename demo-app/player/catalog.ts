// The player's catalog: two series and three movies, each playing a generated media file of
// its own length (demo-app/dist/player/media/, written by scripts/build-demo.mjs), so a
// title can be watched to its end in a demo.
import { config } from '../shared/config';
import type { PaketItemInput } from 'paket-tv-sdk';

/** A title as trackPlayback takes it: its list item without action and position. */
export type TrackedItem = Omit<PaketItemInput, 'action' | 'position'>;

export interface Title {
  id: string;
  kind: 'movie' | 'tv_episode';
  /** The series' or the movie's name (the list item's title). */
  title: string;
  /** The episode's own name. */
  name?: string;
  season?: number;
  episode?: number;
  description: string;
  duration: number;
  media: string;
  /** Where the end credits begin, in seconds. */
  creditsAt: number;
}

const episode = (
  series: string,
  slug: string,
  season: number,
  n: number,
  name: string,
  description: string,
): Title => ({
  id: `${slug}-s${season}e${n}`,
  kind: 'tv_episode',
  title: series,
  name,
  season,
  episode: n,
  description,
  duration: 300,
  media: 'episode.wav',
  creditsAt: 285,
});

const movie = (id: string, title: string, description: string): Title => ({
  id,
  kind: 'movie',
  title,
  description,
  duration: 600,
  media: 'movie.wav',
  creditsAt: 580,
});

export const CATALOG: Title[] = [
  episode(
    'Lighthouse Keepers',
    'lighthouse',
    1,
    1,
    'The Crossing',
    'A new ferry captain takes the night run.',
  ),
  episode(
    'Lighthouse Keepers',
    'lighthouse',
    1,
    2,
    'Low Tide',
    'Cargo goes missing between two ports.',
  ),
  episode(
    'Lighthouse Keepers',
    'lighthouse',
    1,
    3,
    'Storm Warning',
    'A storm strands the crew on the wrong side of the bay.',
  ),
  episode(
    'Lighthouse Keepers',
    'lighthouse',
    1,
    4,
    'Safe Harbor',
    'The crew comes home, not all of it.',
  ),
  episode(
    'Night Train',
    'night-train',
    2,
    1,
    'Departure',
    'The night train leaves without its conductor.',
  ),
  episode(
    'Night Train',
    'night-train',
    2,
    2,
    'The Border',
    'The train is held at the border, and someone is missing.',
  ),
  episode(
    'Night Train',
    'night-train',
    2,
    3,
    'Terminus',
    'The last stop, and the truth about the passenger list.',
  ),
  movie('glass-orchard', 'Glass Orchard', 'Two engineers race to bring a crippled station home.'),
  movie(
    'the-last-ferry',
    'The Last Ferry',
    'A high-school debate team takes on the state champions.',
  ),
  movie('signal-lost', 'Signal Lost', 'Orcas return to the fjord for the herring run.'),
];

export const titleById = (id: string): Title | undefined => CATALOG.find((t) => t.id === id);

/** The next episode of the same series, if any. */
export function nextOf(t: Title): Title | undefined {
  if (t.kind !== 'tv_episode') return undefined;
  return CATALOG.find(
    (o) =>
      o.kind === 'tv_episode' &&
      o.title === t.title &&
      o.season === t.season &&
      o.episode === (t.episode ?? 0) + 1,
  );
}

/** Posters: the emulator draws one for any name; the real API needs the publisher's own art. */
export function posterOf(t: Title): string {
  const media = config.baseUrl.replace(/\/v1\/?$/, '') + '/media/posters/';
  return `${media}${encodeURIComponent(t.id)}.png`;
}

/** The title as an Up Next item without action and position (what trackPlayback takes). */
export function itemOf(t: Title): TrackedItem {
  return {
    content_id: t.id,
    media_type: t.kind,
    title: t.title,
    description: t.name ? `${t.name}: ${t.description}` : t.description,
    poster_art_uri: posterOf(t),
    poster_art_aspect_ratio: 'aspect_ratio_16_9',
    duration: t.duration,
    ...(t.kind === 'tv_episode' ? { season: t.season ?? 1, episode: t.episode ?? 1 } : {}),
  };
}
