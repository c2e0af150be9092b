// The two dialects of the Paket API side by side (../shared/spec/paket-api.md): each call's
// method and path, the bodies and the documented answer fields. Pure data and functions, no
// I/O; with dialect.ts, everything that differs between 2024 and 2025.
import { publisherIdField, publishersOf, type Dialect } from './dialect.js';

/** The calls of the spec: S1–S7 (platform), P1–P4 (publisher) and the two creates. */
export type CallName =
  | 'createSession'
  | 'createPublisher'
  | 'link' // S1
  | 'unlink' // S2
  | 'upNext' // S3
  | 'appList' // S4
  | 'linked' // S5
  | 'hide' // S6
  | 'removeSession' // S7
  | 'putItem' // P1
  | 'removeItem' // P2
  | 'ownList' // P3
  | 'detach'; // P4

/** The IDs a call's path needs. `publisherId` is the `participant_id` or the `context_id`. */
export interface CallIds {
  sessionId?: string;
  publisherId?: string;
  contentId?: string;
}

/** A call as the transport sends it. */
export interface CallRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path segments below the base URL (each percent-encoded by the transport). */
  segments: string[];
}

/** What differs between the dialects, as data. */
export interface DialectTable {
  dialect: Dialect;
  /** Segments before `{session_id}` of S1–S7. */
  sessionBase: readonly string[];
  /** Segments before `{publisher_id}` of P1–P4. */
  publisherBase: readonly string[];
  /** The documented fields of each answer shape (the SDK keeps only these). */
  fields: {
    status: readonly string[];
    session: readonly string[];
    publisher: readonly string[];
    /** S1's answer object (2024 Session Participant, 2025 Session Context). */
    link: readonly string[];
    /** One entry of S5. */
    linked: readonly string[];
  };
}

const STATUS_FIELDS = ['message', 'client_id', 'app_id', 'platform_id'] as const;

/** The 2024 dialect. */
const PARTICIPANTS: DialectTable = {
  dialect: 'participants',
  sessionBase: ['upnext', 'sessions'],
  publisherBase: ['upnext', 'participants'],
  fields: {
    status: STATUS_FIELDS,
    session: ['session_id', 'client_type', 'client_id', 'created_at'],
    publisher: ['participant_id', 'client_type', 'client_id', 'created_at'],
    link: ['session_id', 'participant_id', 'app_id', 'client_id', 'created_at'],
    linked: ['participant_id', 'app_id', 'created_at'],
  },
};

/** The 2025 dialect. */
const CONTEXTS: DialectTable = {
  dialect: 'contexts',
  sessionBase: ['sessions', 'upnext'],
  publisherBase: ['contexts', 'upnext'],
  fields: {
    status: STATUS_FIELDS,
    session: ['session_id', 'client_id', 'platform_id', 'created_at'],
    publisher: ['context_id', 'app_id', 'client_id', 'created_at'],
    link: ['session_id', 'context_id', 'app_id', 'created_at'],
    linked: ['session_id', 'context_id', 'app_id', 'created_at'],
  },
};

/** The table of a dialect. */
export const dialectTable = (dialect: Dialect): DialectTable =>
  dialect === 'contexts' ? CONTEXTS : PARTICIPANTS;

const need = (value: string | undefined, name: string): string => {
  if (value === undefined) throw new TypeError(`${name} is required for this call`);
  return value;
};

/** The method and path segments of a call in a dialect. */
export function route(dialect: Dialect, call: CallName, ids: CallIds = {}): CallRoute {
  const t = dialectTable(dialect);
  const s = (): string[] => [...t.sessionBase, need(ids.sessionId, 'sessionId')];
  const p = (): string[] => [...t.publisherBase, need(ids.publisherId, 'publisherId')];
  const pub = (): string => need(ids.publisherId, 'publisherId');
  switch (call) {
    case 'createSession':
      return { method: 'POST', segments: ['sessions'] };
    case 'createPublisher':
      return { method: 'POST', segments: [publishersOf(dialect)] };
    case 'link':
      return { method: 'PUT', segments: s() };
    case 'unlink':
      return { method: 'DELETE', segments: [...s(), pub()] };
    case 'upNext':
      return { method: 'GET', segments: s() };
    case 'appList':
      return { method: 'GET', segments: [...s(), pub()] };
    case 'linked':
      return { method: 'GET', segments: [...s(), publishersOf(dialect)] };
    case 'hide':
      return { method: 'PUT', segments: [...s(), pub()] };
    case 'removeSession':
      return { method: 'DELETE', segments: s() };
    case 'putItem':
      return { method: 'PUT', segments: p() };
    case 'removeItem':
      return { method: 'DELETE', segments: [...p(), need(ids.contentId, 'contentId')] };
    case 'ownList':
      return { method: 'GET', segments: p() };
    case 'detach':
      return { method: 'DELETE', segments: [...p(), 'sessions'] };
  }
}

/** S1's body: `{app_id, participant_id}` (2024) or `{app_id, context_id}` (2025). */
export const linkBody = (
  dialect: Dialect,
  appId: string,
  publisherId: string,
): Record<string, string> => ({
  app_id: appId,
  [publisherIdField(dialect)]: publisherId,
});

/** S6's body. 2024 knows only `hide`; 2025 also `unhide`. */
export function hideBody(
  dialect: Dialect,
  contentId: string,
  action: 'hide' | 'unhide',
): { content_id: string; action: 'hide' | 'unhide' } {
  if (action === 'unhide' && dialect !== 'contexts') {
    throw new TypeError('"unhide" exists only in the contexts dialect');
  }
  return { content_id: contentId, action };
}

/** The most `limit` a list call takes: 50 for linked publishers (S5), 200 for the others. */
export const listLimit = (call: 'upNext' | 'appList' | 'linked' | 'ownList'): number =>
  call === 'linked' ? 50 : 200;
