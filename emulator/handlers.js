// What each route does, in the dialect of the request (see routes.js and README.md).
import { randomInt, randomUUID } from 'node:crypto';
import { errorReply } from './http.js';
import { checkItem, listItem } from './items.js';
import { pageParams, paginate } from './paging.js';

/**
 * @typedef {import('./store.js').Dialect} Dialect
 * @typedef {import('./http.js').Reply} Reply
 * @typedef {{ username: string, secret: string, client_id: string, type: 'platform' | 'publisher', platform_id: string, app_id: string, dialect: Dialect, requireSignature?: boolean }} Client
 * @typedef {{ store: import('./store.js').Store, origin: () => string, appIdOf: (clientId: string) => string, linkResponse: 'object' | 'message', nextKey: import('./paging.js').NextKeyKind }} Context
 */

/** A 2025-style ID: a prefix and 18 digits. @param {'SN' | 'CX'} prefix */
function prefixedId(prefix) {
  let digits = String(randomInt(1, 10));
  for (let i = 0; i < 17; i++) digits += String(randomInt(0, 10));
  return prefix + digits;
}

/** @param {unknown} value @returns {value is string} */
export function validId(value) {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= 255 &&
    !value.includes('/') &&
    value !== '.' &&
    value !== '..'
  );
}

const noSession = () => errorReply(404, 'no such session');
const noPublisher = (/** @type {Dialect} */ d) =>
  errorReply(404, d === 'contexts' ? 'no such context' : 'no such participant');
const success = () => ({ status: 200, body: { message: 'Success' } });
/** @param {{ field: string, message: string }} p */
const invalid = (p) =>
  errorReply(400, p.message, p.field === 'body' ? 'invalid_request' : 'invalid_field');

/**
 * Runs one route's handler.
 * @param {Context} ctx
 * @param {string} name
 * @param {{ client: Client, dialect: Dialect, params: Record<string, string>, url: URL, body: unknown, at: string }} req
 * @returns {Reply}
 */
