// The fault soak: many profiles and app instances sharing one device's storage, random
// link / unlink / ensure / restart / flush sequences against the emulator, with a share of
// requests hit by injected faults of every class, now and then a Session the service loses,
// the wall clock jumping by an hour either way, an instance frozen for a few seconds (its
// requests held on the wire), a credentials function that fails now and then, and one
// instance whose storage bound is shorter than its storage (calls time out, then commit). At the end, from the emulator's state: one live Session per profile (none ever
// duplicated, none left lost), every acknowledged or queued link present once, every unlink
// applied, no unhandled rejection. Loopback only, bounded in time.
import {
  createPaketClient,
  PaketError,
  PaketHttpError,
  PaketNetworkError,
  PaketStorageError,
  type PaketClient,
  type PaketEvent,
} from '../../src/index';
import type { Fault } from '../../emulator/server.js';
import type { startEmulatorProcess } from '../../emulator/process.js';

type EmulatorProcess = Awaited<ReturnType<typeof startEmulatorProcess>>;

export interface SoakOptions {
  durationMs: number;
  profiles: number;
  instances: number;
  participants: number;
  /** Share of operations preceded by an injected fault. */
  faultRate: number;
  seed: number;
  /**
   * Operations the run makes at the least: a slow machine runs past `durationMs` until it has
   * made them (up to 8 times `durationMs`), so its coverage does not depend on its speed.
   */
  minOperations: number;
}

export interface SoakSummary {
  operations: number;
  faultsInjected: Record<string, number>;
  outcomes: Record<string, number>;
  restarts: number;
  /** Sessions the service lost (the harness removed them), and replacements the SDK reported. */
  sessionsLost: number;
  sessionsReplaced: number;
  sessionsCreated: number;
  /** Sessions the service still has (not lost or removed). */
  sessionsLive: number;
  profilesUsed: number;
  linksExpected: number;
  linksFound: number;
  mismatches: string[];
  /**
   * Links undone by a DELETE the server processed after the client had timed out on it and
   * moved on: the API gives DELETE no idempotency key or ordering guard, so no client can
   * prevent this; counted apart from the SDK's own mismatches.
   */
  lateDeletes: string[];
  duplicateSessions: number;
  /** Repairs the SDK's reconcile queued (re-links, repeated unlinks), from its events. */
  reconciled: number;
  clockJumps: number;
  freezes: number;
  credentialFailures: number;
  unhandledRejections: number;
  /** Heap growth from a quarter of the run to its end, each after a full GC, in MB. */
  heapGrowthMb: number;
  gcMeasured: boolean;
  elapsedMs: number;
}

const FAULTS: [string, Fault][] = [
  ['500', { status: 500 }],
  ['503', { status: 503 }],
  ['429 Retry-After', { status: 429, retryAfter: 0 }],
  ['408', { status: 408 }],
  ['timeout', { delayMs: 400 }],
  ['drop before commit', { drop: 'before' }],
  ['drop after commit', { drop: 'after' }],
  ['malformed JSON', { malformed: true }],
  ['4xx', { status: 400 }],
  // The credentials are asked for again (and the function sometimes fails then).
  ['401', { status: 401 }],
];

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Want = 'linked' | 'unlinked';

const PLATFORM_AUTH =
  'Basic ' + Buffer.from('platform_demo:test_sk_platform_demo').toString('base64');

