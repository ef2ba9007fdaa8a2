// The perfdata labels' SHA-256 (src/lib/sha256.ts) against node:crypto: a scheduler keys its graphs
// by label, so any difference would start a new graph for every long queue or source name.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/lib/sha256.js';

const ref = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('sha256Hex', () => {
  it('gives the FIPS 180 examples', () => {
    expect(sha256Hex(Buffer.from('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(Buffer.from('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
    expect(sha256Hex(new Uint8Array(0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('agrees with node:crypto on every length around the block and padding edges', () => {
    const bytes = Uint8Array.from({ length: 2100 }, (_, i) => (i * 131 + 7) & 255);
    for (let n = 0; n <= 2100; n++) expect(sha256Hex(bytes.subarray(0, n)), `length ${n}`).toBe(ref(bytes.subarray(0, n)));
  });

  it('agrees with node:crypto on any bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 1500 }), (b) => sha256Hex(b) === ref(b)), { numRuns: 500 });
  });

  it('reads a view at its own offset, not its buffer from the start', () => {
    const whole = Buffer.from('xxxxthe first bytes of a log');
    expect(sha256Hex(whole.subarray(4))).toBe(ref(whole.subarray(4)));
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
