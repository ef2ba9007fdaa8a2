// lib/range-keys.ts held to a Map keyed by the ranges' text: the broker scan finds each executed
// line's group by it and the lbmmon parser each header's parsed body; a key found for the wrong
// bytes would count one module's calls under another's name, or give a block another
// application's header.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RangeKeys } from '../../src/lib/range-keys.js';

/** ranges of `buf` as [a0, z0, a1, z1, ...] and the text a Map keys them by */
const rangesOf = (cuts: number[][]) => Int32Array.from(cuts.flat());
const textOf = (buf: Buffer, r: Int32Array) => {
  const parts: string[] = [];
  for (let p = 0; p < r.length; p += 2) parts.push(buf.toString('latin1', r[p], r[p + 1]));
  return JSON.stringify(parts);
};

// a small alphabet: keys that share prefixes, lengths and hashes' low bits are common
const bytes = fc.uint8Array({ minLength: 0, maxLength: 40 }).map((a) => Buffer.from(Array.from(a, (c) => 'ab\u0001\u0000z'.charCodeAt(c % 5))));
const cuts = (n: number) => fc.array(fc.tuple(fc.nat(n), fc.nat(n)).map(([x, y]) => [Math.min(x, y), Math.max(x, y)]), { minLength: 1, maxLength: 3 });

describe('RangeKeys', () => {
  it('finds what was set for the same bytes, and nothing for other bytes, like a Map', () => {
    fc.assert(fc.property(
      fc.array(bytes.chain((b) => fc.tuple(fc.constant(b), cuts(b.length))), { minLength: 1, maxLength: 300 }),
      fc.integer({ min: 1, max: 50 }),
      fc.constantFrom(-1, 3, 0),
      (ops, max, hashMask) => {
        // with two hash bits or none, keys share hashes and only the comparison tells them apart
        const keys = new RangeKeys<number>(max, hashMask);
        let ref = new Map<string, number>();
        ops.forEach(([buf, c], i) => {
          const r = rangesOf(c);
          const t = textOf(buf, r);
          expect(keys.get(buf, r)).toBe(ref.get(t));
          if (!ref.has(t)) {
            if (ref.size >= max) ref = new Map(); // full: forgotten at once, as the map does
            keys.set(buf, r, i);
            ref.set(t, i);
          }
          expect(keys.get(buf, r)).toBe(ref.get(t));
        });
      },
    ), { numRuns: 300 });
  });

  it('reads ranges at any offset of a large buffer, keys past its growth', () => {
    const buf = Buffer.alloc(1 << 16);
    for (let i = 0; i < buf.length; i++) buf[i] = 97 + ((i * 7919) % 26);
    const keys = new RangeKeys<string>();
    const r = new Int32Array(4);
    for (let n = 0; n < 3000; n++) {
      r[0] = n * 13; r[1] = r[0] + (n % 200); r[2] = n * 17 + 1; r[3] = r[2] + (n % 7);
      if (keys.get(buf, r) === undefined) keys.set(buf, r, `${n}`);
    }
    for (let n = 0; n < 3000; n++) {
      r[0] = n * 13; r[1] = r[0] + (n % 200); r[2] = n * 17 + 1; r[3] = r[2] + (n % 7);
      const copy = Buffer.from(buf.subarray(r[0], r[1]));
      const v = keys.get(buf, r);
      expect(v).toBeDefined();
      // the same bytes elsewhere find the same key
      const b2 = Buffer.concat([Buffer.from('xyz'), copy, buf.subarray(r[2], r[3])]);
      expect(keys.get(b2, Int32Array.from([3, 3 + copy.length, 3 + copy.length, b2.length]))).toBe(v);
    }
  });

  it('keeps a bounded arena: a key of more than 512 KiB is not kept, and 8 MiB of keys are forgotten at once', () => {
    const big = Buffer.alloc(600 << 10, 97);
    const keys = new RangeKeys<number>();
    keys.set(big, Int32Array.from([0, big.length]), 1);
    expect(keys.get(big, Int32Array.from([0, big.length]))).toBeUndefined();
    // 20 keys of 500 KiB: the arena holds at most 16 of them, then starts again
    const line = Buffer.alloc(500 << 10);
    const r = Int32Array.from([0, line.length]);
    for (let i = 0; i < 20; i++) { line.writeUInt32LE(i, 0); keys.set(line, r, i); }
    line.writeUInt32LE(19, 0);
    expect(keys.get(line, r)).toBe(19);
    line.writeUInt32LE(0, 0);
    expect(keys.get(line, r)).toBeUndefined();
  });

  it('tells keys apart by where their ranges split', () => {
    const buf = Buffer.from('abcabc');
    const keys = new RangeKeys<string>(100, 0);
    keys.set(buf, Int32Array.from([0, 2, 2, 3]), 'ab|c');
    expect(keys.get(buf, Int32Array.from([0, 1, 1, 3]))).toBeUndefined();
    expect(keys.get(buf, Int32Array.from([0, 3]))).toBeUndefined();
    expect(keys.get(buf, Int32Array.from([3, 5, 5, 6]))).toBe('ab|c');
    // whatever bytes the ranges hold (0x01 was once its separator)
    const odd = Buffer.from([1, 1, 2]);
    keys.set(odd, Int32Array.from([0, 1]), 'one byte');
    expect(keys.get(odd, Int32Array.from([0, 0, 0, 0]))).toBeUndefined();
    expect(keys.get(odd, Int32Array.from([1, 2]))).toBe('one byte');
  });
});
