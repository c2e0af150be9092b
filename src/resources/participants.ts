import type { Transport } from '../transport/http';
import type { PaketParticipant } from '../types';
import { createObject, type CreateOptions } from './create';

/** The publisher side: Participants. */
export interface ParticipantsResource {
  /**
   * Creates a new Participant with one `POST /v1/participants` (retried with the same
   * Idempotency-Key on transient failures). Stores nothing.
   */
  create(options?: CreateOptions): Promise<PaketParticipant>;
}

export function createParticipants(transport: Transport): ParticipantsResource {
  return {
    create: (options) =>
      createObject<PaketParticipant>(transport, 'participants', 'participant_id', options),
  };
}
