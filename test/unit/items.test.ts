// The item rules (publisher/item.ts, the spec's "List item") and the outbox's coalescing of
// item writes (outbox/record.ts enqueue): what a publisher app would notice as a refused put
// (the field named, nothing stored) or as the one write per title that reaches the service.
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it, vi } from 'vitest';
import { createPaketClient, PaketInputError } from '../../src/index';
import { checkItem } from '../../src/resources/publisher/item';
import {
  emptyRecord,
  enqueue,
  STATUS_OVERFLOW,
  STATUS_SUPERSEDED,
  type OutboxRecord,
  type QueuedOperation,
} from '../../src/outbox/record';
import type { Dialect } from '../../src/transport/dialect';

const WHERE = 'participants.putItem';
const MOVIE = {
  content_id: 'movie-1',
  media_type: 'movie',
  action: 'up_next_continue',
  title: 'Harbor Lights',
  description: 'A film.',
  poster_art_uri: 'https://example.invalid/p.png',
  poster_art_aspect_ratio: 'aspect_ratio_16_9',
  duration: 5400,
  position: 120,
} as const;
const EPISODE = {
  ...MOVIE,
  content_id: 'ep-1',
  media_type: 'tv_episode',
  action: 'up_next_next',
  season: 1,
  episode: 2,
  position: undefined,
} as const;
const DIALECTS: Dialect[] = ['participants', 'contexts'];

/** The PaketInputError `checkItem` throws for `item`, or a failure when it accepts it. */
function refusal(item: unknown, dialect: Dialect = 'participants'): PaketInputError {
  try {
    checkItem(item, dialect, WHERE);
  } catch (error) {
    expect(error).toBeInstanceOf(PaketInputError);
    return error as PaketInputError;
  }
  throw new Error(`accepted ${JSON.stringify(item)}`);
}
const without = (item: Record<string, unknown>, field: string): Record<string, unknown> => {
  const copy = { ...item };
  delete copy[field];
  return copy;
};

