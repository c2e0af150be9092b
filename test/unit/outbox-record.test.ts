// The outbox record's outcomes: what a caller whose operation another instance delivered
// reads back.
import { describe, expect, it } from 'vitest';
import {
  emptyRecord,
  enqueue,
  recordOutcome,
  STATUS_SUPERSEDED,
  type QueuedOperation,
} from '../../src/outbox/record';

const op = (id: string, type = 'link'): QueuedOperation => ({
  id,
  type,
  target: '["link","p","x"]',
  profileId: 'p',
  participantId: 'x',
  key: id,
  queuedAt: '',
});

it('keeps the last 4 outcomes of a target, the newest included', () => {
  const r = emptyRecord();
  for (const id of ['a', 'b', 'c', 'd', 'e', 'f']) recordOutcome(r, op(id), 0);
  expect(r.outcomes.map((o) => o.op)).toEqual(['c', 'd', 'e', 'f']);
});

it("an unlink's outcome leaves the link's before it readable", () => {
  const r = emptyRecord();
  recordOutcome(r, op('link-1'), 0);
  recordOutcome(r, op('unlink-1', 'unlink'), 0);
  expect(r.outcomes.map((o) => o.op)).toEqual(['link-1', 'unlink-1']);
});

it('a queued link replaced by an unlink is recorded superseded, not merged into the unlink', () => {
  const r = emptyRecord();
  enqueue(r, op('link-1'), 10);
  enqueue(r, op('link-2'), 10); // the same kind: merged, learns link-2's outcome
  enqueue(r, op('unlink-1', 'unlink'), 10);
  expect(r.ops.map((o) => [o.id, o.merged])).toEqual([['unlink-1', undefined]]);
  expect(r.outcomes).toEqual([
    { target: '["link","p","x"]', op: 'link-2', status: STATUS_SUPERSEDED, merged: ['link-1'] },
  ]);
});

describe('low-priority writes (links from unattested shares)', () => {
  const at = (id: string, low = false): QueuedOperation => ({
    ...op(id),
    target: JSON.stringify(['link', 'p', id]),
    participantId: id,
    ...(low ? { low: true as const } : {}),
  });

  it("a low-priority write into a full outbox is refused itself: none of the user's is dropped", () => {
    const r = emptyRecord();
    enqueue(r, at('mine-1'), 2);
    enqueue(r, at('mine-2'), 2);
    const change = enqueue(r, at('share-1', true), 2);
    expect(change.dropped.map((o) => o.id)).toEqual(['share-1']);
    expect(r.ops.map((o) => o.id)).toEqual(['mine-1', 'mine-2']);
  });

  it("a user's write into a full outbox drops a low-priority one first, even a newer one", () => {
    const r = emptyRecord();
    enqueue(r, at('mine-1'), 2);
    enqueue(r, at('share-1', true), 2);
    const change = enqueue(r, at('mine-2'), 2);
    expect(change.dropped.map((o) => o.id)).toEqual(['share-1']);
    expect(r.ops.map((o) => o.id)).toEqual(['mine-1', 'mine-2']);
  });

  it("a low-priority write replacing a user's queued write of the same target keeps the user's priority", () => {
    const r = emptyRecord();
    enqueue(r, at('x'), 2);
    enqueue(r, { ...at('x', true), id: 'x-again' }, 2);
    enqueue(r, at('mine-2'), 2);
    enqueue(r, at('share-1', true), 2);
    expect(r.ops.map((o) => o.id)).toEqual(['x-again', 'mine-2']);
  });
});

describe('low-priority writes: what a second outside review found', () => {
  const link = (id: string, p: string, extra: Partial<QueuedOperation> = {}): QueuedOperation => ({
    ...op(id),
    target: JSON.stringify(['link', 'p', p]),
    participantId: p,
    ...extra,
  });

  it("a low share never pushes out a user's relink queued ahead of a low re-share of the same participant", () => {
    const r = emptyRecord();
    // As a replaced Session leaves it: re-links ahead, then the queue (a low re-share of P).
    r.ops = [
      link('relink-Q', 'Q', { relink: true, sent: true }),
      link('relink-P', 'P', { relink: true }),
      link('head', 'A', { sent: true }),
      link('share-P', 'P', { low: true }),
    ];
    const change = enqueue(r, link('share-X', 'X', { low: true }), 3);
    expect(change.dropped.map((o) => o.id)).toEqual(['share-X']);
    expect(r.ops.map((o) => o.id)).toContain('relink-P');
  });

  it('a low write refused by an outbox over its bound reports the low one of its target it replaced', () => {
    const r = emptyRecord();
    r.ops = [
      link('a', 'A', { relink: true }),
      link('b', 'B', { relink: true }),
      link('s1', 'S', { low: true }),
    ];
    const change = enqueue(r, link('s2', 'S', { low: true }), 2);
    expect(r.ops.map((o) => o.id)).toEqual(['a', 'b']);
    expect(change.dropped.map((o) => o.id)).toEqual(['s2', 's1']);
  });
});

it('the caller of the write replaced last is among the 20 kept in merged (a third review)', () => {
  const r = emptyRecord();
  for (let i = 0; i <= 21; i++) enqueue(r, op(`op${i}`), 10);
  const [head] = r.ops;
  expect(head!.id).toBe('op21');
  expect(head!.merged).toHaveLength(20);
  expect(head!.merged).toContain('op20');
  expect(head!.merged).not.toContain('op0');
});
