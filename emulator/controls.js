// The control endpoints' commands (`/__emulator/{faults,log,state,reset,clock}`). Who may call
// them (loopback peer, loopback Host, allowed Origin) is checked by server.js before this runs.
import { errorReply } from './http.js';

/**
 * @typedef {{ injectFaults(route: string, faults: import('./server.js').Fault[], opts?: { repeat?: boolean }): void, clearFaults(): void, reset(): void, setClockOffset(ms: number): void, clockOffsetMs(): number, now(): number, log: unknown[], state(): unknown }} Controlled
 */

/**
 * @param {string} what the path after `/__emulator/`
 * @param {string} method
 * @param {any} input the parsed JSON body (`{}` when empty)
 * @param {Controlled} emu
 * @returns {import('./http.js').Reply}
 */
export function runControl(what, method, input, emu) {
  const done = { status: 204 };
  switch (`${method} ${what}`) {
    case 'POST faults':
      if (typeof input?.route !== 'string' || !Array.isArray(input.faults)) {
        return errorReply(400, 'need { route, faults: [], repeat? }');
      }
      emu.injectFaults(input.route, input.faults, { repeat: input.repeat === true });
      return done;
    case 'DELETE faults':
      emu.clearFaults();
      return done;
    case 'GET log':
      return { status: 200, body: emu.log };
    case 'DELETE log':
      emu.log.length = 0;
      return done;
    case 'GET state':
      return { status: 200, body: emu.state() };
    case 'POST reset':
      emu.reset();
      return done;
    case 'GET clock':
      return { status: 200, body: { offsetMs: emu.clockOffsetMs(), now: emu.now() } };
    case 'POST clock':
      if (typeof input?.offsetMs !== 'number' || !Number.isFinite(input.offsetMs)) {
        return errorReply(400, 'need { offsetMs: number }');
      }
      emu.setClockOffset(input.offsetMs);
      return done;
    default:
      return errorReply(404, 'no such control');
  }
}