describe.each(DIALECTS)('checkItem (%s dialect)', (dialect) => {
  it('accepts a complete movie and a complete episode, returning equal copies', () => {
    expect(checkItem(MOVIE, dialect, WHERE)).toEqual(MOVIE);
    const episode = checkItem(EPISODE, dialect, WHERE);
    expect(episode).toEqual(without(EPISODE, 'position'));
    expect('position' in episode).toBe(false); // an undefined field is left out, not sent as null
  });

  it('accepts every optional field with a valid value', () => {
    const full = {
      ...MOVIE,
      preview_video_uri: 'https://example.invalid/v.mp4',
      hidden: false,
      season: 0,
      episode: 0,
      position: MOVIE.duration, // at the end exactly: allowed
    };
    expect(checkItem(full, dialect, WHERE)).toEqual(full);
    expect(checkItem({ ...full, hidden: true, preview_video_uri: '' }, dialect, WHERE)).toEqual({
      ...full,
      hidden: true,
      preview_video_uri: '',
    });
  });

  it.each([
    'content_id',
    'media_type',
    'action',
    'title',
    'description',
    'poster_art_uri',
    'poster_art_aspect_ratio',
    'duration',
  ])('refuses an item without %s, naming it', (field) => {
    const error = refusal(without(MOVIE, field), dialect);
    expect(error.parameter).toBe(`item.${field}`);
    expect(error.message).toContain(WHERE);
  });

  it('refuses anything but an object', () => {
    for (const bad of [undefined, null, 'item', 42, [MOVIE], true]) {
      expect(refusal(bad, dialect).parameter).toBe('item');
    }
  });

  it.each([
    ['media_type', ['Movie', 'series', '', 1, null]],
    [
      'action',
      ['up_next', 'UP_NEXT_CONTINUE', 'hide', '', 0, null], // hide is S6, not a list action
    ],
    ['poster_art_aspect_ratio', ['16:9', 'aspect_ratio_21_9', '', null]],
  ])('refuses %s outside its enum', (field, values) => {
    for (const value of values) {
      expect(refusal({ ...MOVIE, [field]: value }, dialect).parameter).toBe(`item.${field}`);
    }
  });

  it('accepts every value of each enum', () => {
    for (const media_type of ['movie', 'tv_episode']) {
      expect(() =>
        checkItem({ ...EPISODE, media_type, action: 'up_next_new' }, dialect, WHERE),
      ).not.toThrow();
    }
    for (const action of ['up_next_continue', 'up_next_next', 'up_next_new', 'up_next_watchlist']) {
      expect(() => checkItem({ ...MOVIE, action }, dialect, WHERE)).not.toThrow();
    }
    for (const ratio of [
      'aspect_ratio_16_9',
      'aspect_ratio_4_3',
      'aspect_ratio_1_1',
      'aspect_ratio_2_3',
    ]) {
      expect(() =>
        checkItem({ ...MOVIE, poster_art_aspect_ratio: ratio }, dialect, WHERE),
      ).not.toThrow();
    }
  });

  it.each(['title', 'description', 'poster_art_uri'])(
    'refuses %s that is empty, not a string, or longer than 4096 characters',
    (field) => {
      for (const value of ['', 7, null, { text: 'x' }, 'x'.repeat(4097)]) {
        expect(refusal({ ...MOVIE, [field]: value }, dialect).parameter).toBe(`item.${field}`);
      }
      expect(() =>
        checkItem({ ...MOVIE, [field]: 'x'.repeat(4096) }, dialect, WHERE),
      ).not.toThrow();
    },
  );

  it.each(['duration', 'season', 'episode', 'position'])(
    'refuses %s that is not a non-negative safe integer',
    (field) => {
      const base = { ...EPISODE, action: 'up_next_continue', position: 10 };
      for (const value of [-1, 1.5, NaN, Infinity, 2 ** 53, '10', null, true]) {
        const item = { ...base, [field]: value };
        // A position over a bad duration may be named either; the field itself must be named.
        const error = refusal(item, dialect);
        expect(error.parameter).toBe(`item.${field}`);
      }
    },
  );

  it('requires season and episode for a tv_episode, not for a movie', () => {
    expect(refusal(without(EPISODE, 'season'), dialect).parameter).toBe('item.season');
    expect(refusal(without(EPISODE, 'episode'), dialect).parameter).toBe('item.episode');
    expect(refusal({ ...EPISODE, season: undefined }, dialect).parameter).toBe('item.season');
    expect(checkItem(MOVIE, dialect, WHERE)).not.toHaveProperty('season');
  });

  it('requires position for up_next_continue only', () => {
    const error = refusal(without(MOVIE, 'position'), dialect);
    expect(error.parameter).toBe('item.position');
    expect(error.message).toMatch(/up_next_continue/);
    for (const action of ['up_next_next', 'up_next_new', 'up_next_watchlist']) {
      expect(() =>
        checkItem({ ...without(MOVIE, 'position'), action }, dialect, WHERE),
      ).not.toThrow();
    }
  });

  it('refuses a position past duration, naming position', () => {
    const error = refusal({ ...MOVIE, position: MOVIE.duration + 1 }, dialect);
    expect(error.parameter).toBe('item.position');
    expect(error.message).toContain(String(MOVIE.duration));
    // Also on an action where position is optional.
    expect(refusal({ ...MOVIE, action: 'up_next_new', position: 9999 }, dialect).parameter).toBe(
      'item.position',
    );
  });

  it('refuses a content_id that breaks the ID rule (it goes into a path)', () => {
    for (const bad of ['', 'a/b', '.', '..', 'x\u0000y', 'a'.repeat(256), '\ud800', 5]) {
      expect(refusal({ ...MOVIE, content_id: bad }, dialect).parameter).toBe('item.content_id');
    }
    expect(() => checkItem({ ...MOVIE, content_id: 'ünïcode ✓ 1' }, dialect, WHERE)).not.toThrow();
  });

  it('refuses preview_video_uri and hidden of the wrong type', () => {
    for (const value of [1, null, 'x'.repeat(4097)]) {
      expect(refusal({ ...MOVIE, preview_video_uri: value }, dialect).parameter).toBe(
        'item.preview_video_uri',
      );
    }
    for (const value of ['false', 0, null]) {
      expect(refusal({ ...MOVIE, hidden: value }, dialect).parameter).toBe('item.hidden');
    }
  });

  it('refuses fields the spec does not document, naming them; an undefined one is ignored', () => {
    for (const field of ['Title', 'position_ms', 'session_id', '__proto__x', 'genre']) {
      expect(refusal({ ...MOVIE, [field]: 'x' }, dialect).parameter).toBe(`item.${field}`);
    }
    expect(checkItem({ ...MOVIE, extra: undefined }, dialect, WHERE)).toEqual(MOVIE);
  });

  it('the copy holds the documented fields only and is not the caller’s object', () => {
    const given: Record<string, unknown> = { ...MOVIE };
    Object.defineProperty(given, 'secret', { value: 'x', enumerable: false });
    const inherited = Object.create({ injected: 'yes' }) as Record<string, unknown>;
    Object.assign(inherited, MOVIE);
    for (const item of [given, inherited]) {
      const copy = checkItem(item, dialect, WHERE) as unknown as Record<string, unknown>;
      expect(copy).not.toBe(item);
      expect(Object.keys(copy).sort()).toEqual(Object.keys(MOVIE).sort());
      expect(copy.secret).toBeUndefined();
      expect(Object.prototype.hasOwnProperty.call(copy, 'injected')).toBe(false);
      expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    }
    const copy = checkItem(given, dialect, WHERE);
    given.title = 'changed later';
    expect(copy.title).toBe(MOVIE.title);
  });
});

