// Linking Participants to a profile's Session, through the outbox (src/outbox/): a link or
// unlink the user asked for is stored before it is sent, delivered in order, never lost and
// never made twice. This module holds the link calls and their delivery; the rare paths
// (a Session the service lost, remove, reconcile) are in repair.ts, loaded when needed.
import { loadOnce } from '../load-once.js';
import { monotonic } from '../coordination/clock.js';
import { AGAIN, type Delivery } from '../outbox/outbox.js';
import {
  keyFor,
  linksOf,
  linkTarget,
  type OutboxRecord,
  type QueuedOperation,
} from '../outbox/record.js';
import { dialectTable, linkBody, route } from '../transport/routes.js';
import { uuidv4 } from '../transport/uuid.js';
import type {
  PaketLinkedParticipant,
  PaketListItem,
  PaketSession,
  PaketSessionParticipant,
} from '../types.js';
import { PaketInputError } from '../errors/PaketInputError.js';
import { checkProfileId } from './identity.js';
import { isStatus, keptFor } from './failures.js';
import { reconcileDue, type LinkConfig, type LinkInternals } from './link-state.js';
import { checkLimit, listOptions, pagedList, readFields } from './paged.js';
import { checkId as checkIdRule } from './validate.js';

export type { QueuedOperation } from '../outbox/record.js';
export type { LinkConfig, LinkInternals } from './link-state.js';
export type { FlushResult } from '../outbox/outbox.js';

export interface LinkInput {
  /** The publisher's `app_id` the participant belongs to. */
  appId: string;
  participantId: string;
}

/** Options of `sessions.link()`. */
export interface LinkOptions {
  /**
   * A link of low priority (one from a sender nobody vouches for, such as an unattested
   * share) never pushes another queued write out of a full outbox: the full outbox refuses
   * it instead (a `PaketError`, not queued), and it is the first to go when another write
   * needs the room. Default `false`.
   */
  lowPriority?: boolean;
}

const checkId = (name: string, value: unknown, where: string): string =>
  checkIdRule(name, value, where);

