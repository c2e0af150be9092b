import type { Dialect } from './dialect.js';
import { hashText } from './hash.js';

/** `true` for a test secret (Paket's test secrets start with `test_sk`). */
export const isTestSecret = (secret: string): boolean => secret.indexOf('test_sk') === 0;

/**
 * The name under which a client's stored records are kept: a short opaque hash of the base
 * URL (origin and path), the API username, the dialect and whether the secret is a test one.
 * Records of test and live secrets, of two clients, of two API hosts or of the two dialects
 * never mix, and neither the secret nor the username is written to storage. Pure and
 * synchronous, so the storage layer can compute it (and remember it) without calling the
 * credentials function.
 */
export function namespaceOf(
  baseUrl: string,
  username: string,
  dialect: Dialect,
  isTest: boolean,
): string {
  return hashText(`${baseUrl}\n${username}\n${dialect}\n${isTest ? 'test' : 'live'}`);
}

/**
 * The namespace of SDK versions up to 0.1.0 (base URL and username only), so the storage
 * layer can find and migrate records written before the dialect and test/live split.
 */
export const legacyNamespaceOf = (baseUrl: string, username: string): string =>
  hashText(`${baseUrl}\n${username}`);