describe('last_interaction (the 2024 participants dialect only)', () => {
  it('is accepted as a non-negative integer in participants and kept in the copy', () => {
    const item = { ...MOVIE, last_interaction: 1_764_000_000 };
    expect(checkItem(item, 'participants', WHERE)).toEqual(item);
    expect(refusal({ ...MOVIE, last_interaction: -5 }, 'participants').parameter).toBe(
      'item.last_interaction',
    );
    expect(refusal({ ...MOVIE, last_interaction: 1.5 }, 'participants').parameter).toBe(
      'item.last_interaction',
    );
  });

  it('is refused in contexts, naming the field and the dialect', () => {
    const error = refusal({ ...MOVIE, last_interaction: 1_764_000_000 }, 'contexts');
    expect(error.parameter).toBe('item.last_interaction');
    expect(error.message).toMatch(/participants/);
  });
});

// ---- coalescing (outbox/record.ts enqueue) ----

let n = 0;
function op(
  type: 'putItem' | 'removeItem' | 'link' | 'hide',
  contentId: string,
  extra: Partial<QueuedOperation> = {},
): QueuedOperation {
  n++;
  const target =
    type === 'link'
      ? JSON.stringify(['link', 'p1', contentId])
      : type === 'hide'
        ? JSON.stringify(['hide', 'p1', 'pub', contentId])
        : JSON.stringify(['item', extra.profileId ?? 'p1', contentId]);
  return {
    id: `op-${n}`,
    type,
    target,
    profileId: 'p1',
    participantId: '',
    contentId,
    ...(type === 'putItem' && { item: { ...MOVIE, content_id: contentId, position: n } }),
    key: `key-${n}`,
    queuedAt: new Date(1_764_000_000_000 + n).toISOString(),
    ...extra,
  };
}
const summary = (r: OutboxRecord): string[] =>
  r.ops.map((o) => `${o.type}:${o.contentId}${o.item ? `@${String(o.item.position)}` : ''}`);
const queue = (limit: number, ...ops: QueuedOperation[]): OutboxRecord => {
  const r = emptyRecord();
  for (const o of ops) enqueue(r, o, limit);
  return r;
};

