// The rare paths of linking, loaded on demand: replacing a Session the service lost,
// removing a Session, merging what a run on the localStorage fallback queued, and
// reconciling the device's links with the service's. An app that never meets them does not
// download this code.
import { PaketError } from '../errors/PaketError.js';
import {
  STATUS_REMOVED,
  enqueue,
  linkTarget,
  linksOf,
  parseRecord,
  recordOutcome,
} from '../outbox/record.js';
import type { OutboxRecord, QueuedOperation } from '../outbox/record.js';
import type { Outbox } from '../outbox/outbox.js';
import type { RecordStorage } from '../storage/records.js';
import type { Transport } from '../transport/http.js';
import { uuidv4 } from '../transport/uuid.js';
import { encodable } from '../transport/encoding.js';
import type { PaketLinkedParticipant, PaketSession } from '../types.js';
import { route } from '../transport/routes.js';
import { isStatus } from './failures.js';
import { idProblem } from './validate.js';
import { reconcileDue, type LinkInternals } from './link-state.js';

const relinkOp = (profileId: string, participantId: string, appId: string): QueuedOperation => ({
  id: uuidv4(),
  type: 'link',
  target: linkTarget(profileId, participantId),
  profileId,
  participantId,
  appId,
  key: uuidv4(),
  queuedAt: new Date().toISOString(),
  relink: true,
});

/**
 * Links confirmed on a Session the record lists as lost (all of `profileId`'s, whose Session
 * was just found lost) become re-links ahead of the queue.
 */
function requeueLost(r: OutboxRecord, profileId?: string): void {
  const lost = r.links.filter(
    (l) => l.profileId === profileId || r.gone.indexOf(l.session_id) >= 0,
  );
  r.links = r.links.filter((l) => lost.indexOf(l) < 0);
  // Queued operations of the same participants stay after them: the user's later word (a
  // queued unlink still ends unlinked; a queued link the service refuses leaves the restored
  // one). Only an unlink at the head is not undone: it may be on its way right now.
  const head = r.ops[0];
  const sending = head && head.type === 'unlink' ? head.target : '';
  const relinks = lost
    .filter((l) => linkTarget(l.profileId, l.participant_id) !== sending)
    .map((l) => relinkOp(l.profileId, l.participant_id, l.app_id));
  r.ops = relinks.concat(r.ops);
}

/**
 * Merges into IndexedDB the outbox a run on the localStorage fallback (IndexedDB missing or
 * failing then) left in localStorage, and removes it there. That run came later than what
 * IndexedDB holds: its queued operations replace those of the same target, its confirmed
 * links and unlinks apply over the confirmed links, and a link confirmed on a Session lost
 * meanwhile is queued for a re-link.
 */
export async function adoptStray(storage: RecordStorage, key: string): Promise<void> {
  await storage.get(key); // the backend is chosen on first use
  if (storage.kind !== 'indexeddb') return; // elsewhere, localStorage holds the record itself
  const s = parseRecord(storage.mirrorGet(key)).record;
  await storage.transact([key], (values) => {
    const r = parseRecord(values[0]).record;
    // A merge may be repeated (the fallback's record stays while it holds queued operations):
    // what IndexedDB already has, or has since superseded, is not applied again.
    const lastFor = (target: string) => r.outcomes.filter((x) => x.target === target).pop();
    for (const o of s.outcomes) {
      if (o.status !== 0 || r.outcomes.some((x) => x.op === o.op)) continue;
      // A target the stray run delivered: its confirmed links (below) are the state now.
      r.links = r.links.filter((l) => linkTarget(l.profileId, l.participant_id) !== o.target);
      r.ops = r.ops.filter((q) => q.target !== o.target);
      recordOutcome(r, { id: o.op, target: o.target } as QueuedOperation, 0);
    }
    for (const l of s.links) {
      const last = lastFor(linkTarget(l.profileId, l.participant_id));
      if (last && last.op !== l.op) continue; // changed here since
      r.links = r.links
        .filter((x) => !(x.profileId === l.profileId && x.participant_id === l.participant_id))
        .concat(l);
    }
    for (const o of s.ops) {
      // Not twice, should a merge be repeated: queued or delivered already.
      const seen = (x: { id?: string; op?: string; merged?: string[] }): boolean =>
        x.id === o.id || x.op === o.id || (x.merged ?? []).indexOf(o.id) >= 0;
      if (r.ops.some(seen) || r.outcomes.some(seen)) continue;
      // One the stray run sent may have been made by the service already, before an operation
      // of the same target still queued here (an unlink this run never sent): delivered after
      // it, a retry with its first key would be answered from the replay of that first
      // request, and leave the service in the older state. A new key makes it again (links,
      // items and hides set a state: making one twice is harmless).
      enqueue(r, o.sent ? { ...o, key: uuidv4() } : o, Number.MAX_SAFE_INTEGER);
    }
    for (const p of s.known) if (r.known.indexOf(p) < 0) r.known.push(p);
    r.gone = r.gone.concat(s.gone.filter((g) => r.gone.indexOf(g) < 0)).slice(-20);
    requeueLost(r);
    values[0] = r;
  });
  // Merged, it goes: a later run on the fallback must not replay what IndexedDB's queue has
  // since coalesced or delivered. (An instance still running on the fallback at this moment,
  // which no TV does, learns its operations' outcome as unknown: they are delivered from here.)
  storage.mirrorDelete(key);
}

