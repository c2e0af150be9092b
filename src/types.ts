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
