// The command-line grammar side by side with a real C plugin: Debian's monitoring-plugins
// check_procs (getopt_long) and our built executable get the same argument vectors; where the C
// plugin takes a threshold, ours takes the same text, and where getopt refuses, so do we.
import { execa } from 'execa';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin, tempDir } from '../helpers';

const CHECK_PROCS = '/usr/lib/nagios/plugins/check_procs';
const P = 'check_delayed_dump';
let dir: string;
let cleanup: () => void;
let dump: string;
let env: Record<string, string>;

beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  dump = join(dir, 'dump');
  writeFileSync(dump, 'check_results abc\n');
  env = { MSGWATCH_STATE_DIR: join(dir, 'state') };
});
afterAll(() => cleanup());

/** warn and crit as the perfdata of the first metric shows them */
function thresholdsOf(stdout: string): [string, string] | null {
  const perf = stdout.split('\n')[0].split('|')[1];
  if (!perf) return null;
  const f = perf.trim().split(' ')[0].split('=')[1].split(';');
  // we print numbers whole (.5 as 0.5); the range is the same
  const canon = (r: string) => r.replace(/(^|[:@~-])\./g, '$10.');
  return [canon(f[1] ?? ''), canon(f[2] ?? '')];
}

const ACCEPTED: string[][] = [
  ['-w10:2000'], ['-c', '-1:5000'], ['-w', '-1:5'], ['-w', '-1:'], ['-c-1:5'], ['-c.5'], ['--warning=5'], ['--warn', '5'],
  ['--critical', '-1:5'], ['--crit=@3:9'], ['-w', '~:5'], ['-t5', '-w3'], ['-vt5', '-c', '7'], ['-t', '5', '-w', '2:'],
];
const REFUSED: string[][] = [['-w'], ['-c'], ['-t'], ['--warning'], ['-w', '5', '-t']];

describe.skipIf(!existsSync(CHECK_PROCS))('command-line grammar, side by side with check_procs', () => {
  for (const argv of ACCEPTED) {
    it(`takes ${JSON.stringify(argv)} as check_procs does`, async () => {
      const c = await execa(CHECK_PROCS, argv, { reject: false });
      expect(c.exitCode, c.stdout).toBeLessThan(3);
      const ours = await runBin(P, ['-f', dump, '--dry-run', ...argv], env);
      expect(ours.code, ours.stdout).toBeLessThan(3);
      const [cw, cc] = thresholdsOf(c.stdout)!;
      const [ow, oc] = thresholdsOf(ours.stdout)!;
      // our primary metric has a default warning; compare what the vector set
      if (argv.some((a) => /^(-w|--warn)/.test(a) || a === '-t5')) expect(ow === cw || cw === '').toBe(true);
      if (argv.some((a) => /^(-c|--crit)/.test(a))) expect(oc).toBe(cc);
      if (cw !== '') expect(ow).toBe(cw);
    });
  }
  for (const argv of REFUSED) {
    it(`refuses ${JSON.stringify(argv)} as check_procs does`, async () => {
      const c = await execa(CHECK_PROCS, argv, { reject: false });
      expect(c.exitCode).toBe(3);
      const ours = await runBin(P, ['-f', dump, '--dry-run', ...argv], env);
      expect(ours.code).toBe(3);
      expect(ours.stdout).toMatch(/^DELAYED_DUMP UNKNOWN - .*needs a value/);
    });
  }
});

describe('what getopt would take but cannot be meant', () => {
  it('a range the shell expanded from an unquoted ~ is refused with the fix', async () => {
    const home = process.env.HOME ?? '/root';
    const r = await runBin(P, ['-f', dump, '--dry-run', '-w', `${home}:-5`], { ...env, HOME: home });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/quote ranges that start with ~ \('~:-5'\)/);
  });

  it('a repeated threshold for one metric, -t below 1 s, a stray word: usage errors naming the option', async () => {
    for (const [argv, re] of [
      [['-w', '5', '-w', '6'], /-w given twice for messages \('5' and '6'\)/],
      [['-w', 'messages=0', '-w', 'messages=5'], /-w given twice for messages/],
      [['-t', '0.001'], /-t\/--timeout: '0.001' must be between 1s and 1d/],
      [['-t', 'abc'], /-t\/--timeout: 'abc' is not a duration/],
      [['-c', '10', 'foo'], /unexpected argument 'foo'/],
      [['--max-line', '1'], /--max-line: '1' is too small: at least 256 bytes/],
    ] as [string[], RegExp][]) {
      const r = await runBin(P, ['-f', dump, '--dry-run', ...argv], env);
      expect(r.code, argv.join(' ')).toBe(3);
      expect(r.stdout, argv.join(' ')).toMatch(re);
    }
  });

  it('-w 10 -c 5 is accepted, with a note in the long output', async () => {
    const r = await runBin(P, ['-f', dump, '--dry-run', '-w', '10', '-c', '5'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/note: messages: the warning range 10 lies outside the critical range 5/);
  });
});
