import type { Transport } from '../transport/http';
import type { PaketSession } from '../types';
import { createObject, type CreateOptions } from './create';

/** The platform side: Sessions. */
export interface SessionsResource {
  /**
   * Creates a new Session with one `POST /v1/sessions` (retried with the same
   * Idempotency-Key on transient failures). Stores nothing.
   */
  create(options?: CreateOptions): Promise<PaketSession>;
}

export function createSessions(transport: Transport): SessionsResource {
  return {
    create: (options) => createObject<PaketSession>(transport, 'sessions', 'session_id', options),
  };
}
