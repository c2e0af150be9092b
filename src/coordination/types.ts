// What the rest of the SDK knows of the coordination (lock.ts, loaded on first need).

/** Another live instance holds the lock (returned by `run` when not waiting). */
export const BUSY: unique symbol = Symbol('busy');

/** What a holder of the lock can check about itself. */
export interface Lease {
  /** Storage keys to include in a transaction so that {@link Lease.holds} can check them. */
  readonly keys: readonly string[];
  /** Inside a transaction over `keys` (their values, in order): does this holder still hold it? */
  holds(values: readonly unknown[]): boolean;
  /**
   * Synchronously, just before a request goes out: has this holder confirmed its lease
   * recently enough that nobody can have taken it over (no freeze since)?
   */
  fresh(): boolean;
  /** Records a successful fenced transaction (the lease was confirmed then). */
  confirmed(): void;
}

export interface Coordinator {
  /**
   * Runs `task` holding the exclusive lock `name`. With `wait`, waits for it (at most
   * `waitMs`, then a `PaketStorageError('lock', 'timeout')`); without, resolves with
   * {@link BUSY} when another live instance holds it.
   */
  run<T>(
    name: string,
    task: (lease: Lease) => Promise<T>,
    options: { wait: boolean; waitMs: number },
  ): Promise<T | typeof BUSY>;
  /** Optional: starts loading the lock's code, for a caller about to `run` (a first start). */
  preload?(): void;
}
