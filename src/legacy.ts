// Entry of the legacy (ES5, UMD, global `PaketTV`) bundle: the SDK plus the polyfills it
// needs on engines older than the modern bundle's floor.
import { applyPolyfills } from './legacy-polyfills.js';

applyPolyfills();

export * from './index.js';
