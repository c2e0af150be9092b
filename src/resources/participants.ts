import type { PaketParticipant } from '../types.js';
import type { IdentityResource } from './identity.js';

/** The publisher side: one Participant per profile. */
export type ParticipantsResource = IdentityResource<PaketParticipant>;