/** Does the service still have this Session? (A 404 on a link may name the participant instead.) */
export async function sessionGone(transport: Transport, session: PaketSession): Promise<boolean> {
  try {
    await transport.request({
      ...route(transport.dialect, 'linked', { sessionId: session.session_id }),
      query: { limit: 1 },
    });
    return false;
  } catch (error) {
    if (isStatus(error, 404)) return true;
    throw error;
  }
}

/**
 * Replaces a Session the service lost: a re-link of every participant known for the profile
 * queued at the head of the outbox (ahead of the operation that met the 404, so its call
 * completes with the links restored), and new keys for the profile's queued operations (a key
 * sent to the old Session's path would be refused on the new one), in one transaction with
 * forgetting the lost Session; then a new Session. If it cannot be created now, or the app
 * stops, the re-links wait in the outbox for it. When another app instance found the same
 * Session lost first, its re-links are queued already and its new Session is adopted.
 * Reports `sessionReplaced`.
 */
export async function replaceSession(
  links: LinkInternals,
  outbox: Outbox,
  profileId: string,
  old: PaketSession,
): Promise<PaketSession> {
  const { emit } = links.config;
  await outbox.edit((r) => {
    if (r.gone.indexOf(old.session_id) >= 0) return; // another instance found it lost first
    r.gone = r.gone.concat(old.session_id).slice(-20);
    requeueLost(r, profileId);
  });
  // The lost one is forgotten only while stored (with new keys for the profile's operations):
  // another caller may have replaced it.
  const fresh = (await links.after(profileId, old.session_id, true)) as PaketSession;
  emit({
    type: 'sessionReplaced',
    profileId,
    previousSessionId: old.session_id,
    sessionId: fresh.session_id,
  });
  return fresh;
}

/**
 * Removes the profile's Session in one transaction: the identity record becomes `removed`
 * (no delivery creates it again), the profile's queued operations and confirmed links are
 * dropped (reported), and the service's DELETE is queued in their place, so that it is sent
 * now or, offline, later. A later `ensure()` or `link()` makes a new Session.
 */
export async function removeSession(
  links: LinkInternals,
  outbox: Outbox,
  profileId: string,
): Promise<void> {
  const { sessions } = links.config;
  const key = await links.config.outboxKey();
  const dropped: QueuedOperation[] = [];
  const ids = new Set<string>();
  await sessions.internals.retire(
    profileId,
    'removed',
    (stored) => {
      if (stored) ids.add(stored.session_id);
      return true;
    },
    [key],
    (values) => {
      const r = parseRecord(values[0]).record;
      const mine = r.ops.filter((o) => o.profileId === profileId && o.type !== 'removeSession');
      r.ops = r.ops.filter((o) => mine.indexOf(o) < 0);
      for (const o of mine) recordOutcome(r, o, STATUS_REMOVED);
      dropped.push(...mine);
      for (const l of r.links) {
        if (l.profileId === profileId && r.gone.indexOf(l.session_id) < 0) ids.add(l.session_id);
      }
      r.links = r.links.filter((l) => l.profileId !== profileId);
      r.known = r.known.filter((p) => p !== profileId);
      values[0] = r;
    },
  );
  for (const o of dropped) {
    outbox.report('outboxDropped', o, { reason: 'removed' });
    outbox.settle(o, { error: new PaketError(`${o.type} dropped: the Session was removed`) });
  }
  // Deleted at the service through the outbox: now, or once the device is back online.
  await Promise.all(
    [...ids].map((sessionId) =>
      outbox.submit({
        type: 'removeSession',
        target: JSON.stringify(['session', sessionId]),
        profileId,
        participantId: '',
        contentId: sessionId,
      }),
    ),
  );
}

