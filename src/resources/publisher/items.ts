// The publisher's writes (P1 put, P2 remove, P4 leave) and its own list (P3), through the
// outbox: every write is stored before it is sent, coalesced per title (a newer put replaces
// a queued one, a remove replaces both), delivered in order, exactly once in effect. Each is
// sent to the profile's Participant (Context), created once when there is none: a put made
// before it can be created (offline) waits in the queue like any other.
import type { IdentityInternals, IdentityResource } from '../identity.js';
import { checkProfileId } from '../identity.js';
import type { Outbox } from '../../outbox/outbox.js';
import { keyFor, type QueuedOperation } from '../../outbox/record.js';
import { publisherIdField } from '../../transport/dialect.js';
import { route } from '../../transport/routes.js';
import type { Transport } from '../../transport/http.js';
import type { PaketListItem } from '../../types.js';
import { isStatus, keptFor } from '../failures.js';
import { checkLimit, listOptions, pagedList } from '../paged.js';
import { checkId } from '../validate.js';
import { checkItem, type PaketItemInput } from './item.js';
import { createPlayback } from './playback.js';

export interface ItemsConfig<T> {
  transport: Transport;
  outbox: Outbox;
  participants: IdentityResource<T> & { internals: IdentityInternals<T> };
}

/** The coalescing target of a title's writes: a put and a remove of one title replace each other. */
const itemTarget = (profileId: string, contentId: string): string =>
  JSON.stringify(['item', profileId, contentId]);
const leaveTarget = (profileId: string): string => JSON.stringify(['leave', profileId]);

export function createItems<T>(config: ItemsConfig<T>) {
  const { transport, outbox, participants } = config;
  const dialect = transport.dialect;
  const idField = publisherIdField(dialect);
  const kept = keptFor('Participant');
  const idOf = (p: T): string => (p as Record<string, string>)[idField] as string;

  /** The profile's Participant for a delivery: created for a put, never for a remove or a leave. */
  const current = (op: QueuedOperation, create: boolean) =>
    participants.internals.current(op.profileId, create).catch(kept);

  outbox.register('putItem', {
    deliver: async (op, d) => {
      const p = (await current(op, true)) as T;
      await transport.request({
        ...route(dialect, 'putItem', { publisherId: idOf(p) }),
        body: op.item,
        idempotencyKey: keyFor(op.key, idOf(p)),
        guard: d.guard,
      });
      return {};
    },
  });
  // Idempotent deletes: 404 is done too (the item, or the links, are already gone).
  const remove =
    (call: 'removeItem' | 'detach') => async (op: QueuedOperation, d: { guard: () => boolean }) => {
      const p = await current(op, false);
      if (!p) return {}; // no Participant: nothing to remove
      try {
        await transport.request({
          ...route(dialect, call, { publisherId: idOf(p), contentId: op.contentId ?? '' }),
          guard: d.guard,
        });
      } catch (error) {
        if (!isStatus(error, 404)) throw error;
      }
      return {};
    };
  outbox.register('removeItem', { deliver: remove('removeItem') });
  outbox.register('leaveSessions', { deliver: remove('detach') });

  // Async, so a bad item rejects; the body up to the outbox's first await (the check, the
  // journal of an urgent write) still runs before this returns.
  const put = async (profileId: string, item: unknown, urgent: boolean): Promise<void> => {
    const where = 'participants.putItem';
    const p = checkProfileId(profileId, where);
    const checked = checkItem(item, dialect, where);
    await outbox.submit(
      {
        type: 'putItem',
        target: itemTarget(p, checked.content_id),
        profileId: p,
        participantId: '',
        contentId: checked.content_id,
        item: checked as unknown as Record<string, unknown>,
      },
      urgent,
    );
  };

  const removeItem = async (profileId: string, contentId: string, urgent = false) => {
    const where = 'participants.removeItem';
    const p = checkProfileId(profileId, where);
    const content = checkId('contentId', contentId, where);
    // Queued at once, as a put is: calls reach the outbox in the order they were made (the
    // tracker's finish removes the title, then puts the next one). With nothing stored for
    // the profile, its delivery finds no Participant and sends nothing.
    await outbox.submit(
      {
        type: 'removeItem',
        target: itemTarget(p, content),
        profileId: p,
        participantId: '',
        contentId: content,
      },
      urgent,
    );
  };

  return {
    calls: {
      trackPlayback: createPlayback({
        put,
        remove: removeItem,
        prepare: () => void outbox.read().catch(() => undefined),
        dialect,
      }),
      putItem: (profileId: string, item: PaketItemInput): Promise<void> =>
        put(profileId, item, false),
      removeItem: (profileId: string, contentId: string): Promise<void> =>
        removeItem(profileId, contentId),
      items(profileId: string, options?: { limit?: number }): AsyncIterable<PaketListItem> {
        const where = 'participants.items';
        const p = checkProfileId(profileId, where);
        const limit = checkLimit(listOptions(options, where, ['limit']).limit, 200, where);
        return pagedList(
          {
            transport,
            open: async () =>
              route(dialect, 'ownList', { publisherId: idOf(await participants.ensure(p)) })
                .segments,
          },
          limit,
        );
      },
      async leaveSessions(profileId: string): Promise<void> {
        const p = checkProfileId(profileId, 'participants.leaveSessions');
        await outbox.submit({
          type: 'leaveSessions',
          target: leaveTarget(p),
          profileId: p,
          participantId: '',
        });
      },
    },
  };
}

export type Items = ReturnType<typeof createItems>;