export async function runSoak(emu: EmulatorProcess, options: SoakOptions): Promise<SoakSummary> {
  const realNow = Date.now.bind(Date);
  const started = realNow();
  const random = rng(options.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const summary: SoakSummary = {
    operations: 0,
    faultsInjected: {},
    outcomes: {},
    restarts: 0,
    sessionsLost: 0,
    sessionsReplaced: 0,
    sessionsCreated: 0,
    sessionsLive: 0,
    profilesUsed: 0,
    linksExpected: 0,
    linksFound: 0,
    mismatches: [],
    lateDeletes: [],
    duplicateSessions: 0,
    reconciled: 0,
    clockJumps: 0,
    freezes: 0,
    credentialFailures: 0,
    unhandledRejections: 0,
    heapGrowthMb: 0,
    gcMeasured: false,
    elapsedMs: 0,
  };
  const onUnhandled = (): void => {
    summary.unhandledRejections++;
  };
  process.on('unhandledRejection', onUnhandled);

  const publisher = createPaketClient({
    credentials: { username: 'publisher_demo', password: 'test_sk_publisher_demo' },
    baseUrl: emu.url,
  });
  const participantIds: string[] = [];
  for (let i = 0; i < options.participants; i++) {
    participantIds.push((await publisher.participants.create()).participant_id);
  }
  const profiles = Array.from({ length: options.profiles }, (_, i) => `soak-profile-${i}`);
  const used = new Set<string>();

  // The user's operations per profile and participant, in order, from the outbox events (its
  // queue is first in, first out, across app instances): the service must end with the last
  // one not dropped. A refused re-link (after a lost Session) counts as an unlink placed ahead
  // of the operations still queued, as the re-link was.
  type Entry = {
    id: string;
    type: 'link' | 'unlink';
    state: 'pending' | 'done' | 'dropped' | 'replaced';
  };
  const ledger = new Map<string, Entry[]>();
  const entries = (pair: string): Entry[] => {
    const list = ledger.get(pair) ?? [];
    ledger.set(pair, list);
    return list;
  };
  const byId = (pair: string, id: string): Entry | undefined =>
    entries(pair).find((e) => e.id === id);
  const wanted = (pair: string): Want | undefined => {
    const last = entries(pair)
      .filter((e) => e.state !== 'dropped' && e.state !== 'replaced')
      .pop();
    return last && (last.type === 'link' ? 'linked' : 'unlinked');
  };
  const locks = new Map<string, Promise<unknown>>();
  const history = new Map<string, string[]>();
  const note = (pair: string, text: string): void => {
    const list = history.get(pair) ?? [];
    list.push(text);
    history.set(pair, list.slice(-12));
  };

  const onEvent = (event: PaketEvent): void => {
    if (event.type === 'sessionReplaced') summary.sessionsReplaced++;
    if (event.type === 'reconciled') {
      summary.reconciled += event.relinked.length + event.unlinked.length;
    }
    if (event.type.startsWith('outbox')) {
      const e = event as {
        profileId: string;
        participantId: string;
        operation: string;
        reason?: string;
        relink?: true;
      };
      note(
        `${e.profileId} ${e.participantId}`,
        `${event.type} ${e.relink ? 're' : ''}${e.operation}${e.reason ? ' ' + e.reason : ''}`,
      );
    }
    if (
      event.type !== 'outboxQueued' &&
      event.type !== 'outboxDelivered' &&
      event.type !== 'outboxDropped'
    )
      return;
    if (event.operation !== 'link' && event.operation !== 'unlink') return;
    if (event.type === 'outboxQueued' && !event.relink) {
      const list = entries(`${event.profileId} ${event.participantId}`);
      // A newer operation on the same participant replaces a queued one (the outbox
      // coalesces): only the newest counts.
      for (const e of list) if (e.state === 'pending') e.state = 'replaced';
      list.push({ id: event.id, type: event.operation as 'link' | 'unlink', state: 'pending' });
    } else if (event.type === 'outboxDelivered' || event.type === 'outboxDropped') {
      const pair = `${event.profileId} ${event.participantId}`;
      const done = event.type === 'outboxDelivered';
      if (!event.relink) {
        const entry = byId(pair, event.id);
        if (entry && entry.state === 'pending') entry.state = done ? 'done' : 'dropped';
      } else if (!done) {
        const list = entries(pair);
        const at = list.findIndex((e) => e.state === 'pending');
        list.splice(at < 0 ? list.length : at, 0, { id: '', type: 'unlink', state: 'done' });
      }
    }
  };
  // The wall clock: jumps by an hour either way now and then (the SDK's deadlines and
  // staleness must not care).
  let offset = 0;
  Date.now = () => realNow() + offset;
  // Frozen instances: their requests wait (on the wire) until they thaw.
  const thawAt: number[] = [];
  const credentials = async () => {
    if (random() < 0.3) {
      summary.credentialFailures++;
      throw new TypeError('Failed to fetch'); // the app's back end did not answer
    }
    return { username: 'platform_demo', password: 'test_sk_platform_demo' };
  };
  const newClient = (_: unknown, slot: number): PaketClient =>
    createPaketClient({
      credentials,
      baseUrl: emu.url,
      timeoutMs: 200,
      retry: { limit: 2, backoffLimitMs: 20 },
      // One instance's storage bound is shorter than fake IndexedDB takes: calls time out and
      // commit after all.
      ...(slot === 1 ? { storageTimeoutMs: 3 } : {}),
      reconcileEveryMs: 2000,
      fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
        const wait = (thawAt[slot] ?? 0) - realNow();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        return fetch(input, init);
      }) as typeof fetch,
      onEvent,
    });
  const instances = Array.from({ length: options.instances }, newClient);
  const count = (key: string): void => {
    summary.outcomes[key] = (summary.outcomes[key] ?? 0) + 1;
  };

  // Memory: the heap after a full GC once the run is warm, against the same at the end (the
  // emulator runs in its own process, so only the SDK, its storage and this harness count).
  const gc = (globalThis as { gc?: () => void }).gc;
  const heap = (): number => {
    gc?.();
    return process.memoryUsage().heapUsed;
  };
  let heapWarm: number | undefined;
  const warmAt = started + options.durationMs / 4;
  let lossLanded = false;
  const step = async (slot: number): Promise<void> => {
    const client = instances[slot] as PaketClient;
    const profile = pick(profiles);
    const participant = pick(participantIds);
    const pair = `${profile} ${participant}`;
    if (random() < options.faultRate) {
      const [name, fault] = pick(FAULTS);
      // A 4xx is the service refusing a request, which it does the same way on every retry of
      // a keyed one (POST, PUT); a DELETE retried after it was applied gets 204, not a 4xx, so
      // 4xx faults go to the keyed routes (the integration tests cover a refused unlink).
      const route =
        name === '4xx' ? pick(['PUT /v1/upnext/sessions/:session_id', 'POST /v1/sessions']) : '*';
      await emu.injectFaults(route, [fault]);
      summary.faultsInjected[name] = (summary.faultsInjected[name] ?? 0) + 1;
    }
    // At least one clock jump and one freeze in every run, however short: steps 20 and 40.
    // And at least one Session the service loses: step 30, then every 10th step until one
    // DELETE has landed (an injected fault may drop it), so a slow machine's short run
    // still covers the replacement.
    const drawn = random();
    const forceLoss =
      summary.operations === 30 ||
      (summary.operations > 30 && !lossLanded && summary.operations % 10 === 0);
    const r =
      summary.operations === 20
        ? 0.835
        : summary.operations === 40
          ? 0.841
          : forceLoss
            ? 0.98
            : drawn;
    summary.operations++;
    try {
      if (r < 0.3 || r < 0.55) {
        const type = r < 0.3 ? 'link' : 'unlink';
        // Operations on one participant of one profile are not overlapped, so the outcome
        // the user sees tells the expected state.
        const previous = locks.get(pair) ?? Promise.resolve();
        let release!: () => void;
        const mine = new Promise<void>((resolve) => (release = resolve));
        locks.set(
          pair,
          previous.then(() => mine),
        );
        await previous;
        try {
          used.add(profile);
          try {
            if (type === 'link')
              await client.sessions.link(profile, {
                appId: 'fe4a9ed381e8e376',
                participantId: participant,
              });
            else await client.sessions.unlink(profile, participant);
            count(`${type} ok`);
            note(pair, `${type} ok`);
          } catch (error) {
            if (error instanceof PaketNetworkError && error.queued) {
              count(`${type} queued`);
              note(pair, `${type} queued`);
            } else if (error instanceof PaketHttpError) {
              count(`${type} refused ${error.status}`);
              note(pair, `${type} refused ${error.status}`);
            } else if (error instanceof PaketStorageError) {
              // The queue write timed out (it may still land: then outboxQueued says so).
              count(`${type} storage ${error.reason}`);
              note(pair, `${type} storage ${error.reason}`);
            } else if (error instanceof PaketError) {
              count(`${type} ${error.message.split(':')[0]}`);
              note(pair, `${type} ${error.message}`);
            } else {
              note(pair, `${type} threw ${(error as Error).message}`);
              throw error;
            }
          }
        } finally {
          release();
        }
      } else if (r < 0.75) {
        used.add(profile);
        await client.sessions.ensure(profile).then(
          () => count('ensure ok'),
          (error: unknown) => {
            if (!(error instanceof PaketError)) throw error;
            count('ensure failed (typed)');
          },
        );
      } else if (r < 0.83) {
        client.close();
        instances[slot] = newClient(undefined, slot); // an app restart over the same storage
        summary.restarts++;
      } else if (r < 0.84) {
        offset += (random() < 0.5 ? -1 : 1) * 3_600_000;
        summary.clockJumps++;
      } else if (r < 0.8425) {
        thawAt[slot] = realNow() + 4500 + random() * 1500;
        summary.freezes++;
      } else if (r < 0.85) {
        await client.flush();
        count('flush');
      } else if (r >= 0.97) {
        // The service loses a profile's Session (as an operator's cleanup would).
        const session = await client.sessions.get(profile).catch(() => undefined);
        if (session) {
          // Counted from the service's state at the end: an injected fault may hide the 204.
          const answer = await fetch(`${emu.url}/upnext/sessions/${session.session_id}`, {
            method: 'DELETE',
            headers: { authorization: PLATFORM_AUTH },
          }).catch(() => undefined);
          if (answer?.status === 204) lossLanded = true;
        }
      } else {
        await client.flush();
        count('flush');
      }
    } catch (error) {
      count(`UNTYPED ${(error as Error).name}`);
    }
  };

  const more = (): boolean => {
    const elapsed = realNow() - started;
    if (elapsed >= options.durationMs * 8) return false;
    return elapsed < options.durationMs || summary.operations < options.minOperations;
  };
  await Promise.all(
    instances.map(async (_, slot) => {
      while (more()) {
        await step(slot);
        if (slot === 0 && heapWarm === undefined && realNow() > warmAt) heapWarm = heap();
      }
    }),
  );

  // Back to a healthy network: a fresh instance delivers whatever is still queued.
  for (const client of instances) client.close();
  const heapEnd = heap();
  await emu.clearFaults();
  thawAt.length = 0;
  Date.now = realNow;
  // Let frozen instances' held requests land first (as they would, late).
  await new Promise((r) => setTimeout(r, 6500));
  const final = createPaketClient({
    credentials: { username: 'platform_demo', password: 'test_sk_platform_demo' },
    baseUrl: emu.url,
    reconcileEveryMs: 1,
    onEvent,
  });
  for (let i = 0; i < 20 && (await final.pending()).length > 0; i++) await final.flush();
  // A reconcile of each profile heals what a late DELETE undid.
  for (const profile of used) {
    await final.sessions.ensure(profile);
    await new Promise((r) => setTimeout(r, 5));
    await final.sessions.ensure(profile);
  }
  await new Promise((r) => setTimeout(r, 500));
  for (let i = 0; i < 20 && (await final.pending()).length > 0; i++) await final.flush();
  // A list meets a Session the service lost and replaces it, restoring its links.
  for (const profile of used) {
    for await (const link of final.sessions.participants(profile)) void link;
  }

  const state = await emu.state();
  const log = await emu.log();
  /** A delayed DELETE of this link that the server finished after the last successful PUT. */
  const lateDelete = (sid: string, participant: string): boolean => {
    const lastPut = log
      .filter((e) => e.method === 'PUT' && e.path.endsWith(`/${sid}`) && e.status === 200)
      .reduce((t, e) => Math.max(t, e.finished ?? 0), 0);
    return log.some(
      (e) =>
        e.method === 'DELETE' &&
        e.path.endsWith(`/${sid}/${encodeURIComponent(participant)}`) &&
        (e.fault?.delayMs ?? 0) > 0 &&
        (e.finished ?? 0) > lastPut,
    );
  };
  const sessionIdsByProfile = new Map<string, string>();
  for (const profile of used) {
    const session = await final.sessions.get(profile);
    if (session) sessionIdsByProfile.set(profile, session.session_id);
  }
  summary.profilesUsed = used.size;
  summary.sessionsCreated = Object.keys(state.sessions).length;
  summary.sessionsLive = Object.values(state.sessions).filter((s) => !s.removed).length;
  summary.sessionsLost = summary.sessionsCreated - summary.sessionsLive;
  summary.duplicateSessions = Math.max(0, summary.sessionsLive - sessionIdsByProfile.size);
  for (const [profile, sid] of sessionIdsByProfile) {
    if (state.sessions[sid]?.removed) summary.mismatches.push(`${profile}: Session ${sid} lost`);
  }
  for (const pair of ledger.keys()) {
    const w = wanted(pair);
    if (!w) continue;
    const [profile, participant] = pair.split(' ') as [string, string];
    const sid = sessionIdsByProfile.get(profile);
    const links = (sid && state.links[sid]) || [];
    const found = links.filter((l) => l.participant_id === participant).length;
    if (w === 'linked') summary.linksExpected++;
    summary.linksFound += found;
    if (w === 'linked' && found === 0 && sid && lateDelete(sid, participant)) {
      summary.lateDeletes.push(
        `${pair}: a DELETE delayed at the server past the client's timeout landed after the later link`,
      );
      continue;
    }
    if ((w === 'linked' && found !== 1) || (w === 'unlinked' && found !== 0)) {
      summary.mismatches.push(
        `${pair}: want ${w}, found ${found}; ${(history.get(pair) ?? []).join(' | ')}`,
      );
    }
  }
  // Links at the service that nobody asked for.
  for (const [profile, sid] of sessionIdsByProfile) {
    for (const l of state.links[sid] ?? []) {
      if (wanted(`${profile} ${l.participant_id}`) !== 'linked') {
        summary.mismatches.push(`${profile} ${l.participant_id}: linked but not asked for`);
      }
    }
  }
  summary.heapGrowthMb = Math.round(((heapEnd - (heapWarm ?? heapEnd)) / 1048576) * 10) / 10;
  summary.gcMeasured = Boolean(gc && heapWarm !== undefined);
  final.close();
  summary.elapsedMs = realNow() - started;
  process.off('unhandledRejection', onUnhandled);
  return summary;
}

