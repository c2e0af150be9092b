// The dialect table (issue 12 item 1) and the namespace (issue 12 item 4; issue 19 item 13).
import { describe, expect, it } from 'vitest';
import {
  dialectTable,
  hideBody,
  linkBody,
  listLimit,
  route,
  type CallName,
} from '../../src/transport/routes';
import { publisherIdField, publishersOf } from '../../src/transport/dialect';
import { createTransport } from '../../src/transport/http';
import { namespaceOf } from '../../src/transport/namespace';

const ids = { sessionId: 'S', publisherId: 'P', contentId: 'C' };
const expected: Record<CallName, [string, string, string]> = {
  createSession: ['POST', '/sessions', '/sessions'],
  createPublisher: ['POST', '/participants', '/contexts'],
  link: ['PUT', '/upnext/sessions/S', '/sessions/upnext/S'],
  unlink: ['DELETE', '/upnext/sessions/S/P', '/sessions/upnext/S/P'],
  upNext: ['GET', '/upnext/sessions/S', '/sessions/upnext/S'],
  appList: ['GET', '/upnext/sessions/S/P', '/sessions/upnext/S/P'],
  linked: ['GET', '/upnext/sessions/S/participants', '/sessions/upnext/S/contexts'],
  hide: ['PUT', '/upnext/sessions/S/P', '/sessions/upnext/S/P'],
  removeSession: ['DELETE', '/upnext/sessions/S', '/sessions/upnext/S'],
  putItem: ['PUT', '/upnext/participants/P', '/contexts/upnext/P'],
  removeItem: ['DELETE', '/upnext/participants/P/C', '/contexts/upnext/P/C'],
  ownList: ['GET', '/upnext/participants/P', '/contexts/upnext/P'],
  detach: ['DELETE', '/upnext/participants/P/sessions', '/contexts/upnext/P/sessions'],
};

describe('the dialect table', () => {
  it.each(Object.entries(expected))(
    '%s: the spec tables, in both dialects',
    (call, [m, p24, p25]) => {
      const a = route('participants', call as CallName, ids);
      const b = route('contexts', call as CallName, ids);
      expect(a.method).toBe(m);
      expect(b.method).toBe(m);
      expect('/' + a.segments.join('/')).toBe(p24);
      expect('/' + b.segments.join('/')).toBe(p25);
    },
  );

  it('bodies and ID fields', () => {
    expect(linkBody('participants', 'A', 'P')).toEqual({ app_id: 'A', participant_id: 'P' });
    expect(linkBody('contexts', 'A', 'P')).toEqual({ app_id: 'A', context_id: 'P' });
    expect(hideBody('contexts', 'C', 'unhide')).toEqual({ content_id: 'C', action: 'unhide' });
    expect(() => hideBody('participants', 'C', 'unhide')).toThrow();
    expect(publisherIdField('participants')).toBe('participant_id');
    expect(publisherIdField('contexts')).toBe('context_id');
    expect(publishersOf('participants')).toBe('participants');
    expect(publishersOf('contexts')).toBe('contexts');
    expect(dialectTable('contexts').fields.session).not.toContain('client_type');
    expect(dialectTable('contexts').fields.session).toContain('platform_id');
    expect(listLimit('linked')).toBe(50);
    expect(listLimit('upNext')).toBe(200);
  });
});

describe('the namespace', () => {
  const base = 'https://api.paket.tv/v1';
  it('is a short opaque hash that tells apart base URL, username, dialect and test/live', () => {
    const all = new Set([
      namespaceOf(base, 'u', 'participants', true),
      namespaceOf(base, 'u', 'participants', false),
      namespaceOf(base, 'u', 'contexts', true),
      namespaceOf(base, 'v', 'participants', true),
      namespaceOf('https://other.example/v1', 'u', 'participants', true),
    ]);
    expect(all.size).toBe(5);
    for (const n of all) expect(n).toMatch(/^[0-9a-f]{16}$/);
  });

  const transport = (password: string, dialect: 'participants' | 'contexts' = 'participants') =>
    createTransport({
      baseUrl: base,
      credentials: async () => ({ username: 'u', password }),
      timeoutMs: 1000,
      retry: { limit: 0, backoffLimitMs: 1, maxRetryAfterMs: 1 },
      apiVersion: undefined,
      signRequests: false,
      dialect,
      fetch: undefined,
      emit: () => undefined,
    });

  it('a test_sk secret and a live secret of one username keep apart; no secret in it', async () => {
    const test = await transport('test_sk_abc').namespace();
    const live = await transport('sk_live_abc').namespace();
    expect(test).not.toBe(live);
    expect(test).toBe(namespaceOf(base, 'u', 'participants', true));
    expect(live).toBe(namespaceOf(base, 'u', 'participants', false));
    expect(await transport('test_sk_other').namespace()).toBe(test);
    expect(await transport('test_sk_abc', 'contexts').namespace()).not.toBe(test);
  });
});
