import { describe, expect, it } from 'vitest';
import { joinLines, renderText, sanitizeText, cutBytes, LINE1_LIMIT } from '../../src/lib/output';
import fc from 'fast-check';
import { dataLabel, formatNumber, formatPerfItem, sanitizeLabel, uniqueLabels } from '../../src/lib/perfdata';
import { parseRange } from '../../src/lib/range';
import { State } from '../../src/lib/status';
import { parsePerf, validatePerfdata } from '../helpers';

describe('perfdata', () => {
  it('formats the full grammar', () => {
    expect(formatPerfItem({ label: 'age', value: 12, uom: 's', warn: parseRange('600'), crit: parseRange('1800'), min: 0 }))
      .toBe("'age'=12s;600;1800;0");
  });
  it('writes ranges back in Nagios syntax', () => {
    expect(formatPerfItem({ label: 'x', value: 1, warn: parseRange('10:'), crit: parseRange('@~:-2.5') })).toBe("'x'=1;10:;@~:-2.5");
    expect(formatPerfItem({ label: 'x', value: 1, warn: parseRange('~:'), crit: parseRange('-3:4') })).toBe("'x'=1;~:;-3:4");
  });
  it('never emits raw quotes, equals signs or pipes in labels', () => {
    const s = formatPerfItem({ label: "it's a=b|c", value: 1 });
    expect(s).toBe("'it_s a_b_c'=1");
    expect(parsePerf(`X OK - x | ${s}`)).toEqual({ 'it_s a_b_c': '1' });
  });
  it('writes U for unknown values and drops the UOM', () => {
    expect(formatPerfItem({ label: 'g', value: null, uom: 's' })).toBe("'g'=U");
    expect(formatPerfItem({ label: 'g', value: NaN })).toBe("'g'=U");
  });
  it('prints plain decimals, never exponents', () => {
    expect(formatNumber(1e21)).toBe('1000000000000000000000');
    expect(formatNumber(Infinity)).toBe('U');
    expect(formatNumber(1e20)).toBe('100000000000000000000');
    expect(formatNumber(0.0000001)).toBe('0');
    expect(formatNumber(1.5e-5)).toBe('0.000015');
    expect(formatNumber(-0)).toBe('0');
    expect(formatNumber(3.14159265)).toBe('3.141593');
    expect(formatNumber(18446744073709551615)).toMatch(/^\d+$/);
  });
});