/**
 * Reads the service's linked publishers for the profile and heals the difference with what
 * the user asked for: re-links what the service lost, repeats an unlink it still shows
 * (the device is the only writer of its Session's links). A profile whose links this device
 * does not know in full (its record was lost) adopts the service's list instead. Unless
 * `force`, only when due (links.ts); reports `reconciled` when it changed anything.
 */
export async function reconcile(
  links: LinkInternals,
  outbox: Outbox,
  profileId: string,
  force: boolean,
): Promise<void> {
  const { transport, reconcileEveryMs, emit } = links.config;
  const now = Date.now();
  const before = await outbox.read();
  if (!force && !reconcileDue(before, profileId, now, reconcileEveryMs)) return;
  const session = await links.current(profileId, false, before);
  if (!session) return;
  const service: (PaketLinkedParticipant & { participant_id: string })[] = [];
  let nextKey: unknown;
  // Only a whole list is acted on (a partial one would unlink what is on the pages not read):
  // a malformed page, a cursor that comes back or cannot be sent, or no end after 100 pages
  // leaves everything as it is, for the next reconcile.
  const sent = new Set<unknown>();
  let whole = false;
  for (let page = 0; page < 100; page++) {
    const response = await transport.request({
      ...route(transport.dialect, 'linked', { sessionId: session.session_id }),
      query: { limit: 50, ...(nextKey !== undefined ? { next_key: nextKey as string } : {}) },
    });
    const body = response.body as { items?: unknown; next_key?: unknown } | undefined;
    if (!body || !Array.isArray(body.items)) return;
    for (const item of body.items as unknown[]) {
      const o = (item && typeof item === 'object' ? item : {}) as Record<string, unknown>;
      const id = o.participant_id ?? o.context_id;
      // The service's IDs keep the ID rule too: one that breaks it would go into an unlink's
      // path ("." is a dot-segment even encoded) or be stored as a link. It is left alone.
      if (idProblem(id) !== undefined) continue;
      service.push({
        participant_id: id as string,
        app_id: typeof o.app_id === 'string' && !idProblem(o.app_id) ? o.app_id : '',
        created_at: typeof o.created_at === 'string' ? o.created_at.slice(0, 64) : '',
      });
    }
    nextKey = body.next_key;
    whole = nextKey === undefined || nextKey === null || body.items.length === 0;
    if (whole) break;
    if (typeof nextKey !== 'number' && typeof nextKey !== 'string') return;
    if (sent.has(nextKey) || !encodable(String(nextKey))) return;
    sent.add(nextKey);
  }
  if (!whole) return;
  const relinked: string[] = [];
  const unlinked: string[] = [];
  await outbox.edit((r) => {
    const queued = (p: string): boolean => r.ops.some((o) => o.target === linkTarget(profileId, p));
    const has = (p: string): boolean => service.some((s) => s.participant_id === p);
    if (r.known.indexOf(profileId) < 0) {
      // What this device knew was lost: the service's list is the best record there is.
      for (const s of service) {
        if (linksOf(r, profileId).some((l) => l.participant_id === s.participant_id)) continue;
        r.links.push({
          app_id: s.app_id,
          participant_id: s.participant_id,
          session_id: session.session_id,
          client_id: session.client_id,
          created_at: s.created_at,
          profileId,
          op: '',
        });
      }
      r.known.push(profileId);
    } else {
      for (const l of linksOf(r, profileId)) {
        if (
          l.session_id !== session.session_id ||
          has(l.participant_id) ||
          queued(l.participant_id)
        )
          continue;
        enqueue(r, relinkOp(profileId, l.participant_id, l.app_id), Number.MAX_SAFE_INTEGER);
        relinked.push(l.participant_id);
      }
      for (const s of service) {
        const mine = linksOf(r, profileId).some((l) => l.participant_id === s.participant_id);
        if (mine || queued(s.participant_id)) continue;
        enqueue(
          r,
          {
            id: uuidv4(),
            type: 'unlink',
            target: linkTarget(profileId, s.participant_id),
            profileId,
            participantId: s.participant_id,
            key: uuidv4(),
            queuedAt: new Date().toISOString(),
          },
          Number.MAX_SAFE_INTEGER,
        );
        unlinked.push(s.participant_id);
      }
    }
    r.reconciled = r.reconciled.filter((x) => x.p !== profileId).concat({ p: profileId, at: now });
  });
  if (relinked.length || unlinked.length) {
    emit({ type: 'reconciled', profileId, relinked, unlinked });
    await outbox.flush();
  }
}
