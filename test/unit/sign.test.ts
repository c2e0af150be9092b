import { createHash, createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { paketSignature } from '../../src/transport/sign';
import { hmacSha256, sha256 } from '../../src/transport/sha256';
import { toHex } from '../../src/transport/encoding';

const hex = (b: Uint8Array) => toHex(b);

describe('the SHA-256 / HMAC fallback (engines without Web Crypto)', () => {
  it('matches Node crypto on every length from 0 to 300 bytes', () => {
    for (let n = 0; n <= 300; n++) {
      const data = new Uint8Array(randomBytes(n));
      expect(hex(sha256(data))).toBe(createHash('sha256').update(data).digest('hex'));
    }
  });

  it('matches RFC 4231 test cases 1, 2, 4 and 6 (long key)', () => {
    const cases: [Buffer, Buffer, string][] = [
      [
        Buffer.alloc(20, 0x0b),
        Buffer.from('Hi There'),
        'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
      ],
      [
        Buffer.from('Jefe'),
        Buffer.from('what do ya want for nothing?'),
        '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
      ],
      [
        Buffer.from('0102030405060708090a0b0c0d0e0f10111213141516171819', 'hex'),
        Buffer.alloc(50, 0xcd),
        '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
      ],
      [
        Buffer.alloc(131, 0xaa),
        Buffer.from('Test Using Larger Than Block-Size Key - Hash Key First'),
        '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
      ],
    ];
    for (const [key, data, expected] of cases) {
      expect(hex(hmacSha256(new Uint8Array(key), new Uint8Array(data)))).toBe(expected);
    }
  });

  it('matches Node crypto HMAC for random keys and messages', () => {
    for (let i = 0; i < 200; i++) {
      const key = new Uint8Array(randomBytes(i % 150));
      const msg = new Uint8Array(randomBytes((i * 7) % 400));
      expect(hex(hmacSha256(key, msg))).toBe(createHmac('sha256', key).update(msg).digest('hex'));
    }
  });
});

describe('paketSignature', () => {
  const secret = 'test_sk_ünïcode_🔑';
  const timestamp = '1732838400000';
  const body = '{"app_id":"fe4a9ed381e8e376","participant_id":"p-1"}';
  const expected =
    'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

  it('equals the vector computed with Node crypto, with Web Crypto', async () => {
    expect(await paketSignature(secret, timestamp, body)).toBe(expected);
  });

  it('equals the same vector with the fallback when crypto.subtle is missing', async () => {
    expect(await paketSignature(secret, timestamp, body, undefined)).toBe(expected);
  });

  it('falls back when crypto.subtle exists but refuses (insecure context)', async () => {
    const refusing = {
      importKey: () => Promise.reject(new Error('insecure')),
      sign: () => Promise.reject(new Error('insecure')),
    } as unknown as SubtleCrypto;
    expect(await paketSignature(secret, timestamp, body, refusing)).toBe(expected);
  });

  it('signs the empty string for an empty body', async () => {
    const empty = 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.`).digest('hex');
    expect(await paketSignature(secret, timestamp, '')).toBe(empty);
  });
});
