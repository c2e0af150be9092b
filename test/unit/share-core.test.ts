// The share core: codec v1, the receiver's checks (before any request) and the publisher's
// result, over an in-memory channel that stands for a platform with a checked sender.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { PaketError, PaketNetworkError } from '../../src/index';
import {
  PaketShareError,
  claimOf,
  createReplayGuard,
  decodeShare,
  encodeShare,
  isId,
  receiveShares,
  shareParticipant,
  type Sender,
  type ShareChannel,
} from '../../src/share/index';

const APP = 'fe4a9ed381e8e376';
const PID = '6e5060c3-7df4-488e-9e9a-67cd5077b352';
const TV_APP = 'Ab12345678.Stream';

/** A pair of ends: what the publisher sends reaches the listener with `from`. */
function pipe(from: Sender = { platform: 'tizen', id: TV_APP, attested: true }) {
  let on: Parameters<ShareChannel['listen']>[0] | undefined;
  const channel: ShareChannel = {
    platform: from.platform,
    send: (wire, { accepts }) =>
      new Promise((resolve) => {
        on!(wire, from, (ack) => accepts(ack) && resolve(ack));
      }),
    listen(cb) {
      on = cb;
      return () => (on = undefined);
    },
  };
  // Resolves with the ack, or '{}' when none comes (a message without a readable nonce).
  const deliver = (wire: string) =>
    new Promise<string>((r) => {
      setTimeout(() => r('{}'), 50);
      on!(wire, from, r);
    });
  return { channel, deliver };
}

function platform(from?: Sender, link = vi.fn(async () => ({}))) {
  const p = pipe(from);
  const rejects: PaketShareError[] = [];
  receiveShares(p.channel, {
    senders: { [TV_APP]: APP, 'https://publisher.example': APP },
    link,
    onReject: (e) => rejects.push(e),
  });
  return { ...p, link, rejects };
}

const wire = (o: Record<string, unknown>) =>
  JSON.stringify({
    t: 'paket.share',
    v: 1,
    app_id: APP,
    participant_id: PID,
    nonce: 'n'.repeat(22),
    ts: Date.now(),
    ...o,
  });

describe('share codec v1', () => {
  it('round-trips a claim, ignoring unknown fields', () => {
    const m = decodeShare(wire({ extra: 1, tok: 'x' }));
    expect(m).toMatchObject({ appId: APP, participantId: PID });
    expect(decodeShare(encodeShare({ appId: APP, participantId: PID }))).toMatchObject({
      appId: APP,
    });
  });

  it('applies the SDK ID rule on both ends', () => {
    for (const bad of [
      '',
      '.',
      '..',
      'a/b',
      'x'.repeat(256),
      'a\u0000b',
      'a\u0085',
      '\ud800x',
      'x\udc00',
    ]) {
      expect(isId(bad)).toBe(false);
      expect(() => encodeShare({ appId: APP, participantId: bad })).toThrow(PaketShareError);
      expect(() => decodeShare(wire({ participant_id: bad }))).toThrow(
        /invalid \(participant_id\)/,
      );
    }
    expect(isId('\ud83d\ude00ok')).toBe(true);
  });

  it('any string decodes to a message or a typed PaketShareError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (s) => {
        try {
          decodeShare(s);
        } catch (e) {
          expect(e).toBeInstanceOf(PaketShareError);
          expect(e).toBeInstanceOf(PaketError);
          expect(['invalid', 'too-large']).toContain((e as PaketShareError).reason);
        }
      }),
    );
  });

  it('refuses over 16 KiB (counted in UTF-8 bytes) as too-large, an unknown major as invalid', () => {
    expect(() => decodeShare(wire({ pad: 'é'.repeat(8200) }))).toThrow(/too-large/);
    expect(() => decodeShare(wire({ v: 2 }))).toThrow(/invalid \(version\)/);
  });

  it('the replay guard refuses a seen nonce and a clock off by more than the window', () => {
    let now = 1_000_000_000_000;
    const g = createReplayGuard(600_000, () => now);
    const m = { appId: APP, participantId: PID, nonce: 'a'.repeat(22), ts: now };
    g.check(m);
    g.record(m);
    expect(() => g.check(m)).toThrow(/refused \(replay\)/);
    expect(() => g.check({ ...m, nonce: 'b'.repeat(22), ts: now - 600_001 })).toThrow(/stale/);
    now += 600_001 * 2;
    expect(() => g.check({ ...m, nonce: 'c'.repeat(22), ts: now + 600_001 })).toThrow(/stale/);
  });

  it('claimOf reads a 2025 Context first, else a 2024 Participant', () => {
    expect(
      claimOf({ context_id: 'c1', app_id: 'a1', participant_id: 'p', client_id: 'x' }),
    ).toEqual({
      appId: 'a1',
      participantId: 'c1',
    });
    expect(claimOf({ participant_id: 'p1', client_id: 'c1' })).toEqual({
      appId: 'c1',
      participantId: 'p1',
    });
  });
});

