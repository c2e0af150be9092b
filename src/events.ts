/**
 * Everything the SDK reports through the `onEvent` option. Events carry no credential.
 * The union grows with new features; switch on `type` and ignore what you do not know.
 */
export type PaketEvent =
  | {
      /** An attempt of an API call is about to be sent. */
      type: 'request';
      method: string;
      path: string;
      /** 0 for the first attempt, 1 for the first retry, and so on. */
      attempt: number;
      /** Test credentials: a `test_sk` secret, or an earlier answer with `Paket-Response-Type: Test`. */ test?: true;
    }
  | {
      /** An attempt failed; after the backoff, attempt number `attempt` is being sent. */
      type: 'retry';
      method: string;
      path: string;
      attempt: number;
      /** `HTTP 503`, `timeout`, `network error`… */
      reason: string;
    }
  | {
      /** The storage backend was chosen; `reason` says why when it is a fallback. */
      type: 'storage';
      kind: 'indexeddb' | 'localStorage' | 'memory' | 'custom';
      reason?: string;
    }
  | {
      /** A storage call failed (`reason`: timeout, quota, unavailable, error, mirror). */
      type: 'storageError';
      operation: string;
      reason: string;
      backend: string;
    }
  | {
      /** A stored record was unreadable or not the SDK's, and was discarded. */
      type: 'recordDiscarded';
      kind: 'session' | 'participant' | 'outbox' | 'linked';
      /** Empty for the outbox, which is shared by all profiles. */
      profileId: string;
    }
  | {
      /** An operation (a link, an unlink, a Session's removal) was written to the outbox. */
      type: 'outboxQueued';
      /** The operation's ID (as `pending()` lists it). */
      id: string;
      operation: OutboxOperation;
      profileId: string;
      participantId: string;
      contentId?: string;
      relink?: true;
    }
  | {
      /** A queued operation was confirmed by the service. */
      type: 'outboxDelivered';
      /** The operation's ID (as `pending()` lists it). */
      id: string;
      operation: OutboxOperation;
      profileId: string;
      participantId: string;
      contentId?: string;
      /** A re-link the SDK queued to restore a link after a lost Session. */
      relink?: true;
    }
  | {
      /**
       * A queued operation was removed without being delivered: the service refused it
       * (`rejected`, with its `status`), the outbox was full (`overflow`, oldest first), or
       * its Session was removed (`removed`).
       */
      type: 'outboxDropped';
      /** The operation's ID (as `pending()` lists it). */
      id: string;
      reason: 'rejected' | 'overflow' | 'removed';
      operation: OutboxOperation;
      profileId: string;
      participantId: string;
      contentId?: string;
      status?: number;
      /** A re-link after a lost Session: the link it was to restore is gone. */
      relink?: true;
    }
  | {
      /**
       * The profile's Session changed under this instance: the service lost it and a new one
       * replaced it (known links are being restored), or another app instance replaced or
       * forgot it and this instance moved to the newer one.
       */
      type: 'sessionReplaced';
      profileId: string;
      previousSessionId: string;
      sessionId: string;
    }
  | {
      /** A Session or Participant was created for a profile and stored. */
      type: 'created';
      kind: 'session' | 'participant';
      profileId: string;
      id: string;
    }
  | {
      /**
       * A reconcile found the service's links different from what the user asked for and
       * queued the repairs: re-links of what it lost, unlinks of what it still shows.
       */
      type: 'reconciled';
      profileId: string;
      relinked: string[];
      unlinked: string[];
    }
  | {
      /**
       * The records' namespace (API origin and username) learned from the credentials differs
       * from the one stored from an earlier run: the records of the new one are used from now.
       */
      type: 'namespaceChanged';
    }
  | {
      /** The service rejected the credentials and they are being asked for again. */
      type: 'credentialsRefresh';
      method: string;
      path: string;
    };

/** What an outbox operation does. */
export type OutboxOperation =
  | 'link'
  | 'unlink'
  | 'removeSession'
  | 'putItem'
  | 'removeItem'
  | 'leaveSessions'
  | 'hide'
  | 'unhide'
  | (string & {});

/** The `onEvent` callback. An exception thrown by it is caught and ignored. */
export type PaketEventHandler = (event: PaketEvent) => void;
