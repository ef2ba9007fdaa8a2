// The run-path parser (getopt grammar) against the table it shares with yargs: the same answers
// wherever yargs accepts a command line, and the getopt forms yargs does not know.
import fc from 'fast-check';
import yargs from 'yargs/yargs';
import { describe, expect, it } from 'vitest';
import { parseArgs, STANDARD_OPTIONS, type OptionSpecs } from '../../src/lib/cli.js';
import { UsageError } from '../../src/lib/errors.js';
import { camel, getopt } from '../../src/lib/getopt.js';
import { resolveThresholds, thresholdNotes } from '../../src/lib/thresholds.js';

const OWN: OptionSpecs = {
  file: { alias: 'f', type: 'string', requiresArg: true, default: '/var/x' },
  app: { type: 'string', array: true, default: [], requiresArg: true },
  'from-start': { type: 'boolean', default: false },
  'max-line': { type: 'string', default: '1MiB', requiresArg: true },
};
const ALL = { ...OWN, ...STANDARD_OPTIONS };

function viaYargs(argv: string[]): Record<string, unknown> | 'error' {
  try {
    const y = yargs(argv).options(ALL).parserConfiguration({ 'duplicate-arguments-array': true, 'strip-dashed': true, 'greedy-arrays': false })
      .strict().help(false).version(false).exitProcess(false).fail((m, e) => { throw e ?? new Error(m); });
    const out = y.parseSync() as Record<string, unknown>;
    delete out._; delete out.$0;
    for (const k of Object.keys(out)) if (k.length === 1) delete out[k]; // yargs also keeps the short aliases
    return out;
  } catch {
    return 'error';
  }
}

const stripUndef = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

describe('getopt grammar', () => {
  it('agrees with yargs on every command line both accept, built from the table', () => {
    const value = fc.stringMatching(/^[a-z0-9/:.@~]{1,8}$/); // values yargs reads the same way (no leading '-')
    const token = fc.oneof(
      value.map((v) => ['-f', v]), value.map((v) => [`--file=${v}`]), value.map((v) => ['--app', v]),
      value.map((v) => ['-w', v]), value.map((v) => ['--critical', v]), value.map((v) => ['-t', v]),
      fc.constant(['--from-start']), fc.constant(['-v']), fc.constant(['-vv']), fc.constant(['--dry-run']),
      fc.constantFrom(['--output-format', 'json'], ['--max-output', '4KiB'], ['--state-dir', '/tmp/s']),
    );
    let compared = 0;
    fc.assert(fc.property(fc.array(token, { maxLength: 6 }), (tokens) => {
      const argv = tokens.flat();
      const y = viaYargs(argv);
      let g: Record<string, unknown> | 'error';
      try { g = getopt(argv, ALL); } catch (e) { expect(e).toBeInstanceOf(UsageError); g = 'error'; }
      if (y === 'error' || g === 'error') return; // repeats: yargs keeps arrays, getopt refuses (tested below)
      const yy = stripUndef(y);
      // yargs types its defaults: a count is 0 when absent
      if (!('verbose' in g)) yy.verbose === 0 && delete yy.verbose;
      expect(stripUndef(g)).toEqual(yy);
      compared++;
    }), { numRuns: 3000, seed: 4 });
    expect(compared).toBeGreaterThan(1000);
  });

  it('accepts every getopt form a Nagios operator writes', () => {
    const cases: [string[], Record<string, unknown>][] = [
      [['-w', '-1:5'], { warning: ['-1:5'] }],
      [['-c', '-1:5000'], { critical: ['-1:5000'] }],
      [['-w', '-1:'], { warning: ['-1:'] }],
      [['-w10:20'], { warning: ['10:20'] }],
      [['-wmessages=5'], { warning: ['messages=5'] }],
      [['-c.5'], { critical: ['.5'] }],
      [['-c-1:5'], { critical: ['-1:5'] }],
      [['-t5s'], { timeout: '5s' }],
      [['-t3:CRITICAL'], { timeout: '3:CRITICAL' }],
      [['-f/path/x'], { file: '/path/x' }],
      [['-vvv'], { verbose: 3 }],
      [['-vt', '5'], { verbose: 1, timeout: '5' }],
      [['-vt5'], { verbose: 1, timeout: '5' }],
      [['--warning=-1:5'], { warning: ['-1:5'] }],
      [['--warn', '5'], { warning: ['5'] }], // a unique prefix, as getopt_long
      [['--from'], { fromStart: true }],
      [['--'], {}],
    ];
    for (const [argv, want] of cases) expect(getopt(argv, ALL), argv.join(' ')).toMatchObject(want);
  });

  it('refuses what cannot be meant, naming the option', () => {
    const cases: [string[], RegExp][] = [
      [['-w'], /-w\/--warning needs a value/],
      [['--timeout'], /-t\/--timeout needs a value/],
      [['-t', '5', '-t', '6'], /-t\/--timeout given more than once/],
      [['-f', 'a', '-f', 'b'], /-f\/--file given more than once/],
      [['-x'], /unknown option '-x'/],
      [['-vx'], /unknown option '-x' in '-vx'/],
      [['--bogus'], /unknown option '--bogus'/],
      [['--ma', '1'], /option '--ma' is ambiguous: --max-line, --max-output/],
      [['--dry-run=yes'], /--dry-run takes no value/],
      [['stray'], /unexpected argument 'stray'/],
      [['--', 'x'], /unexpected argument 'x'/],
      [['-'], /unexpected argument '-'/],
    ];
    for (const [argv, re] of cases) expect(() => getopt(argv, ALL), argv.join(' ')).toThrow(re);
  });

  it('the kit names each option once in its messages and refuses empty values', () => {
    expect(() => parseArgs(['-f', ''], OWN)).toThrow(/^-f\/--file needs a value, got an empty one$/);
    expect(() => parseArgs(['--app', ''], OWN)).toThrow(/--app needs a value/);
    expect(() => parseArgs(['--output-format', 'xml'], OWN)).toThrow(/^--output-format: 'xml' is not one of text, json, openmetrics$/);
  });
});