export function createLinks(config: LinkConfig) {
  const { transport, outbox, sessions } = config;
  const dialect = transport.dialect;
  /** A confirmed link in the dialect's wire shape (2025: the Session Context object). */
  const wire = (l: PaketSessionParticipant): PaketSessionParticipant => {
    if (dialect !== 'contexts') return l;
    const fields = dialectTable(dialect).fields.link;
    const out: Record<string, unknown> = { ...l, context_id: l.participant_id };
    for (const k of Object.keys(out)) if (fields.indexOf(k) < 0) delete out[k];
    return out as unknown as PaketSessionParticipant;
  };
  const repair = loadOnce(() => import('./repair.js'));

  const internals: LinkInternals = {
    config,
    current: async (profileId, create, record) => {
      let session = await sessions.internals.current(profileId, create);
      const gone = (record ?? (await outbox.read())).gone;
      for (let n = 0; n < 3 && session && gone.indexOf(session.session_id) >= 0; n++) {
        const lost = session.session_id;
        session = await internals.after(profileId, lost, create);
        if (session && session.session_id === lost) break; // given again: taken off the list
      }
      return session;
    },
    after: async (profileId, lost, create) => {
      await internals.forget(profileId, lost);
      const session = await sessions.internals.current(profileId, create);
      // The service gave the lost Session's ID to the Session made now: it has that Session
      // again (without this, links made on it would count as made on a lost one, for ever).
      if (session && session.session_id === lost) {
        await outbox.edit((r) => {
          r.gone = r.gone.filter((g) => g !== lost);
        });
      }
      return session;
    },
    // The profile's queued operations need no new keys: a delivery's Idempotency-Key is
    // derived per Session (keyFor), so the new Session's path never sees an old one.
    forget: (profileId, id) => sessions.forget(profileId, id),
  };

  const kept = keptFor('Session');

  /**
   * The last operation whose Session was replaced, and how many times: a Session lost again
   * while it was delivered (its replacement gone too) is replaced again, up to 3 times, after
   * which a 404 for it is final (a service that loses every new Session).
   */
  let healed = { id: '', times: 0 };

  const deliver = async (op: QueuedOperation, d: Delivery) => {
    const isLink = op.type === 'link';
    const session = await internals.current(op.profileId, isLink, d.record).catch(kept);
    if (!session) {
      // An unlink for a profile with no Session: no link can exist. (A link: removed profile.)
      return isLink ? {} : { apply: (r: OutboxRecord) => dropLink(r, op) };
    }
    const started = monotonic();
    try {
      if (!isLink) {
        await transport.request({
          ...route(dialect, 'unlink', {
            sessionId: session.session_id,
            publisherId: op.participantId,
          }),
          guard: d.guard,
        });
        // Slower than one attempt: a retry went out, and the first DELETE may still land
        // after a later link. A reconcile soon after heals that.
        if (config.reconcileEveryMs > 0 && monotonic() - started >= config.timeoutMs) {
          setTimeout(() => void reconcile(op.profileId, true), config.timeoutMs);
        }
        return { apply: (r: OutboxRecord) => dropLink(r, op) };
      }
      const response = await transport.request({
        ...route(dialect, 'link', { sessionId: session.session_id }),
        body: linkBody(dialect, op.appId ?? '', op.participantId),
        idempotencyKey: keyFor(op.key, session.session_id),
        guard: d.guard,
      });
      // Older servers answer {"message":"Success"}: make the documented object from what was sent.
      const body = (response.body ?? {}) as Record<string, unknown>;
      const link: Record<string, unknown> = {
        app_id: op.appId ?? '',
        participant_id: op.participantId,
        session_id: session.session_id,
        client_id: session.client_id,
        created_at: new Date().toISOString(),
      };
      for (const field of ['app_id', 'client_id', 'created_at']) {
        if (typeof body[field] === 'string' && (body[field] as string).length <= 1024)
          link[field] = body[field];
      }
      const made = link as unknown as PaketSessionParticipant;
      return {
        value: wire(made),
        apply: (r: OutboxRecord) => {
          dropLink(r, op);
          // Made on a Session found lost meanwhile (another instance replaced it while this
          // was in flight): queued again, ahead, to restore it.
          if (r.gone.indexOf(made.session_id) >= 0) {
            r.ops.unshift({ ...op, id: uuidv4(), key: uuidv4(), relink: true });
          } else {
            r.links.push({ ...made, profileId: op.profileId, op: op.id });
            if (r.known.indexOf(op.profileId) < 0) r.known.push(op.profileId);
          }
        },
      };
    } catch (error) {
      // A 404 for a link or an unlink (deletes are otherwise idempotent): the Session is gone,
      // or another page already replaced it. Either way the operation is sent again to the
      // profile's current Session (made once, however many meet the 404).
      const times = healed.id === op.id ? healed.times : 0;
      if (times >= 3 || !isStatus(error, 404)) throw error;
      const fix = await repair();
      const gone = await fix.sessionGone(transport, session).catch(kept);
      if (!gone) throw error;
      await fix.replaceSession(internals, outbox, op.profileId, session).catch(kept);
      healed = { id: op.id, times: times + 1 };
      return AGAIN;
    }
  };

  const fromState = (op: QueuedOperation, r: OutboxRecord) => {
    const link =
      op.type === 'link'
        ? linksOf(r, op.profileId).find((l) => l.participant_id === op.participantId)
        : undefined;
    return link && wire(link);
  };
  // A refused re-link: the service will not hold that link, so it is no longer known (a later
  // repair must not restore it).
  const refused = (op: QueuedOperation, r: OutboxRecord): void => {
    if (op.relink) dropLink(r, op);
  };
  outbox.register('link', { deliver, fromState, refused });
  outbox.register('unlink', { deliver, fromState });
  outbox.register('removeSession', {
    deliver: async (op, d) => {
      try {
        await transport.request({
          ...route(dialect, 'removeSession', { sessionId: op.contentId ?? '' }),
          guard: d.guard,
        });
      } catch (error) {
        if (!isStatus(error, 404)) throw error;
      }
      return {};
    },
  });

  const reconcile = async (profileId: string, force: boolean): Promise<void> => {
    try {
      await (await repair()).reconcile(internals, outbox, profileId, force);
    } catch {
      // Reported through onEvent by the storage layer and the transport; tried again later.
    }
  };

  /** A list below the profile's Session: `call` S3, S4 (with `publisherId`) or S5. */
  const sessionList = <T>(
    profileId: string,
    call: 'upNext' | 'appList' | 'linked',
    limit: number | undefined,
    publisherId?: string,
  ): AsyncIterable<T> => {
    let session: PaketSession | undefined;
    const at = (s: PaketSession): string[] =>
      route(dialect, call, { sessionId: s.session_id, ...(publisherId && { publisherId }) })
        .segments;
    return pagedList<T>(
      {
        transport,
        open: async () =>
          at((session = (await internals.current(profileId, true)) as PaketSession)),
        reopen: async () => {
          const fresh = await (
            await repair()
          ).replaceSession(internals, outbox, profileId, session as PaketSession);
          await outbox.flush();
          return at(fresh);
        },
      },
      limit,
    );
  };

  return {
    internals,
    /** After `ensure()`: a reconcile when the profile's is due (the repair code loads only then). */
    reconcileIfDue: (profileId: string): void => {
      if (config.reconcileEveryMs <= 0) return;
      const now = Date.now();
      outbox
        .read()
        .then(async (r) => {
          if (!r.reconciled.some((x) => x.p === profileId)) {
            // First seen: due one period from now (a new Session has nothing to heal).
            await outbox.edit((e) => {
              if (!e.reconciled.some((x) => x.p === profileId))
                e.reconciled.push({ p: profileId, at: now });
            });
          } else if (reconcileDue(r, profileId, now, config.reconcileEveryMs)) {
            await reconcile(profileId, true);
          }
        })
        .catch(() => undefined);
    },
    sessions: {
      async link(
        profileId: string,
        input: LinkInput,
        options?: LinkOptions,
      ): Promise<PaketSessionParticipant> {
        const where = 'sessions.link';
        const p = checkProfileId(profileId, where);
        const { appId, participantId } = readFields(input, ['appId', 'participantId'], where);
        const participant = checkId('participantId', participantId, where);
        const { lowPriority } = listOptions(options, where, ['lowPriority']);
        if (lowPriority !== undefined && typeof lowPriority !== 'boolean') {
          throw new PaketInputError('lowPriority', 'must be a boolean', where);
        }
        return (await outbox.submit({
          type: 'link',
          target: linkTarget(p, participant),
          profileId: p,
          participantId: participant,
          appId: checkId('appId', appId, where),
          ...(lowPriority ? { low: true as const } : {}),
        })) as PaketSessionParticipant;
      },

      async unlink(profileId: string, participantId: string): Promise<void> {
        const where = 'sessions.unlink';
        const p = checkProfileId(profileId, where);
        const participant = checkId('participantId', participantId, where);
        // Queued at once, as a link is, so the user's last word wins: an unlink and a link
        // called together reach the outbox in that order. With no Session stored, its delivery
        // finds none and sends nothing (no link can exist, and nothing is created).
        await outbox.submit({
          type: 'unlink',
          target: linkTarget(p, participant),
          profileId: p,
          participantId: participant,
        });
      },

      async remove(profileId: string): Promise<void> {
        const p = checkProfileId(profileId, 'sessions.remove');
        await (await repair()).removeSession(internals, outbox, p);
      },

      forget: (profileId = 'default', id?: string): Promise<void> =>
        internals.forget(checkProfileId(profileId, 'sessions.forget'), id),

      participants(
        profileId: string,
        options?: { limit?: number },
      ): AsyncIterable<PaketLinkedParticipant> {
        const where = 'sessions.participants';
        const p = checkProfileId(profileId, where);
        return sessionList(
          p,
          'linked',
          checkLimit(listOptions(options, where, ['limit']).limit, 50, where),
        );
      },

      upNext(
        profileId: string,
        options?: { participantId?: string; limit?: number },
      ): AsyncIterable<PaketListItem> {
        const where = 'sessions.upNext';
        const p = checkProfileId(profileId, where);
        const o = listOptions(options, where, ['limit', 'participantId']);
        const limit = checkLimit(o.limit, 200, where);
        if (o.participantId === undefined) return sessionList(p, 'upNext', limit);
        const publisher = checkId('participantId', o.participantId, where);
        return sessionList(p, 'appList', limit, publisher);
      },

      async linked(profileId: string): Promise<PaketSessionParticipant[]> {
        const p = checkProfileId(profileId, 'sessions.linked');
        return linksOf(await outbox.read(), p).map(wire);
      },
    },
  };
}

/** The record with the profile's confirmed link to `op`'s participant removed. */
function dropLink(r: OutboxRecord, op: QueuedOperation): void {
  r.links = r.links.filter(
    (l) => !(l.profileId === op.profileId && l.participant_id === op.participantId),
  );
}

export type Links = ReturnType<typeof createLinks>;
