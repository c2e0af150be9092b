// Every call the SDK has, in both dialects of the API, against the emulator over loopback
// (signatures required, as on the live API), and the fault matrix on a link in each: one
// parameterised suite.
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Fault } from '../../emulator/server.js';
import { PaketHttpError, PaketInputError, type PaketClientOptions } from '../../src/index';
import {
  PLATFORM,
  PLATFORM_2025,
  PUBLISHER,
  PUBLISHER_2025,
  useEmulator,
} from '../helpers/emulator';

const env = useEmulator({ requireSignatures: true });

beforeEach(() => {
  vi.stubGlobal('indexedDB', new IDBFactory());
  localStorage.clear();
});

const DIALECTS = [
  {
    dialect: 'participants' as const,
    platform: PLATFORM,
    publisher: PUBLISHER,
    idField: 'participant_id',
    link: 'PUT /v1/upnext/sessions/:session_id',
  },
  {
    dialect: 'contexts' as const,
    platform: PLATFORM_2025,
    publisher: PUBLISHER_2025,
    idField: 'context_id',
    link: 'PUT /v1/sessions/upnext/:session_id',
  },
];

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe.each(DIALECTS)(
  'the $dialect dialect',
  ({ dialect, platform, publisher, idField, link }) => {
    const client = (options: Partial<PaketClientOptions> = {}) =>
      env.client({ dialect, credentials: platform, autoFlush: false, ...options });
    const publisherClient = () => env.client({ dialect, credentials: publisher, autoFlush: false });

    /** The publisher's ID and the app_id a link needs, in this dialect's meaning. */
    async function participant(): Promise<{ id: string; appId: string }> {
      const object = (await publisherClient().participants.ensure(
        `p-${Math.random()}`,
      )) as unknown as Record<string, string>;
      const id = object[idField]!;
      // 2024: the publisher's client ID; 2025: the App ID of the Context.
      return { id, appId: dialect === 'contexts' ? object.app_id! : object.client_id! };
    }

    const linksAt = (sessionId: string): string[] =>
      (env.emu.state().links[sessionId] ?? [])
        .map((l) => (l as unknown as Record<string, string>)[idField] ?? l.participant_id)
        .sort();

    it('status, Sessions, publisher objects, link, linked, lists, unlink and remove', async () => {
      const status = await client().status();
      expect(status.message).toBeTruthy();
      expect(status.test).toBe(true);
      const c = client();
      const session = await c.sessions.ensure();
      if (dialect === 'contexts') {
        expect(session).not.toHaveProperty('client_type');
        expect(session.session_id).toMatch(/^SN/);
      } else {
        expect(session.client_type).toBe('platform');
      }
      const p = await participant();
      if (dialect === 'contexts') expect(p.id).toMatch(/^CX/);
      const made = (await c.sessions.link('default', {
        appId: p.appId,
        participantId: p.id,
      })) as unknown as Record<string, string>;
      expect(made[idField]).toBe(p.id);
      expect(made.session_id).toBe(session.session_id);
      if (dialect === 'contexts') expect(made).not.toHaveProperty('participant_id');
      expect(linksAt(session.session_id)).toEqual([p.id]);
      const linked = (await c.sessions.linked('default')) as unknown as Record<string, string>[];
      expect(linked.map((l) => l[idField])).toEqual([p.id]);
      const listed = (await collect(c.sessions.participants('default'))) as unknown as Record<
        string,
        string
      >[];
      expect(listed.map((l) => l[idField])).toEqual([p.id]);
      // The emulator's sample row for a new Session.
      const row = await collect(c.sessions.upNext('default'));
      for (const item of row) expect(typeof item.content_id).toBe('string');
      await c.sessions.unlink('default', p.id);
      expect(linksAt(session.session_id)).toEqual([]);
      await c.sessions.remove('default');
      expect(env.emu.state().sessions[session.session_id]?.removed).toBe(true);
      expect(await c.sessions.get()).toBeUndefined();
    });

    it('records of one dialect are never read as the other', async () => {
      const first = await client().sessions.ensure();
      const other = DIALECTS.find((d) => d.dialect !== dialect)!;
      const second = await env
        .client({ dialect: other.dialect, credentials: platform, autoFlush: false })
        .sessions.ensure();
      expect(second.session_id).not.toBe(first.session_id);
    });

    const FAULTS: [string, Fault[]][] = [
      ['5xx', [{ status: 503 }]],
      ['429 with Retry-After', [{ status: 429, retryAfter: 0 }]],
      ['a timeout', [{ delayMs: 2500 }]],
      ['a connection dropped before the server commits', [{ drop: 'before' }]],
      ['a connection dropped after the server commits', [{ drop: 'after' }]],
      ['malformed JSON', [{ malformed: true }]],
    ];

    it.each(FAULTS)('a link under %s ends present exactly once', async (_name, faults) => {
      const c = client({ retry: { limit: 0 }, timeoutMs: 2000 });
      const session = await c.sessions.ensure();
      const p = await participant();
      env.emu.injectFaults(link, faults);
      await c.sessions
        .link('default', { appId: p.appId, participantId: p.id })
        .catch((e: unknown) => {
          expect(e).toMatchObject({ queued: true });
        });
      await new Promise((r) => setTimeout(r, 600)); // past a delayed answer
      await c.flush();
      expect(linksAt(session.session_id)).toEqual([p.id]);
    });

    it('a 4xx is refused, dropped and reported, and nothing else is lost', async () => {
      const c = client();
      const session = await c.sessions.ensure();
      const p = await participant();
      env.emu.injectFaults(link, [{ status: 400 }]);
      await expect(
        c.sessions.link('default', { appId: p.appId, participantId: p.id }),
      ).rejects.toBeInstanceOf(PaketHttpError);
      expect(await c.pending()).toEqual([]);
      await c.sessions.link('default', { appId: p.appId, participantId: p.id });
      expect(linksAt(session.session_id)).toEqual([p.id]);
    });

    it('hostile IDs are refused before any request', async () => {
      const c = client();
      for (const bad of ['.', '..', 'a/b', '\ud800', 'x\u0000']) {
        await expect(
          c.sessions.link('default', { appId: 'app', participantId: bad }),
        ).rejects.toBeInstanceOf(PaketInputError);
      }
      expect(env.emu.log).toEqual([]);
    });
  },
);

describe('types follow the dialect', () => {
  it('a contexts client returns Contexts and Session Contexts, a default one Participants', async () => {
    const app = env.client({ dialect: 'contexts', credentials: PUBLISHER_2025 });
    const context = await app.participants.ensure('typed');
    // Compile-time: these fields exist on the dialect's types (no cast).
    const ids: [string, string] = [context.context_id, context.app_id];
    expect(ids[0]).toMatch(/^CX/);
    const platform = env.client({ dialect: 'contexts', credentials: PLATFORM_2025 });
    const link = await platform.sessions.link('typed', { appId: ids[1], participantId: ids[0] });
    expect(link.context_id).toBe(ids[0]);
    const old = await env.client({ credentials: PUBLISHER }).participants.ensure('typed-2024');
    expect(typeof old.participant_id).toBe('string');
  });
});
