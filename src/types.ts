// The API's objects, in its own wire shape (see ../shared/spec/paket-api.md).

/** `GET /v1`. */
export interface PaketStatus {
  message: string;
  /** The requesting client's ID (absent in some documented answers). */
  client_id?: string;
  /** 2025: the App ID (`AP…`) of a publisher (App tenant) client. */
  app_id?: string;
  /** 2025: the Platform ID (`PL…`) of a platform (Platform tenant) client. */
  platform_id?: string;
  /** `true` when the answer carried `Paket-Response-Type: Test` (test credentials). */
  test?: true;
}

/**
 * A platform user's Session (`POST /v1/sessions`). 2024: with `client_type`; 2025: with
 * `platform_id` and no `client_type`. Fields the answer lacked (or sent malformed) are absent.
 */
export interface PaketSession {
  session_id: string;
  /** 2024 only: `"platform"`. */
  client_type?: 'platform' | (string & {});
  client_id: string;
  /** 2025 only: the Platform ID (`PL…`). */
  platform_id?: string;
  created_at: string;
}

/** A publisher app user's Participant (`POST /v1/participants`). */
export interface PaketParticipant {
  participant_id: string;
  client_type: 'publisher' | (string & {});
  client_id: string;
  created_at: string;
}

/** A publisher app user's Context (2025 dialect, `POST /v1/contexts`); "also referred to as a Participant". */
export interface PaketContext {
  context_id: string;
  /** The App ID (`AP…`) a link needs. */
  app_id: string;
  client_id: string;
  created_at: string;
}

/** The link between a Session and a Context (2025 dialect, `PUT /v1/sessions/upnext/{session_id}`). */
export interface PaketSessionContext {
  session_id: string;
  context_id: string;
  app_id: string;
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

/**
 * One entry of the linked publishers list: 2024 `GET /v1/upnext/sessions/{session_id}/participants`
 * (`participant_id`), 2025 `GET /v1/sessions/upnext/{session_id}/contexts` (`context_id`, `session_id`).
 */
export interface PaketLinkedParticipant {
  /** 2024. */
  participant_id?: string;
  /** 2025. */
  context_id?: string;
  /** 2025. */
  session_id?: string;
  app_id: string;
  created_at: string;
}

/** One item of a Session's aggregated Up Next list. */
export interface PaketListItem {
  content_id: string;
  app_id: string;
  /** 2024: the item's Participant. */
  participant_id?: string;
  /** 2025: the item's Context. */
  context_id?: string;
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
  preview_video_uri?: string;
  /** 2024 only: Unix seconds of the user's last interaction. */
  last_interaction?: number;
  hidden?: boolean;
  platform_data?: Record<string, unknown>;
  app_media?: Record<string, string>;
}

/**
 * A page of a list: `next_key` is present only while more items remain; a string or an
 * integer, passed back exactly as received.
 */
export interface PaketListPage<T> {
  total: number;
  next_key?: string | number;
  items: T[];
}