describe('enqueue coalesces item writes per content_id', () => {
  it('a newer put replaces the queued put of the same title, keeps its place, and carries its ID', () => {
    const a1 = op('putItem', 'a');
    const b = op('putItem', 'b');
    const r = queue(100, a1, b);
    const a2 = op('putItem', 'a');
    const { replaced, dropped } = enqueue(r, a2, 100);
    expect(summary(r)).toEqual([
      `putItem:a@${String(a2.item?.position)}`,
      `putItem:b@${String(b.item?.position)}`,
    ]);
    expect(r.ops[0]).toBe(a2);
    expect(replaced).toEqual([a1]);
    expect(dropped).toEqual([]);
    expect(a2.merged).toEqual([a1.id]); // the first caller learns the newer put's outcome
  });

  it('a remove replaces a queued put of the title, in its place; a later put re-adds it', () => {
    const x = op('putItem', 'x');
    const a = op('putItem', 'a');
    const y = op('putItem', 'y');
    const r = queue(100, x, a, y);
    const remove = op('removeItem', 'a');
    expect(enqueue(r, remove, 100).replaced).toEqual([a]);
    expect(r.ops.map((o) => o.id)).toEqual([x.id, remove.id, y.id]);
    const again = op('putItem', 'a');
    enqueue(r, again, 100);
    expect(r.ops.map((o) => o.id)).toEqual([x.id, again.id, y.id]);
    expect(r.ops[1]?.type).toBe('putItem');
    // Each replaced write of another kind is recorded superseded (its caller learns that, in
    // any instance); none is merged into the write that replaced it.
    expect(again.merged).toBeUndefined();
    expect(r.outcomes).toEqual([
      { target: a.target, op: a.id, status: STATUS_SUPERSEDED },
      { target: a.target, op: remove.id, status: STATUS_SUPERSEDED },
    ]);
  });

  it('a remove replaces a put and a remove alike: one write per title however many were asked', () => {
    const r = emptyRecord();
    for (let i = 0; i < 200; i++) {
      enqueue(r, op(i % 3 === 2 ? 'removeItem' : 'putItem', 'a'), 1000);
      enqueue(r, op('putItem', 'b'), 1000);
    }
    expect(r.ops).toHaveLength(2);
    expect(r.ops.map((o) => o.contentId)).toEqual(['a', 'b']);
    // The 200th write of a (i = 199, 199 % 3 = 1) was a put: that is what remains.
    expect(r.ops[0]?.type).toBe('putItem');
    const final = op('removeItem', 'a');
    enqueue(r, final, 1000);
    expect(summary(r)).toEqual(['removeItem:a', `putItem:b@${String(r.ops[1]?.item?.position)}`]);
    expect(r.ops[0]).toBe(final);
    // Bounded, however long the history: the merged IDs, and the outcomes kept per title.
    expect(r.ops.every((o) => (o.merged ?? []).length <= 20)).toBe(true);
    expect(r.outcomes.filter((o) => o.target === final.target).length).toBeLessThanOrEqual(4);
  });

  it('leaves other titles, other profiles and other kinds of target untouched', () => {
    const a = op('putItem', 'a');
    const otherProfile = op('putItem', 'a', { profileId: 'p2' });
    const link = op('link', 'a'); // a participant named like the title
    const hide = op('hide', 'a'); // hiding the title on the platform side
    const b = op('removeItem', 'b');
    const r = queue(100, a, otherProfile, link, hide, b);
    expect(r.ops).toHaveLength(5);
    const a2 = op('putItem', 'a');
    enqueue(r, a2, 100);
    expect(r.ops).toEqual([a2, otherProfile, link, hide, b]);
    expect(otherProfile.merged).toBeUndefined();
    expect(b.merged).toBeUndefined();
  });

  it('overflow drops the oldest target whole, never a sent one, and records the outcome', () => {
    const head: QueuedOperation = { ...op('putItem', 'head'), sent: true };
    const old = op('putItem', 'old');
    const mid = op('removeItem', 'mid');
    const r = queue(3, head, old, mid);
    const fresh = op('putItem', 'fresh');
    const { dropped } = enqueue(r, fresh, 3);
    expect(dropped).toEqual([old]);
    expect(r.ops).toEqual([head, mid, fresh]);
    expect(r.outcomes).toEqual([{ target: old.target, op: old.id, status: STATUS_OVERFLOW }]);
    // A title's replaced writes go with it: the outcome carries the IDs it merged.
    const mid2 = op('removeItem', 'mid');
    enqueue(r, mid2, 3);
    expect(r.ops).toEqual([head, mid2, fresh]);
    const another = op('putItem', 'another');
    expect(enqueue(r, another, 3).dropped).toEqual([mid2]);
    expect(r.ops).toEqual([head, fresh, another]);
    expect(r.outcomes.pop()).toEqual({
      target: mid2.target,
      op: mid2.id,
      status: STATUS_OVERFLOW,
      merged: [mid.id],
    });
    expect(r.ops.some((o) => o.target === mid.target)).toBe(false);
  });

  it('a newer write never replaces a sent one (the service may still execute it): it queues behind, and replaces an unsent one', () => {
    const sent: QueuedOperation = { ...op('putItem', 'a'), sent: true };
    const r = queue(5, sent, op('putItem', 'b'));
    const a2 = op('putItem', 'a');
    expect(enqueue(r, a2, 5).replaced).toEqual([]);
    expect(r.ops.map((o) => o.id)).toEqual([sent.id, r.ops[1]!.id, a2.id]);
    const a3 = op('removeItem', 'a');
    expect(enqueue(r, a3, 5).replaced).toEqual([a2]);
    expect(r.ops.map((o) => o.id)).toEqual([sent.id, r.ops[1]!.id, a3.id]);
  });

  it('a coalesced write does not count against the bound: nothing is dropped', () => {
    const r = queue(2, op('putItem', 'a'), op('putItem', 'b'));
    for (let i = 0; i < 50; i++) {
      expect(enqueue(r, op('putItem', i % 2 ? 'a' : 'b'), 2).dropped).toEqual([]);
    }
    expect(r.ops.map((o) => o.contentId)).toEqual(['a', 'b']);
    expect(r.outcomes).toEqual([]);
  });

  it('with a bound of 1, a sent head (possibly in flight) and the new write both stay', () => {
    const head: QueuedOperation = { ...op('putItem', 'a'), sent: true };
    const r = queue(1, head);
    const b = op('putItem', 'b');
    expect(enqueue(r, b, 1).dropped).toEqual([]);
    expect(r.ops).toEqual([head, b]);
    const c = op('putItem', 'c');
    expect(enqueue(r, c, 1).dropped).toEqual([b]);
    expect(r.ops).toEqual([head, c]);
  });
});

