// A blank Lightning app: the same stage, launcher and first-frame mark as the demo apps
// (demo-app/shared/launch.ts), one line of text and nothing else. The bench's baseline for
// the apps' first frame: window.__paketFirstFrame = performance.now() on the first frame drawn.
import { Launch, Lightning } from '@lightningjs/sdk';

class Blank extends Lightning.Component {
  static _template() {
    return {
      w: 1920,
      h: 1080,
      rect: true,
      color: 0xff0b1220,
      Label: { x: 80, y: 80, text: { text: 'Blank Lightning app', fontSize: 48 } },
    };
  }

  static getFonts() {
    return [];
  }

  _init() {
    this.stage.once('frameEnd', () => {
      window.__paketFirstFrame = window.performance.now();
      console.log(`paket:first-frame ${Math.round(window.__paketFirstFrame)}`);
    });
  }
}

function hasWebGl() {
  try {
    const canvas = window.document.createElement('canvas');
    return Boolean(canvas.getContext('webgl') || canvas.getContext('experimental-webgl'));
  } catch {
    return false;
  }
}

const app = Launch(
  Blank,
  {
    stage: { w: 1920, h: 1080, clearColor: 0xff0b1220, canvas2d: !hasWebGl() },
    debug: false,
    enablePointer: false,
  },
  { path: './static' },
);
window.document.body.appendChild(app.stage.getCanvas());
