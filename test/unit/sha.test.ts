// The digests of src/lib/sha.ts against node:crypto. SHA-1: the file fingerprints saved states
// hold (any difference would make a reader take its own log for a new file). SHA-256: the
// perfdata labels' hash (a scheduler keys its graphs by label: any difference would start a new
// graph for every long queue or source name).
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha1Hex, sha256Hex } from '../../src/lib/sha.js';

const DIGESTS = [
  {
    name: 'sha1', f: sha1Hex,
    abc: 'a9993e364706816aba3e25717850c26c9cd0d89d',
    two: '84983e441c3bd26ebaae4aa1f95129e5e54670f1',
    empty: 'da39a3ee5e6b4b0d3255bfef95601890afd80709',
  },
  {
    name: 'sha256', f: sha256Hex,
    abc: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    two: '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    empty: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  },
];

describe.each(DIGESTS)('$name', ({ name, f, abc, two, empty }) => {
  const ref = (b: Uint8Array) => createHash(name).update(b).digest('hex');

  it('gives the FIPS 180 examples', () => {
    expect(f(Buffer.from('abc'))).toBe(abc);
    expect(f(Buffer.from('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))).toBe(two);
    expect(f(new Uint8Array(0))).toBe(empty);
  });

  it('agrees with node:crypto on every length around the block and padding edges', () => {
    const bytes = Uint8Array.from({ length: 2100 }, (_, i) => (i * 131 + 7) & 255);
    for (let n = 0; n <= 2100; n++) expect(f(bytes.subarray(0, n)), `length ${n}`).toBe(ref(bytes.subarray(0, n)));
  });

  it('agrees with node:crypto on any bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 1500 }), (b) => f(b) === ref(b)), { numRuns: 500 });
  });

  it('reads a view at its own offset, not its buffer from the start', () => {
    const whole = Buffer.from('xxxxthe first bytes of a log');
    expect(f(whole.subarray(4))).toBe(ref(whole.subarray(4)));
  });
});

describe('perfdata labels of long or odd names', () => {
  it('carry the first 8 hex digits of the name\'s SHA-256, as they did with node:crypto', async () => {
    const { dataLabel } = await import('../../src/lib/perfdata.js');
    for (const name of ['a'.repeat(200), 'host group/ünïcode', 'queue with spaces', `${'x'.repeat(70)}é`]) {
      const label = dataLabel('queue_', name);
      expect(label.endsWith(`#${createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 8)}`), name).toBe(true);
    }
  });
});