// ---- a put held at the server past the client's timeout ----

describe('a newer put of a title whose put timed out at the server', () => {
  it('ends with the newer position at the service, not the older request landing late', async () => {
    vi.stubGlobal('indexedDB', new IDBFactory());
    localStorage.clear();
    // A service that applies P1 bodies; the first P1 is held 300 ms before it is applied (a
    // slow server, a congested link), its Idempotency-Key answered 409 while it executes.
    const positions: number[] = [];
    let applied: number | undefined;
    const inFlight = new Set<string>();
    const done = new Map<string, number>();
    let puts = 0;
    const fetchImpl = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
      const request = new Request(input, init);
      const path = new URL(request.url).pathname;
      const json = (status: number, body: unknown) =>
        new Response(JSON.stringify(body), {
          status,
          headers: { 'content-type': 'application/json' },
        });
      if (request.method === 'POST' && path === '/v1/participants') {
        return json(201, {
          participant_id: 'pub-1',
          client_type: 'publisher',
          client_id: 'c',
          created_at: '2026-12-02T00:00:00Z',
        });
      }
      if (request.method === 'PUT' && path === '/v1/upnext/participants/pub-1') {
        const key = request.headers.get('idempotency-key') ?? '';
        const body = (await request.json()) as { position: number };
        if (inFlight.has(key)) return json(409, { error: 'idempotency_in_flight' });
        if (done.has(key)) return json(200, { ok: true });
        inFlight.add(key);
        if (puts++ === 0) await new Promise((r) => setTimeout(r, 300));
        applied = body.position;
        positions.push(body.position);
        inFlight.delete(key);
        done.set(key, body.position);
        return json(200, { ok: true });
      }
      return json(404, { error: 'not_found' });
    };
    const client = createPaketClient({
      credentials: { username: 'publisher_demo', password: 'test_sk_publisher_demo' },
      baseUrl: 'https://api.example.invalid/v1',
      fetch: fetchImpl as typeof fetch,
      timeoutMs: 100,
      retry: { limit: 0 },
      autoFlush: false,
    });
    await client.participants.ensure('tv');
    const first = await client.participants
      .putItem('tv', { ...MOVIE, position: 100 })
      .catch((e: unknown) => e);
    expect(first).toMatchObject({ name: 'PaketNetworkError', queued: true });
    // The user watches on; the newer position is asked for while the first is still held.
    await client.participants.putItem('tv', { ...MOVIE, position: 200 }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 400)); // the held request has been applied by now
    for (let i = 0; i < 10 && (await client.pending()).length > 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      await client.flush();
    }
    client.close();
    expect(await client.pending()).toEqual([]);
    // The last write the user asked for is what the service holds.
    expect({ applied, order: positions }).toMatchObject({ applied: 200 });
  });
});
