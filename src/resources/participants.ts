import type { Dialect } from '../transport/dialect.js';
import type { PaketContext, PaketParticipant } from '../types.js';
import type { IdentityResource } from './identity.js';

/** The publisher side: one Participant per profile. */
export type ParticipantsResource<D extends Dialect = 'participants'> = IdentityResource<
  [D] extends ['contexts'] ? PaketContext : PaketParticipant
>;
