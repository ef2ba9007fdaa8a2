import { execa } from 'execa';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, tempDir } from '../helpers';

let dir: string;
let cleanup: () => void;
let dump: string;
let record: string;
let archive: string;
const ORIGINAL = Array.from({ length: 50 }, (_, i) => `check_results payload-${i}`);

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  dump = join(dir, 'delayed-messages.dump');
  record = join(dir, 'imported.txt');
  archive = join(dir, 'archive');
  writeFileSync(dump, ORIGINAL.join('\n') + '\n');
  const script = (name: string, body: string) => {
    const p = join(dir, name);
    writeFileSync(p, `#!/bin/sh\n${body}\n`);
    chmodSync(p, 0o755);
    return p;
  };
  script('import-ok', `cat "$1" >> "${record}"; echo "Delayed messages imported successfully"`);
  script('import-fail', `echo "gearmand unreachable" >&2; exit 1`);
  script('import-hang', `sleep 60`);
  script('import-wrong', `cat "$1" >> "${record}"; echo "done?"`);
  script('import-grow', `cat "$1" >> "${record}"; printf 'host added-1\\nservice added-2\\n' >> "${dump}"; echo "imported successfully"`);
  script('import-rewrite', `cat "$1" >> "${record}"; { echo "host added-3"; cat "${dump}"; } > "${dump}.new"; mv "${dump}.new" "${dump}"; echo ok`);
});
afterEach(() => cleanup());

async function handler(args: string[], env: Record<string, string> = {}, base = ['-f', dump, '--archive-dir', archive]) {
  const r = await execa(join(BIN, 'handle_delayed_dump'), [...base, ...args], {
    reject: false, env: { PATH: '/usr/bin:/bin', ...env }, extendEnv: false, timeout: 30_000,
  });
  return { code: r.exitCode, out: String(r.stdout) };
}
const hard = (cmd: string, extra: string[] = []) => handler(['--service-state', 'CRITICAL', '--state-type', 'HARD', '--attempt', '3', '--import-command', `${join(dir, cmd)} {file}`, ...extra]);
const lines = (p: string) => (existsSync(p) ? readFileSync(p, 'utf8').split('\n').filter(Boolean) : []);
const log = () => readFileSync(join(dir, 'handle_delayed_dump.log'), 'utf8');

/** Nothing lost, nothing imported twice. */
function conserved(expectedAll: string[]) {
  const imported = lines(record);
  expect(new Set(imported).size).toBe(imported.length);
  expect([...imported, ...lines(dump)].sort()).toEqual([...expectedAll].sort());
}