describe('labels from the data', () => {
  it('names that sanitise alike get different labels, stable across runs', () => {
    const names = ['a=b', 'a_b', "a'b", 'a|b', "'", '=', '|', 'x'.repeat(300), 'x'.repeat(301)];
    const labels = names.map((n) => dataLabel('queue_', n));
    expect(new Set(labels).size).toBe(names.length);
    expect(labels[1]).toBe('queue_a_b'); // a plain name is kept as it is
    expect(labels[0]).toMatch(/^queue_a_b#[0-9a-f]{8}$/);
    expect(names.map((n) => dataLabel('queue_', n))).toEqual(labels);
  });

  it('any two distinct names give distinct, grammar-safe labels', () => {
    fc.assert(fc.property(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), (a, b) => {
      fc.pre(a !== b);
      const la = dataLabel('q_', a);
      expect(la).not.toBe(dataLabel('q_', b));
      const text = formatPerfItem({ label: la, value: 1 });
      expect(validatePerfdata(text)).toHaveLength(1);
      expect(parsePerf(`X OK - s | ${text}`)).toEqual({ [la.replace(/['=|\x00-\x1f\x7f]/g, '_')]: '1' });
    }), { numRuns: 3000, seed: 5 });
  });

  it('a duplicate label that reaches the renderer still comes out unique', () => {
    const out = uniqueLabels([{ label: 'a', value: 1 }, { label: 'a', value: 2 }, { label: 'a#2', value: 3 }]);
    expect(out.map((p) => p.label)).toEqual(['a', 'a#2', 'a#2#2']);
  });
});

describe('output layout', () => {
  const base = { name: 'TEST', state: State.WARNING, summary: 'hello', details: [] as string[], perf: [] as { label: string; value: number }[] };

  it('first line is NAME STATE - summary | perfdata', () => {
    const t = renderText({ ...base, perf: [{ label: 'a', value: 1 }, { label: 'b', value: 2 }] }, 8192);
    expect(t).toBe("TEST WARNING - hello | 'a'=1 'b'=2\n");
  });
  it('shows | in every text as %7C, and a % before two hex digits as %25: decoding gives the text back', () => {
    const t = renderText({ ...base, summary: 'a|b', details: ['c|d'], perf: [{ label: 'x', value: 1 }] }, 8192);
    expect(t.split('\n')[0]).toBe("TEST WARNING - a%7Cb | 'x'=1");
    expect(t.split('\n')[1]).toBe('c%7Cd');
    expect(sanitizeText('x|y|z')).not.toContain('|');
    // a path that really holds %7C is not mistaken for one holding |
    expect(sanitizeText('/tmp/a%7Cb.log')).toBe('/tmp/a%257Cb.log');
    expect(sanitizeText('50% done, 100%')).toBe('50% done, 100%');
    for (const s of ['/tmp/a|b.log', '/tmp/a%7Cb.log', '/tmp/a%257C|%%41b', '100% |']) {
      expect(decodeURIComponent(sanitizeText(s).replace(/%(?![0-9A-Fa-f]{2})/g, '%25'))).toBe(s);
    }
  });
  it('keeps line 1 under 1 KiB and moves the rest of the perfdata after a later |', () => {
    const perf = Array.from({ length: 200 }, (_, i) => ({ label: `metric_number_${i}`, value: i }));
    const t = renderText({ ...base, summary: 'x'.repeat(2000), details: ['d1', 'd2'], perf }, 65536);
    const lines = t.trimEnd().split('\n');
    expect(Buffer.byteLength(lines[0])).toBeLessThanOrEqual(LINE1_LIMIT);
    const parsed = parsePerf(t);
    expect(Object.keys(parsed)).toHaveLength(200);
    expect(lines[lines.length - 1].startsWith('| ')).toBe(true);
    expect(lines).toContain('d1');
  });
  it('caps the whole output with an explicit marker', () => {
    const details = Array.from({ length: 1000 }, (_, i) => `detail line ${i} ${'y'.repeat(50)}`);
    const t = renderText({ ...base, details, perf: [{ label: 'a', value: 1 }] }, 2048);
    expect(Buffer.byteLength(t)).toBeLessThanOrEqual(2048);
    expect(t).toMatch(/\.\.\. \d+ more\n$/);
    const more = Number(/\.\.\. (\d+) more/.exec(t)![1]);
    const shown = t.split('\n').filter((l) => l.startsWith('detail line')).length;
    expect(shown + more).toBe(1000);
  });
  it('makes only the long-output lines it shows, and counts the rest (lines made when reached)', () => {
    const made: number[] = [];
    const details = { length: 10_000, at: (k: number) => { made.push(k); return `group ${k} ${'z'.repeat(60)}`; } };
    const t = renderText({ ...base, details: joinLines(details, ['note: a note']), perf: [{ label: 'a', value: 1 }] }, 8192);
    expect(Buffer.byteLength(t)).toBeLessThanOrEqual(8192);
    const more = Number(/\.\.\. (\d+) more/.exec(t)![1]);
    const shown = t.split('\n').filter((l) => l.startsWith('group ')).length;
    expect(shown + more).toBe(10_001); // the note is counted among the rest
    expect(made.length).toBe(shown + 1); // the shown lines and the one that did not fit
    expect(made).toEqual(Array.from({ length: shown + 1 }, (_, k) => k));
  });
  it('does not split UTF-8 characters when cutting', () => {
    const s = cutBytes('é'.repeat(100), 51);
    expect(s.endsWith('...')).toBe(true);
    expect(s).not.toContain('\ufffd');
  });
});

// sanitizeLabel() by hand (perfdata.ts): a regular expression costs its compilation in every process
describe('a label made fit agrees with its regular expression', () => {
  it('on any string, controls, quotes and long ones included', () => {
    // eslint-disable-next-line no-control-regex
    const byRegex = (l: string) => l.replace(/['=|\x00-\x1f\x7f]/g, '_').slice(0, 200) || '_';
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.array(fc.constantFrom("'", '=', '|', '\x00', '\x1f', '\x7f', '\x80', 'a', ' '), { maxLength: 220 }).map((a) => a.join(''))), (l) => {
      expect(sanitizeLabel(l)).toBe(byRegex(l));
    }), { numRuns: 5000, seed: 47 });
    for (const l of ['', "'", 'a'.repeat(250), `${'a'.repeat(199)}|b`, 'queue=x', '\x7f']) expect(sanitizeLabel(l)).toBe(byRegex(l));
  });
});
