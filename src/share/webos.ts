// webOS TV: the publisher launches the platform app through the application manager with
// the message in `params`; the platform reads it from its launch parameters at start and
// from `webOSRelaunch` afterwards (appinfo.json `handlesRelaunch: true`). webOS does not
// say who launched an app: every sender here is unattested.
import { MAX_WIRE_BYTES, utf8Length } from './codec.js';
import { shareError } from './errors.js';
import { timer, win } from './globals.js';
import type { ShareChannel } from './types.js';

const APP_MANAGER = 'luna://com.webos.applicationManager';

/** Options of {@link webosChannel}. */
export interface WebosChannelOptions {
  /** The platform app's webOS app ID (publisher side). */
  platformAppId?: string;
}

/** The `paket` string inside launch parameters given as a JSON string or an object. */
function fromParams(params: unknown): string | undefined {
  let p = params;
  if (typeof p === 'string') {
    try {
      p = JSON.parse(p);
    } catch {
      return undefined;
    }
  }
  const v = p && typeof p === 'object' ? (p as { paket?: unknown }).paket : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** A {@link ShareChannel} over webOS launch parameters. */
export function webosChannel(options: WebosChannelOptions = {}): ShareChannel {
  return {
    platform: 'webos',
    send(wire, { timeoutMs }) {
      return new Promise<undefined>((resolve, reject) => {
        const w = win();
        if (!options.platformAppId)
          throw shareError('invalid', 'platformAppId', 'platformAppId is required');
        if (utf8Length(wire) > MAX_WIRE_BYTES) throw shareError('too-large', 'size', 'over 16 KiB');
        const parameters = { id: options.platformAppId, params: { paket: wire } };
        const cancel = timer(timeoutMs, () =>
          reject(shareError('timeout', 'timeout', 'no answer from the application manager')),
        );
        const failed = (res: { errorCode?: unknown } | undefined): void => {
          cancel();
          reject(
            shareError(
              'unavailable',
              `error-${String(res && res.errorCode)}`.slice(0, 32),
              'launch failed',
            ),
          );
        };
        const ok = (): void => {
          cancel();
          resolve(undefined); // delivered to the application manager; webOS has no reply path
        };
        if (w.webOS && w.webOS.service) {
          w.webOS.service.request(APP_MANAGER, {
            method: 'launch',
            parameters,
            onSuccess: ok,
            onFailure: failed,
          });
        } else if (w.PalmServiceBridge) {
          const bridge = new w.PalmServiceBridge();
          bridge.onservicecallback = (json) => {
            let res: { returnValue?: boolean; errorCode?: unknown } | undefined;
            try {
              res = JSON.parse(json);
            } catch {
              res = undefined;
            }
            if (res && res.returnValue) ok();
            else failed(res);
          };
          bridge.call(`${APP_MANAGER}/launch`, JSON.stringify(parameters));
        } else {
          cancel();
          throw shareError(
            'unavailable',
            'no-api',
            'neither webOS.service nor PalmServiceBridge is present',
          );
        }
      });
    },
    listen(on) {
      const w = win();
      const from = { platform: 'webos' as const, id: null, attested: false };
      const system = w.webOSSystem || w.PalmSystem;
      const atStart = fromParams(system && system.launchParams);
      if (atStart !== undefined) on(atStart, from);
      const onRelaunch = (e: unknown): void => {
        const wire = fromParams((e as { detail?: unknown } | null)?.detail);
        if (wire !== undefined) on(wire, from);
      };
      const d = w.document;
      if (d) d.addEventListener('webOSRelaunch', onRelaunch);
      return () => {
        if (d) d.removeEventListener('webOSRelaunch', onRelaunch);
      };
    },
  };
}
