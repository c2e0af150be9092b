import type { PaketSession } from '../types';
import type { IdentityResource } from './identity';

/** The platform side: one Session per profile. */
export type SessionsResource = IdentityResource<PaketSession>;
