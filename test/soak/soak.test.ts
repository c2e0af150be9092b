// The short soak in the test command (about 10 s); `npm run soak` runs the long one.
import { IDBFactory } from 'fake-indexeddb';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { startEmulatorProcess } from '../../emulator/process.js';
import { printSummary, runSoak } from './soak';

let emu: Awaited<ReturnType<typeof startEmulatorProcess>>;
beforeAll(async () => {
  emu = await startEmulatorProcess();
});
afterAll(() => emu.close());

it('keeps every invariant under random operations, 20% injected faults, clock jumps, frozen instances and failing credentials', async () => {
  vi.stubGlobal('indexedDB', new IDBFactory());
  localStorage.clear();
  const summary = await runSoak(emu, {
    durationMs: Number(process.env.SOAK_MS ?? 10_000),
    profiles: 6,
    instances: 4,
    participants: 5,
    faultRate: 0.2,
    seed: Number(process.env.SOAK_SEED ?? 20261129),
  });
  console.log(printSummary(summary));
  expect(summary.mismatches).toEqual([]);
  // Reconcile heals what a DELETE applied after the client gave up on it undid.
  expect(summary.lateDeletes).toEqual([]);
  expect(summary.clockJumps).toBeGreaterThan(0);
  expect(summary.freezes).toBeGreaterThan(0);
  expect(summary.duplicateSessions).toBe(0);
  // One live Session per profile: every lost one replaced, and replaced once.
  expect(summary.sessionsLive).toBe(summary.profilesUsed);
  expect(summary.sessionsLost).toBeGreaterThan(0);
  expect(summary.unhandledRejections).toBe(0);
  expect(Object.keys(summary.outcomes).filter((k) => k.startsWith('UNTYPED'))).toEqual([]);
  expect(summary.operations).toBeGreaterThan(50);
  expect(summary.gcMeasured).toBe(true);
  expect(summary.heapGrowthMb).toBeLessThan(8);
}, 600_000);