export function printSummary(s: SoakSummary): string {
  const lines = [
    `soak: ${s.operations} operations in ${s.elapsedMs} ms, ${s.restarts} restarts`,
    `faults injected: ${JSON.stringify(s.faultsInjected)}`,
    `outcomes: ${JSON.stringify(s.outcomes)}`,
    `profiles used ${s.profilesUsed}, Sessions created ${s.sessionsCreated}, lost by the service ${s.sessionsLost}, replaced by the SDK ${s.sessionsReplaced}, live ${s.sessionsLive}, duplicate Sessions ${s.duplicateSessions}`,
    `links expected ${s.linksExpected}, found ${s.linksFound}, mismatches ${s.mismatches.length}, undone by late server-side DELETEs and not healed ${s.lateDeletes.length}, repairs made by reconcile ${s.reconciled}`,
    `clock jumps ${s.clockJumps}, frozen instances ${s.freezes}, credentials failures ${s.credentialFailures}`,
    `unhandled rejections ${s.unhandledRejections}, heap growth after GC from a quarter of the run to its end ${s.heapGrowthMb} MB${s.gcMeasured ? '' : ' (no GC available: not measured)'}`,
    ...s.mismatches.slice(0, 10).map((m) => `  mismatch: ${m}`),
    ...s.lateDeletes.slice(0, 5).map((m) => `  late: ${m}`),
  ];
  return lines.join('\n');
}
