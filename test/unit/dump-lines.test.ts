// The handler's line reader: one buffer for the whole file, so lines that straddle its 1 MiB
// reads, lines longer than the buffer and a last line without its LF are where it could go wrong.
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lines } from '../../src/handlers/handle_delayed_dump/lines.js';

const dir = mkdtempSync(join(tmpdir(), 'msgwatch-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** what lines() must yield: split at LF, a trailing CR dropped unless kept, no line after a final LF */
function expected(bytes: Buffer, keepCr: boolean): string[] {
  const parts = bytes.toString('latin1').split('\n');
  if (parts.at(-1) === '') parts.pop();
  return keepCr ? parts : parts.map((p) => (p.endsWith('\r') ? p.slice(0, -1) : p));
}

function read(bytes: Buffer, keepCr: boolean): string[] {
  const path = join(dir, 'dump');
  writeFileSync(path, bytes);
  const out: string[] = [];
  for (const [line, i] of lines(path, keepCr)) {
    expect(i).toBe(out.length);
    out.push(line.toString('latin1'));
  }
  return out;
}

describe('the dump line reader', () => {
  it('yields every line, with its index, across reads and buffer growth (lines of bytes to 3 MiB, CR LF, no final LF)', () => {
    // a line is a length and a byte to fill it with; a few are longer than a read (1 MiB)
    const line = fc.record({
      n: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 200 }) }, { weight: 1, arbitrary: fc.integer({ min: 500_000, max: 3_000_000 }) }),
      byte: fc.integer({ min: 0, max: 255 }).filter((b) => b !== 10),
      cr: fc.boolean(),
    });
    fc.assert(fc.property(fc.array(line, { maxLength: 12 }), fc.integer({ min: 0, max: 20_000 }), fc.boolean(), fc.boolean(), (ls, filler, finalLf, keepCr) => {
      // many short lines first, so that the long ones start at any offset of a read
      const parts = [Buffer.from('x y\n'.repeat(filler)), ...ls.map(({ n, byte, cr }) => Buffer.concat([Buffer.alloc(n, byte), Buffer.from(cr ? '\r\n' : '\n')]))];
      let bytes = Buffer.concat(parts);
      if (!finalLf && bytes.length) bytes = bytes.subarray(0, bytes.length - 1);
      expect(read(bytes, keepCr)).toEqual(expected(bytes, keepCr));
    }), { numRuns: 25 });
  });

  it('reads an empty file as no lines', () => {
    expect(read(Buffer.alloc(0), false)).toEqual([]);
  });

  it('a line is its own copy: lines kept by the caller do not change as reading goes on', () => {
    const path = join(dir, 'kept');
    const want = Array.from({ length: 30_000 }, (_, i) => `check_results payload-${i}-${'z'.repeat(i % 97)}`);
    writeFileSync(path, want.join('\n') + '\n');
    const kept = [...lines(path)].map(([l]) => l);
    expect(kept.map((l) => l.toString('latin1'))).toEqual(want);
  });
});
