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
      /** The service rejected the credentials and they are being asked for again. */
      type: 'credentialsRefresh';
      method: string;
      path: string;
    };

/** The `onEvent` callback. An exception thrown by it is caught and ignored. */
export type PaketEventHandler = (event: PaketEvent) => void;
