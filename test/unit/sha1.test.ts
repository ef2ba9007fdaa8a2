// The file fingerprints' SHA-1 (src/lib/sha1.ts) against node:crypto: saved states hold these
// digests, so any difference would make a reader take its own log for a new file.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha1Hex } from '../../src/lib/sha1.js';

const ref = (b: Uint8Array) => createHash('sha1').update(b).digest('hex');

describe('sha1Hex', () => {
  it('gives the FIPS 180 examples', () => {
    expect(sha1Hex(Buffer.from('abc'))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(sha1Hex(Buffer.from('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))).toBe('84983e441c3bd26ebaae4aa1f95129e5e54670f1');
    expect(sha1Hex(new Uint8Array(0))).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
  });

  it('agrees with node:crypto on every length around the block and padding edges', () => {
    const bytes = Uint8Array.from({ length: 2100 }, (_, i) => (i * 131 + 7) & 255);
    for (let n = 0; n <= 2100; n++) expect(sha1Hex(bytes.subarray(0, n)), `length ${n}`).toBe(ref(bytes.subarray(0, n)));
  });

  it('agrees with node:crypto on any bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 1500 }), (b) => sha1Hex(b) === ref(b)), { numRuns: 500 });
  });

  it('reads a view at its own offset, not its buffer from the start', () => {
    const whole = Buffer.from('xxxxthe first bytes of a log');
    expect(sha1Hex(whole.subarray(4))).toBe(ref(whole.subarray(4)));
  });
});
