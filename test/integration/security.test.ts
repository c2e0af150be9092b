// Security checks across the fault matrix: no credential in an error, an event, a stored
// record, a URL or a log line; hostile IDs never reach a path; plain http only on loopback.
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPaketClient, PaketInputError, type PaketEvent } from '../../src/index';
import type { Fault } from '../../emulator/server.js';
import { PLATFORM, PUBLISHER, useEmulator } from '../helpers/emulator';
import { storedRecords } from '../helpers/idb';

const env = useEmulator({ requireSignatures: true });
const SECRETS = [
  PLATFORM.password,
  Buffer.from(`${PLATFORM.username}:${PLATFORM.password}`).toString('base64'),
];
const FAULTS: Fault[] = [
  // A hostile or buggy service echoing the credentials in its error message.
  { status: 400, body: { error: 'echo', message: `bad ${PLATFORM.password}` } },
  {
    status: 401,
    body: {
      error: 'echo',
      message: `Basic ${Buffer.from(`${PLATFORM.username}:${PLATFORM.password}`).toString('base64')}`,
    },
  },
  { status: 500 },
  { status: 503, retryAfter: 0 },
  { status: 429, retryAfter: 0 },
  { status: 401 },
  { status: 403 },
  { status: 400 },
  { drop: 'before' },
  { drop: 'after' },
  { malformed: true },
  { delayMs: 150 },
];

let logged: string[] = [];
beforeEach(() => {
  vi.stubGlobal('indexedDB', new IDBFactory());
  localStorage.clear();
  logged = [];
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logged.push(args.map(String).join(' '));
    });
  }
});
afterEach(() => vi.restoreAllMocks());

async function storedText(): Promise<string> {
  return (await storedRecords()) + JSON.stringify({ ...localStorage });
}

describe('credentials stay secret across the fault matrix', () => {
  it.each(FAULTS.map((f) => [JSON.stringify(f), f] as const))(
    'with %s on every route',
    async (_name, fault) => {
      const participant = await createPaketClient({
        credentials: PUBLISHER,
        baseUrl: env.emu.url,
      }).participants.create();
      env.emu.log.length = 0;
      env.emu.injectFaults('*', [fault], { repeat: true });
      const events: PaketEvent[] = [];
      const client = createPaketClient({
        credentials: PLATFORM,
        baseUrl: env.emu.url,
        timeoutMs: 100,
        retry: { limit: 1, backoffLimitMs: 1 },
        onEvent: (e) => events.push(e),
      });
      const errors: unknown[] = [];
      const attempt = (p: Promise<unknown>) => p.catch((e: unknown) => void errors.push(e));
      await attempt(client.status());
      await attempt(client.sessions.ensure('kid'));
      await attempt(
        client.sessions.link('kid', {
          appId: 'fe4a9ed381e8e376',
          participantId: participant.participant_id,
        }),
      );
      await attempt(client.sessions.unlink('kid', participant.participant_id));
      await attempt(client.flush());
      env.emu.clearFaults();

      const everything = [
        ...errors.map(
          (e) =>
            `${String(e)} ${(e as Error).stack ?? ''} ${JSON.stringify(e)} ${String((e as { cause?: unknown }).cause)}`,
        ),
        JSON.stringify(events),
        await storedText(),
        // The emulator's own log records an echo fault's body as injected: not the SDK's.
        ...('body' in fault ? [] : [JSON.stringify(env.emu.log)]),
        ...env.emu.log.map((e) => e.path),
        ...logged,
      ].join('\n');
      for (const secret of SECRETS) expect(everything).not.toContain(secret);
      expect(everything).not.toContain(PLATFORM.username + ':');
      expect(logged).toEqual([]); // the SDK logs nothing by itself
    },
  );
});

describe('hostile IDs never reach a path', () => {
  it.each([
    ['../sessions', 'dot-dot'],
    ['%2F', 'encoded slash (sent encoded, not decoded into a slash)'],
    ['a'.repeat(256), 'over 255 characters'],
    [42, 'a number'],
    [{ toString: () => '../x' }, 'an object'],
    ['', 'empty'],
    ['.', 'a dot (a dot-segment: would unlink the whole Session)'],
    ['..', 'two dots'],
    ['a\ud800', 'a lone surrogate'],
    ['a\u0000b', 'a control character'],
  ] as [unknown, string][])('%s (%s)', async (id) => {
    const client = createPaketClient({
      credentials: PLATFORM,
      baseUrl: env.emu.url,
      autoFlush: false,
    });
    await client.sessions.ensure();
    env.emu.log.length = 0;
    const link = await client.sessions
      .link('default', { appId: 'fe4a9ed381e8e376', participantId: id as string })
      .catch((e: unknown) => e);
    const unlink = await client.sessions.unlink('default', id as string).catch((e: unknown) => e);
    if (typeof id === 'string' && id === '%2F') {
      // A legal opaque ID: it travels percent-encoded and arrives as the same three characters.
      expect(env.emu.log.map((e) => e.path)).toContain(
        `/v1/upnext/sessions/${(await client.sessions.get())!.session_id}/%252F`,
      );
    } else {
      expect(link).toBeInstanceOf(PaketInputError);
      expect(unlink).toBeInstanceOf(PaketInputError);
      expect(env.emu.log).toEqual([]);
    }
  });

  it('a hostile profile ID is local only: it never appears in a request', async () => {
    const client = createPaketClient({
      credentials: PLATFORM,
      baseUrl: env.emu.url,
      autoFlush: false,
    });
    await client.sessions.ensure('../../v1/participants');
    expect(env.emu.log.map((e) => `${e.method} ${e.path}`)).toEqual(['POST /v1/sessions']);
  });
});

describe('transport security', () => {
  it('refuses a non-loopback http: base URL unless explicitly allowed', () => {
    expect(() =>
      createPaketClient({ credentials: PLATFORM, baseUrl: 'http://api.paket.tv/v1' }),
    ).toThrow(PaketInputError);
    expect(() =>
      createPaketClient({ credentials: PLATFORM, baseUrl: 'http://192.168.1.20:8787/v1' }),
    ).toThrow(PaketInputError);
    expect(() =>
      createPaketClient({
        credentials: PLATFORM,
        baseUrl: 'http://192.168.1.20:8787/v1',
        allowInsecureHttp: true,
      }),
    ).not.toThrow();
    expect(() =>
      createPaketClient({ credentials: PLATFORM, baseUrl: 'https://user:pw@api.paket.tv/v1' }),
    ).toThrow(PaketInputError);
  });
});
