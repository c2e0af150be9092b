// The two dialects of the Paket API (../shared/spec/paket-api.md): what the start-up code needs
// of them. Their routes, bodies and answer fields, which only the network code uses, are in
// routes.ts, so a warm start does not parse them.

/**
 * Which dialect of the Paket API the client speaks: `'participants'` (the 2024 docs; the
 * default) or `'contexts'` (the 2025 docs, `POST /v1/contexts`, `/v1/sessions/upnext/…`).
 */
export type Dialect = 'participants' | 'contexts';

/** The dialects, the default first. */
export const DIALECTS: readonly Dialect[] = ['participants', 'contexts'];

/** The publisher ID's field in bodies and answers: `participant_id` or `context_id`. */
export const publisherIdField = (dialect: Dialect): 'participant_id' | 'context_id' =>
  dialect === 'contexts' ? 'context_id' : 'participant_id';

/** `POST /v1/{publishers}`: `participants` or `contexts`. */
export const publishersOf = (dialect: Dialect): 'participants' | 'contexts' =>
  dialect === 'contexts' ? 'contexts' : 'participants';
