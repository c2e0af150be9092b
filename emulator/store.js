// The emulator's state: in memory, optionally persisted to a JSON file after each change.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { sampleItems } from './samples.js';

/**
 * @typedef {{ session_id: string, client_type: 'platform', client_id: string, created_at: string }} Session
 * @typedef {{ participant_id: string, client_type: 'publisher', client_id: string, created_at: string }} Participant
 * @typedef {{ app_id: string, participant_id: string, session_id: string, client_id: string, created_at: string }} Link
 * @typedef {{ fingerprint: string, state: 'in-flight' | 'done', created: number, status?: number, body?: unknown }} IdempotencyRecord
 * @typedef {{ sessions: Record<string, Session & { removed?: boolean }>, participants: Record<string, Participant>, items: Record<string, Record<string, unknown>[]>, links: Record<string, Link[]>, idempotency: Record<string, IdempotencyRecord> }} State
 */

/** @returns {State} */
function empty() {
  return { sessions: {}, participants: {}, items: {}, links: {}, idempotency: {} };
}

/** @param {string | undefined} file */
export function createStore(file) {
  /** @type {State} */
  let state = empty();
  if (file && existsSync(file)) {
    state = { ...empty(), ...JSON.parse(readFileSync(file, 'utf8')) };
    // A request in flight when the process stopped never finished.
    for (const [key, record] of Object.entries(state.idempotency)) {
      if (record.state === 'in-flight') delete state.idempotency[key];
    }
  }

  return {
    save() {
      if (!file) return;
      writeFileSync(`${file}.tmp`, JSON.stringify(state));
      renameSync(`${file}.tmp`, file);
    },
    clear() {
      state = empty();
      this.save();
    },
    snapshot: () => /** @type {State} */ (JSON.parse(JSON.stringify(state))),

    /**
     * @param {string} key
     * @param {number} notBefore records created earlier have expired
     */
    getIdempotency(key, notBefore) {
      const record = state.idempotency[key];
      if (record && record.created < notBefore) {
        delete state.idempotency[key];
        return undefined;
      }
      return record;
    },
    /** @param {string} key @param {string} fingerprint @param {number} at */
    beginIdempotency(key, fingerprint, at) {
      state.idempotency[key] = { fingerprint, state: 'in-flight', created: at };
    },
    /** @param {string} key @param {number} status @param {unknown} body */
    commitIdempotency(key, status, body) {
      const record = state.idempotency[key];
      if (record) Object.assign(record, { state: 'done', status, body });
    },
    /** @param {string} key */
    abortIdempotency(key) {
      delete state.idempotency[key];
    },

    /** @param {string} clientId @param {string} id @param {string} at */
    createSession(clientId, id, at) {
      /** @type {Session} */
      const session = {
        session_id: id,
        client_type: 'platform',
        client_id: clientId,
        created_at: at,
      };
      state.sessions[id] = session;
      return session;
    },
    /** @param {string} clientId @param {string} id @param {string} at @param {string} origin */
    createParticipant(clientId, id, at, origin) {
      /** @type {Participant} */
      const participant = {
        participant_id: id,
        client_type: 'publisher',
        client_id: clientId,
        created_at: at,
      };
      state.participants[id] = participant;
      state.items[id] = sampleItems(Object.keys(state.participants).length - 1, origin, at);
      return participant;
    },
    /** @param {string} id */
    participant: (id) => state.participants[id],
    /** A live session of this client. @param {string} clientId @param {string} id */
    ownedSession(clientId, id) {
      const s = state.sessions[id];
      return s && !s.removed && s.client_id === clientId ? s : undefined;
    },
    /** A session that belongs to another client. @param {string} clientId @param {string} id */
    foreignSession(clientId, id) {
      const s = state.sessions[id];
      return Boolean(s && s.client_id !== clientId);
    },
    /**
     * Adds or updates a link; returns it.
     * @param {string} sessionId @param {string} clientId @param {string} appId @param {string} participantId @param {string} at
     */
    link(sessionId, clientId, appId, participantId, at) {
      const links = (state.links[sessionId] ??= []);
      const existing = links.find((l) => l.participant_id === participantId);
      if (existing) return existing;
      /** @type {Link} */
      const link = {
        app_id: appId,
        participant_id: participantId,
        session_id: sessionId,
        client_id: clientId,
        created_at: at,
      };
      links.push(link);
      return link;
    },
    /** @param {string} sessionId @param {string} participantId */
    unlink(sessionId, participantId) {
      const links = state.links[sessionId];
      if (links) state.links[sessionId] = links.filter((l) => l.participant_id !== participantId);
    },
    /** @param {string} sessionId */
    removeSession(sessionId) {
      const s = state.sessions[sessionId];
      if (s) s.removed = true;
      delete state.links[sessionId];
    },
    /** @param {string} sessionId */
    links: (sessionId) => state.links[sessionId] ?? [],
    /** Every linked participant's visible items, newest first. @param {string} sessionId */
    upNext(sessionId) {
      /** @type {Record<string, unknown>[]} */
      const out = [];
      for (const link of state.links[sessionId] ?? []) {
        for (const item of state.items[link.participant_id] ?? []) {
          out.push({ ...item, app_id: link.app_id, participant_id: link.participant_id });
        }
      }
      return out.sort((a, b) => String(b.updated_at).localeCompare(String(a.updated_at)));
    },
    /** @param {string} participantId @param {Record<string, unknown>} item @param {string} at */
    addItem(participantId, item, at) {
      const items = (state.items[participantId] ??= []);
      const updated = { hidden: false, ...item, updated_at: at };
      const index = items.findIndex((i) => i.content_id === item.content_id);
      if (index >= 0) items[index] = updated;
      else items.push(updated);
    },
  };
}
