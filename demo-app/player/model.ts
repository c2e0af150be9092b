// The player's state and what it does with the SDK: one Participant per viewer profile,
// shared with the home screen at every start and profile switch (paket-tv-sdk/share), its
// own Up Next list (items()), and the playback tracking that writes it (trackPlayback()).
import type { PaketEvent, PaketListItem } from 'paket-tv-sdk';
import {
  detectChannel,
  PaketShareError,
  shareProfile,
  type ShareChannel,
} from 'paket-tv-sdk/share';
import { config } from '../shared/config';
import { isItemList, recall, remember } from '../shared/last-seen';
import { createSdk, explain, take, type Connection, type Sdk } from '../shared/sdk';
import { itemOf, nextOf, titleById, type Title } from './catalog';

export interface PlayerState {
  /** The active profile's Participant is read or created, shared, and its list loaded. */
  ready: boolean;
  /** The catalog can be drawn with its "Continue watching" shelf: the list is loaded, or the last one was recalled from the TV at start. */
  shown: boolean;
  status: { healthy: boolean };
  connection: Connection;
  /** '' until a profile is chosen on this TV. */
  profileId: string;
  /** Per viewer profile: its Participant (or Context) ID and whether it was stored or created. */
  participants: Record<string, { id: string; origin: 'restored' | 'created' }>;
  /** The hand-off of the active profile: what the home screen answered. */
  share: { status: string; words: string };
  /** This app's Up Next items for the active profile (items()). */
  list: PaketListItem[];
  /** The last write trackPlayback made, in words. */
  lastWrite: string;
  playing: {
    contentId: string;
    position: number;
    duration: number;
    paused: boolean;
    rate: number;
  } | null;
}

const PROFILE_KEY = 'paket-demo-player:profile';

function storedProfile(): string {
  try {
    const id = localStorage.getItem(PROFILE_KEY) ?? '';
    return config.playerProfiles.some((p) => p.id === id) ? id : '';
  } catch {
    return '';
  }
}

export const state: PlayerState = {
  ready: false,
  shown: false,
  status: { healthy: false },
  connection: { state: 'checking', queued: 0, detail: '' },
  profileId: storedProfile(),
  participants: {},
  share: { status: '', words: '' },
  list: [],
  lastWrite: '',
  playing: null,
};

const listeners: Array<() => void> = [];
export function subscribe(listener: () => void): () => void {
  listeners.push(listener);
  return () => {
    const i = listeners.indexOf(listener);
    if (i >= 0) listeners.splice(i, 1);
  };
}
export function changed(): void {
  state.status.healthy = state.connection.state === 'healthy';
  for (const l of listeners.slice()) l();
}

export const profile = () =>
  config.playerProfiles.find((p) => p.id === state.profileId) ?? config.playerProfiles[0]!;

let sdk: Sdk;
let channel: ShareChannel | undefined;

const WRITE_WORDS: Record<string, string> = {
  putItem: 'saved to Up Next',
  removeItem: 'removed from Up Next',
};

function onEvent(event: PaketEvent): void {
  if (event.type === 'outboxQueued' || event.type === 'outboxDelivered') {
    const words = WRITE_WORDS[event.operation];
    if (!words) return;
    const t = titleById(event.contentId ?? '');
    const name = t ? t.title + (t.episode ? ` S${t.season} E${t.episode}` : '') : 'A title';
    state.lastWrite =
      event.type === 'outboxQueued' ? `${name}: offline, kept on this TV` : `${name} ${words}`;
    changed();
    if (event.type === 'outboxDelivered') void loadList();
  }
}

// The list last shown for each profile: the next start draws the catalog with it at once,
// then what the service answers replaces it.
const listKey = (id: string): string => `paket-demo-player:list:${id}`;
function recallList(): void {
  const list = state.profileId ? recall(listKey(state.profileId), isItemList) : undefined;
  state.list = list ?? [];
  state.shown = Boolean(list);
}

let booted: Promise<void> | undefined;
export const ready = (): Promise<void> => booted ?? Promise.resolve();

export function start(): void {
  sdk = createSdk('publisher', changed, onEvent);
  state.connection = sdk.connection;
  recallList();
  try {
    channel = detectChannel({
      tizen: { platformAppId: config.home.tizenId, appControl: true },
      webos: { platformAppId: config.home.webosId },
      web: {
        platformOrigin: config.home.origin,
        // The home screen's window when it opened this one; otherwise the home screen is
        // opened with the share in its address.
        target: () => window.opener as Window | null,
        launchUrl: config.home.url,
      },
    });
  } catch {
    channel = undefined;
  }
  booted = (state.profileId ? loadProfile() : Promise.resolve()).then(() => {
    state.ready = true;
    state.shown = true;
    changed();
  });
}

