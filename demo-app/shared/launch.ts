// Start-up, as the Lightning CLI's launcher does it: Launch the app, put its canvas on the
// page. Also what both apps do at the edges: leaving the app (Back at the top level) on each
// platform, and the first-frame mark the bench reads.
import { Launch, type Lightning } from '@lightningjs/sdk';
import { KEYS, registerTvKeys } from './keys';
import { SCREEN, COLOR } from './theme';

/** WebGL where the engine has it; Lightning's canvas 2D renderer elsewhere (headless builds, some old sets). */
function hasWebGl(): boolean {
  try {
    const canvas = document.createElement('canvas');
    return Boolean(canvas.getContext('webgl') ?? canvas.getContext('experimental-webgl'));
  } catch {
    return false;
  }
}

interface DemoWindow {
  __paketFirstFrame?: number;
  __paketExits?: number;
  tizen?: { application?: { getCurrentApplication(): { exit(): void } } };
  webOS?: { platformBack?(): void };
}
const w = window as unknown as DemoWindow;

/**
 * Leaves the app: Tizen's application exit, webOS's platformBack (or window.close), and in a
 * browser window.close() (which closes a window the home screen opened; a tab the user
 * opened stays, and the app shows its top page again). Counted in `window.__paketExits`.
 */
export function exitApp(): void {
  w.__paketExits = (w.__paketExits ?? 0) + 1;
  try {
    if (w.tizen && w.tizen.application) {
      w.tizen.application.getCurrentApplication().exit();
      return;
    }
    if (w.webOS && w.webOS.platformBack) {
      w.webOS.platformBack();
      return;
    }
  } catch {
    // fall through to the browser's way
  }
  window.close();
}

let marked = false;
/**
 * Marks the first frame that shows content: on the stage's next rendered frame,
 * `window.__paketFirstFrame = performance.now()` and one console line
 * `paket:first-frame <ms>`. Called by each app once its first page has its data.
 */
export function markFirstFrame(app: Lightning.Component): void {
  if (marked) return;
  marked = true;
  const stage = app.stage as unknown as {
    once(event: string, listener: () => void): void;
  };
  stage.once('frameEnd', () => {
    w.__paketFirstFrame = performance.now();
    console.log(`paket:first-frame ${Math.round(w.__paketFirstFrame)}`);
  });
}

export function startApp(App: unknown, title: string): void {
  document.title = title;
  registerTvKeys();
  const app = Launch(
    App as Parameters<typeof Launch>[0],
    {
      stage: { w: SCREEN.w, h: SCREEN.h, clearColor: COLOR.background, canvas2d: !hasWebGl() },
      keys: KEYS,
      debug: false,
      enablePointer: false,
    },
    // Back at the top: the Router finds no history and closes the app, which ends here.
    { path: './static', onClose: exitApp },
  ) as unknown as Lightning.Application;
  document.body.appendChild(app.stage.getCanvas());
  // For tests and the inspector: the focus path, root first, by ref (or component name).
  (window as unknown as { __paketFocus: () => string[] }).__paketFocus = () =>
    ((app as unknown as { focusPath?: Lightning.Element[] }).focusPath ?? []).map(
      (e) => e.ref || e.constructor.name,
    );
}
