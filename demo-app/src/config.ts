// Where the demo points and with which credentials. Defaults: the local Paket emulator and
// its test clients. For the real API set, at build time, VITE_PAKET_BASE_URL and the
// VITE_PAKET_{PLATFORM,PUBLISHER}_{USER,SECRET} variables (see the README), or at run time
// add ?baseUrl=… (a loopback address only) to the page URL. A secret built into a TV app can be extracted from it:
// a shipped app should fetch credentials from its own backend (the SDK's `credentials`
// option takes an async function for that).

const env = (import.meta as { env?: Record<string, string | undefined> }).env ?? {};

function queryParam(name: string): string | undefined {
  const match = new RegExp(`[?&]${name}=([^&#]*)`).exec(location.search);
  return match ? decodeURIComponent(match[1] ?? '') : undefined;
}

/**
 * The API the demo talks to. `?baseUrl=` is honoured only for a loopback host (the local
 * emulator on another port): the credentials built into the app must never go to a host a
 * link in the address bar names. Anything else falls back to the build's own base URL.
 */
export function chooseBaseUrl(asked: string | undefined, built: string): string {
  if (asked === undefined) return built;
  try {
    const { hostname, protocol } = new URL(asked);
    if (/^https?:$/.test(protocol) && /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/.test(hostname)) {
      return asked;
    }
  } catch {
    // not a URL: ignored
  }
  console.warn('paket demo: ?baseUrl= ignored (only a loopback address is allowed)');
  return built;
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
  /** The emulator's control endpoint, used by the Offline toggle; absent for the real API. */
  emulatorControls:
    env.VITE_PAKET_EMULATOR === '0' ? undefined : baseUrl.replace(/\/v1\/?$/, '') + '/__emulator',
  profiles: [
    { id: 'profile-anna', name: 'Anna' },
    { id: 'profile-ben', name: 'Ben' },
    { id: 'profile-kids', name: 'Kids' },
  ],
};