export function runHandler(ctx, name, req) {
  const { store } = ctx;
  const { client, dialect, params, url, body, at } = req;
  for (const [param, value] of Object.entries(params)) {
    if (!validId(value)) return errorReply(400, `invalid ${param}`, 'invalid_field');
  }
  const idField = dialect === 'contexts' ? 'context_id' : 'participant_id';
  const sid = params.session_id ?? '';
  const pid = params[idField] ?? '';
  /** The App ID a dialect shows for a publisher: 2024 its client ID, 2025 its App ID. */
  const appIdFor = (/** @type {import('./store.js').Publisher} */ p) =>
    dialect === 'contexts' ? p.app_id : p.client_id;
  /** A publisher ID this publisher client may write to. */
  const ownPublisher = () => {
    const p = store.publisher(pid, ctx.appIdOf);
    if (!p) return undefined;
    const mine =
      p.client_id === client.client_id || (dialect === 'contexts' && p.app_id === client.app_id);
    return mine ? p : undefined;
  };
  /** Items as the platform lists show them. @param {import('./store.js').Link[]} links */
  const platformItems = (links) => {
    /** @type {Record<string, unknown>[]} */
    const out = [];
    for (const link of links) {
      const p = store.publisher(link.participant_id, ctx.appIdOf);
      const appId = p ? appIdFor(p) : link.app_id;
      for (const item of store.items(link.participant_id)) {
        out.push(
          listItem(item, {
            dialect,
            publisherId: link.participant_id,
            appId,
            origin: ctx.origin(),
            platform: true,
          }),
        );
      }
    }
    return out.sort((a, b) => String(b.updated_at).localeCompare(String(a.updated_at)));
  };
  /** @param {unknown[]} all @param {number} max */
  const list = (all, max) => {
    const page = pageParams(url, max, ctx.nextKey);
    if ('field' in page) return invalid(page);
    return { status: 200, body: paginate(all, page, ctx.nextKey) };
  };
  const input = /** @type {Record<string, unknown>} */ (
    body && typeof body === 'object' && !Array.isArray(body) ? body : {}
  );

  switch (name) {
    case 'status': {
      /** @type {Record<string, string>} */
      const out = { message: 'The API is healthy!', client_id: client.client_id };
      if (dialect === 'contexts') {
        if (client.type === 'platform') out.platform_id = client.platform_id;
        else out.app_id = client.app_id;
      }
      return { status: 200, body: out };
    }
    case 'createSession': {
      const session =
        dialect === 'contexts'
          ? {
              session_id: prefixedId('SN'),
              client_id: client.client_id,
              platform_id: client.platform_id,
              created_at: at,
            }
          : {
              session_id: randomUUID(),
              client_type: /** @type {const} */ ('platform'),
              client_id: client.client_id,
              created_at: at,
            };
      return { status: 200, body: { ...store.addSession(session) } };
    }
    case 'createPublisher': {
      const id = dialect === 'contexts' ? prefixedId('CX') : randomUUID();
      const made = store.addPublisher(
        dialect,
        { id, client_id: client.client_id, app_id: client.app_id, created_at: at },
        ctx.origin(),
      );
      return { status: 200, body: { ...made } };
    }
    case 'link': {
      const session = store.ownedSession(client.client_id, sid);
      if (!session) return noSession();
      const appId = input.app_id;
      const publisherId = input[idField];
      if (!validId(appId)) return errorReply(400, 'app_id must be a string ID', 'invalid_field');
      if (!validId(publisherId)) {
        return errorReply(400, `${idField} must be a string ID`, 'invalid_field');
      }
      const publisher = store.publisher(publisherId, ctx.appIdOf);
      if (!publisher) return noPublisher(dialect);
      if (appIdFor(publisher) !== appId) {
        return errorReply(
          400,
          dialect === 'contexts'
            ? 'app_id is not the App ID of this context'
            : 'app_id is not the client ID of the publisher that owns this participant',
          'app_id_mismatch',
        );
      }
      const link = store.link(session.session_id, client.client_id, appId, publisherId, at);
      if (dialect === 'contexts') {
        return {
          status: 200,
          body: {
            session_id: link.session_id,
            context_id: link.participant_id,
            app_id: link.app_id,
            created_at: link.created_at,
          },
        };
      }
      return ctx.linkResponse === 'message' ? success() : { status: 200, body: { ...link } };
    }
    case 'unlink':
    case 'removeSession': {
      if (store.foreignSession(client.client_id, sid)) return noSession();
      if (name === 'unlink') store.unlink(sid, pid);
      else store.removeSession(sid);
      return { status: 204 };
    }
    case 'listLinks': {
      const session = store.ownedSession(client.client_id, sid);
      if (!session) return noSession();
      const all = store.links(session.session_id).map((l) =>
        dialect === 'contexts'
          ? {
              session_id: l.session_id,
              context_id: l.participant_id,
              app_id: l.app_id,
              created_at: l.created_at,
            }
          : { participant_id: l.participant_id, app_id: l.app_id, created_at: l.created_at },
      );
      return list(all, 50);
    }
    case 'upNext': {
      const session = store.ownedSession(client.client_id, sid);
      if (!session) return noSession();
      return list(platformItems(store.links(session.session_id)), 200);
    }
    case 'appList': {
      const session = store.ownedSession(client.client_id, sid);
      if (!session) return noSession();
      const link = store.findLink(session.session_id, pid);
      if (!link) return errorReply(404, `${idField} is not linked to this session`);
      return list(platformItems([link]), 200);
    }
    case 'hide': {
      const session = store.ownedSession(client.client_id, sid);
      if (!session) return noSession();
      if (!store.findLink(session.session_id, pid)) {
        return errorReply(404, `${idField} is not linked to this session`);
      }
      const actions = dialect === 'contexts' ? ['hide', 'unhide'] : ['hide'];
      if (!validId(input.content_id)) {
        return errorReply(400, 'content_id must be a string ID', 'invalid_field');
      }
      if (!actions.includes(/** @type {string} */ (input.action))) {
        return errorReply(400, `action must be ${actions.join(' or ')}`, 'invalid_field');
      }
      const hidden = input.action === 'hide';
      if (!store.setHidden(pid, input.content_id, hidden)) return errorReply(404, 'no such item');
      store.webhook({
        event: hidden ? 'item_hidden' : 'item_unhidden',
        publisher_id: pid,
        session_id: session.session_id,
        content_id: input.content_id,
        at,
      });
      return success();
    }
    case 'putItem': {
      const publisher = ownPublisher();
      if (!publisher) return noPublisher(dialect);
      const checked = checkItem(body, dialect);
      if ('field' in checked) return invalid(checked);
      store.putItem(publisher.id, checked.item, at);
      return dialect === 'contexts' ? { status: 204 } : success();
    }
    case 'removeItem': {
      const publisher = ownPublisher();
      if (!publisher) return noPublisher(dialect);
      store.removeItem(publisher.id, params.content_id ?? '');
      return { status: 204 };
    }
    case 'leaveSessions': {
      const publisher = ownPublisher();
      if (!publisher) return noPublisher(dialect);
      store.detach(publisher.id);
      return { status: 204 };
    }
    case 'ownList': {
      const publisher = ownPublisher();
      if (!publisher) return noPublisher(dialect);
      const all = store.items(publisher.id).map((item) =>
        listItem(item, {
          dialect,
          publisherId: publisher.id,
          appId: appIdFor(publisher),
          origin: ctx.origin(),
          platform: false,
        }),
      );
      return list(all, 200);
    }
    default:
      return errorReply(500, 'unknown handler');
  }
}