describe('handle_delayed_dump', () => {
  it('an import command that is not found is said plainly, naming PATH and --import-command; the dump stays', async () => {
    const r = await handler(['--service-state', 'CRITICAL', '--state-type', 'HARD', '--attempt', '3', '--import-command', 'import_opmon_delayed_messages {file}']);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/import failed \(exit 127: the import command import_opmon_delayed_messages was not found in this run's PATH \(\/usr\/bin:\/bin\); give its full path with --import-command\)/);
    expect(lines(dump)).toEqual(ORIGINAL);
  });

  it('imports on CRITICAL HARD: archive copy, importer saw every line once, dump removed', async () => {
    const r = await hard('import-ok', ['--success-pattern', 'imported successfully']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^handle_delayed_dump: imported 50 messages from .* \(archived as .*\); dump removed$/);
    expect(existsSync(dump)).toBe(false);
    expect(lines(record)).toEqual(ORIGINAL);
    const copies = readdirSync(archive);
    expect(copies).toHaveLength(1);
    expect(readFileSync(join(archive, copies[0]), 'utf8')).toBe(ORIGINAL.join('\n') + '\n');
    expect(log()).toMatch(/triggered by CRITICAL HARD attempt 3/);
    expect(log()).toMatch(/copy verified/);
    expect(log()).toMatch(/Delayed messages imported successfully/);
    conserved(ORIGINAL);
  });

  it('does nothing when not HARD, or in a state it does not act on', async () => {
    for (const args of [['--service-state', 'CRITICAL', '--state-type', 'SOFT', '--attempt', '1'], ['--service-state', 'WARNING', '--state-type', 'HARD']]) {
      const r = await handler([...args, '--import-command', `${join(dir, 'import-ok')} {file}`]);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/nothing done/);
    }
    expect(lines(record)).toEqual([]);
    expect(lines(dump)).toEqual(ORIGINAL);
  });

  it('reads the Nagios environment macros, and --soft-attempt acts at that SOFT attempt', async () => {
    const r = await handler(['--soft-attempt', '2', '--import-command', `${join(dir, 'import-ok')} {file}`], {
      NAGIOS_SERVICESTATE: 'CRITICAL', NAGIOS_SERVICESTATETYPE: 'SOFT', NAGIOS_SERVICEATTEMPT: '2',
    });
    expect(r.code).toBe(0);
    expect(lines(record)).toEqual(ORIGINAL);
  });

  it('an absent dump is nothing to do', async () => {
    writeFileSync(dump, '');
    let r = await hard('import-ok');
    expect(r.out).toMatch(/nothing to do: .* is empty/);
    const x = await execa(join(BIN, 'handle_delayed_dump'), ['-f', join(dir, 'none.dump'), '--service-state', 'CRITICAL', '--state-type', 'HARD'], { reject: false, env: { PATH: '/usr/bin:/bin' }, extendEnv: false });
    r = { code: x.exitCode, out: String(x.stdout) };
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/is absent/);
  });

  it('a failing import leaves the dump and the archive copy, and logs why', async () => {
    const r = await hard('import-fail');
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/import failed \(exit 1\); 50 messages left in/);
    expect(lines(dump)).toEqual(ORIGINAL);
    expect(readdirSync(archive)).toHaveLength(1);
    expect(log()).toMatch(/gearmand unreachable/);
  });

  it('a hanging import is killed at the timeout; dump left in place', async () => {
    const t0 = Date.now();
    const r = await hard('import-hang', ['--import-timeout', '1s']);
    expect(Date.now() - t0).toBeLessThan(8000);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/timed out after 1s/);
    expect(lines(dump)).toEqual(ORIGINAL);
  });

  it('exit 0 with the wrong message is a failure when --success-pattern is given', async () => {
    const r = await hard('import-wrong', ['--success-pattern', 'imported successfully']);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/does not match/);
    expect(lines(dump)).toEqual(ORIGINAL);
  });

  it('messages added during the import stay in the dump, the imported ones go', async () => {
    const r = await hard('import-grow');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/2 messages added during the import were kept/);
    expect(lines(dump)).toEqual(['host added-1', 'service added-2']);
    conserved([...ORIGINAL, 'host added-1', 'service added-2']);
    // the next run imports just those
    const again = await hard('import-ok');
    expect(again.code).toBe(0);
    conserved([...ORIGINAL, 'host added-1', 'service added-2']);
    expect(existsSync(dump)).toBe(false);
  });

  it('a dump rewritten during the import keeps exactly the lines not imported', async () => {
    const r = await hard('import-rewrite');
    expect(r.code).toBe(0);
    expect(lines(dump)).toEqual(['host added-3']);
    conserved([...ORIGINAL, 'host added-3']);
  });

  it('a lock held by a live run refuses; a stale lock is taken over', async () => {
    const lockPath = join(dir, '.delayed-messages.dump.handler.lock');
    const holder = spawn('sleep', ['30']);
    const start = readFileSync(`/proc/${holder.pid}/stat`, 'latin1').split(') ')[1].split(' ')[19];
    writeFileSync(lockPath, JSON.stringify({ pid: holder.pid, start, since: Date.now() }));
    let r = await hard('import-ok', ['--lock-wait', '1s']);
    holder.kill();
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/refused: another import is running/);
    expect(lines(dump)).toEqual(ORIGINAL);
    writeFileSync(lockPath, JSON.stringify({ pid: 999999, start: '1', since: Date.now() }));
    r = await hard('import-ok');
    expect(r.code).toBe(0);
    conserved(ORIGINAL);
  });

  it('--require-stopped refuses while the pid is alive, proceeds when it is dead', async () => {
    const pidFile = join(dir, 'opmon.pid');
    const live = spawn('sleep', ['30']);
    writeFileSync(pidFile, `${live.pid}\n`);
    let r = await hard('import-ok', ['--require-stopped', pidFile]);
    live.kill();
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/refused: OpMon \(pid \d+\) is running/);
    expect(lines(dump)).toEqual(ORIGINAL);
    writeFileSync(pidFile, '999999\n');
    r = await hard('import-ok', ['--require-stopped', pidFile]);
    expect(r.code).toBe(0);
    conserved(ORIGINAL);
  });

  it('--dry-run says what it would do and changes nothing', async () => {
    const r = await hard('import-ok', ['--dry-run']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/dry run: would archive \d+ bytes and run .*import-ok/);
    expect(lines(dump)).toEqual(ORIGINAL);
    expect(existsSync(archive)).toBe(false);
    expect(lines(record)).toEqual([]);
  });

  it('an archive directory that cannot be written: failure, nothing imported, dump untouched', async () => {
    mkdirSync(join(dir, 'blocked'));
    writeFileSync(join(dir, 'blocked', 'archive'), 'a file where a directory should be');
    const r = await handler(['--service-state', 'CRITICAL', '--state-type', 'HARD', '--archive-dir', join(dir, 'blocked', 'archive', 'sub'), '--import-command', `${join(dir, 'import-ok')} {file}`], {}, ['-f', dump]);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/failed: cannot archive the dump/);
    expect(lines(dump)).toEqual(ORIGINAL);
    expect(lines(record)).toEqual([]);
  });

  it('bad options fail clearly', async () => {
    const r = await handler(['--bogus']);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/^handle_delayed_dump: unknown option '--bogus'/);
  });
});