async function loadProfile(): Promise<void> {
  const id = state.profileId;
  try {
    const stored = await sdk.client.participants.get(id);
    const p = (await sdk.client.participants.ensure(id)) as {
      participant_id?: string;
      context_id?: string;
    };
    state.participants[id] = {
      id: p.context_id ?? p.participant_id ?? '',
      origin: stored ? 'restored' : 'created',
    };
    sdk.saw();
  } catch (error) {
    sdk.saw(error);
    state.share = { status: 'error', words: explain(error) };
    changed();
    return;
  }
  await share();
  await tidyList();
}

/** Shares the active profile's Participant with the home screen; says what it answered. */
export async function share(): Promise<void> {
  const id = state.profileId;
  if (!channel) {
    state.share = { status: 'unavailable', words: 'No home screen to connect to on this device' };
    changed();
    return;
  }
  state.share = { status: 'sharing', words: `Connecting to ${config.home.name}…` };
  changed();
  try {
    const result = await shareProfile(sdk.client, id, channel, { timeoutMs: 4000 });
    if (id !== state.profileId) return;
    const status = result.acked ? (result.status ?? 'linked') : 'sent';
    const words: Record<string, string> = {
      linked: `Connected to ${config.home.name}`,
      queued: `${config.home.name} is offline: connected once its network returns`,
      refused: `${config.home.name} refused the connection (${result.reason ?? 'refused'})`,
      sent: `Sent to ${config.home.name} (it gives no answer on this device)`,
    };
    state.share = { status, words: words[status] ?? status };
  } catch (error) {
    const reason = error instanceof PaketShareError ? error.reason : 'error';
    state.share = {
      status: reason,
      words:
        reason === 'unavailable' || reason === 'timeout'
          ? `${config.home.name} is not open: open it, then this app again`
          : explain(error),
    };
  }
  changed();
}

/**
 * The list is this app's: what its catalog no longer has leaves it (the emulator gives a new
 * Participant sample items, which this app cannot play).
 */
async function tidyList(): Promise<void> {
  await loadList();
  for (const item of state.list) {
    if (!titleById(item.content_id)) {
      await sdk.client.participants
        .removeItem(state.profileId, item.content_id)
        .catch((e: unknown) => sdk.saw(e));
    }
  }
  await loadList();
}

export async function loadList(): Promise<void> {
  const id = state.profileId;
  if (!id || !state.participants[id]) return;
  try {
    const items: PaketListItem[] = await take(
      sdk.client.participants.items(id, { limit: 50 }),
      100,
    );
    sdk.saw();
    if (id === state.profileId) {
      state.list = items;
      state.shown = true;
      remember(listKey(id), items);
    }
  } catch (error) {
    sdk.saw(error); // offline: the last list stays
  }
  changed();
}

export async function selectProfile(id: string): Promise<void> {
  const same = id === state.profileId;
  state.profileId = id;
  try {
    localStorage.setItem(PROFILE_KEY, id);
  } catch {
    // kept for this run only
  }
  if (!same) recallList();
  changed();
  // Every switch shares again: the home screen's link is idempotent.
  await loadProfile();
}

/** Where a title was left, from this app's list. */
export function resumeAt(t: Title): number {
  const item = state.list.find((i) => i.content_id === t.id && i.action === 'up_next_continue');
  const at = item?.position ?? 0;
  return at > 0 && at < t.duration - 10 ? at : 0;
}

/**
 * Starts tracking a playback of `t` on `media` by the Publisher Guidelines (the tracker's code
 * loads with the first one); `stop()` ends it, and before it started keeps it from starting.
 */
export function track(t: Title, media: HTMLMediaElement): { stop(): void } {
  const next = nextOf(t);
  const tracker = sdk.client.participants.trackPlayback(state.profileId, media, itemOf(t), {
    creditsAt: t.creditsAt,
    ...(next ? { next: itemOf(next) } : {}),
  });
  tracker.catch((e: unknown) => sdk.saw(e));
  return tracker;
}

export function statusLine(): { text: string; color: number } {
  return sdk ? sdk.line() : { text: 'Checking the Paket service…', color: 0xffc3cbd8 };
}
