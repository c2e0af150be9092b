// The rare paths of linking, loaded on demand: replacing a Session the service lost, and
// removing a Session. An app that never meets them does not download this code.
import { PaketError } from '../errors/PaketError.js';
import type { Transport } from '../transport/http.js';
import { uuidv4 } from '../transport/uuid.js';
import type { RecordStorage } from '../storage/records.js';
import type { PaketSession, PaketSessionParticipant } from '../types.js';
import {
  isStatus,
  parseRecord,
  SESSIONS,
  type LinkInternals,
  type LinksRecord,
  type QueuedOperation,
} from './links.js';

/**
 * Re-link operations for the profile's `links`, to go ahead of the queue: the operations
 * queued after them still apply in order (a queued unlink still ends unlinked), and a queued
 * link that the service refuses leaves the restored one in place. Only the participant of an
 * unlink at the head is left out: another app instance may be sending it right now.
 */
const relink = (
  head: QueuedOperation | undefined,
  profileId: string,
  links: PaketSessionParticipant[],
): QueuedOperation[] => {
  const sending =
    head && head.type === 'unlink' && head.profileId === profileId ? head.participantId : '';
  return links
    .filter((l) => l.participant_id !== sending)
    .map((l) => ({
      id: uuidv4(),
      type: 'link',
      profileId,
      participantId: l.participant_id,
      appId: l.app_id,
      key: uuidv4(),
      queuedAt: new Date().toISOString(),
      relink: true,
    }));
};

/**
 * Links confirmed on a Session the record lists as lost (all of `profileId`'s, whose Session
 * was just found lost) become re-links ahead of the queue.
 */
function requeueLost(r: LinksRecord, profileId?: string): void {
  const head = r.ops[0];
  for (const p of Object.keys(r.linked)) {
    const links = r.linked[p] ?? [];
    const lost = links.filter((l) => p === profileId || r.gone.includes(l.session_id));
    r.linked[p] = links.filter((l) => !lost.includes(l));
    r.ops = relink(head, p, lost).concat(r.ops);
  }
}

/**
 * Merges into IndexedDB the outbox a run on the localStorage fallback (IndexedDB missing,
 * failing or too slow to open then) left in localStorage, and removes it there. That run came
 * later than what IndexedDB holds: an operation still queued in IndexedDB for a participant
 * that run also linked or unlinked is superseded and dropped, the others get new keys; that
 * run's unlinks and confirmed links apply over the confirmed links; its queued operations are
 * delivered after the others; and a link confirmed on a Session lost meanwhile is queued for a
 * re-link.
 */
export async function adoptStray(storage: RecordStorage, key: string): Promise<void> {
  await storage.get(key); // the backend is chosen on first use
  if (storage.kind !== 'indexeddb') return; // elsewhere, localStorage holds the record itself
  const s = parseRecord(storage.mirrorGet(key)).record;
  const cut = s.done.map((d) => d.unlink).filter((u): u is string[] => Array.isArray(u));
  const touched = (p: string, q: string): boolean =>
    s.ops.some((o) => o.profileId === p && o.participantId === q) ||
    (s.linked[p] ?? []).some((l) => l.participant_id === q) ||
    cut.some((u) => u[0] === p && u[1] === q);
  await storage.update(key, (current) => {
    const r = parseRecord(current).record;
    r.ops = r.ops.filter((o) => !touched(o.profileId, o.participantId));
    // Their keys may have been sent to a Session that run found lost: new ones.
    for (const o of r.ops) o.key = uuidv4();
    cut.forEach(([p = '', q]) => {
      r.linked[p] = (r.linked[p] ?? []).filter((l) => l.participant_id !== q);
    });
    Object.keys(s.linked).forEach((p) => {
      const theirs = s.linked[p] ?? [];
      r.linked[p] = (r.linked[p] ?? [])
        .filter((l) => !theirs.some((t) => t.participant_id === l.participant_id))
        .concat(theirs);
    });
    // Not twice, should a merge be repeated (the page stopped before the copy was removed).
    const known = (id: string): boolean =>
      r.ops.some((q) => q.id === id) || r.done.some((d) => d.id === id);
    s.ops.forEach((o) => known(o.id) || r.ops.push(o));
    r.done = r.done.concat(s.done).slice(-50);
    r.gone = r.gone.concat(s.gone).slice(-20);
    requeueLost(r);
    return r;
  });
  storage.mirrorDelete(key);
}

/** Does the service still have this Session? (A 404 on a link may name the participant instead.) */
export async function sessionGone(transport: Transport, session: PaketSession): Promise<boolean> {
  try {
    await transport.request({
      method: 'GET',
      segments: [...SESSIONS, session.session_id, 'participants'],
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
 * completes with the links restored), new keys for the profile's queued operations (a key
 * sent to the old Session's path would be refused on the new one), then a new Session. The
 * queue is written before the old Session is forgotten: if the new Session cannot be created
 * now, or the app stops, the re-links wait in the outbox for it. When another app instance
 * found the same Session lost first, its re-links are queued already and its new Session is
 * adopted. Reports `sessionReplaced`.
 */
export async function replaceSession(
  links: LinkInternals,
  profileId: string,
  old: PaketSession,
): Promise<PaketSession> {
  const { emit } = links.config;
  await links.edit((r) => {
    // Keys sent to the old Session's path (the operation that met the 404, or one whose answer
    // was lost in an earlier run) would be refused on the new path (422): new ones.
    for (const o of r.ops) if (o.profileId === profileId) o.key = uuidv4();
    // Another app instance found it lost first: its re-links are queued already.
    if (r.gone.includes(old.session_id)) return;
    r.gone = r.gone.concat(old.session_id).slice(-20);
    requeueLost(r, profileId);
  });
  // The lost one is forgotten only while stored: another caller may have replaced it.
  const fresh = await links.current(profileId);
  emit({
    type: 'sessionReplaced',
    profileId,
    previousSessionId: old.session_id,
    sessionId: fresh.session_id,
  });
  return fresh;
}

/** Deletes the profile's Session at the service, then forgets it, its links and its queue. */
export async function removeSession(links: LinkInternals, profileId: string): Promise<void> {
  const { sessions, transport } = links.config;
  let session = await sessions.get(profileId);
  if (session && (await links.read()).gone.includes(session.session_id)) {
    // Another app instance replaced it: the one to delete is its replacement.
    await sessions.forget(profileId, session.session_id);
    session = await sessions.get(profileId);
  }
  if (session) {
    try {
      await transport.request({ method: 'DELETE', segments: [...SESSIONS, session.session_id] });
    } catch (error) {
      if (!isStatus(error, 404)) throw error;
    }
  }
  const dropped: QueuedOperation[] = [];
  await links.edit((r) => {
    // The head stays: it may be in flight, and its delivery fails harmlessly without a Session.
    for (let i = r.ops.length - 1; i > 0; i--) {
      const o = r.ops[i] as QueuedOperation;
      if (o.profileId === profileId) dropped.push(...r.ops.splice(i, 1));
    }
    delete r.linked[profileId];
  });
  for (const o of dropped) {
    links.report('outboxDropped', o, { reason: 'removed' });
    links.settle(o.id, new PaketError(`${o.type} of ${o.participantId} dropped: Session removed`));
  }
  await sessions.forget(profileId);
}
