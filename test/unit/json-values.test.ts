// The JSON value splitter (src/um/json-values.ts) against JSON.stringify: any sequence of objects,
// one a line, pretty-printed, concatenated on one line or mixed, fed in arbitrary whole-line
// pieces (and across a carried state), gives back the same objects in order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonValues } from '../../src/um/json-values.js';

function feed(text: string, cuts: number[], max?: number): { values: unknown[]; garbage: string[]; oversized: number } {
  const out = { values: [] as unknown[], garbage: [] as string[], oversized: 0 };
  const sink = { value: (t: string, p?: unknown) => out.values.push(p === undefined ? JSON.parse(t) : p), garbage: (t: string) => out.garbage.push(t), oversized: () => { out.oversized++; } };
  const lines = text.split(/(?<=\n)/);
  let carried: string | null = null;
  let from = 0;
  for (const cut of [...cuts.map((c) => c % (lines.length + 1)).sort((a, b) => a - b), lines.length]) {
    // a new reader per piece, as a new run: the open value comes back through pending/restore
    const v = new JsonValues(sink, max);
    if (carried !== null) v.restore(carried);
    const b = Buffer.from(lines.slice(from, cut).join(''), 'utf8');
    if (b.length) v.lines(b, 0, b.length);
    carried = v.pending();
    from = Math.max(from, cut);
  }
  return out;
}

const objects = fc.array(fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }), { minLength: 1, maxLength: 8 });
const layout = fc.constantFrom('lines', 'pretty', 'jq', 'one line', 'mixed');

function render(objs: object[], how: string): string {
  switch (how) {
    case 'lines': return objs.map((o) => `${JSON.stringify(o)}\n`).join('');
    case 'pretty': return objs.map((o) => `${JSON.stringify(o, null, 2)}\n`).join('');
    case 'jq': return objs.map((o) => `${JSON.stringify(o, null, '\t')}\r\n`).join('');
    case 'one line': return `${objs.map((o) => JSON.stringify(o)).join(' ')}\n`;
    default: return objs.map((o, i) => (i % 2 ? `${JSON.stringify(o, null, 1)}\n` : `  ${JSON.stringify(o)}\n\n`)).join('');
  }
}

describe('JSON value stream', () => {
  it('gives back every object, in order, whatever the layout and wherever the runs cut it', () => {
    fc.assert(fc.property(objects, layout, fc.array(fc.nat(400), { maxLength: 5 }), (objs, how, cuts) => {
      const r = feed(render(objs, how), cuts);
      expect(r.values).toEqual(JSON.parse(JSON.stringify(objs)));
      expect(r.garbage).toEqual([]);
    }), { numRuns: 3000, seed: 40 });
  });

  it('braces and quotes inside strings do not end a value', () => {
    const o = { a: '}{"]', b: ['\\"}', '\\\\'], c: { d: '\n}' } };
    expect(feed(`${JSON.stringify(o, null, 2)}\n`, [2, 3]).values).toEqual([o]);
  });

  it('text that is not JSON is reported, once a line, and the values around it are kept', () => {
    const r = feed('{"a":1}\nhello world\n{\n "b": 2\n}\n', []);
    expect(r.values).toEqual([{ a: 1 }, { b: 2 }]);
    expect(r.garbage).toEqual(['hello world']);
  });

  it('a value larger than the limit is dropped and counted, never held; the next one is read', () => {
    const big = { x: 'y'.repeat(5000) };
    const r = feed(`${JSON.stringify(big, null, 2)}\n{"after": true}\n`, [], 1000);
    expect(r.oversized).toBe(1);
    expect(r.values).toEqual([{ after: true }]);
  });
});
