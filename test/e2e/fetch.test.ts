// check_delayed_dump --fetch against a stand-in OpMon (test/stand-ins/fake-opmon.mjs), started by
// each test and stopped by PID: it reads the command pipe and answers _OPDB_FETCH_DELAYED in its
// log late, never, twice, across a rotation, among noise, or in another wording.
import { execa, type ResultPromise } from 'execa';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { perfValue, ROOT, runBin, tempDir } from '../helpers';

const P = 'check_delayed_dump';
let dir: string;
let cleanup: () => void;
let fifo: string;
let log: string;
let dump: string;
let env: Record<string, string>;
let opmon: ResultPromise | null = null;

beforeEach(async () => {
  ({ dir, cleanup } = tempDir());
  fifo = join(dir, 'opmon.cmd');
  log = join(dir, 'opmon.log');
  dump = join(dir, 'delayed-messages.dump');
  env = { MSGWATCH_STATE_DIR: join(dir, 'state') };
  await execa('mkfifo', [fifo]);
  writeFileSync(log, '[1700000000] OpMon 6.0 starting\n');
});
afterEach(async () => {
  if (opmon?.pid) { try { process.kill(opmon.pid, 'SIGTERM'); } catch { /* gone */ } }
  await opmon?.catch(() => undefined);
  opmon = null;
  cleanup();
});

async function startOpmon(cfg: Record<string, unknown>): Promise<void> {
  opmon = execa(process.execPath, [join(ROOT, 'test', 'stand-ins', 'fake-opmon.mjs'), JSON.stringify({ fifo, log, count: 42, ...cfg })], { reject: false, env: {}, extendEnv: false });
  await new Promise<void>((resolve) => opmon!.stdout!.once('data', () => resolve()));
}
const fetch = (extra: string[] = []) => runBin(P, ['-f', dump, '--fetch', '--command-file', fifo, '--opmon-log', log, ...extra], env);

describe('check_delayed_dump --fetch', () => {
  it('reads the live count from the answer OpMon appends, and alerts on it (default WARNING > 0)', async () => {
    await startOpmon({ delayMs: 300 });
    const r = await fetch();
    expect(r.code).toBe(1);
    expect(r.line1).toMatch(/^DELAYED_DUMP WARNING - live count: 42 messages waiting in OpMon's memory \[WARNING\]; dump: no undelivered messages/);
    expect(r.perf.queued).toBe('42;0;;0');
    expect(r.stdout).toMatch(/OpMon's answer: \[\d+\] Delayed messages in queue: 42/);
  });

  it('the growth of the live count between runs, and OK at 0', async () => {
    await startOpmon({ count: 3 });
    expect(perfValue(await fetch(), 'queued')).toBe(3);
    process.kill(opmon!.pid!, 'SIGTERM');
    await opmon!.catch(() => undefined);
    await startOpmon({ count: 11 });
    const r = await fetch();
    expect(perfValue(r, 'queued_growth')).toBe(8);
    expect(r.line1).toMatch(/11 messages waiting in OpMon's memory, \+8 since the last check/);
    process.kill(opmon!.pid!, 'SIGTERM');
    await opmon!.catch(() => undefined);
    await startOpmon({ count: 0 });
    const z = await fetch();
    expect(z.code).toBe(0);
    expect(z.line1).toMatch(/live count: 0 messages waiting/);
  });

  it('both counts: the summary marks the one that alerts', async () => {
    await startOpmon({ count: 0 });
    writeFileSync(dump, 'check_results a\n');
    const r = await fetch();
    expect(r.code).toBe(1);
    expect(r.line1).toMatch(/live count: 0 messages waiting in OpMon's memory; dump: 1 undelivered message in 1 queue .* \[WARNING\]/);
  });

  it('takes the first answer when OpMon answers twice, among noise, and across a rotation of its log', async () => {
    for (const mode of ['twice', 'noise', 'rotate']) {
      await startOpmon({ mode, delayMs: 200 });
      const r = await fetch();
      expect(perfValue(r, 'queued'), mode).toBe(42);
      process.kill(opmon!.pid!, 'SIGTERM');
      await opmon!.catch(() => undefined);
      opmon = null;
    }
  });

  it('an answer too late or never: UNKNOWN naming what to check, with the last lines seen', async () => {
    for (const cfg of [{ mode: 'never' }, { delayMs: 3000 }]) {
      await startOpmon(cfg);
      const t0 = Date.now();
      const r = await fetch(['--fetch-wait', '1s']);
      expect(Date.now() - t0).toBeLessThan(3000);
      expect(r.code).toBe(3);
      expect(r.line1).toMatch(/OpMon did not answer _OPDB_FETCH_DELAYED within 1s \(is it running\? is --opmon-log right\? does --fetch-pattern match its answer\?\)/);
      expect(r.stdout).toMatch(/last lines of the OpMon log while waiting:\n {2}\[\d+\] EXTERNAL COMMAND: _OPDB_FETCH_DELAYED;/);
      expect(r.perf.queued).toBe('U;0;;0');
      process.kill(opmon!.pid!, 'SIGTERM');
      await opmon!.catch(() => undefined);
      opmon = null;
    }
  });

  it('another wording: the default pattern does not take it, --fetch-pattern does', async () => {
    await startOpmon({ wording: 'OPDB gearman backlog: {n} message(s) pending' });
    const d = await fetch(['--fetch-wait', '1s']);
    expect(d.code).toBe(3);
    expect(d.stdout).toMatch(/OPDB gearman backlog: 42 message\(s\) pending/); // shown, for the operator to write a pattern
    const r = await fetch(['--fetch-pattern', String.raw`backlog: (\d+) message`]);
    expect(perfValue(r, 'queued')).toBe(42);
  });

  it('OpMon not running (no reader, no pipe): the same WARNING as --request-dump, and the dump is still counted', async () => {
    const r = await fetch();
    expect(r.code).toBe(1);
    expect(r.line1).toMatch(/nobody reads the command pipe .*: OpMon is not running; reporting the dump on disk/);
    const n = await runBin(P, ['-f', dump, '--fetch', '--command-file', join(dir, 'none.cmd'), '--opmon-log', log], env);
    expect(n.line1).toMatch(/does not exist: OpMon is not running/);
  });

  it('never blocks: an OpMon log that is a directory or a FIFO ends within -t', async () => {
    await startOpmon({});
    const d = join(dir, 'logdir');
    mkdirSync(d);
    const logFifo = join(dir, 'log.fifo');
    await execa('mkfifo', [logFifo]);
    for (const bad of [d, logFifo]) {
      const t0 = Date.now();
      const r = await runBin(P, ['-f', dump, '--fetch', '--command-file', fifo, '--opmon-log', bad, '-t', '3'], env);
      expect(Date.now() - t0).toBeLessThan(3500);
      expect(r.code).toBe(3);
      expect(r.line1).toMatch(/--opmon-log: .* is not a regular file/);
    }
  });

  it('refuses patterns that cannot count or could take exponential time', async () => {
    for (const [pat, re] of [['delayed', /has no capture group/], ['(a+)+(\\d+)', /holds a quantifier, which can take exponential time/], ['(', /is not a regular expression/]] as const) {
      const r = await fetch(['--fetch-pattern', pat]);
      expect(r.code).toBe(3);
      expect(r.line1).toMatch(re);
    }
  });
});
