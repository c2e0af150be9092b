// The coordinator as the start-up code holds it: the locks (Web Locks or the fenced lease,
// lock.ts) load with the first create or delivery. A warm start never takes a lock, so it
// never downloads or parses them.
import { loadOnce } from '../load-once.js';
import type { CoordinatorConfig } from './lock.js';
import type { Coordinator } from './types.js';

/** A {@link Coordinator} whose lock code loads on first use. */
export function createLazyCoordinator(config: CoordinatorConfig): Coordinator {
  const load = loadOnce(() => import('./lock.js').then((m) => m.createCoordinator(config)));
  return {
    run: async (name, task, o) => (await load()).run(name, task, o),
    preload: () => void load().catch(() => undefined),
  };
}
