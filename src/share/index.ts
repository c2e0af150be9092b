// The `paket-tv-sdk/share` entry: the hand-off of a publisher's Participant (or Context) ID
// to the platform app on the same TV. Its own chunk: the main entry never imports it.

export { shareParticipant, shareProfile } from './publisher.js';
export type { ShareResult, ShareOptions, SharingPublisher } from './publisher.js';
export { receiveShares, linkShares } from './platform.js';
export type { ReceiveOptions, UnattestedPolicy, SharingPlatform } from './platform.js';
export { claimOf } from './claim.js';
export {
  encodeShare,
  decodeShare,
  encodeAck,
  decodeAck,
  createReplayGuard,
  SHARE_VERSION,
  MAX_WIRE_BYTES,
  DEFAULT_WINDOW_MS,
} from './codec.js';
export type { ShareMessage, ShareAck, ReplayGuard } from './codec.js';
export { isId } from './ids.js';
export { PaketShareError } from './errors.js';
export type { ShareFailure } from './errors.js';
export type {
  ShareClaim,
  Sender,
  SharePlatform,
  IncomingShare,
  ShareStatus,
  ShareChannel,
} from './types.js';
export { tizenChannel, SHARE_OPERATION } from './tizen.js';
export type { TizenChannelOptions } from './tizen.js';
export { webosChannel } from './webos.js';
export type { WebosChannelOptions } from './webos.js';
export { fireboltChannel } from './firebolt.js';
export type { FireboltChannelOptions, FireboltTransport } from './firebolt.js';
export { webChannel } from './web.js';
export type { WebChannelOptions } from './web.js';
export { detectChannel } from './detect.js';
export type { DetectOptions } from './detect.js';