describe('the platform side refuses hostile input before any request', () => {
  const cases: [string, () => string, Sender | undefined, string, string][] = [
    ['malformed', () => '{"t":"paket.share",', undefined, 'invalid', 'malformed'],
    ['oversized', () => wire({ pad: 'x'.repeat(16_500) }), undefined, 'too-large', 'size'],
    ['stale', () => wire({ ts: Date.now() - 11 * 60_000 }), undefined, 'refused', 'stale'],
    ['unknown version', () => wire({ v: 2 }), undefined, 'invalid', 'version'],
    [
      'spoofed sender',
      () => wire({}),
      { platform: 'tizen', id: 'Evil000000.App', attested: true },
      'refused',
      'sender',
    ],
    ['wrong app_id', () => wire({ app_id: 'otherpublisher01' }), undefined, 'refused', 'app_id'],
    [
      'unattested, unknown app_id',
      () => wire({ app_id: 'otherpublisher01' }),
      { platform: 'webos', id: null, attested: false },
      'refused',
      'app_id',
    ],
  ];
  for (const [name, make, from, reason, detail] of cases) {
    it(`${name}: ${reason} (${detail}), link never called`, async () => {
      const p = platform(from);
      const ack = JSON.parse(await p.deliver(make())) as { status?: string };
      // A message that cannot be read (no nonce to answer) gets no ack; the others `refused`.
      expect(ack.status).toBe(reason === 'refused' ? 'refused' : undefined);
      expect(p.rejects.map((e) => [e.reason, e.detail])).toEqual([[reason, detail]]);
      expect(p.rejects[0]!.message).not.toContain(PID);
      expect(p.link).not.toHaveBeenCalled();
    });
  }

  it('replayed: the second delivery of the same message is refused, one link', async () => {
    const p = platform();
    const w = wire({});
    expect(JSON.parse(await p.deliver(w)).status).toBe('linked');
    expect(JSON.parse(await p.deliver(w))).toMatchObject({ status: 'refused', reason: 'replay' });
    expect(p.link).toHaveBeenCalledTimes(1);
  });
});

describe('shareParticipant', () => {
  it('linked, queued (outbox) and refused (service) come back to the publisher', async () => {
    const ok = platform();
    expect(await shareParticipant(ok.channel, { participant_id: PID, client_id: APP })).toEqual({
      acked: true,
      status: 'linked',
    });
    expect(ok.link).toHaveBeenCalledWith(
      expect.objectContaining({ appId: APP, participantId: PID }),
    );

    const offline = new PaketNetworkError('PUT', '/v1/upnext/sessions/s');
    offline.queued = true;
    const q = platform(
      undefined,
      vi.fn(async () => Promise.reject(offline)),
    );
    expect(await shareParticipant(q.channel, { appId: APP, participantId: PID })).toMatchObject({
      status: 'queued',
    });

    const r = platform(
      undefined,
      vi.fn(async () => Promise.reject(new PaketError('400'))),
    );
    expect(await shareParticipant(r.channel, { appId: APP, participantId: PID })).toMatchObject({
      status: 'refused',
      reason: 'service',
    });
  });

  it('refuses bad IDs before sending anything', async () => {
    const send = vi.fn();
    const ch = { platform: 'web', send, listen: () => () => undefined } as unknown as ShareChannel;
    await expect(shareParticipant(ch, { appId: APP, participantId: '../x' })).rejects.toMatchObject(
      {
        reason: 'invalid',
      },
    );
    expect(send).not.toHaveBeenCalled();
  });
});
