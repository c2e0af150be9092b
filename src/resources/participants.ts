import type { PaketParticipant } from '../types';
import type { IdentityResource } from './identity';

/** The publisher side: one Participant per profile. */
export type ParticipantsResource = IdentityResource<PaketParticipant>;
