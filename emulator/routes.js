// The emulator's routes, both dialects (the tables of shared/spec/paket-api.md). A request's
// dialect is chosen by its path; GET /v1 and POST /v1/sessions, shared by both, answer in the
// client's dialect (see README.md). `:name` matches one path segment.

/**
 * @typedef {'participants' | 'contexts'} Dialect
 * @typedef {{ method: string, pattern: string, role: 'any' | 'platform' | 'publisher', handler: string, dialect?: Dialect }} Route
 */

/** @type {(d: Dialect, base: string, id: string) => Route[]} */
const platformRoutes = (dialect, base, id) => [
  // S5 before S4: a publisher ID spelled "participants"/"contexts" cannot be told apart.
  {
    method: 'GET',
    pattern: `${base}/:session_id/${dialect}`,
    role: 'platform',
    handler: 'listLinks',
    dialect,
  },
  { method: 'PUT', pattern: `${base}/:session_id`, role: 'platform', handler: 'link', dialect },
  {
    method: 'DELETE',
    pattern: `${base}/:session_id/:${id}`,
    role: 'platform',
    handler: 'unlink',
    dialect,
  },
  {
    method: 'DELETE',
    pattern: `${base}/:session_id`,
    role: 'platform',
    handler: 'removeSession',
    dialect,
  },
  { method: 'GET', pattern: `${base}/:session_id`, role: 'platform', handler: 'upNext', dialect },
  {
    method: 'GET',
    pattern: `${base}/:session_id/:${id}`,
    role: 'platform',
    handler: 'appList',
    dialect,
  },
  {
    method: 'PUT',
    pattern: `${base}/:session_id/:${id}`,
    role: 'platform',
    handler: 'hide',
    dialect,
  },
];

/** @type {(d: Dialect, base: string, id: string) => Route[]} */
const publisherRoutes = (dialect, base, id) => [
  { method: 'PUT', pattern: `${base}/:${id}`, role: 'publisher', handler: 'putItem', dialect },
  // P4 before P2: a content_id spelled "sessions" cannot be removed by P2.
  {
    method: 'DELETE',
    pattern: `${base}/:${id}/sessions`,
    role: 'publisher',
    handler: 'leaveSessions',
    dialect,
  },
  {
    method: 'DELETE',
    pattern: `${base}/:${id}/:content_id`,
    role: 'publisher',
    handler: 'removeItem',
    dialect,
  },
  { method: 'GET', pattern: `${base}/:${id}`, role: 'publisher', handler: 'ownList', dialect },
];

/** The routes, in match order. */
export const ROUTES = /** @type {Route[]} */ ([
  { method: 'GET', pattern: '/v1', role: 'any', handler: 'status' },
  { method: 'POST', pattern: '/v1/sessions', role: 'platform', handler: 'createSession' },
  {
    method: 'POST',
    pattern: '/v1/participants',
    role: 'publisher',
    handler: 'createPublisher',
    dialect: 'participants',
  },
  {
    method: 'POST',
    pattern: '/v1/contexts',
    role: 'publisher',
    handler: 'createPublisher',
    dialect: 'contexts',
  },
  ...platformRoutes('participants', '/v1/upnext/sessions', 'participant_id'),
  ...publisherRoutes('participants', '/v1/upnext/participants', 'participant_id'),
  ...platformRoutes('contexts', '/v1/sessions/upnext', 'context_id'),
  ...publisherRoutes('contexts', '/v1/contexts/upnext', 'context_id'),
]);

/**
 * @param {string} method
 * @param {string} pathname
 * @returns {{ route: Route, params: Record<string, string> } | 'bad-encoding' | undefined}
 */
export function matchRoute(method, pathname) {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const params = matchPattern(route.pattern, pathname);
    if (params) return params === 'bad-encoding' ? params : { route, params };
  }
  return undefined;
}

/** True when some route has this path (then a wrong method is a 405). @param {string} pathname */
export function knownPath(pathname) {
  return ROUTES.some((r) => matchPattern(r.pattern, pathname) !== undefined);
}

/**
 * @param {string} pattern
 * @param {string} pathname
 * @returns {Record<string, string> | 'bad-encoding' | undefined}
 */
function matchPattern(pattern, pathname) {
  const want = pattern.split('/');
  const got = pathname.replace(/\/+$/, '').split('/');
  if (want.length !== got.length) return undefined;
  /** @type {Record<string, string>} */
  const params = Object.create(null);
  for (let i = 0; i < want.length; i++) {
    const w = /** @type {string} */ (want[i]);
    const g = /** @type {string} */ (got[i]);
    if (w.startsWith(':')) {
      try {
        params[w.slice(1)] = decodeURIComponent(g);
      } catch {
        return 'bad-encoding';
      }
    } else if (w !== g) return undefined;
  }
  return params;
}
