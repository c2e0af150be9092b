// The home screen's state and what it does with the SDK: one Session per profile, the links
// the publisher apps hand over (paket-tv-sdk/share), the aggregated Up Next row, hide and
// unlink. The Lightning pages render this state; tests read it as window.__paketDemo.state.
import { PaketNetworkError, type PaketListItem, type PaketEvent } from 'paket-tv-sdk';
import { detectChannel, linkShares, type IncomingShare } from 'paket-tv-sdk/share';
import { config, type Profile } from '../shared/config';
import { isItemList, recall, remember } from '../shared/last-seen';
import { createSdk, explain, take, type Connection, type Sdk } from '../shared/sdk';

export interface ConnectedApp {
  participantId: string;
  appId: string;
  name: string;
  icon: string;
  /** linked: confirmed; linking / unlinking: queued on the TV until the network returns. */
  state: 'linked' | 'linking' | 'unlinking';
}

export interface HomeState {
  /** The active profile's Session and lists are loaded (or failed to). */
  ready: boolean;
  /** The row is on screen: loaded, or the last one recalled from the TV at start. */
  shown: boolean;
  status: { healthy: boolean };
  connection: Connection;
  profileId: string;
  /** Per profile ID: its Session ID and whether it came from storage or was just created. */
  sessions: Record<string, { id: string; origin: 'restored' | 'created' }>;
  apps: ConnectedApp[];
  upNext: PaketListItem[];
  /** The participant whose items the row shows; '' for every app. */
  filter: string;
  /** The row is being read. */
  loading: boolean;
  lastShare: { status: string; app: string } | null;
  message: string;
}

const PROFILE_KEY = 'paket-demo-home:profile';

function storedProfile(): string {
  try {
    const id = localStorage.getItem(PROFILE_KEY);
    if (id && config.homeProfiles.some((p) => p.id === id)) return id;
  } catch {
    // no storage: the first profile
  }
  return config.homeProfiles[0]!.id;
}

