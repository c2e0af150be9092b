// The journal of urgent writes (the tracker's put as the page hides): an entry whose storage
// transaction failed is queued at the next start, unless the page lived on and a later write
// of the same title was queued meanwhile (then the user's later word stands).
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, expect, it, vi } from 'vitest';
import type { Coordinator } from '../../src/coordination/types';
import { PaketNetworkError } from '../../src/errors/PaketNetworkError';
import { PaketStorageError } from '../../src/errors/PaketStorageError';
import type { PaketEvent } from '../../src/events';
import { createOutbox } from '../../src/outbox/outbox';
import { createRecordStorage, type RecordStorage } from '../../src/storage/records';

beforeEach(() => {
  vi.stubGlobal('indexedDB', new IDBFactory());
  localStorage.clear();
});

const coordinator: Coordinator = {
  run: (_name, task) =>
    task({ keys: [], holds: () => true, fresh: () => true, confirmed: () => undefined }),
};
const target = JSON.stringify(['item', 'default', 'ep1']);
const put = { type: 'putItem', target, profileId: 'default', participantId: '', contentId: 'ep1' };

/** IndexedDB storage whose next transaction fails (quota) when `failNext` is set. */
function world() {
  const base = createRecordStorage({ custom: undefined, timeoutMs: 3000, emit: () => undefined });
  const w = {
    failNext: false,
    /** Deliveries fail (a transient failure: the operations stay queued). */
    offline: false,
    service: new Map<string, unknown>(),
    events: [] as PaketEvent[],
  };
  const storage: RecordStorage = Object.create(base, {
    kind: { get: () => base.kind },
    transact: {
      value: (keys: readonly string[], change: (values: unknown[]) => unknown) => {
        if (!w.failNext) return base.transact(keys, change);
        w.failNext = false;
        return Promise.reject(new PaketStorageError('write', 'quota'));
      },
    },
  });
  /** An app start: a new outbox over the same storage, delivering to `service`. */
  const start = (limit = 100) => {
    const outbox = createOutbox({
      storage,
      coordinator,
      emit: (e) => void w.events.push(e),
      key: async () => 'paket-tv-sdk:ns:links',
      limit,
      isTransient: () => w.offline,
      waitMs: 1000,
      auto: false,
    });
    outbox.register('putItem', {
      deliver: async (op) => {
        if (w.offline) throw new PaketNetworkError('PUT', '/', new TypeError('offline'));
        w.service.set(op.contentId!, op.item);
        return {};
      },
    });
    outbox.register('removeItem', {
      deliver: async (op) => {
        w.service.delete(op.contentId!);
        return {};
      },
    });
    return outbox;
  };
  return { w, start };
}

it('an urgent put whose write failed is delivered at the next start', async () => {
  const { w, start } = world();
  const first = start();
  await first.read(); // the record's key is known: urgent writes are journalled
  w.failNext = true;
  await expect(first.submit({ ...put, item: { position: 600 } }, true)).rejects.toBeInstanceOf(
    PaketStorageError,
  );
  expect(w.service.has('ep1')).toBe(false);
  await start().flush();
  expect(w.service.get('ep1')).toEqual({ position: 600 });
});

it('an urgent put whose write failed, then a remove of the same title delivered: the next start does not put the title back', async () => {
  const { w, start } = world();
  const first = start();
  await first.read();
  w.failNext = true;
  await expect(first.submit({ ...put, item: { position: 600 } }, true)).rejects.toBeInstanceOf(
    PaketStorageError,
  );
  // The page lives on: the user finishes the title, and its removal is delivered.
  await first.submit({ ...put, type: 'removeItem' });
  expect(w.service.has('ep1')).toBe(false);
  await start().flush();
  expect(w.service.has('ep1')).toBe(false); // the user's last word: removed
});

it('an urgent put queued at the next start into a full outbox: the write it pushes out is reported dropped', async () => {
  const { w, start } = world();
  const first = start(2);
  w.offline = true;
  for (const contentId of ['ep1', 'ep2']) {
    await expect(first.submit({ ...put, target: contentId, contentId })).rejects.toBeInstanceOf(
      PaketNetworkError,
    );
  }
  w.failNext = true;
  await expect(
    first.submit({ ...put, target: 'ep3', contentId: 'ep3', item: { position: 60 } }, true),
  ).rejects.toBeInstanceOf(PaketStorageError);
  w.events.length = 0;
  const next = start(2);
  // ep1 was sent (the service may be executing it): the oldest write never sent goes.
  expect((await next.read()).ops.map((o) => o.contentId)).toEqual(['ep1', 'ep3']);
  // The app learns that ep2's write is gone, as it does for any write the bound drops.
  expect(w.events).toContainEqual(
    expect.objectContaining({ type: 'outboxDropped', contentId: 'ep2', reason: 'overflow' }),
  );
});
