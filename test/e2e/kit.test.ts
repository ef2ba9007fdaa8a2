// The plugin kit as a scheduler sees it: the built standalone executable run as a process with
// no Node on PATH. check_delayed_dump serves as the carrier.
import { execa } from 'execa';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runBin, tempDir } from '../helpers';

const P = 'check_delayed_dump';
let dir: string;
let cleanup: () => void;
let env: Record<string, string>;
let dump: string;

beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  env = { MSGWATCH_STATE_DIR: join(dir, 'state') };
  dump = join(dir, 'dump');
  writeFileSync(dump, 'check_results abc\nhost def\n');
});
afterAll(() => cleanup());

const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .*:\d+:\d+/);

describe('standalone executable', () => {
  it('runs with no Node on the host PATH and an empty environment', async () => {
    const r = await execa(join(BIN, P), ['-f', dump, '--dry-run'], { env: { PATH: '/nonexistent', MSGWATCH_STATE_DIR: env.MSGWATCH_STATE_DIR }, extendEnv: false, reject: false });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/^DELAYED_DUMP WARNING - 2 undelivered messages in 2 queues/);
    expect(r.stderr).toBe('');
  });

  it('--help lists every option and exits 3', async () => {
    const r = await runBin(P, ['--help'], env);
    expect(r.code).toBe(3);
    for (const opt of ['--file', '--missing', '--request-dump', '--command-file', '--dump-wait', '--timeout', '--warning', '--critical', '--verbose', '--version', '--output-format', '--max-output', '--state-dir', '--dry-run', 'Metrics']) {
      expect(r.stdout).toContain(opt);
    }
  });

  it('-V prints the version and exits 3', async () => {
    const r = await runBin(P, ['-V'], env);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^check_delayed_dump v\d+\.\d+\.\d+/);
  });
});

describe('never anything but 0-3, never a stack trace', () => {
  const bad: string[][] = [
    ['--bogus'], ['-w'], ['-w', 'abc'], ['-c', '10:20:30'], ['-w', 'nosuch=1'], ['-t', 'forever'], ['-t', '0'],
    ['--missing', 'SOMETIMES'], ['positional'], ['--output-format', 'xml'], ['--max-output', '12'],
    ['--dump-wait', '-3'], ['-f'], ['-t', '5', '-t', '6'], ['--', '-x'], ['-w', '~'], ['-c', ''],
  ];
  for (const args of bad) {
    it(`usage error for ${JSON.stringify(args)}`, async () => {
      const r = await runBin(P, ['-f', dump, '--dry-run', ...args], env);
      expect(r.code).toBe(3);
      expect(r.stdout).toMatch(/^DELAYED_DUMP UNKNOWN - /);
      expect(r.stdout.trimEnd().split('\n')).toHaveLength(1);
      noStack(r.stdout + r.stderr);
    });
  }

  for (const fault of ['throw:sync-in-run', 'throw:unhandled-rejection', 'throw:uncaught-async', 'throw:startup']) {
    it(`a crash (${fault}) ends as UNKNOWN exit 3`, async () => {
      const r = await runBin(P, ['-f', dump, '--dry-run'], { ...env, MSGWATCH_FAULT_INJECT: fault });
      expect(r.code).toBe(3);
      expect(r.stdout).toMatch(/^DELAYED_DUMP UNKNOWN - internal error/);
      expect(r.stdout.trimEnd().split('\n')).toHaveLength(1);
      noStack(r.stdout + r.stderr);
    });
  }

  it('-vvv adds the stack trace to the long output', async () => {
    const r = await runBin(P, ['-f', dump, '--dry-run', '-vvv'], { ...env, MSGWATCH_FAULT_INJECT: 'throw:sync-in-run' });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/internal error/);
    expect(r.stdout.split('\n').length).toBeGreaterThan(2);
  });

  it('an unreadable input is UNKNOWN with the reason', async () => {
    const r = await runBin(P, ['-f', dir, '--dry-run'], env);
    expect(r.code).toBe(3);
    expect(r.line1).toMatch(/UNKNOWN - .*(not a regular file|is a directory)/);
  });
});

describe('timeout', () => {
  it('a FIFO where a file belongs is refused at once, never a hang', async () => {
    const fifo = join(dir, 'fifo-dump');
    execFileSync('mkfifo', [fifo]);
    const t0 = Date.now();
    const r = await runBin(P, ['-f', fifo, '--dry-run', '-t', '5'], env);
    expect(Date.now() - t0).toBeLessThan(4000); // at once, well before the 5 s timeout
    expect(r.code).toBe(3);
    expect(r.line1).toBe(`DELAYED_DUMP UNKNOWN - ${fifo} is not a regular file | 'messages'=U 'malformed'=U 'bytes'=U 'age'=U 'growth'=U 'queued'=U 'queued_growth'=U`);
  });

  it('names what it was doing and exits with the timeout state', async () => {
    const r2 = await runBin(P, ['-f', dump, '--dry-run', '-t', '1:CRITICAL'], { ...env, MSGWATCH_FAULT_INJECT: 'hang:run' });
    expect(r2.code).toBe(2);
    expect(r2.line1).toMatch(/^DELAYED_DUMP CRITICAL - timed out after 1s while /);
  });
});

describe('output', () => {
  it('a large output reaches a pipe whole', async () => {
    const big = join(dir, 'big-dump');
    const lines: string[] = [];
    for (let i = 0; i < 20000; i++) lines.push(`queue_${i} m`);
    writeFileSync(big, lines.join('\n') + '\n');
    // through a shell pipe into wc, as a scheduler's popen would read it
    const { stdout } = await execa('sh', ['-c', `"${join(BIN, P)}" -f "${big}" --dry-run --max-output 4MiB --queue-perfdata 0 | wc -c`], { env: { PATH: '/usr/bin:/bin', ...env }, extendEnv: false });
    const direct = await runBin(P, ['-f', big, '--dry-run', '--max-output', '4MiB', '--queue-perfdata', '0'], env);
    expect(Number(stdout.trim())).toBe(Buffer.byteLength(direct.stdout));
    expect(Buffer.byteLength(direct.stdout)).toBeGreaterThan(250_000);
    expect(direct.stdout).toContain('queue (other queues): 10000 messages');
    expect(direct.stdout).toContain('queue queue_9999: 1 message');
  });

  it('--output-format json gives one object with the same exit code', async () => {
    const r = await runBin(P, ['-f', dump, '--dry-run', '--output-format', 'json', '-c', 'messages=1'], env);
    expect(r.code).toBe(2);
    const j = JSON.parse(r.stdout);
    expect(j.state).toBe('CRITICAL');
    expect(j.exit_code).toBe(2);
    expect(j.metrics.find((m: { name: string }) => m.name === 'messages')).toMatchObject({ value: 2, warn: '0', crit: '1', state: 'CRITICAL' });
  });
});
