import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/server.js';
import { createPaketClient, type Dialect, type PaketClientOptions } from '../../src/index';

export const PLATFORM = { username: 'platform_demo', password: 'test_sk_platform_demo' };
export const PUBLISHER = { username: 'publisher_demo', password: 'test_sk_publisher_demo' };
/** The demo publisher's app_id, as links name it. */
export const APP = 'fe4a9ed381e8e376';
/** The link route, as the emulator's fault injection names it. */
export const LINK = 'PUT /v1/upnext/sessions/:session_id';

/** Starts one emulator on a free loopback port for the file; resets it before each test. */
export function useEmulator(options: Parameters<typeof startEmulator>[0] = {}) {
  const ref: { emu: Emulator } = {} as { emu: Emulator };
  beforeAll(async () => {
    // Signatures off unless asked for: the emulator's own tests and those that change its
    // state behind the SDK's back make raw calls. The SDK's suites that need no raw call pass
    // `requireSignatures: true`, as on the live API (the SDK signs by default).
    ref.emu = await startEmulator({ port: 0, quiet: true, requireSignatures: false, ...options });
  });
  beforeEach(() => ref.emu.reset());
  afterAll(() => ref.emu.close());
  return {
    get emu() {
      return ref.emu;
    },
    client<D extends Dialect = 'participants'>(
      options: Partial<PaketClientOptions> & { dialect?: D } = {},
    ) {
      return createPaketClient<D>({
        credentials: PLATFORM,
        baseUrl: ref.emu.url,
        retry: { limit: 3, backoffLimitMs: 20 },
        timeoutMs: 2000,
        ...options,
      });
    },
    /** The service loses a Session (deleted behind the SDK's back, as if it expired). */
    async loseSession(sessionId: string): Promise<void> {
      await fetch(`${ref.emu.url}/upnext/sessions/${sessionId}`, {
        method: 'DELETE',
        headers: {
          authorization:
            'Basic ' + Buffer.from(`${PLATFORM.username}:${PLATFORM.password}`).toString('base64'),
        },
      });
    },
    /** `n` Participants made by the publisher demo client: IDs a platform can link. */
    async participants(n: number): Promise<string[]> {
      const publisher = this.client({ credentials: PUBLISHER });
      const ids: string[] = [];
      for (let i = 0; i < n; i++) ids.push((await publisher.participants.create()).participant_id);
      return ids;
    },
    /**
     * A platform client for the outbox's tests: delivers only on `flush()` or a call, tries
     * each request once, and keeps up to 1,000 queued operations.
     */
    outboxClient(
      storage: PaketClientOptions['storage'],
      options: Partial<PaketClientOptions> = {},
    ) {
      return this.client({
        autoFlush: false,
        retry: { limit: 0 },
        outboxLimit: 1000,
        ...(storage ? { storage } : {}),
        ...options,
      });
    },
  };
}

/** Test credentials of the emulator's 2025 ("contexts") clients. */
export const PLATFORM_2025 = { username: 'platform_2025', password: 'test_sk_platform_2025' };
export const PUBLISHER_2025 = { username: 'publisher_2025', password: 'test_sk_publisher_2025' };

export interface RawAnswer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** `sha256=` + hex(HMAC-SHA256(secret, timestamp + "." + body)), as the spec signs. */
export function signature(secret: string, timestamp: number | string, body = ''): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * Raw HTTP calls to an emulator, for its own tests: Basic auth, optional Idempotency-Key,
 * JSON body, and signing (`sign: true` signs with the local clock, or give the timestamp).
 */
export function rawCaller(origin: () => string) {
  return async function call(
    method: string,
    path: string,
    options: {
      as?: { username: string; password: string };
      key?: string;
      body?: unknown;
      headers?: Record<string, string>;
      sign?: boolean | number;
    } = {},
  ): Promise<RawAnswer> {
    const as = options.as ?? PLATFORM;
    const text = options.body === undefined ? '' : JSON.stringify(options.body);
    const headers: Record<string, string> = {
      authorization: 'Basic ' + Buffer.from(`${as.username}:${as.password}`).toString('base64'),
      ...options.headers,
    };
    if (options.key) headers['idempotency-key'] = options.key;
    if (text) headers['content-type'] = 'application/json';
    if (options.sign !== undefined && options.sign !== false) {
      const ts = options.sign === true ? Date.now() : options.sign;
      headers['x-paket-timestamp'] = String(ts);
      headers['x-paket-signature'] = signature(as.password, ts, text);
    }
    const res = await fetch(origin() + path, {
      method,
      headers,
      ...(text ? { body: text } : {}),
    });
    const answer = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      body: answer ? JSON.parse(answer) : undefined,
    };
  };
}
