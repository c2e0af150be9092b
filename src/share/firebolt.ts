// Firebolt (RDK) has no app-to-app messaging: this adapter speaks JSON-RPC 2.0, the way the
// Firebolt SDKs do, over a transport the distributor supplies, to methods the distributor
// names. It is a contract, checked by its tests; no distributor ships these methods yet.
import { MAX_WIRE_BYTES, utf8Length } from './codec.js';
import { shareError } from './errors.js';
import { timer } from './globals.js';
import type { ShareChannel } from './types.js';

/** A Firebolt transport layer, as `__firebolt.getTransportLayer()` returns: strings both ways. */
export interface FireboltTransport {
  send(json: string): void;
  receive(callback: (json: string) => void): void;
}

/** Options of {@link fireboltChannel}. */
export interface FireboltChannelOptions {
  transport: FireboltTransport;
  /** Publisher: the method that delivers a share; its result is the ack string or null. Default `paket.share`. */
  method?: string;
  /** Platform: the event (`{listen: true}`) whose results are `{ wire, appId, ticket }`. Default `paket.onShare`. */
  event?: string;
  /** Platform: the method that answers a share, `{ ticket, wire }`. Default `paket.shareReply`. */
  reply?: string;
}

/** A {@link ShareChannel} over a distributor's Firebolt JSON-RPC methods. */
export function fireboltChannel(options: FireboltChannelOptions): ShareChannel {
  const { transport } = options;
  if (
    !transport ||
    typeof transport.send !== 'function' ||
    typeof transport.receive !== 'function'
  ) {
    throw shareError('invalid', 'transport', 'transport must have send and receive');
  }
  let id = 0;
  type Handler = (m: { result?: unknown; error?: unknown }) => void;
  const handlers: Record<number, Handler> = {};
  const events: Record<number, true> = {};
  transport.receive((json) => {
    let m: { id?: unknown; result?: unknown; error?: unknown } | undefined;
    try {
      m = JSON.parse(json);
    } catch {
      return;
    }
    const h = m && typeof m.id === 'number' ? handlers[m.id] : undefined;
    if (!h || !m) return;
    if (!events[m.id as number]) delete handlers[m.id as number];
    h(m);
  });
  const call = (method: string, params: object, h: Handler, event?: boolean): number => {
    const n = ++id;
    handlers[n] = h;
    if (event) events[n] = true;
    transport.send(JSON.stringify({ jsonrpc: '2.0', method, params, id: n }));
    return n;
  };
  return {
    platform: 'firebolt',
    send(wire, { timeoutMs }) {
      return new Promise<string | undefined>((resolve, reject) => {
        if (utf8Length(wire) > MAX_WIRE_BYTES) throw shareError('too-large', 'size', 'over 16 KiB');
        let n = 0;
        const cancel = timer(timeoutMs, () => {
          delete handlers[n];
          reject(shareError('timeout', 'timeout', 'no answer from the distributor'));
        });
        n = call(options.method ?? 'paket.share', { wire }, (m) => {
          cancel();
          if (m.error)
            reject(shareError('unavailable', 'rpc-error', 'the distributor refused the call'));
          else resolve(typeof m.result === 'string' ? m.result : undefined);
        });
      });
    },
    listen(on) {
      const reply = options.reply ?? 'paket.shareReply';
      const event = options.event ?? 'paket.onShare';
      const n = call(
        event,
        { listen: true },
        (m) => {
          const r = m.result as
            { wire?: unknown; appId?: unknown; ticket?: unknown; listening?: unknown } | undefined;
          if (!r || typeof r !== 'object' || typeof r.listening === 'boolean') return;
          const appId = typeof r.appId === 'string' && r.appId ? r.appId : null;
          const ticket = r.ticket;
          on(
            typeof r.wire === 'string' ? r.wire : '',
            { platform: 'firebolt', id: appId, attested: appId !== null },
            ticket === undefined
              ? undefined
              : (ack) => call(reply, { ticket, wire: ack }, () => undefined),
          );
        },
        true,
      );
      return () => {
        delete handlers[n];
        delete events[n];
        call(event, { listen: false }, () => undefined);
      };
    },
  };
}
