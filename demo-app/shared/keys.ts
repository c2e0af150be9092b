// Remote-control keys, as Lightning's key map (key code -> handler name: 'Back' calls
// _handleBack). Back: Escape and Backspace on a keyboard, 10009 on Tizen, 461 on webOS.
// Menu (the options of a tile): the red colour key (403 on Tizen and webOS), the context-menu
// key (93) or M on a keyboard; a long press of OK does the same.

export const KEYS: Record<number, string> = {
  8: 'Back',
  27: 'Back',
  461: 'Back',
  10009: 'Back',
  13: 'Enter',
  37: 'Left',
  38: 'Up',
  39: 'Right',
  40: 'Down',
  93: 'Menu',
  77: 'Menu',
  403: 'Menu',
  // Media keys: space and the keyboard's play/pause, Tizen MediaPlayPause (10252), Play (415),
  // Pause (19), Stop (413), FastForward (417), Rewind (412); F and R on a keyboard.
  32: 'PlayPause',
  179: 'PlayPause',
  10252: 'PlayPause',
  415: 'Play',
  19: 'Pause',
  413: 'Stop',
  417: 'FastForward',
  70: 'FastForward',
  412: 'Rewind',
  82: 'Rewind',
};

/** How long OK must be held to open a tile's options, in ms. */
export const LONG_PRESS_MS = 700;

interface TizenInput {
  tvinputdevice?: { registerKey(name: string): void };
}

/**
 * Tizen delivers the media and colour keys to an app only once it registers them (Back and
 * the arrows always arrive). Nothing to do elsewhere.
 */
export function registerTvKeys(): void {
  const tizen = (window as unknown as { tizen?: TizenInput }).tizen;
  if (!tizen || !tizen.tvinputdevice) return;
  for (const name of [
    'MediaPlayPause',
    'MediaPlay',
    'MediaPause',
    'MediaStop',
    'MediaFastForward',
    'MediaRewind',
    'ColorF0Red',
  ]) {
    try {
      tizen.tvinputdevice.registerKey(name);
    } catch {
      // a model without that key
    }
  }
}
