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
