// The web (the demo in a browser, or any two windows): postMessage with an exact target
// origin, the receiver checking `event.origin` (which the browser guarantees) against the
// allow-list; a URL fragment `#paket=…` when the platform page has to be opened first.
import { MAX_WIRE_BYTES, utf8Length } from './codec.js';
import { shareError } from './errors.js';
import { timer } from './globals.js';
import type { ShareChannel } from './types.js';

/** The window APIs the adapter uses. */
interface MessageWindow {
  postMessage(message: string, targetOrigin: string): void;
}
interface WebWindow {
  location: { hash: string; href: string; pathname: string; search: string };
  history?: { replaceState(data: unknown, title: string, url: string): void };
  open?(url: string, target?: string): unknown;
  addEventListener(type: 'message', l: (e: MessageEvent) => void): void;
  removeEventListener(type: 'message', l: (e: MessageEvent) => void): void;
}

/** Options of {@link webChannel}. */
export interface WebChannelOptions {
  /** Publisher: the platform page's exact origin (`https://host:port`); never `*`. */
  platformOrigin?: string;
  /** Publisher: the platform's window when it is open (an `opener`, a `window.open` result, an iframe). */
  target?: () => MessageWindow | null | undefined;
  /**
   * Publisher: a platform URL to open with `#paket=…` when `target` gives no window; the
   * window opened then receives the next shares by postMessage.
   */
  launchUrl?: string;
  /** The window to use. Default: the global `window`. */
  window?: WebWindow;
}

const FRAGMENT = 'paket=';

/** `value` when it is exactly an origin (scheme, host, port, nothing else), else a PaketShareError. */
function exactOrigin(value: string | undefined): string {
  let origin = '';
  try {
    origin = new URL(value as string).origin;
  } catch {
    // reported below
  }
  if (!value || origin === 'null' || origin !== value) {
    throw shareError(
      'invalid',
      'platformOrigin',
      'platformOrigin must be an exact origin, not "*"',
    );
  }
  return origin;
}

/** A {@link ShareChannel} over `postMessage` and URL fragments. */
export function webChannel(options: WebChannelOptions = {}): ShareChannel {
  const w = (): WebWindow => options.window ?? (globalThis as unknown as WebWindow);
  let launched: (MessageWindow & { closed?: boolean }) | undefined;
  return {
    platform: 'web',
    send(wire, { timeoutMs, accepts }) {
      return new Promise<string | undefined>((resolve, reject) => {
        const origin = exactOrigin(options.platformOrigin);
        if (utf8Length(wire) > MAX_WIRE_BYTES) throw shareError('too-large', 'size', 'over 16 KiB');
        const target =
          (options.target && options.target()) ||
          (launched && !launched.closed ? launched : undefined);
        if (!target) {
          const win = w();
          if (!options.launchUrl || !win.open) {
            throw shareError('unavailable', 'no-window', 'the platform window is not open');
          }
          const url = new URL(options.launchUrl);
          if (url.origin !== origin)
            throw shareError('invalid', 'launchUrl', 'launchUrl is not on platformOrigin');
          url.hash = FRAGMENT + encodeURIComponent(wire);
          launched = (win.open(url.href, 'paket-platform') as typeof launched) || undefined;
          resolve(undefined); // a launch has no reply path
          return;
        }
        const win = w();
        const onMessage = (e: MessageEvent): void => {
          if (e.origin !== origin || typeof e.data !== 'string' || !accepts(e.data)) return;
          stop();
          resolve(e.data);
        };
        const cancel = timer(timeoutMs, () => {
          stop();
          reject(shareError('timeout', 'timeout', 'no answer from the platform window'));
        });
        const stop = (): void => {
          cancel();
          win.removeEventListener('message', onMessage);
        };
        win.addEventListener('message', onMessage);
        target.postMessage(wire, origin);
      });
    },
    listen(on) {
      const win = w();
      const hash = win.location.hash;
      if (hash.indexOf('#' + FRAGMENT) === 0) {
        // Take the share out of the address at once, so it is not kept in history or bookmarks.
        if (win.history)
          win.history.replaceState(null, '', win.location.pathname + win.location.search);
        let wire = '';
        try {
          wire = decodeURIComponent(hash.slice(1 + FRAGMENT.length));
        } catch {
          // malformed: refused by the codec
        }
        on(wire, { platform: 'web', id: null, attested: false });
      }
      const onMessage = (e: MessageEvent): void => {
        if (typeof e.data !== 'string' || e.data.indexOf('"paket.share"') < 0) return;
        const source = e.source as MessageWindow | null;
        const origin = e.origin;
        on(
          e.data,
          { platform: 'web', id: origin, attested: true },
          source ? (ack) => source.postMessage(ack, origin) : undefined,
        );
      };
      win.addEventListener('message', onMessage);
      return () => win.removeEventListener('message', onMessage);
    },
  };
}
