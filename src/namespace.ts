// Which records are this client's: a short hash of the API origin and the username (and
// what the transport adds), computed by the transport from the credentials. A client whose
// credentials come from a function (the app's back end) remembers the last namespace in
// storage, so its stored Sessions, links and queue are readable while no credentials call
// succeeds (a TV that boots offline); the first request that gets credentials checks it.
import type { PaketEvent } from './events.js';
import type { RecordStorage } from './storage/records.js';
import { KEY_PREFIX } from './storage/records.js';
import { hashText } from './transport/hash.js';
import type { Transport } from './transport/http.js';

export interface Namespace {
  (): Promise<string>;
  /**
   * The namespace of v0.1's records, while they may still need migrating: known on the run
   * that first learns the credentials (a later run has migrated what it found).
   */
  legacy(): Promise<string | undefined>;
  /** Once per client, at its first request: the credentials' namespace replaces a stale stored one. */
  check(): void;
}

export function createNamespace(config: {
  transport: Transport;
  storage: RecordStorage;
  /** Whether credentials come from a function (else the namespace needs no I/O). */
  remembered: boolean;
  /** What tells this client's slot apart: base URL (and dialect). */
  scope: string;
  emit: (event: PaketEvent) => void;
}): Namespace {
  const { transport, storage } = config;
  const slot = `${KEY_PREFIX}ns:${hashText(config.scope)}`;
  let current: Promise<string> | undefined;
  let checked = !config.remembered;

  const remember = (ns: string): void => {
    storage.mirrorSet(slot, ns);
    storage.set(slot, ns).catch(() => undefined); // reported by the storage layer
  };

  const resolve = async (): Promise<string> => {
    if (!config.remembered) return transport.namespace();
    const mirrored = storage.mirrorGet(slot);
    if (typeof mirrored === 'string' && mirrored) return mirrored;
    const stored = await storage.get(slot).catch(() => undefined);
    if (typeof stored === 'string' && stored) {
      storage.mirrorSet(slot, stored);
      return stored;
    }
    checked = true;
    learned = true;
    const ns = await transport.namespace();
    remember(ns);
    return ns;
  };
  /** This run learnt the namespace from the credentials (not from storage): v0.1's may need migrating. */
  let learned = !config.remembered;
  let legacy: Promise<string | undefined> | undefined;

  const namespace = (() => {
    const p = (current ??= resolve());
    p.catch(() => {
      if (current === p) current = undefined;
    });
    return p;
  }) as Namespace;
  namespace.legacy = () =>
    (legacy ??= namespace().then(() =>
      learned ? transport.legacyNamespace().catch(() => undefined) : undefined,
    ));
  namespace.check = () => {
    if (checked) return;
    checked = true;
    void Promise.all([namespace(), transport.namespace()]).then(
      ([used, actual]) => {
        if (used === actual) return;
        current = Promise.resolve(actual);
        remember(actual);
        config.emit({ type: 'namespaceChanged' });
      },
      () => {
        checked = false; // the credentials failed: check at a later request
      },
    );
  };
  return namespace;
}
