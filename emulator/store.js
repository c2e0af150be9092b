// The emulator's state: in memory, optionally persisted to a JSON file after each change.
// One store serves both dialects: a publisher ID (2024 Participant or 2025 Context) and a
// Session are usable from either dialect's paths; only the answers' shapes differ.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { sampleItems } from './samples.js';

/**
 * @typedef {'participants' | 'contexts'} Dialect
 * @typedef {{ session_id: string, client_id: string, created_at: string, client_type?: 'platform', platform_id?: string, removed?: boolean }} Session
 * @typedef {{ participant_id: string, client_type: 'publisher', client_id: string, created_at: string, app_id?: string }} Participant
 *   `app_id` here is the creating client's 2025 App ID (kept so a 2025 link can check it).
 * @typedef {{ context_id: string, client_id: string, app_id: string, created_at: string }} Context
 * @typedef {{ id: string, client_id: string, app_id: string, created_at: string }} Publisher
 * @typedef {{ app_id: string, participant_id: string, session_id: string, client_id: string, created_at: string }} Link
 *   `participant_id` is the publisher ID in both dialects; `app_id` is the one the link was made with.
 * @typedef {{ fingerprint: string, state: 'in-flight' | 'done', created: number, status?: number, body?: unknown }} IdempotencyRecord
 * @typedef {{ event: 'item_hidden' | 'item_unhidden', publisher_id: string, session_id: string, content_id: string, at: string }} Webhook
 * @typedef {{ sessions: Record<string, Session>, participants: Record<string, Participant>, contexts: Record<string, Context>, items: Record<string, Record<string, unknown>[]>, links: Record<string, Link[]>, idempotency: Record<string, IdempotencyRecord>, webhooks: Webhook[] }} State
 */

