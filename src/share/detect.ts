import { shareError } from './errors.js';
import { fireboltChannel, type FireboltChannelOptions } from './firebolt.js';
import { win } from './globals.js';
import { tizenChannel, type TizenChannelOptions } from './tizen.js';
import type { ShareChannel } from './types.js';
import { webChannel, type WebChannelOptions } from './web.js';
import { webosChannel, type WebosChannelOptions } from './webos.js';

/** Options of {@link detectChannel}: one entry per platform the app supports. */
export interface DetectOptions {
  tizen?: TizenChannelOptions;
  webos?: WebosChannelOptions;
  /** Firebolt cannot be detected reliably: given, it wins. */
  firebolt?: FireboltChannelOptions;
  web?: WebChannelOptions;
}

/**
 * The channel for the platform the app runs on: Firebolt when configured, Tizen when
 * `tizen.messageport` exists, webOS when `webOSSystem`, `PalmSystem` or `PalmServiceBridge`
 * exists, else the web. A platform found but not configured falls through to the next;
 * none left is a `PaketShareError('unavailable')`.
 */
export function detectChannel(options: DetectOptions): ShareChannel {
  const w = win();
  if (options.firebolt) return fireboltChannel(options.firebolt);
  if (options.tizen && w.tizen && w.tizen.messageport) return tizenChannel(options.tizen);
  if (options.webos && (w.webOSSystem || w.PalmSystem || w.PalmServiceBridge)) {
    return webosChannel(options.webos);
  }
  if (options.web) return webChannel(options.web);
  throw shareError('unavailable', 'no-platform', 'no configured share channel fits this device');
}
