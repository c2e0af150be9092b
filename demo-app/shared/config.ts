// Where the two demo apps point, with which credentials, and how they find each other.
// Defaults: the local Paket emulator and its test clients. For the real API set, at build
// time, VITE_PAKET_BASE_URL and the VITE_PAKET_{PLATFORM,PUBLISHER}_{USER,SECRET} variables
// (see the README), or at run time add ?baseUrl=… (a loopback address only) to the page URL.
// A secret built into a TV app can be extracted from it: a shipped app should fetch
// credentials from its own backend (the SDK's `credentials` option takes an async function).

const env = (import.meta as { env?: Record<string, string | undefined> }).env ?? {};

export function queryParam(name: string): string | undefined {
  const match = new RegExp(`[?&]${name}=([^&#]*)`).exec(location.search);
  if (!match) return undefined;
  try {
    return decodeURIComponent(match[1] ?? '');
  } catch {
    return undefined;
  }
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/** `asked` when it is an http(s) URL on a loopback host, else `undefined`. */
function loopback(asked: string | undefined): string | undefined {
  if (asked === undefined) return undefined;
  try {
    const { hostname, protocol } = new URL(asked);
    if (/^https?:$/.test(protocol) && LOOPBACK.test(hostname)) return asked;
  } catch {
    // not a URL: ignored
  }
  return undefined;
}

/**
 * The API the demo talks to. `?baseUrl=` is honoured only for a loopback host (the local
 * emulator on another port): the credentials built into the app must never go to a host a
 * link in the address bar names. Anything else falls back to the build's own base URL.
 */
export function chooseBaseUrl(asked: string | undefined, built: string): string {
  if (asked === undefined) return built;
  const ok = loopback(asked);
  if (ok) return ok;
  console.warn('paket demo: ?baseUrl= ignored (only a loopback address is allowed)');
  return built;
}

/**
 * The other app's address: `?homeUrl=` / `?playerUrl=` on loopback only (the player sends a
 * bearer secret, its Participant ID, to the home screen's origin: a link must not choose it),
 * else the build's, else the sibling folder on this origin (`../home/`, `../player/`).
 */
function appUrl(param: string, built: string | undefined, sibling: string): string {
  return (
    loopback(queryParam(param)) ?? built ?? new URL(`../${sibling}/index.html`, location.href).href
  );
}

const baseUrl = chooseBaseUrl(
  queryParam('baseUrl'),
  env.VITE_PAKET_BASE_URL ?? 'http://127.0.0.1:8787/v1',
);

/** The API dialect: `?dialect=contexts` (or VITE_PAKET_DIALECT) for the 2025 one. */
const dialect: 'participants' | 'contexts' =
  (queryParam('dialect') ?? env.VITE_PAKET_DIALECT) === 'contexts' ? 'contexts' : 'participants';
/** The emulator's test clients of each dialect. */
const year = dialect === 'contexts' ? '2025' : 'demo';

const homeUrl = appUrl('homeUrl', env.VITE_PAKET_HOME_URL, 'home');
const playerUrl = appUrl('playerUrl', env.VITE_PAKET_PLAYER_URL, 'player');
const originOf = (url: string): string => {
  try {
    return new URL(url).origin;
  } catch {
    return 'null';
  }
};

export interface AppInfo {
  name: string;
  /** The publisher's Paket app_id: its client ID (2024) or App ID (2025). */
  appId: string;
  url: string;
  origin: string;
  tizenId: string;
  webosId: string;
}

export const config = {
  baseUrl,
  dialect,
  platform: {
    username: env.VITE_PAKET_PLATFORM_USER ?? `platform_${year}`,
    password: env.VITE_PAKET_PLATFORM_SECRET ?? `test_sk_platform_${year}`,
  },
  publisher: {
    username: env.VITE_PAKET_PUBLISHER_USER ?? `publisher_${year}`,
    password: env.VITE_PAKET_PUBLISHER_SECRET ?? `test_sk_publisher_${year}`,
  },
  /** The emulator's control endpoint (its request log and faults); absent for the real API. */
  emulatorControls:
    env.VITE_PAKET_EMULATOR === '0' ? undefined : baseUrl.replace(/\/v1\/?$/, '') + '/__emulator',
  home: {
    name: 'Paket Home',
    url: homeUrl,
    origin: originOf(homeUrl),
    tizenId: 'PaketDemo0.PaketTVDemo',
    webosId: 'tv.paket.demo',
  },
  /** The apps the home screen knows (its share allow-list and its launcher). */
  player: {
    name: 'Paket Player',
    appId:
      env.VITE_PAKET_PUBLISHER_APP_ID ??
      (dialect === 'contexts' ? 'AP502377819034456' : 'fe4a9ed381e8e376'),
    url: playerUrl,
    origin: originOf(playerUrl),
    tizenId: 'PaketPlay0.PaketPlayer',
    webosId: 'tv.paket.demo.player',
  } satisfies AppInfo,
  /** The platform's (home screen's) profiles. */
  homeProfiles: [
    { id: 'profile-anna', name: 'Anna', color: 0xff4c9aff },
    { id: 'profile-ben', name: 'Ben', color: 0xffff8a5b },
    { id: 'profile-kids', name: 'Kids', color: 0xff5ee08a },
  ],
  /** The publisher's (player's) own profiles: another app, another account. */
  playerProfiles: [
    { id: 'viewer-mia', name: 'Mia', color: 0xffc792ea },
    { id: 'viewer-leo', name: 'Leo', color: 0xffffc857 },
  ],
};

export type Profile = (typeof config.homeProfiles)[number];