describe('thresholds given by hand', () => {
  const names = ['messages', 'age'];
  it('the same metric twice in -w (or -c) is refused, naming both values', () => {
    expect(() => resolveThresholds(['5', '6'], [], names, 'messages', {})).toThrow(/-w given twice for messages \('5' and '6'\)/);
    expect(() => resolveThresholds([], ['messages=0', 'messages=5'], names, 'messages', {})).toThrow(/-c given twice for messages/);
    expect(() => resolveThresholds(['5', 'age=6'], ['5'], names, 'messages', {})).not.toThrow();
  });

  it('a range the shell expanded from ~ is refused with the fix', () => {
    const home = process.env.HOME ?? '/root';
    expect(() => resolveThresholds([`${home}:-5`], [], names, 'messages', {})).toThrow(/quote ranges that start with ~ \('~:-5'\)/);
    expect(() => resolveThresholds([`age=${home}:5`], [], names, 'messages', {})).toThrow(/quote ranges/);
    expect(() => resolveThresholds(['~:-5'], [], names, 'messages', {})).not.toThrow();
  });

  it('-w 10 -c 5 is accepted, with a note that the warning range lies outside the critical one', () => {
    const t = resolveThresholds(['10'], ['5'], names, 'messages', {});
    expect(thresholdNotes(t)).toEqual([expect.stringMatching(/^messages: the warning range 10 lies outside the critical range 5/)]);
    expect(thresholdNotes(resolveThresholds(['5'], ['10'], names, 'messages', {}))).toEqual([]);
  });
});

// camel() by hand (getopt.ts): a regular expression costs its compilation in every process
describe('camel-casing an option name agrees with its regular expression', () => {
  it('on any string of letters, digits and hyphens', () => {
    const byRegex = (k: string) => k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    fc.assert(fc.property(fc.array(fc.constantFrom(...'-aAzZ09b-'.split('')), { maxLength: 12 }).map((a) => a.join('')), (k) => {
      expect(camel(k)).toBe(byRegex(k));
    }), { numRuns: 5000, seed: 46 });
    for (const k of ['stale-log', 'mcs-db', 'x', '', '-', '--a', 'a-', 'a--b', '-a-b', 'a-B', 'max-queue-perfdata']) expect(camel(k), k).toBe(byRegex(k));
  });
});
