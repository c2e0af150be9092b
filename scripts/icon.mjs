// The demo's app icon (PNG): a blue tile with a white "P".
import { encodePng } from '../emulator/png.js';

/** @param {number} size */
export function iconPng(size) {
  return encodePng(size, size, (x, y) => {
    const u = x / size;
    const v = y / size;
    const stem = u > 0.3 && u < 0.42 && v > 0.2 && v < 0.8;
    const bowl = u >= 0.42 && u < 0.68 && v > 0.2 && v < 0.52 && !(u < 0.58 && v > 0.3 && v < 0.42);
    return stem || bowl ? [255, 255, 255] : [0x2f, 0x80, 0xed];
  });
}
