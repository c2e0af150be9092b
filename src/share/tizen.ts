// Tizen: an untrusted MessagePort with the sender's reply port attached (so the receiver
// learns the system-checked sender app ID), the acknowledgement on that port; optionally
// Application Control as a fallback when the platform app's port is missing.
import { MAX_WIRE_BYTES, utf8Length } from './codec.js';
import { shareError } from './errors.js';
import {
  timer,
  win,
  type TizenAppControlData,
  type TizenDataItem,
  type TizenGlobal,
} from './globals.js';
import type { Sender, ShareChannel } from './types.js';

/** The Application Control operation a platform app declares in its config.xml. */
export const SHARE_OPERATION = 'http://paket.tv/appcontrol/operation/share';
const KEY = 'paket';

/** Options of {@link tizenChannel}. */
export interface TizenChannelOptions {
  /** The platform app's Tizen app ID, `<packageId>.<appName>` (publisher side). */
  platformAppId?: string;
  /** The platform app's local port. Default `paket.share.v1`. */
  port?: string;
  /** The publisher's reply port. Default `paket.share.reply`. */
  replyPort?: string;
  /**
   * Publisher: when the platform's port is missing, launch it with Application Control
   * (needs the `application.launch` privilege; brings the platform app forward).
   * Platform: also read shares from Application Control requests. Default `false`.
   */
  appControl?: boolean;
}

const tizen = (): TizenGlobal => {
  const t = win().tizen;
  if (!t || !t.messageport)
    throw shareError('unavailable', 'no-api', 'tizen.messageport is missing');
  return t;
};

const valueOf = (
  data: ReadonlyArray<{ key: string; value: unknown }> | undefined,
): string | undefined => {
  for (let i = 0; data && i < data.length; i++) {
    const item = data[i]!;
    if (item.key === KEY) {
      const v = item.value;
      return typeof v === 'string'
        ? v
        : Array.isArray(v) && typeof v[0] === 'string'
          ? v[0]
          : undefined;
    }
  }
  return undefined;
};

/** A {@link ShareChannel} over Tizen MessagePort (and, opted in, Application Control). */
export function tizenChannel(options: TizenChannelOptions = {}): ShareChannel {
  const port = options.port ?? 'paket.share.v1';
  const replyPort = options.replyPort ?? 'paket.share.reply';

  const viaAppControl = (t: TizenGlobal, wire: string, timeoutMs: number) =>
    new Promise<string | undefined>((resolve, reject) => {
      const app = t.application;
      if (!app || !t.ApplicationControl || !t.ApplicationControlData) {
        throw shareError('unavailable', 'no-api', 'tizen.application is missing');
      }
      const cancel = timer(timeoutMs, () => reject(shareError('timeout', 'timeout', 'no answer')));
      const control = new t.ApplicationControl(SHARE_OPERATION, null, null, null, [
        new t.ApplicationControlData(KEY, [wire]),
      ]);
      try {
        app.launchAppControl(
          control,
          options.platformAppId,
          null,
          (e) => {
            cancel();
            reject(shareError('unavailable', e.name, 'Application Control launch failed'));
          },
          {
            onsuccess(data?: TizenAppControlData[]) {
              cancel();
              resolve(valueOf(data));
            },
            onfailure() {
              cancel();
              reject(
                shareError('refused', 'reply-failure', 'the platform app answered with a failure'),
              );
            },
          },
        );
      } catch (error) {
        cancel();
        const name = (error as { name?: string } | null)?.name ?? 'launch';
        reject(shareError('unavailable', name, 'Application Control launch failed', error));
      }
    });

  return {
    platform: 'tizen',
    async send(wire, { timeoutMs, accepts }) {
      const t = tizen();
      if (!options.platformAppId)
        throw shareError('invalid', 'platformAppId', 'platformAppId is required');
      if (utf8Length(wire) > MAX_WIRE_BYTES) throw shareError('too-large', 'size', 'over 16 KiB');
      const mp = t.messageport!;
      let remote;
      try {
        remote = mp.requestRemoteMessagePort(options.platformAppId, port);
      } catch (error) {
        const name = (error as { name?: string } | null)?.name;
        if (name === 'NotFoundError' && options.appControl)
          return viaAppControl(t, wire, timeoutMs);
        throw shareError(
          'unavailable',
          name === 'NotFoundError' ? 'not-found' : 'port',
          'the platform app is not listening',
          error,
        );
      }
      const local = mp.requestLocalMessagePort(replyPort);
      return new Promise<string | undefined>((resolve, reject) => {
        let cancel = (): void => undefined;
        const watch = local.addMessagePortListener((data) => {
          const ack = valueOf(data);
          if (ack === undefined || !accepts(ack)) return;
          stop();
          resolve(ack);
        });
        const stop = (): void => {
          cancel();
          local.removeMessagePortListener(watch);
        };
        cancel = timer(timeoutMs, () => {
          stop();
          reject(shareError('timeout', 'timeout', 'no answer from the platform app'));
        });
        try {
          // The local port must go along: without it the receiver cannot tell who sent this.
          remote.sendMessage([{ key: KEY, value: wire }], local);
        } catch (error) {
          stop();
          const name = (error as { name?: string } | null)?.name;
          reject(
            name === 'QuotaExceededError'
              ? shareError('too-large', 'size', 'over the message-port limit', error)
              : shareError('unavailable', name ?? 'send', 'sendMessage failed', error),
          );
        }
      });
    },
    listen(on) {
      const t = tizen();
      const local = t.messageport!.requestLocalMessagePort(port);
      const watch = local.addMessagePortListener((data: TizenDataItem[], remote) => {
        const wire = valueOf(data);
        const from: Sender = {
          platform: 'tizen',
          id: remote ? remote.appId : null,
          attested: !!remote,
        };
        const reply = remote
          ? (ack: string) => remote.sendMessage([{ key: KEY, value: ack }])
          : undefined;
        on(wire ?? '', from, reply);
      });
      const w = win();
      const onAppControl = (): void => {
        const app = t.application;
        const request = app && app.getCurrentApplication().getRequestedAppControl();
        if (!request || request.appControl.operation !== SHARE_OPERATION) return;
        const Data = t.ApplicationControlData;
        on(
          valueOf(request.appControl.data) ?? '',
          { platform: 'tizen', id: request.callerAppId || null, attested: !!request.callerAppId },
          (ack) =>
            request.replyResult(Data ? [new Data(KEY, [ack])] : [{ key: KEY, value: [ack] }]),
        );
      };
      if (options.appControl) {
        onAppControl(); // the request this app was launched with
        if (w.addEventListener) w.addEventListener('appcontrol', onAppControl);
      }
      return () => {
        local.removeMessagePortListener(watch);
        if (options.appControl && w.removeEventListener)
          w.removeEventListener('appcontrol', onAppControl);
      };
    },
  };
}
