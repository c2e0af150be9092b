// The transport as the start-up code holds it: the dialect, the base URL and the
// namespace of static credentials answer here, while ky, the HTTP client, signing and
// retries (http.ts) load on the first request. A warm start, which sends none, never
// downloads or parses them.
import { loadOnce } from '../load-once.js';
import type { Dialect } from './dialect.js';
import { checkCredentials } from './credentials.js';
import type { Transport, TransportConfig } from './http.js';
import { isTestSecret, legacyNamespaceOf, namespaceOf } from './namespace.js';

/** A {@link Transport} whose HTTP code loads on first use. */
export function createLazyTransport(config: TransportConfig & { dialect: Dialect }): Transport {
  const load = loadOnce(() => import('./http.js').then((m) => m.createTransport(config)));
  const { credentials, baseUrl, dialect } = config;
  // Static credentials name their records without any I/O.
  const fixed = typeof credentials === 'function' ? undefined : checkCredentials(credentials, true);
  return {
    dialect,
    baseUrl,
    request: async (spec) => (await load()).request(spec),
    preload: () => void load().catch(() => undefined),
    namespace: async () =>
      fixed
        ? namespaceOf(baseUrl, fixed.username, dialect, isTestSecret(fixed.password))
        : (await load()).namespace(),
    legacyNamespace: async () =>
      fixed
        ? dialect === 'participants'
          ? legacyNamespaceOf(baseUrl, fixed.username)
          : undefined
        : (await load()).legacyNamespace(),
  };
}
