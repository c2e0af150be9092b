// The SDK calls the demo needs beyond today's main (the publisher's items and playback, the
// platform's hide and per-app list), typed as docs/api of the publisher issue gives them. One
// place to change once they are on main: the apps call these, never the client directly.
import type { PaketClient, PaketListItem } from 'paket-tv-sdk';

export interface PaketItemInput {
  content_id: string;
  media_type: 'movie' | 'tv_episode';
  action: 'up_next_continue' | 'up_next_next' | 'up_next_new' | 'up_next_watchlist';
  title: string;
  description: string;
  poster_art_uri: string;
  poster_art_aspect_ratio:
    'aspect_ratio_16_9' | 'aspect_ratio_4_3' | 'aspect_ratio_1_1' | 'aspect_ratio_2_3';
  duration: number;
  season?: number;
  episode?: number;
  position?: number;
  preview_video_uri?: string;
  hidden?: boolean;
}

/** A title as trackPlayback takes it: an item without action and position. */
export type TrackedItem = Omit<PaketItemInput, 'action' | 'position'>;

export interface MediaLike {
  currentTime: number;
  duration: number;
  paused: boolean;
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

interface PublisherCalls {
  putItem(profileId: string, item: PaketItemInput): Promise<void>;
  removeItem(profileId: string, contentId: string): Promise<void>;
  items(profileId: string, options?: { limit?: number }): AsyncIterable<PaketListItem>;
  trackPlayback(
    profileId: string,
    media: MediaLike,
    item: TrackedItem,
    options?: { creditsAt?: number; next?: TrackedItem },
  ): { stop(): void };
}

interface PlatformCalls {
  hide(profileId: string, target: { participantId: string; contentId: string }): Promise<void>;
  upNext(
    profileId: string,
    options?: { participantId?: string; limit?: number },
  ): AsyncIterable<PaketListItem>;
}

type Client = PaketClient<'participants'> | PaketClient<'contexts'>;

function missing(name: string): never {
  throw new Error(
    `This SDK build has no ${name}(): rebuild with the publisher API (npm run build)`,
  );
}

/** The publisher calls of `client.participants`. */
export function publisherCalls(client: Client): PublisherCalls {
  const p = client.participants as unknown as Partial<PublisherCalls>;
  return {
    putItem: (profileId, item) => (p.putItem ? p.putItem(profileId, item) : missing('putItem')),
    removeItem: (profileId, contentId) =>
      p.removeItem ? p.removeItem(profileId, contentId) : missing('removeItem'),
    items: (profileId, options) => (p.items ? p.items(profileId, options) : missing('items')),
    trackPlayback: (profileId, media, item, options) =>
      p.trackPlayback ? p.trackPlayback(profileId, media, item, options) : missing('trackPlayback'),
  };
}

/** The platform calls of `client.sessions`. */
export function platformCalls(client: Client): PlatformCalls {
  const s = client.sessions as unknown as Partial<PlatformCalls>;
  return {
    hide: (profileId, target) => (s.hide ? s.hide(profileId, target) : missing('sessions.hide')),
    upNext: (profileId, options) =>
      s.upNext ? s.upNext(profileId, options) : missing('sessions.upNext'),
  };
}
