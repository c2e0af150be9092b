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
 * Leaves the app: Tizen's application exit, webOS's platformBack, and in a browser the
 * window another app opened (the player the home screen started) closes; a tab the user
 * opened stays on the app's top page. Counted in `window.__paketExits`.
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
  if (window.opener) window.close();
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

/**
 * Puts `route` in the address before the Router boots. The Router reads an address that has a
 * route as it boots and shows that page in the first frame; one without waits for its own
 * `hashchange` (a task later, after an empty frame: about 0.4 s at CPU 6×). Replaced, not
 * pushed (nor assigned, which fires a `hashchange` too), so Back at the top still leaves the
 * app.
 */
export function routeAtStart(route: string): void {
  try {
    history.replaceState(history.state, '', `#${route}`);
  } catch {
    // no history API: the Router finds its root itself
  }
}

/** Starts the app on `route` unless the address already names one (see {@link routeAtStart}). */
export function startApp(App: unknown, title: string, route: string): void {
  document.title = title;
  if (!location.hash || location.hash === '#') routeAtStart(route);
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
  // For tests and the inspector: the focus path, root first, by ref (or component name),
  // and what is on screen.
  const w2 = window as unknown as {
    __paketFocus: () => string[];
    __paketLayout: () => LayoutReport;
  };
  w2.__paketFocus = () =>
    ((app as unknown as { focusPath?: Lightning.Element[] }).focusPath ?? []).map(
      (e) => e.ref || e.constructor.name,
    );
  w2.__paketLayout = () => layout(app.stage.root as unknown as Node);
}

interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}
export interface LayoutReport {
  /** Visible text elements. */
  texts: number;
  /** Visible content (text, image, rectangle) drawn past the 1920×1080 screen: their paths. */
  outside: string[];
  /** Text smaller than 24 px: path and size. */
  small: string[];
  /** The visible part of each named element (first of a name), in screen pixels. */
  boxes: Record<string, Box>;
  /** Visible text, in drawing order. */
  words: string[];
}
interface Node {
  ref?: string;
  visible: boolean;
  alpha: number;
  clipping?: boolean;
  rect?: boolean;
  src?: string;
  text?: { text?: string; fontSize?: number } | null;
  children: Node[];
  core: { getCornerPoints(): number[] };
  constructor: { name: string };
}

/** Walks the render tree: what is visible, where, and whether it stays on the screen. */
function layout(root: Node): LayoutReport {
  const report: LayoutReport = { texts: 0, outside: [], small: [], boxes: {}, words: [] };
  const inf = 1e9;
  const visit = (el: Node, clip: Box, path: string): void => {
    if (!el.visible || el.alpha === 0) return;
    const c = el.core.getCornerPoints();
    const xs = [c[0]!, c[2]!, c[4]!, c[6]!];
    const ys = [c[1]!, c[3]!, c[5]!, c[7]!];
    const box = {
      x1: Math.min(...xs),
      y1: Math.min(...ys),
      x2: Math.max(...xs),
      y2: Math.max(...ys),
    };
    const seen = {
      x1: Math.max(box.x1, clip.x1),
      y1: Math.max(box.y1, clip.y1),
      x2: Math.min(box.x2, clip.x2),
      y2: Math.min(box.y2, clip.y2),
    };
    const shows = seen.x2 - seen.x1 > 0.5 && seen.y2 - seen.y1 > 0.5;
    const name = el.ref || el.constructor.name;
    const here = `${path}/${name}`;
    const text = el.text && el.text.text ? el.text : undefined;
    const content = Boolean(text || el.src || el.rect);
    if (shows && content) {
      if (
        seen.x1 < -0.5 ||
        seen.y1 < -0.5 ||
        seen.x2 > SCREEN.w + 0.5 ||
        seen.y2 > SCREEN.h + 0.5
      ) {
        report.outside.push(here);
      }
      if (text) {
        report.texts++;
        report.words.push(String(text.text));
        if ((text.fontSize ?? 30) < 24) report.small.push(`${here} ${text.fontSize}px`);
      }
    }
    if (shows && el.ref && !report.boxes[el.ref]) report.boxes[el.ref] = seen;
    const inner = el.clipping ? seen : clip;
    for (const child of el.children) visit(child, inner, here);
  };
  visit(root, { x1: -inf, y1: -inf, x2: inf, y2: inf }, '');
  return report;
}