/** @returns {State} */
function empty() {
  return {
    sessions: {},
    participants: {},
    contexts: {},
    items: {},
    links: {},
    idempotency: {},
    webhooks: [],
  };
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
  const own = (/** @type {object} */ o, /** @type {string} */ k) =>
    Object.prototype.hasOwnProperty.call(o, k);

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
      const record = own(state.idempotency, key) ? state.idempotency[key] : undefined;
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

    /** @param {Session} session */
    addSession(session) {
      state.sessions[session.session_id] = session;
      return session;
    },
    /**
     * A new publisher ID, with sample items so a linked Session shows a filled row.
     * @param {Dialect} dialect
     * @param {{ id: string, client_id: string, app_id: string, created_at: string }} p
     * @param {string} origin
     */
    addPublisher(dialect, p, origin) {
      const ordinal = Object.keys(state.participants).length + Object.keys(state.contexts).length;
      state.items[p.id] = sampleItems(ordinal, origin, p.created_at);
      if (dialect === 'contexts') {
        /** @type {Context} */
        const context = {
          context_id: p.id,
          client_id: p.client_id,
          app_id: p.app_id,
          created_at: p.created_at,
        };
        state.contexts[p.id] = context;
        return context;
      }
      /** @type {Participant} */
      const participant = {
        participant_id: p.id,
        client_type: 'publisher',
        client_id: p.client_id,
        created_at: p.created_at,
      };
      state.participants[p.id] = participant;
      return participant;
    },
    /**
     * A publisher ID of either dialect, with the App ID of the client that made it.
     * @param {string} id
     * @param {(clientId: string) => string} appIdOf the 2025 App ID of a client
     * @returns {Publisher | undefined}
     */
    publisher(id, appIdOf) {
      if (own(state.contexts, id)) {
        const c = /** @type {Context} */ (state.contexts[id]);
        return { id, client_id: c.client_id, app_id: c.app_id, created_at: c.created_at };
      }
      if (own(state.participants, id)) {
        const p = /** @type {Participant} */ (state.participants[id]);
        return {
          id,
          client_id: p.client_id,
          app_id: appIdOf(p.client_id),
          created_at: p.created_at,
        };
      }
      return undefined;
    },
    /** A live session of this client. @param {string} clientId @param {string} id */
    ownedSession(clientId, id) {
      const s = own(state.sessions, id) ? state.sessions[id] : undefined;
      return s && !s.removed && s.client_id === clientId ? s : undefined;
    },
    /** A session that belongs to another client. @param {string} clientId @param {string} id */
    foreignSession(clientId, id) {
      const s = own(state.sessions, id) ? state.sessions[id] : undefined;
      return Boolean(s && s.client_id !== clientId);
    },
    /**
     * Adds a link, or returns the one already there.
     * @param {string} sessionId @param {string} clientId @param {string} appId @param {string} publisherId @param {string} at
     */
    link(sessionId, clientId, appId, publisherId, at) {
      const links = own(state.links, sessionId)
        ? /** @type {Link[]} */ (state.links[sessionId])
        : (state.links[sessionId] = []);
      const existing = links.find((l) => l.participant_id === publisherId);
      if (existing) return existing;
      /** @type {Link} */
      const link = {
        app_id: appId,
        participant_id: publisherId,
        session_id: sessionId,
        client_id: clientId,
        created_at: at,
      };
      links.push(link);
      return link;
    },
    /** @param {string} sessionId @param {string} publisherId */
    unlink(sessionId, publisherId) {
      const links = own(state.links, sessionId) ? state.links[sessionId] : undefined;
      if (links) state.links[sessionId] = links.filter((l) => l.participant_id !== publisherId);
    },
    /** P4: the publisher leaves every Session. @param {string} publisherId */
    detach(publisherId) {
      for (const [sid, links] of Object.entries(state.links)) {
        state.links[sid] = links.filter((l) => l.participant_id !== publisherId);
      }
    },
    /** @param {string} sessionId */
    removeSession(sessionId) {
      const s = own(state.sessions, sessionId) ? state.sessions[sessionId] : undefined;
      if (s) s.removed = true;
      delete state.links[sessionId];
    },
    /** @param {string} sessionId @returns {Link[]} */
    links: (sessionId) => (own(state.links, sessionId) ? (state.links[sessionId] ?? []) : []),
    /** @param {string} sessionId @param {string} publisherId */
    findLink(sessionId, publisherId) {
      return this.links(sessionId).find((l) => l.participant_id === publisherId);
    },
    /** A publisher's stored items, newest first. @param {string} publisherId */
    items(publisherId) {
      const items = own(state.items, publisherId) ? (state.items[publisherId] ?? []) : [];
      return [...items].sort((a, b) => String(b.updated_at).localeCompare(String(a.updated_at)));
    },
    /**
     * P1: an upsert by content_id. An update keeps a platform's `hidden` unless the item sets it.
     * @param {string} publisherId @param {Record<string, unknown>} item @param {string} at
     */
    putItem(publisherId, item, at) {
      const items = own(state.items, publisherId)
        ? /** @type {Record<string, unknown>[]} */ (state.items[publisherId])
        : (state.items[publisherId] = []);
      const index = items.findIndex((i) => i.content_id === item.content_id);
      const hidden =
        index >= 0 ? /** @type {Record<string, unknown>} */ (items[index]).hidden : false;
      const updated = { hidden, ...item, updated_at: at };
      if (index >= 0) items[index] = updated;
      else items.push(updated);
    },
    /** P2. @param {string} publisherId @param {string} contentId */
    removeItem(publisherId, contentId) {
      const items = own(state.items, publisherId) ? state.items[publisherId] : undefined;
      if (items) state.items[publisherId] = items.filter((i) => i.content_id !== contentId);
    },
    /**
     * S6: hides or unhides an item; false when the publisher has no such item.
     * @param {string} publisherId @param {string} contentId @param {boolean} hidden
     */
    setHidden(publisherId, contentId, hidden) {
      const items = own(state.items, publisherId) ? (state.items[publisherId] ?? []) : [];
      const item = items.find((i) => i.content_id === contentId);
      if (!item) return false;
      item.hidden = hidden;
      return true;
    },
    /** @param {Webhook} event */
    webhook(event) {
      state.webhooks.push(event);
      if (state.webhooks.length > 1000) state.webhooks.splice(0, state.webhooks.length - 1000);
    },
  };
}

/** @typedef {ReturnType<typeof createStore>} Store */
