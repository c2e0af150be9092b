// Start-up, as the Lightning CLI's launcher does it: Launch the app, put its canvas on the page.
import { Launch } from '@lightningjs/sdk';
import App, { settings } from './App';

/** WebGL where the engine has it; Lightning's canvas 2D renderer elsewhere (headless builds, some old sets). */
function hasWebGl(): boolean {
  try {
    const canvas = document.createElement('canvas');
    return Boolean(canvas.getContext('webgl') ?? canvas.getContext('experimental-webgl'));
  } catch {
    return false;
  }
}

export function startApp(): void {
  const app = Launch(
    App,
    { stage: { ...settings.stage, canvas2d: !hasWebGl() }, keys: settings.keys, debug: false },
    { path: './static' },
  );
  document.body.appendChild(app.stage.getCanvas());
}
