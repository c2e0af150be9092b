import { describe, expect, it } from 'vitest';
import { base64Utf8 } from '../../src/transport/encoding';
import { utf8 } from '../../src/transport/sign';
import { uuidv4 } from '../../src/transport/uuid';

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('base64Utf8 (HTTP Basic credentials)', () => {
  it.each(['platform_demo:test_sk_abc', 'José:pässwörd', '用户:秘密', 'emoji:🔑🎬', 'a', 'ab', ''])(
    'encodes %j exactly as the UTF-8 bytes Node encodes',
    (text) => {
      expect(base64Utf8(text)).toBe(Buffer.from(text, 'utf8').toString('base64'));
    },
  );

  it('replaces a lone surrogate the way TextEncoder does, and never throws for one', () => {
    for (const text of ['a\ud800b', '\udc00', 'x\ud83d']) {
      const bytes = new TextEncoder().encode(text);
      expect([...utf8(text)]).toEqual([...bytes]);
      expect(base64Utf8(text)).toBe(Buffer.from(bytes).toString('base64'));
    }
  });
});

describe('uuidv4 (Idempotency-Key)', () => {
  it('uses crypto.randomUUID when the engine has it', () => {
    expect(uuidv4({ randomUUID: () => 'from-native' })).toBe('from-native');
  });

  it('makes v4 UUIDs from getRandomValues where randomUUID is missing (Chromium < 92)', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const id = uuidv4({ getRandomValues: (a) => crypto.getRandomValues(a) });
      expect(id).toMatch(V4);
      seen.add(id);
    }
    expect(seen.size).toBe(500);
  });

  it('still makes distinct v4 UUIDs with no crypto at all', () => {
    const a = uuidv4(undefined);
    const b = uuidv4(undefined);
    expect(a).toMatch(V4);
    expect(a).not.toBe(b);
  });
});
