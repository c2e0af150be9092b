// The SDK as both apps set it up: one client per app, and an honest connection line built
// from what the SDK reports: "checking" until the service first answers, "healthy", or
// "offline" with the number of changes the outbox keeps until the network returns.
import {
  createPaketClient,
  PaketError,
  PaketHttpError,
  PaketNetworkError,
  type PaketClient,
  type PaketEvent,
} from 'paket-tv-sdk';
import { config } from './config';
import { COLOR } from './theme';

export type Client = PaketClient<'participants'> | PaketClient<'contexts'>;

export interface Connection {
  state: 'checking' | 'healthy' | 'offline' | 'refused';
  /** Changes waiting in the outbox (links, unlinks, item writes, hides). */
  queued: number;
  /** The last check's words, for the status line. */
  detail: string;
}

/** Plain words for an error, for the screen. Never a secret or an ID. */
export function explain(error: unknown): string {
  if (error instanceof PaketNetworkError && error.queued) {
    return 'Saved on the TV: it is sent by itself when the connection returns.';
  }
  if (error instanceof PaketNetworkError) return 'The Paket service cannot be reached right now.';
  if (error instanceof PaketHttpError && error.status === 401)
    return 'The Paket service refused the credentials.';
  if (error instanceof PaketHttpError)
    return `The Paket service refused the request (HTTP ${error.status}).`;
  if (error instanceof PaketError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

/** A network failure, or `'offline'` when a call was queued without an error to show. */
export function isOffline(error: unknown): boolean {
  return error === 'offline' || error instanceof PaketNetworkError;
}

export interface Sdk {
  client: Client;
  connection: Connection;
  /** Checks the service now (GET /v1) and counts the outbox. */
  check(): Promise<void>;
  /** Records what a call showed about the network: nothing (it worked), an error, or 'offline'. */
  saw(error?: unknown): void;
  /** The status line: words and colour. */
  line(): { text: string; color: number };
  stop(): void;
}

/**
 * A client for `role` with the connection tracking. `onChange` is called whenever the
 * connection line changes; `onEvent` receives every SDK event too.
 */
export function createSdk(
  role: 'platform' | 'publisher',
  onChange: () => void,
  onEvent?: (event: PaketEvent) => void,
): Sdk {
  const connection: Connection = { state: 'checking', queued: 0, detail: '' };
  let counting: Promise<void> | undefined;
  const count = (): Promise<void> =>
    (counting ??= client
      .pending()
      .then(
        (ops) => {
          connection.queued = ops.length;
        },
        () => undefined,
      )
      .then(() => {
        counting = undefined;
        onChange();
      }));
  const client = createPaketClient({
    dialect: config.dialect,
    credentials: role === 'platform' ? config.platform : config.publisher,
    baseUrl: config.baseUrl,
    allowInsecureHttp: true, // the demo talks to an emulator on the developer's machine
    retry: { limit: 1, backoffLimitMs: 500 },
    timeoutMs: 5000,
    onEvent: (event) => {
      if (event.type === 'outboxQueued' || event.type === 'outboxDropped') void count();
      if (event.type === 'outboxDelivered') {
        connection.state = 'healthy';
        void count();
      }
      if (onEvent) onEvent(event);
    },
  }) as Client;

  const saw = (error?: unknown): void => {
    const before = connection.state;
    if (error === undefined) connection.state = 'healthy';
    else if (isOffline(error)) connection.state = 'offline';
    else if (error instanceof PaketHttpError && error.status === 401) connection.state = 'refused';
    if (before !== connection.state) onChange();
    void count();
  };

  const check = async (): Promise<void> => {
    try {
      await client.status();
      const wasOffline = connection.state !== 'healthy';
      saw();
      // Back online: deliver what waited now rather than at the outbox's next backoff step.
      if (wasOffline || connection.queued > 0) await client.flush().catch(() => undefined);
    } catch (error) {
      connection.detail = explain(error);
      saw(error);
    }
    await count();
  };

  // While offline or with changes waiting, look again every 3 s; otherwise every 30 s.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const loop = (): void => {
    const wait = connection.state === 'healthy' && connection.queued === 0 ? 30_000 : 3000;
    timer = setTimeout(() => void check().then(loop), wait);
  };
  void check().then(loop);

  return {
    client,
    connection,
    check,
    saw,
    line() {
      const n = connection.queued;
      const changes = `${n} change${n === 1 ? '' : 's'}`;
      switch (connection.state) {
        case 'checking':
          return { text: 'Checking the Paket service…', color: COLOR.checking };
        case 'healthy':
          return {
            text: n ? `Paket: connected · sending ${changes}` : 'Paket: connected',
            color: COLOR.healthy,
          };
        case 'offline':
          return {
            text: `Offline · ${changes} queued on this TV, sent when the network returns`,
            color: COLOR.warning,
          };
        default:
          return { text: 'Paket refused the credentials of this app', color: COLOR.danger };
      }
    },
    stop() {
      if (timer) clearTimeout(timer);
      client.close();
    },
  };
}

/**
 * The first `max` values of an async iterable (the SDK's lists follow `next_key`). A plain
 * loop over the iterator, not `for await` with a `break`, which the ES5 build's async
 * transform does not lower correctly.
 */
export async function take<T>(list: AsyncIterable<T>, max: number): Promise<T[]> {
  const it = list[Symbol.asyncIterator]();
  const out: T[] = [];
  for (;;) {
    if (out.length >= max) return out;
    const r = await it.next();
    if (r.done) return out;
    out.push(r.value);
  }
}
