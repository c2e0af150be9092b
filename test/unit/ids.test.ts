// One ID rule for every ID, app-given or server-given (issue 19, items 1, 6, 14, 15).
import { describe, expect, it } from 'vitest';
import { createPaketClient, PaketHttpError, PaketInputError } from '../../src/index';
import { encodeSegment } from '../../src/transport/http';
import { checkServerId } from '../../src/resources/answers';
import { checkId, idProblem, normalizeProfileId } from '../../src/resources/validate';
import { CREDS, scriptedFetch, SESSION } from '../helpers/fake-fetch';
import { memoryStorage } from '../helpers/memory-storage';

const BAD: [string, unknown][] = [
  ['empty', ''],
  ['a dot', '.'],
  ['two dots', '..'],
  ['a slash', 'a/b'],
  ['a lone high surrogate', 'a\ud800b'],
  ['a lone low surrogate', '\udc00'],
  ['a NUL', 'a\u0000'],
  ['a newline', 'a\nb'],
  ['DEL', 'a\u007f'],
  ['a C1 control', 'a\u0085'],
  ['256 characters', 'x'.repeat(256)],
  ['256 emoji', '😀'.repeat(256)],
  ['a number', 42],
  ['undefined', undefined],
];

describe('the ID rule', () => {
  it.each(BAD)('refuses %s', (_name, value) => {
    expect(idProblem(value)).toBeTypeOf('string');
    expect(() => checkId('participantId', value, 'sessions.link')).toThrow(PaketInputError);
  });

  it('counts characters (code points), not UTF-16 units: 255 emoji pass', () => {
    expect(idProblem('😀'.repeat(255))).toBeUndefined();
    expect(idProblem('x'.repeat(255))).toBeUndefined();
    expect(idProblem('...')).toBeUndefined();
    expect(idProblem('SN7590123')).toBeUndefined();
  });

  it('names the rule that failed', () => {
    expect(() => checkId('participantId', '..', 'sessions.unlink')).toThrow(
      'sessions.unlink: participantId must not be "." or ".."',
    );
  });

  it('normalises profile IDs to NFC: the NFC and NFD spellings are one profile', () => {
    const nfd = 'Zoe\u0301';
    expect(normalizeProfileId(nfd, 'sessions.ensure')).toBe('Zo\u00e9');
    expect(normalizeProfileId('Zo\u00e9', 'sessions.ensure')).toBe('Zo\u00e9');
  });

  it('checks server-given IDs, naming the field', () => {
    const response = { status: 200, body: { session_id: '..' } };
    expect(() =>
      checkServerId(response.body, 'session_id', response, 'POST', '/v1/sessions'),
    ).toThrow(/POST \/v1\/sessions failed: HTTP 200 with an invalid "session_id"/);
    try {
      checkServerId({}, 'session_id', response, 'POST', '/v1/sessions');
    } catch (error) {
      expect(error).toBeInstanceOf(PaketHttpError);
      expect((error as PaketHttpError).code).toBe('invalid_answer');
    }
  });
});

describe('path segments', () => {
  it('encode dots so that no dot-segment survives', () => {
    expect(encodeSegment('.')).toBe('%2E');
    expect(encodeSegment('..')).toBe('%2E%2E');
    expect(encodeSegment('a.b/c')).toBe('a%2Eb%2Fc');
  });
});

describe('through the client', () => {
  const client = (steps: Parameters<typeof scriptedFetch>[0]) => {
    const fake = scriptedFetch(steps);
    const c = createPaketClient({
      credentials: CREDS,
      fetch: fake.fetch,
      storage: memoryStorage().storage,
      autoFlush: false,
      retry: { limit: 0 },
      signRequests: false,
    });
    return { c, calls: fake.calls };
  };

  it.each(['.', '..', 'a\ud800'])(
    'unlink(profile, %j) is refused before any request',
    async (id) => {
      const { c, calls } = client([{ status: 200, body: SESSION }]);
      await expect(c.sessions.unlink('p', id)).rejects.toBeInstanceOf(PaketInputError);
      expect(calls).toHaveLength(0);
    },
  );

  it.each(['.', '..', 'a/b', 'x'.repeat(300), 'a\udfff'])(
    'a created Session whose session_id is %j is refused (nothing returned)',
    async (id) => {
      const { c } = client([{ status: 200, body: { ...SESSION, session_id: id } }]);
      await expect(c.sessions.create()).rejects.toMatchObject({
        name: 'PaketHttpError',
        code: 'invalid_answer',
      });
    },
  );
});

describe('profile IDs (local: never in a path)', () => {
  it('keep "/" and dot names allowed, and refuse lone surrogates and control characters', () => {
    expect(normalizeProfileId('../x', 'sessions.ensure')).toBe('../x');
    expect(() => normalizeProfileId('a\ud800', 'sessions.ensure')).toThrow(PaketInputError);
    expect(() => normalizeProfileId('a\u0000', 'sessions.ensure')).toThrow(PaketInputError);
  });
});
