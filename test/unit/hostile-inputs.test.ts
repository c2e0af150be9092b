// Hostile app arguments an outside review found escaping as raw errors (each test failed
// before its fix): option and argument getters that throw, a hostile Proxy, an onEvent that
// is not a function.
import { describe, expect, it } from 'vitest';
import {
  createPaketClient,
  PaketInputError,
  PaketStorageError,
  type PaketClientOptions,
} from '../../src/index';
import { handledClient, SESSION } from '../helpers/fake-fetch';
import { memoryStorage } from '../helpers/memory-storage';

const CREDS = { username: 'platform_demo', password: 'test_sk_s3cr3t' };
const throwing = <T extends object>(o: T, name: string): T =>
  Object.defineProperty(o, name, {
    enumerable: true,
    get() {
      throw new Error('hostile getter');
    },
  });

function client(options: Partial<PaketClientOptions> = {}) {
  const requests: string[] = [];
  const c = handledClient((r) => {
    requests.push(`${r.method} ${new URL(r.url).pathname}`);
    return new Response(JSON.stringify(r.method === 'POST' ? SESSION : { items: [] }), {
      status: 200,
    });
  }, options);
  return { c, requests };
}

describe('createPaketClient options whose getters throw', () => {
  // Every option is read through one guarded reader, which names the option.
  it.each([
    'credentials',
    'retry',
    'onEvent',
    'storage',
    'storageTimeoutMs',
    'autoFlush',
    'reconcileEveryMs',
    'outboxLimit',
  ])('a throwing getter for %s is a PaketInputError', (name) => {
    const options = throwing({ credentials: CREDS } as Record<string, unknown>, name);
    let thrown: unknown;
    try {
      createPaketClient(options as unknown as PaketClientOptions);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PaketInputError);
  });

  it('an onEvent that is not a function is refused', () => {
    expect(() =>
      createPaketClient({ credentials: CREDS, onEvent: 'log' as unknown as () => void }),
    ).toThrow(PaketInputError);
  });
});

describe('call arguments whose getters throw', () => {
  // Inputs, items and list options are read once, each field guarded.
  it('sessions.link with a throwing participantId getter', async () => {
    const { c, requests } = client();
    const input = throwing(
      { appId: 'fe4a9ed381e8e376' } as Record<string, unknown>,
      'participantId',
    );
    const error = await c.sessions.link('p', input as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaketInputError);
    expect(requests).toEqual([]);
  });

  it('sessions.hide with a throwing contentId getter', async () => {
    const { c } = client({ dialect: 'contexts' } as Partial<PaketClientOptions>);
    const input = throwing({ participantId: 'CX1' } as Record<string, unknown>, 'contentId');
    const error = await c.sessions.hide('p', input as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaketInputError);
  });

  it('participants.putItem with a throwing title getter', async () => {
    const { c } = client();
    const item = throwing(
      {
        content_id: 'c1',
        media_type: 'movie',
        action: 'up_next_watchlist',
        description: 'd',
        poster_art_uri: 'https://x/p.png',
        poster_art_aspect_ratio: 'aspect_ratio_16_9',
        duration: 60,
      } as Record<string, unknown>,
      'title',
    );
    const error = await c.participants.putItem('p', item as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaketInputError);
  });

  it('participants.putItem with a Proxy whose ownKeys trap throws', async () => {
    const { c } = client();
    const item = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('hostile proxy');
        },
      },
    );
    const error = await c.participants.putItem('p', item as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaketInputError);
  });

  it('sessions.upNext with a throwing limit getter rejects next() with a PaketInputError', async () => {
    const { c } = client();
    const options = throwing({} as Record<string, unknown>, 'limit');
    const it = c.sessions.upNext('p', options as never)[Symbol.asyncIterator]();
    const error = await it.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaketInputError);
  });
});

describe('an outbox record written by a newer SDK version', () => {
  // An outside review: an app rolled back to this version (a bad deploy undone) read the
  // newer layout as corrupt, and its next write replaced it: the newer version's queued
  // writes were gone.
  it('is left as it is: writes fail with a PaketStorageError (reason "version"), nothing is lost', async () => {
    const { memory, storage } = memoryStorage();
    const c = handledClient(
      (request) =>
        new Response(
          JSON.stringify(request.method === 'POST' ? SESSION : { participant_id: 'x' }),
          { status: 200 },
        ),
      { storage },
    );
    await c.sessions.link('p', { appId: 'a', participantId: 'x' });
    const key = [...memory.keys()].find((k) => k.endsWith(':links'))!;
    const newer = { v: 4, queue: [{ kind: 'link', who: 'y' }], more: true };
    memory.set(key, newer);
    const error = await c.sessions
      .link('p', { appId: 'a', participantId: 'z' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaketStorageError);
    expect((error as PaketStorageError).reason).toBe('version');
    await expect(c.flush()).resolves.toMatchObject({ error: expect.any(PaketStorageError) });
    expect(memory.get(key)).toEqual(newer);
    c.close();
  });
});