export const state: HomeState = {
  ready: false,
  shown: false,
  status: { healthy: false },
  connection: { state: 'checking', queued: 0, detail: '' },
  profileId: storedProfile(),
  sessions: {},
  apps: [],
  upNext: [],
  filter: '',
  loading: false,
  lastShare: null,
  message: '',
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

/** A message for the toast: pages show it, then it is cleared. */
let onMessage: (text: string, tone?: 'ok' | 'warn' | 'error') => void = () => undefined;
export function onToast(f: typeof onMessage): void {
  onMessage = f;
}

export const profile = (): Profile =>
  config.homeProfiles.find((p) => p.id === state.profileId) ?? config.homeProfiles[0]!;

let sdk: Sdk;
const publisherIdOf = (o: { participant_id?: string; context_id?: string }): string =>
  o.context_id ?? o.participant_id ?? '';

/** The name and icon of a publisher app, from what the home screen knows of it. */
function appInfo(appId: string, media?: Record<string, string>): { name: string; icon: string } {
  const known = appId === config.player.appId;
  return {
    name: known ? config.player.name : `App ${appId.slice(0, 6)}`,
    icon: media?.icon_2x ?? media?.icon_1x ?? iconFor(appId),
  };
}

/** The emulator's icon for an app (the list items carry the same in app_media). */
function iconFor(appId: string): string {
  return config.emulatorControls
    ? `${config.baseUrl.replace(/\/v1\/?$/, '')}/media/apps/${encodeURIComponent(appId)}/icon_2x.png`
    : '';
}

function onEvent(event: PaketEvent): void {
  if (
    event.type === 'outboxDelivered' &&
    (event.operation === 'link' || event.operation === 'unlink')
  ) {
    void loadApps().then(() => loadUpNext());
  }
  if (event.type === 'sessionReplaced') void loadProfile();
}

// The row and the connected apps last shown for each profile: the next start draws them at
// once, then what the service answers replaces them.
const rowKey = (id: string): string => `paket-demo-home:row:${id}`;
interface Row {
  apps: ConnectedApp[];
  upNext: PaketListItem[];
}
const isRow = (v: unknown): v is Row =>
  typeof v === 'object' &&
  v !== null &&
  Array.isArray((v as Row).apps) &&
  (v as Row).apps.every((a) => typeof a?.participantId === 'string') &&
  isItemList((v as Row).upNext);
function recallRow(): void {
  const row = recall(rowKey(state.profileId), isRow);
  if (!row) return;
  state.apps = row.apps;
  state.upNext = row.upNext;
  state.shown = true;
}
/** Keeps the row on screen for the next start; a row filtered to one app is not kept. */
function rememberRow(): void {
  if (!state.filter) remember(rowKey(state.profileId), { apps: state.apps, upNext: state.upNext });
}

let booted: Promise<void> | undefined;
/** Resolves once the active profile's Session and lists are loaded (or failed to). */
export const ready = (): Promise<void> => booted ?? Promise.resolve();

/**
 * Creates the client and starts listening for shares: synchronously, before the Router
 * reads the address, so a share in the URL fragment is taken out of it first.
 */
export function start(): void {
  sdk = createSdk('platform', changed, onEvent);
  state.connection = sdk.connection;
  recallRow();
  // The hand-off: every share a publisher app sends is linked to the active profile.
  try {
    const channel = detectChannel({ tizen: { appControl: true }, webos: {}, web: {} });
    linkShares(sdk.client, () => state.profileId, channel, {
      senders: {
        [config.player.origin]: config.player.appId,
        [config.player.tizenId]: config.player.appId,
      },
      onShare: (share: IncomingShare, status) => void shared(share, status),
      onReject: (error) => {
        state.lastShare = { status: `refused (${error.detail})`, app: '' };
        onMessage(`A share was refused (${error.detail}).`, 'error');
        changed();
      },
    });
  } catch {
    // no channel on this device: links come only from elsewhere
  }
  booted = loadProfile().then(() => {
    state.ready = true;
    state.shown = true;
    changed();
  });
  // Back from the player: show what it wrote.
  const refresh = (): void => {
    if (document.visibilityState !== 'hidden') void refreshAll();
  };
  document.addEventListener('visibilitychange', refresh);
  window.addEventListener('focus', refresh);
  setInterval(() => void refreshAll(), 5000);
}

async function shared(share: IncomingShare, status: string): Promise<void> {
  const { name } = appInfo(share.appId);
  state.lastShare = { status, app: name };
  onMessage(
    status === 'queued'
      ? `${name} connected: offline, the link is sent when the network returns.`
      : `${name} connected to ${profile().name}.`,
    status === 'queued' ? 'warn' : 'ok',
  );
  sdk.saw(status === 'queued' ? 'offline' : undefined);
  await loadApps();
  await loadUpNext();
}

let refreshing: Promise<void> | undefined;
export function refreshAll(): Promise<void> {
  return (refreshing ??= (async () => {
    try {
      await loadApps();
      await loadUpNext();
    } finally {
      refreshing = undefined;
    }
  })());
}

export async function loadProfile(): Promise<void> {
  const id = state.profileId;
  try {
    const stored = await sdk.client.sessions.get(id);
    const session = await sdk.client.sessions.ensure(id);
    state.sessions[id] = { id: session.session_id, origin: stored ? 'restored' : 'created' };
    sdk.saw();
  } catch (error) {
    sdk.saw(error);
    state.message = explain(error);
  }
  await loadApps();
  await loadUpNext();
}

export async function selectProfile(id: string): Promise<void> {
  if (id === state.profileId && state.sessions[id]) return;
  state.profileId = id;
  state.apps = [];
  state.upNext = [];
  state.filter = '';
  state.shown = false;
  recallRow();
  try {
    localStorage.setItem(PROFILE_KEY, id);
  } catch {
    // kept for this run only
  }
  changed();
  await loadProfile();
}

/**
 * The connected apps: what the service lists (S5), else what this TV knows was confirmed;
 * minus the unlinks and plus the links still queued on the TV, shown as such.
 */
export async function loadApps(): Promise<void> {
  const id = state.profileId;
  const c = sdk.client;
  let links: { participantId: string; appId: string }[];
  try {
    links = (await take(c.sessions.participants(id, { limit: 50 }), 200)).map((l) => ({
      participantId: publisherIdOf(l as { participant_id?: string }),
      appId: l.app_id,
    }));
    sdk.saw();
  } catch (error) {
    sdk.saw(error);
    links = (await c.sessions.linked(id)).map((l) => ({
      participantId: publisherIdOf(l as { participant_id?: string }),
      appId: l.app_id,
    }));
  }
  const pending = (await c.pending().catch(() => [])).filter((op) => op.profileId === id);
  const apps: ConnectedApp[] = links.map((l) => ({
    ...l,
    ...appInfo(l.appId),
    state: 'linked',
  }));
  for (const op of pending) {
    const i = apps.findIndex((a) => a.participantId === op.participantId);
    if (op.type === 'unlink' && i >= 0) apps[i]!.state = 'unlinking';
    if (op.type === 'link' && i < 0 && op.participantId) {
      const appId = op.appId ?? config.player.appId;
      apps.push({ participantId: op.participantId, appId, ...appInfo(appId), state: 'linking' });
    }
  }
  if (id !== state.profileId) return;
  state.apps = apps;
  if (state.filter && !apps.some((a) => a.participantId === state.filter)) state.filter = '';
  rememberRow();
  changed();
}

/** The Up Next row: the aggregated list (S3), or one app's (S4) when filtered; hidden items left out. */
export async function loadUpNext(): Promise<void> {
  const id = state.profileId;
  const filter = state.filter;
  const items: PaketListItem[] = [];
  state.loading = true;
  // Hides queued on this TV (offline) stay hidden across a reload until they are delivered.
  const queuedHides = new Set(
    (await sdk.client.pending().catch(() => []))
      .filter((op) => op.type === 'hide' && op.profileId === id)
      .map((op) => `${op.participantId}/${op.contentId ?? ''}`),
  );
  try {
    const list = sdk.client.sessions.upNext(
      id,
      filter ? { participantId: filter, limit: 50 } : { limit: 50 },
    );
    for (const item of await take(list, 100)) {
      if (!item.hidden && !hiddenHere.has(key(item)) && !queuedHides.has(key(item))) {
        items.push(item);
      }
    }
    sdk.saw();
    if (id === state.profileId && filter === state.filter) {
      state.upNext = items;
      state.shown = true;
      rememberRow();
    }
  } catch (error) {
    // Offline: keep showing the last row.
    sdk.saw(error);
  } finally {
    state.loading = false;
    changed();
  }
}

export function setFilter(participantId: string): Promise<void> {
  state.filter = participantId;
  changed();
  return loadUpNext();
}

const key = (item: PaketListItem): string => `${publisherIdOf(item)}/${item.content_id}`;
/** Hides this TV asked for and the service has not confirmed yet (queued while offline). */
const hiddenHere = new Set<string>();

export async function hide(item: PaketListItem): Promise<void> {
  const k = key(item);
  hiddenHere.add(k);
  state.upNext = state.upNext.filter((i) => key(i) !== k);
  rememberRow();
  changed();
  try {
    await sdk.client.sessions.hide(state.profileId, {
      participantId: publisherIdOf(item),
      contentId: item.content_id,
    });
    sdk.saw();
    hiddenHere.delete(k);
    onMessage(`"${item.title}" hidden from Up Next.`, 'ok');
  } catch (error) {
    sdk.saw(error);
    if (error instanceof PaketNetworkError && error.queued) {
      onMessage(`"${item.title}" hidden: sent when the network returns.`, 'warn');
    } else {
      hiddenHere.delete(k);
      onMessage(`Could not hide "${item.title}": ${explain(error)}`, 'error');
      void loadUpNext();
    }
  }
}

export async function unlink(app: ConnectedApp): Promise<void> {
  const i = state.apps.indexOf(app);
  if (i >= 0) state.apps[i] = { ...app, state: 'unlinking' };
  changed();
  try {
    await sdk.client.sessions.unlink(state.profileId, app.participantId);
    sdk.saw();
    onMessage(`${app.name} disconnected from ${profile().name}.`, 'ok');
  } catch (error) {
    sdk.saw(error);
    onMessage(
      error instanceof PaketNetworkError && error.queued
        ? `${app.name}: the unlink is sent when the network returns.`
        : `Could not disconnect ${app.name}: ${explain(error)}`,
      error instanceof PaketNetworkError && error.queued ? 'warn' : 'error',
    );
  }
  await loadApps();
  await loadUpNext();
}

/** The status line for the status bar. */
export function statusLine(): { text: string; color: number } {
  return sdk ? sdk.line() : { text: 'Checking the Paket service…', color: 0xffc3cbd8 };
}

/** The app an item belongs to, for its tile and its launch. */
export function itemApp(item: PaketListItem): { name: string; icon: string } {
  return appInfo(item.app_id, item.app_media);
}

interface LaunchWindow {
  tizen?: {
    ApplicationControl: new (operation: string, uri?: string) => unknown;
    application: {
      launchAppControl(
        control: unknown,
        appId: string,
        ok?: () => void,
        fail?: (e: unknown) => void,
      ): void;
    };
  };
  webOS?: {
    service?: { request(uri: string, options: Record<string, unknown>): unknown };
  };
}

/**
 * Opens the player: at a title (its item's deep link) or at its start. Tizen: an application
 * control with the deep link; webOS: the application manager's launch with the deep link as
 * a parameter; a browser: the player's page in its own window (so it can answer shares).
 */
export function launchPlayer(item?: PaketListItem): boolean {
  const w = window as unknown as LaunchWindow;
  const deepLink =
    item && typeof item.platform_data?.deep_link === 'string'
      ? (item.platform_data.deep_link as string)
      : '';
  const contentId = item
    ? decodeURIComponent(deepLink.split('/').pop() || '') || item.content_id
    : '';
  if (item && item.app_id !== config.player.appId) {
    onMessage(`No app on this TV opens "${item.title}".`, 'error');
    return false;
  }
  try {
    if (w.tizen && w.tizen.application) {
      const control = new w.tizen.ApplicationControl(
        'http://tizen.org/appcontrol/operation/view',
        deepLink || undefined,
      );
      w.tizen.application.launchAppControl(control, config.player.tizenId);
      return true;
    }
    if (w.webOS && w.webOS.service) {
      w.webOS.service.request('luna://com.webos.applicationManager', {
        method: 'launch',
        parameters: { id: config.player.webosId, params: contentId ? { contentId } : {} },
      });
      return true;
    }
  } catch {
    // fall back to the browser's way
  }
  // The player gets this page's settings (?baseUrl=, ?dialect=, the apps' addresses).
  const url =
    config.player.url.split(/[?#]/)[0] +
    location.search +
    (contentId ? `#play/${encodeURIComponent(contentId)}` : '');
  window.open(url, 'paket-player');
  return true;
}
