// The public API of paket-tv-sdk. Everything a user may import is exported here, by name.

export { createPaketClient, DEFAULT_BASE_URL } from './client';
export type { PaketClient, PaketClientOptions } from './client';
export type { SessionsResource } from './resources/sessions';
export type { ParticipantsResource } from './resources/participants';
export type { CreateOptions } from './resources/create';
export type { IdentityResource } from './resources/identity';
export type { FlushResult, LinkInput, QueuedOperation } from './resources/links';
export type { PaketCredentials, CredentialsOption, RetryOptions } from './transport/http';
export type { PaketEvent, PaketEventHandler } from './events';
export type {
  PaketStatus,
  PaketSession,
  PaketParticipant,
  PaketSessionParticipant,
  PaketLinkedParticipant,
  PaketListItem,
  PaketListPage,
} from './types';
export { PaketError } from './errors/PaketError';
export { PaketHttpError } from './errors/PaketHttpError';
export { PaketNetworkError } from './errors/PaketNetworkError';
export { PaketTimeoutError } from './errors/PaketTimeoutError';
export { PaketInputError } from './errors/PaketInputError';
export { PaketStorageError } from './errors/PaketStorageError';
export type { PaketStorageFailure } from './errors/PaketStorageError';
export type { StorageAdapter, StorageKind } from './storage/adapter';
