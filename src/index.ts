// The public API of paket-tv-sdk. Everything a user may import is exported here, by name.

export { createPaketClient, DEFAULT_BASE_URL } from './client.js';
export type { PaketClient, PaketClientOptions } from './client.js';
export type { PaketLink, SessionsResource } from './resources/sessions.js';
export type { ParticipantsResource } from './resources/participants.js';
export type { PaketItemAction, PaketItemInput } from './resources/publisher/item.js';
export type { HideInput } from './resources/hides.js';
export type {
  PlaybackOptions,
  PlaybackTracker,
  StartingTracker,
  TrackedMedia,
  TrackedTitle,
} from './resources/publisher/playback.js';
export type { CreateOptions } from './resources/create.js';
export type { IdentityResource } from './resources/identity.js';
export type { FlushResult, LinkInput, LinkOptions, QueuedOperation } from './resources/links.js';
export type { PaketCredentials, CredentialsOption, RetryOptions } from './transport/http.js';
export type { Dialect } from './transport/dialect.js';
export type { OutboxOperation, PaketEvent, PaketEventHandler } from './events.js';
export type {
  PaketStatus,
  PaketSession,
  PaketParticipant,
  PaketContext,
  PaketSessionParticipant,
  PaketSessionContext,
  PaketLinkedParticipant,
  PaketListItem,
  PaketListPage,
} from './types.js';
export { PaketError } from './errors/PaketError.js';
export { PaketHttpError } from './errors/PaketHttpError.js';
export { PaketNetworkError } from './errors/PaketNetworkError.js';
export { PaketTimeoutError } from './errors/PaketTimeoutError.js';
export { PaketInputError } from './errors/PaketInputError.js';
export { PaketStorageError } from './errors/PaketStorageError.js';
export type { PaketStorageFailure } from './errors/PaketStorageError.js';
export type { StorageAdapter, StorageKind } from './storage/adapter.js';
