import { describe, expect, it } from 'vitest';
import { alerts, parseRange, rangeParts } from '../../src/lib/range';

// Every row of ../shared/reference/anchors.md §1.4, with the behaviour we chose where
// implementations disagree (strict rejection, inclusive ends, plain double comparison).
describe('Nagios range grammar', () => {
  const alerting: [string, number[], number[]][] = [
    // spec, values that alert, values that do not
    ['10', [-1, -0.001, 10.001, 11], [0, 5, 10]],
    ['10:', [9.999, -5], [10, 11, 1e9]],
    ['~:10', [10.5, 11], [10, 0, -1e9]],
    ['10:20', [9, 21], [10, 15, 20]],
    ['@10:20', [10, 15, 20], [9.99, 20.01]],
    ['@10', [0, 5, 10], [-1, 11]],
    ['-7:23', [-8, 24], [-7, 0, 23]],
    ['~:-95.99', [-95.98, 0], [-95.99, -100]],
    [':5.75', [-0.1, 5.76], [0, 5.75]],
    ['@0:657.8210567', [0, 657.8210567], [-0.1, 657.83]],
    ['1:1', [0, 2], [1]],
    ['@1:1', [1], [0, 2]],
    ['-3.0:-2.0', [-3.1, -1.9], [-2.5, -3, -2]],
    ['1e3', [1000.5], [1000, 0]],
    ['~:', [], [-1e12, 0, 1e12]],
  ];
  for (const [spec, yes, no] of alerting) {
    it(`'${spec}' alerts on ${yes.join(',') || 'nothing'} and not on ${no.join(',')}`, () => {
      const r = parseRange(spec);
      for (const v of yes) expect(alerts(r, v), `${v}`).toBe(true);
      for (const v of no) expect(alerts(r, v), `${v}`).toBe(false);
    });
  }

  it('evaluates critical before warning (-10:-2 warn, -30:20 crit)', () => {
    const w = parseRange('-10:-2');
    const c = parseRange('-30:20');
    const state = (v: number) => (alerts(c, v) ? 'CRIT' : alerts(w, v) ? 'WARN' : 'OK');
    expect([-31, -29, -10, -1, 21].map(state)).toEqual(['CRIT', 'WARN', 'OK', 'WARN', 'CRIT']);
  });

  const invalid = ['', '  ', '2:1', '-5', 'abc', '~', '10:20:30', '1:12%', '@', ':', '@:', '10::', 'x:10', '5:~', '--1'];
  for (const spec of invalid) {
    it(`rejects '${spec}'`, () => {
      expect(() => parseRange(spec)).toThrow();
    });
  }

  it('suggests ~:-5 when given -5', () => {
    expect(() => parseRange('-5')).toThrow(/~:-5/);
  });
});

// The grammar read by hand (range.ts rangeParts): a regular expression costs its compilation in
// every process. The expression stays here, as the grammar's statement, and the two must agree.
describe('the range grammar read by hand agrees with its regular expression', () => {
  const NUM = '[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?';
  const RANGE_RE = new RegExp(`^(@)?(?:(~|${NUM})?:)?(${NUM})?$`);
  const byRegex = (t: string) => { const m = RANGE_RE.exec(t); return m ? [m[1], m[2], m[3]] : null; };
  it('on every string of the grammar\'s characters, and near them', async () => {
    const fc = (await import('fast-check')).default;
    const ch = fc.constantFrom(...'@~:+-.eE0123456789 x'.split(''));
    fc.assert(fc.property(fc.array(ch, { maxLength: 14 }).map((a) => a.join('')), (t) => {
      expect(rangeParts(t), JSON.stringify(t)).toEqual(byRegex(t));
    }), { numRuns: 20000, seed: 44 });
    for (const t of ['', '@', '~', ':', '@:', '~:', ':~', '10', '10:', '~:10', '@10:20', '1e5:2E-3', '.5:5.', '+.5e+7', '5.e3', '.', '+', 'e5', '1e', '1:2:3', '@@1', '~~:1', '0x10', '١٢']) {
      expect(rangeParts(t), JSON.stringify(t)).toEqual(byRegex(t));
    }
  });
});
