// Entry of the player's bundles. Opened by the home screen at a title, the player starts on
// that title's page: the address's #play/<id> in a browser, the Application Control's URI
// (the item's deep link) on Tizen, the launch parameters' contentId on webOS. Only a title of
// the catalog is taken (the launch data comes from another app).
import { Router } from '@lightningjs/sdk';
import { routeAtStart, startApp } from '../shared/launch';
import App from './App';
import { titleById } from './catalog';
import { start, state } from './model';

interface LaunchWindow {
  tizen?: {
    application?: {
      getCurrentApplication(): {
        getRequestedAppControl(): { appControl?: { uri?: string | null } } | null;
      };
    };
  };
  webOSSystem?: { launchParams?: unknown };
  PalmSystem?: { launchParams?: unknown };
}

/** The catalog title the TV's launch names, or ''. */
function launchTitle(detail?: unknown): string {
  const w = window as unknown as LaunchWindow;
  let id = '';
  try {
    const request = w.tizen?.application?.getCurrentApplication().getRequestedAppControl();
    const uri = request?.appControl?.uri;
    if (typeof uri === 'string') id = decodeURIComponent(uri.split('/').pop() ?? '');
  } catch {
    // not Tizen, or no request
  }
  if (!id) {
    try {
      const raw = detail ?? w.webOSSystem?.launchParams ?? w.PalmSystem?.launchParams;
      const params = (typeof raw === 'string' ? JSON.parse(raw) : raw) as {
        contentId?: unknown;
      } | null;
      if (params && typeof params.contentId === 'string') id = params.contentId;
    } catch {
      // not webOS, or not JSON
    }
  }
  return titleById(id) ? id : '';
}

const first = launchTitle();
if (first) routeAtStart(`play/${encodeURIComponent(first)}`);
// Launched again while running: Tizen's appcontrol event (reload="disable"), webOSRelaunch.
const again = (detail?: unknown): void => {
  const id = launchTitle(detail);
  if (id) Router.navigate(`play/${encodeURIComponent(id)}`);
};
window.addEventListener('appcontrol', () => again());
document.addEventListener('webOSRelaunch', (e) => again((e as CustomEvent).detail));

(window as unknown as { __paketDemo: unknown }).__paketDemo = { state, app: 'player' };
start();
startApp(App, 'Paket Player', state.profileId ? 'catalog' : 'profiles');
