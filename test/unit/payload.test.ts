// The handler's payload check (payload.ts) reads only what its verdict needs; this straightforward
// version (a regex, a full decode, a full decryption, as mod_gearman's workers do) is the oracle.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rejection } from '../../src/handlers/handle_delayed_dump/payload.js';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const STARTS = ['type=', 'host_name=', 'DATATYPE::'];
function oracle(message: Buffer, key: Buffer | null): string | null {
  const b64 = message.toString('latin1').trimEnd();
  if (b64.length === 0 || !BASE64.test(b64)) return 'not base64';
  const data = Buffer.from(b64, 'base64');
  const starts = (t: Buffer) => STARTS.some((s) => t.subarray(0, s.length).toString('latin1') === s);
  if (!key) return starts(data) ? null : 'not a mod_gearman job or result';
  if (data.length === 0 || data.length % 16 !== 0) return 'does not decrypt with the key';
  const d = createDecipheriv('aes-256-ecb', key, null);
  d.setAutoPadding(false);
  return starts(Buffer.concat([d.update(data), d.final()])) ? null : 'does not decrypt with the key';
}

const KEYS = [Buffer.alloc(32, 1), Buffer.alloc(32, 2)];
function encrypt(text: Buffer, key: Buffer): Buffer {
  const padded = Buffer.alloc(Math.ceil((text.length + 1) / 16) * 16);
  text.copy(padded);
  const c = createCipheriv('aes-256-ecb', key, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(padded), c.final()]);
}

describe('payload check', () => {
  it('gives the verdict of a full decode and decryption, on valid, broken and foreign messages', () => {
    const text = fc.tuple(fc.constantFrom('', ...STARTS, 'typ', 'host_nam', 'DATATYPE:'), fc.uint8Array({ maxLength: 60 }))
      .map(([p, rest]) => Buffer.concat([Buffer.from(p, 'latin1'), Buffer.from(rest)]));
    const message = fc.record({
      text, enc: fc.constantFrom(null, 0, 1), // encrypted with key 0 or 1, or not at all
      mutate: fc.option(fc.record({ at: fc.nat(200), byte: fc.constantFrom(61, 43, 47, 65, 32, 10, 0xa0, 0, 0x2d) })),
      cut: fc.option(fc.nat(8)), tail: fc.constantFrom('', ' ', '\r', '\t \r', '\u00a0', '='),
    }).map(({ text: t, enc, mutate, cut, tail }) => {
      const m = Buffer.from((enc === null ? t : encrypt(t, KEYS[enc])).toString('base64') + tail, 'latin1');
      if (mutate && m.length) m[mutate.at % m.length] = mutate.byte;
      return cut ? m.subarray(0, Math.max(0, m.length - cut)) : m;
    });
    fc.assert(fc.property(message, fc.constantFrom(null, 0, 1), (m, k) => {
      const key = k === null ? null : KEYS[k];
      expect(rejection(m, key)).toBe(oracle(m, key));
    }), { numRuns: 5000, seed: 31 });
  });
});

// mod_gearman's own test vectors (sni/mod_gearman t/01-utils.c): AES-256-ECB with the key
// "test1234" zero-padded to 32 bytes, and a clear base64 result its GM_ENCODE_ACCEPT_ALL takes.
describe('payload check on mod_gearman test vectors (t/01-utils.c)', () => {
  const KEY = Buffer.concat([Buffer.from('test1234'), Buffer.alloc(24)]);
  const VECTORS: [string, string][] = [
    ['test message', 'a7HqhQEE8TQBde9uknpPYQ=='],
    ['test1 message\ntest2 message\ntest3 message1234567\n', 'lixUQN83MnLhMB6ppyNA5bUPq39eZE+8GnSWLu4JdKJN2uIjOtjjtVn8mZrXj0dLl7iWqId8FZE2j6Ej+jroEQ=='],
    ['123456789abcdef', 'uLgRxE2qLExwLvEyB7yAEw=='],
    ['123456789abcdef1', 'CueC0iJAZL2J+zhEPgVFVYDKd5Fmk6oJnfJnxuj7f0U='],
  ];
  const CLEAR_RESULT = 'dHlwZT1hY3RpdmUKaG9zdF9uYW1lPWhvc3RuYW1lMTIzCmNvcmVfc3RhcnRfdGltZT0xNjc1MzcyODM0LjAwMDAwOApzdGFydF90aW1lPTE2NzUzNzI4MzQuMDAwMDAwCmZpbmlzaF90aW1lPTE2NzUzNzI4MzQuMDAwMDAwCnJldHVybl9jb2RlPTAKZXhpdGVkX29rPTEKc291cmNlPU1vZC1HZWFybWFuIFdvcmtlciBAIGhvc3RuYW1lMTIzCm91dHB1dD1PSyAtIGhvc3RuYW1lMTIzOiBydGEgMjguODk1bXMsIGxvc3QgMCV8cnRhPTI4Ljg5NW1zOzUwMDAuMDAwOzUwMDAuMDAwOzA7IHBsPTAlOzEwMDsxMDA7OyBydG1heD0yOS4wNTdtczs7OzsgcnRtaW49MjguNjkxbXM7Ozs7CgoK';

  it('our model of its encryption (text, NUL, zero padding; the key zero-padded) gives its ciphertexts', () => {
    for (const [plain, b64] of VECTORS) expect(encrypt(Buffer.from(plain), KEY).toString('base64')).toBe(b64);
  });

  it('its payloads are not jobs: refused with the key, with or without --accept-clear-results', () => {
    for (const [, b64] of VECTORS) {
      expect(rejection(Buffer.from(b64), KEY)).toBe('does not decrypt with the key');
      expect(rejection(Buffer.from(b64), KEY, true)).toBe('does not decrypt with the key');
    }
  });

  it('its clear result: refused under a key unless clear results are accepted; taken without a key', () => {
    expect(rejection(Buffer.from(CLEAR_RESULT), KEY)).toBe('does not decrypt with the key');
    expect(rejection(Buffer.from(CLEAR_RESULT), KEY, true)).toBeNull();
    expect(rejection(Buffer.from(CLEAR_RESULT), null)).toBeNull();
  });

  it('a result encrypted with its key is taken either way; a clear host_name= result is not (mod_gearman tests type= only)', () => {
    const enc = encrypt(Buffer.from('type=passive\nhost_name=h\nreturn_code=0\n'), KEY).toString('base64');
    expect(rejection(Buffer.from(enc), KEY)).toBeNull();
    expect(rejection(Buffer.from(enc), KEY, true)).toBeNull();
    const clearHost = Buffer.from('host_name=h\nreturn_code=0\n').toString('base64');
    expect(rejection(Buffer.from(clearHost), KEY, true)).toBe('does not decrypt with the key');
  });
});
