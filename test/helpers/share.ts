// What the hand-off's tests share: a channel the test drives, and share messages.
import type { Sender, ShareChannel } from '../../src/share/index';

export const APP = 'fe4a9ed381e8e376';
export const PID = '6e5060c3-7df4-488e-9e9a-67cd5077b352';

/** A channel whose listener the test drives, with any sender it likes. */
export function driven(platform: Sender['platform']) {
  let on: Parameters<ShareChannel['listen']>[0] | undefined;
  const channel: ShareChannel = {
    platform,
    send: async () => undefined,
    listen(cb) {
      on = cb;
      return () => (on = undefined);
    },
  };
  return {
    channel,
    emit: (wire: string, from: Sender, reply?: (a: string) => void) => on!(wire, from, reply),
  };
}

let n = 0;
/** A share message on the wire (a fresh nonce each), `o` overriding its fields. */
export const share = (o: Record<string, unknown> = {}): string =>
  JSON.stringify({
    t: 'paket.share',
    v: 1,
    app_id: APP,
    participant_id: PID,
    nonce: `nonce${String(++n).padStart(17, '0')}`,
    ts: Date.now(),
    ...o,
  });
