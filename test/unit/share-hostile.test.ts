// The hand-off against hostile senders and arguments, as an outside review found them (each
// test failed before its fix): a flood from one sender, unchecked receiver options, and
// shareParticipant arguments.
import { describe, expect, it } from 'vitest';
import {
  PaketShareError,
  receiveShares,
  shareParticipant,
  webChannel,
  type Sender,
  type ShareChannel,
} from '../../src/share/index';

const APP = 'fe4a9ed381e8e376';
const PID = '6e5060c3-7df4-488e-9e9a-67cd5077b352';

/** A channel whose listener the test drives, with any sender it likes. */
function driven(platform: Sender['platform']) {
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
const nonce = () => `nonce${String(++n).padStart(17, '0')}`;
const share = (o: Record<string, unknown> = {}) =>
  JSON.stringify({
    t: 'paket.share',
    v: 1,
    app_id: APP,
    participant_id: PID,
    nonce: nonce(),
    ts: Date.now(),
    ...o,
  });

describe('a flood from one sender', () => {
  // On webOS any app can launch the platform app with parameters, unattested, and the default
  // policy ('known-app-ids') lets through any allow-listed app_id.
  it("is limited per sender: another sender's share is still linked, and the flood barely reaches link()", async () => {
    const webos = driven('webos');
    const linked: string[] = [];
    const rejects: string[] = [];
    const OTHER = '0123456789abcdef';
    receiveShares(webos.channel, {
      senders: { 'com.publisher.app': APP, 'com.other.app': OTHER },
      link: async (s) => void linked.push(s.participantId),
      onReject: (e) => rejects.push(e.detail),
    });
    const unattested: Sender = { platform: 'webos', id: null, attested: false };
    for (let i = 0; i < 1000; i++) {
      webos.emit(share({ participant_id: `bogus-${i}`, ts: Date.now() + 599_000 }), unattested);
    }
    webos.emit(share({ app_id: OTHER }), unattested); // another publisher, right after
    await new Promise((r) => setTimeout(r, 20));
    expect(linked).toContain(PID);
    expect(linked.length).toBeLessThanOrEqual(11);
    expect(rejects.filter((d) => d === 'rate').length).toBeGreaterThanOrEqual(989);
  });

  it('an attested sender keeps its own budget while an unattested flood runs', async () => {
    const tizen = driven('tizen');
    const linked: string[] = [];
    receiveShares(tizen.channel, {
      senders: { 'abc.Player': APP },
      unattested: 'known-app-ids',
      link: async (s) => void linked.push(s.participantId),
    });
    for (let i = 0; i < 200; i++) {
      tizen.emit(share({ participant_id: `bogus-${i}` }), {
        platform: 'tizen',
        id: null,
        attested: false,
      });
    }
    tizen.emit(share(), { platform: 'tizen', id: 'abc.Player', attested: true });
    await new Promise((r) => setTimeout(r, 20));
    expect(linked).toContain(PID);
  });

  it('at most 8 shares are linked at once', async () => {
    const ch = driven('web');
    let running = 0;
    let most = 0;
    const senders: Record<string, string> = {};
    for (let i = 0; i < 20; i++) senders[`https://p${i}.example`] = APP;
    receiveShares(ch.channel, {
      senders,
      link: async () => {
        most = Math.max(most, ++running);
        await new Promise((r) => setTimeout(r, 30));
        running--;
      },
    });
    for (let i = 0; i < 20; i++) {
      ch.emit(share(), { platform: 'web', id: `https://p${i}.example`, attested: true });
    }
    await new Promise((r) => setTimeout(r, 80));
    expect(most).toBe(8);
  });
});

describe('receiveShares options', () => {
  it.each([
    ['windowMs', { windowMs: NaN }],
    ['windowMs', { windowMs: -1 }],
    ['windowMs', { windowMs: Infinity }],
    ['now', { now: 5 }],
    ['onShare', { onShare: 'log' }],
    ['unattested', { unattested: 'sometimes' }],
  ])('a bad %s is a PaketShareError at once', (_, extra) => {
    const ch = driven('tizen');
    expect(() =>
      receiveShares(ch.channel, {
        senders: { 'abc.Player': APP },
        link: async () => undefined,
        ...(extra as object),
      }),
    ).toThrow(PaketShareError);
  });

  it('options whose getter throws are a PaketShareError', () => {
    const ch = driven('tizen');
    const options = {
      senders: { 'abc.Player': APP },
      get link(): never {
        throw new Error('hostile getter');
      },
    };
    expect(() => receiveShares(ch.channel, options)).toThrow(PaketShareError);
  });
});

describe('shareParticipant arguments', () => {
  function webTarget() {
    const listeners: ((e: MessageEvent) => void)[] = [];
    const win = {
      location: { hash: '', href: 'https://pub.example/', pathname: '/', search: '' },
      addEventListener: (_t: 'message', l: (e: MessageEvent) => void) => void listeners.push(l),
      removeEventListener: () => undefined,
    };
    return webChannel({
      platformOrigin: 'https://platform.example',
      target: () => ({ postMessage: () => undefined }), // a platform that never answers
      window: win,
    });
  }

  // setTimeout clamps a delay over 2^31-1 ms (or Infinity) to ~0: refused.
  it.each([Infinity, 3e9, NaN])(
    'timeoutMs %s is refused, never an instant timeout',
    async (timeoutMs) => {
      const outcome = await Promise.race([
        shareParticipant(webTarget(), { appId: APP, participantId: PID }, { timeoutMs }).catch(
          (e: PaketShareError) => e.reason,
        ),
        new Promise((r) => setTimeout(() => r('still waiting'), 200)),
      ]);
      expect(outcome).toBe('invalid');
    },
  );

  it('a claim whose getter throws is a PaketShareError, not the raw error', async () => {
    const source = {
      appId: APP,
      get participantId(): string {
        throw new Error('hostile getter');
      },
    };
    const error = await shareParticipant(webTarget(), source).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaketShareError);
  });
});
