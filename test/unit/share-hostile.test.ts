// The hand-off's arguments against hostile values, as an outside review found them (each test
// failed before its fix): unchecked receiver options and shareParticipant arguments. Floods:
// share-limits.test.ts.
import { describe, expect, it } from 'vitest';
import {
  PaketShareError,
  receiveShares,
  shareParticipant,
  webChannel,
} from '../../src/share/index';
import { APP, PID, driven } from '../helpers/share';

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
