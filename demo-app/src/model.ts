// The demo's state and what it does with the SDK. The Lightning view (App.ts) renders this
// state and calls these actions; tests read the same state through window.__paketDemo.
import {
  createPaketClient,
  PaketError,
  PaketHttpError,
  PaketNetworkError,
  type PaketListItem,
  type PaketSessionParticipant,
} from 'paket-tv-sdk';
import { config } from './config';

export interface DemoState {
  ready: boolean;
  status: { healthy: boolean; clientId: string; test: boolean; message: string };
  profileIndex: number;
  /** Per profile ID: its Session ID and whether it came from storage or was just created. */
  sessions: Record<string, { id: string; origin: 'restored' | 'created' }>;
  linked: PaketSessionParticipant[];
  upNext: PaketListItem[];
  pending: number;
  offline: boolean;
  busy: string;
  notice: string;
  error: string;
  storageKind: string;
}

export const state: DemoState = {
  ready: false,
  status: { healthy: false, clientId: '', test: false, message: 'checking…' },
  profileIndex: 0,
  sessions: {},
  linked: [],
  upNext: [],
  pending: 0,
  offline: false,
  busy: '',
  notice: '',
  error: '',
  storageKind: '',
};

let onChange: () => void = () => undefined;
export function subscribe(listener: () => void): void {
  onChange = listener;
}
const changed = (): void => onChange();

/** A publisher's ID in either dialect: a Participant's `participant_id`, a Context's `context_id`. */
export const publisherId = (o: { participant_id?: string; context_id?: string }): string =>
  o.context_id ?? o.participant_id ?? '';

const platform = createPaketClient({
  dialect: config.dialect,
  credentials: config.platform,
  baseUrl: config.baseUrl,
  allowInsecureHttp: true, // the demo talks to an emulator on the developer's machine
  retry: { limit: 1, backoffLimitMs: 500 },
  timeoutMs: 5000,
  onEvent: (event) => {
    if (event.type === 'outboxDelivered' || event.type === 'outboxQueued') void refreshPending();
  },
});
const publisher = createPaketClient({
  dialect: config.dialect,
  credentials: config.publisher,
  baseUrl: config.baseUrl,
  allowInsecureHttp: true,
  retry: { limit: 1, backoffLimitMs: 500 },
  timeoutMs: 5000,
});

export const profile = () => config.profiles[state.profileIndex] ?? config.profiles[0]!;

/** Plain words for the screen. */
function explain(error: unknown): string {
  if (error instanceof PaketNetworkError && error.queued) {
    return 'Offline: saved on the TV, and sent by itself when the connection returns.';
  }
  if (error instanceof PaketNetworkError) return 'The Paket service cannot be reached right now.';
  if (error instanceof PaketHttpError && error.status === 401)
    return 'The API credentials were refused.';
  if (error instanceof PaketHttpError)
    return `The Paket service refused the request (HTTP ${error.status}).`;
  if (error instanceof PaketError) return error.message;
  return String(error);
}

async function run(label: string, action: () => Promise<void>): Promise<void> {
  state.busy = label;
  state.error = '';
  state.notice = '';
  changed();
  try {
    await action();
  } catch (error) {
    state.error = explain(error);
  } finally {
    state.busy = '';
    changed();
  }
}

async function refreshPending(): Promise<void> {
  try {
    state.pending = (await platform.pending()).length;
  } catch {
    // storage trouble shows up in the actions' errors
  }
  changed();
}

async function loadProfile(): Promise<void> {
  const { id } = profile();
  const stored = await platform.sessions.get(id);
  const session = await platform.sessions.ensure(id);
  state.sessions[id] = { id: session.session_id, origin: stored ? 'restored' : 'created' };
  state.storageKind = platform.storageKind;
  state.linked = await platform.sessions.linked(id);
  await refreshPending();
  await loadUpNext();
}

async function loadUpNext(): Promise<void> {
  const items: PaketListItem[] = [];
  try {
    for await (const item of platform.sessions.upNext(profile().id, { limit: 20 })) {
      items.push(item);
      if (items.length >= 20) break;
    }
    state.upNext = items;
  } catch (error) {
    if (!(error instanceof PaketNetworkError)) throw error;
    // Offline: keep showing the last row.
  }
}

export async function start(): Promise<void> {
  await run('Starting', async () => {
    try {
      const s = await platform.status();
      state.status = {
        healthy: true,
        clientId: s.client_id ?? '',
        test: config.platform.password.indexOf('test_sk') === 0,
        message: s.message,
      };
    } catch (error) {
      state.status = { healthy: false, clientId: '', test: false, message: explain(error) };
    }
    await loadProfile();
  });
  state.ready = true;
  changed();
  setInterval(() => void refreshPending(), 1000);
}

export function switchProfile(step: number): Promise<void> {
  const n = config.profiles.length;
  state.profileIndex = (state.profileIndex + step + n) % n;
  state.linked = [];
  state.upNext = [];
  return run('Switching profile', loadProfile);
}

/** Acts as a publisher app on this TV: its Participant for a new viewer, shared and linked. */
export function share(): Promise<void> {
  return run('Sharing', async () => {
    const { id } = profile();
    // The publisher app's viewers on this TV, each with its own stored Participant: share the
    // first one not linked yet (a viewer's Participant is created once, then reused).
    let participant = await publisher.participants.ensure(`${id}-viewer-1`);
    for (let n = 2; state.linked.some((l) => publisherId(l) === publisherId(participant)); n++) {
      participant = await publisher.participants.ensure(`${id}-viewer-${n}`);
    }
    // The app_id of a link: in the 2024 dialect the publisher's client ID; in the 2025 one
    // (a Context) its App ID.
    const appId = (participant as { app_id?: string }).app_id ?? participant.client_id;
    try {
      await platform.sessions.link(id, { appId, participantId: publisherId(participant) });
      state.notice = `Linked ${publisherId(participant).slice(0, 8)}… from the publisher app.`;
    } finally {
      state.linked = await platform.sessions.linked(id);
      await refreshPending();
    }
    await loadUpNext();
  });
}

export function unlink(participantId: string): Promise<void> {
  return run('Unlinking', async () => {
    const { id } = profile();
    try {
      await platform.sessions.unlink(id, participantId);
      state.notice = `Unlinked ${participantId.slice(0, 8)}…`;
    } finally {
      state.linked = await platform.sessions.linked(id);
      await refreshPending();
    }
    await loadUpNext();
  });
}

/** The emulator fails every request while offline; back online, the outbox drains. */
export function toggleOffline(): Promise<void> {
  return run('Switching network', async () => {
    if (!config.emulatorControls) throw new Error('Offline simulation needs the local emulator.');
    const goingOffline = !state.offline;
    const response = await fetch(`${config.emulatorControls}/faults`, {
      method: goingOffline ? 'POST' : 'DELETE',
      body: goingOffline
        ? JSON.stringify({ route: '*', faults: [{ drop: 'before' }], repeat: true })
        : undefined,
    });
    if (!response.ok) throw new Error(`The emulator refused the switch (HTTP ${response.status}).`);
    state.offline = goingOffline;
    if (!goingOffline) {
      const result = await platform.flush();
      state.notice = `Back online: ${result.delivered} queued change(s) delivered.`;
      state.linked = await platform.sessions.linked(profile().id);
      await refreshPending();
      await loadUpNext();
    } else {
      state.notice = 'Offline: links and unlinks are kept on the TV until the network returns.';
    }
  });
}
