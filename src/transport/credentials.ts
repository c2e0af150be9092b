// The credentials' shape, checked where they are given (the client's option, or each answer
// of a credentials function).
import { PaketInputError } from '../errors/PaketInputError.js';

/** API credentials: the client's API Username and API Secret Key. */
export interface PaketCredentials {
  username: string;
  password: string;
}

/** Credentials, or an async function returning them (asked again after a 401). */
export type CredentialsOption =
  PaketCredentials | (() => PaketCredentials | Promise<PaketCredentials>);

/**
 * `value` when it is `{ username, password }` with non-empty strings (and no `:` in the
 * username), else a `PaketInputError` naming the field. `fromOption`: the object given to
 * `createPaketClient`, whose getters may throw.
 */
export function checkCredentials(value: unknown, fromOption: boolean): PaketCredentials {
  const where = fromOption ? 'credentials' : 'credentials()';
  let username: unknown;
  let password: unknown;
  try {
    if (!value || typeof value !== 'object') {
      throw new PaketInputError(where, 'must be { username, password }');
    }
    username = (value as PaketCredentials).username;
    password = (value as PaketCredentials).password;
  } catch (error) {
    if (error instanceof PaketInputError) throw error;
    throw new PaketInputError(where, 'could not be read');
  }
  if (typeof username !== 'string' || username === '') {
    throw new PaketInputError(`${where}.username`, 'must be a non-empty string');
  }
  if (username.indexOf(':') !== -1) {
    throw new PaketInputError(`${where}.username`, 'must not contain ":"');
  }
  if (typeof password !== 'string' || password === '') {
    throw new PaketInputError(`${where}.password`, 'must be a non-empty string');
  }
  return { username, password };
}
