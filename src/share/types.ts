// The types shared by the share core and its adapters.

/** What a publisher hands to the platform: the body of `sessions.link()`. */
export interface ShareClaim {
  /** The publisher's Paket `app_id` (its API client ID). */
  appId: string;
  /** The profile's Participant ID (2024 dialect) or Context ID (2025 dialect). A bearer secret. */
  participantId: string;
}

/** The platforms an adapter speaks to. */
export type SharePlatform = 'tizen' | 'webos' | 'firebolt' | 'web';

/** Who sent a message, as far as the platform can tell. */
export interface Sender {
  platform: SharePlatform;
  /** The sender's app ID (Tizen, Firebolt) or origin (web); `null` when the platform does not say. */
  id: string | null;
  /** `true` when the platform itself vouches for `id` (Tizen system check, browser origin, distributor). */
  attested: boolean;
}

/** A share that passed every check on the platform side. */
export interface IncomingShare extends ShareClaim {
  from: Sender;
  nonce: string;
  /** The sender's clock at sending, ms since 1970. */
  sentAt: number;
}

/** What became of a share at the platform: linked, kept in the outbox, or refused. */
export type ShareStatus = 'linked' | 'queued' | 'refused';

/** The transport an adapter implements: one string out, maybe one string back. */
export interface ShareChannel {
  readonly platform: SharePlatform;
  /**
   * Publisher side: delivers `wire` and resolves with the platform's acknowledgement, or
   * `undefined` when the platform has no reply path (webOS, URL launch). `accepts` tells a
   * reply to this message from other traffic. Rejects with a `PaketShareError`.
   */
  send(
    wire: string,
    options: { timeoutMs: number; accepts(ack: string): boolean },
  ): Promise<string | undefined>;
  /**
   * Platform side: calls `on` for every message received, including one that came with the
   * app's launch. `reply`, when present, answers the sender. Returns a function that stops.
   */
  listen(on: (wire: string, from: Sender, reply?: (ack: string) => void) => void): () => void;
}
