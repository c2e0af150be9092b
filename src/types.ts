// The API's objects, in its own wire shape (see ../shared/spec/paket-api.md).

/** `GET /v1`. */
export interface PaketStatus {
  message: string;
  /** The requesting client's ID (absent in some documented answers). */
  client_id?: string;
}

/** A platform user's Session (`POST /v1/sessions`). */
export interface PaketSession {
  session_id: string;
  client_type: 'platform' | (string & {});
  client_id: string;
  created_at: string;
}

/** A publisher app user's Participant (`POST /v1/participants`). */
export interface PaketParticipant {
  participant_id: string;
  client_type: 'publisher' | (string & {});
  client_id: string;
  created_at: string;
}

/** The link between a Session and a Participant (`PUT /v1/upnext/sessions/{session_id}`). */
export interface PaketSessionParticipant {
  /** The publisher's client ID the participant belongs to. */
  app_id: string;
  participant_id: string;
  session_id: string;
  client_id: string;
  created_at: string;
}

/** One entry of `GET /v1/upnext/sessions/{session_id}/participants`. */
export interface PaketLinkedParticipant {
  participant_id: string;
  app_id: string;
  created_at: string;
}

/** One item of a Session's aggregated Up Next list. */
export interface PaketListItem {
  content_id: string;
  app_id: string;
  participant_id: string;
  updated_at: string;
  action: 'up_next_continue' | 'up_next_next' | 'up_next_new' | 'up_next_watchlist';
  media_type: 'movie' | 'tv_episode';
  title: string;
  description?: string;
  season?: number;
  episode?: number;
  poster_art_uri?: string;
  poster_art_aspect_ratio?: string;
  position?: number;
  duration?: number;
  last_interaction?: string;
  hidden?: boolean;
  platform_data?: Record<string, unknown>;
  app_media?: Record<string, string>;
}

/** A page of a list: `next_key` is present only while more items remain. */
export interface PaketListPage<T> {
  total: number;
  next_key?: number;
  items: T[];
}
