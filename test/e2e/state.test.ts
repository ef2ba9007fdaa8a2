// State store behaviour through a real plugin process: where state lives, what is refused,
// crash safety at every step of a write, locking, and failures of the file system.
import { execa } from 'execa';
import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, runBin, tempDir } from '../helpers';

const P = 'check_delayed_dump';
const isRoot = process.getuid?.() === 0;
let dir: string;
let cleanup: () => void;
let stateDir: string;
let dump: string;

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  chmodSync(dir, 0o755);
  stateDir = join(dir, 'state');
  dump = join(dir, 'dump');
  writeFileSync(dump, 'q1 a\nq1 b\n');
  chmodSync(dump, 0o644);
});
afterEach(() => cleanup());

const run = (args: string[] = [], env: Record<string, string> = {}) =>
  runBin(P, ['-f', dump, ...args], { MSGWATCH_STATE_DIR: stateDir, ...env });
const stateFiles = () => readdirSync(stateDir).filter((f) => f.endsWith('.json'));
const readState = () => JSON.parse(readFileSync(join(stateDir, stateFiles()[0]), 'utf8'));

describe('state directory', () => {
  it('is created 0700, one file per plugin and key, readable name plus hash', async () => {
    const r = await run();
    expect(r.code).toBe(1);
    expect(statSync(stateDir).mode & 0o777).toBe(0o700);
    const files = stateFiles();
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^check_delayed_dump-.*dump-[0-9a-f]{16}\.json$/);
    expect(statSync(join(stateDir, files[0])).mode & 0o777).toBe(0o600);
    const s = readState();
    expect(s).toMatchObject({ format: 'msgwatch-state', version: 1, plugin: P, data: { messages: 2 } });
  });

  it('--state-dir wins over MSGWATCH_STATE_DIR', async () => {
    const other = join(dir, 'other');
    await run(['--state-dir', other]);
    expect(existsSync(other)).toBe(true);
    expect(existsSync(stateDir)).toBe(false);
  });

  it.skipIf(!isRoot)('defaults to /var/tmp/msgwatch-<uid>, per effective user', async () => {
    const target = '/var/tmp/msgwatch-65534';
    rmSync(target, { recursive: true, force: true });
    const r = await execa('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', join(BIN, P), '-f', dump], { reject: false, env: { PATH: '/usr/bin:/bin' }, extendEnv: false });
    expect(r.exitCode).toBe(1);
    const st = statSync(target);
    expect(st.uid).toBe(65534);
    expect(st.mode & 0o777).toBe(0o700);
    rmSync(target, { recursive: true, force: true });
  });

  it('refuses a symlink planted at the state path', async () => {
    const victim = join(dir, 'victim');
    mkdirSync(victim, { mode: 0o700 });
    symlinkSync(victim, stateDir);
    const r = await run();
    expect(r.code).toBe(3);
    expect(r.line1).toMatch(/state directory .* is a symbolic link, refused/);
    expect(readdirSync(victim)).toEqual([]);
  });

  it('refuses a file at the state path', async () => {
    writeFileSync(stateDir, 'x');
    const r = await run();
    expect(r.code).toBe(3);
    expect(r.line1).toMatch(/is not a directory/);
  });

  it.skipIf(!isRoot)('refuses a directory owned by another user, and says to run as that user (never to remove its state)', async () => {
    mkdirSync(stateDir, { mode: 0o700 });
    chownSync(stateDir, 65534, 65534);
    const r = await run();
    expect(r.code).toBe(3);
    expect(r.line1).toMatch(/belongs to nobody \(uid 65534\), not to this run \(root\), refused; it holds that user's state: run as that user \(e\.g\. sudo -u nobody \.\.\.\)/);
    expect(r.line1).not.toMatch(/remove/);
  });

  it.skipIf(!isRoot)('a state directory the user may not create: says how root creates it once, for this user', async () => {
    const parent = join(dir, 'lib');
    mkdirSync(parent, { mode: 0o755 });
    chmodSync(dir, 0o755);
    const sd = join(parent, 'msgwatch');
    const r = await execa('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', join(BIN, P), '-f', dump, '--state-dir', sd], { reject: false, env: { PATH: '/usr/bin:/bin' }, extendEnv: false });
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toMatch(/cannot create state directory .*: permission denied \(.* is owned by root; this run is nobody \(uid 65534\)\); create it once as root: install -d -o nobody -m 0700 /);
  });

  it('refuses a directory others can write', async () => {
    mkdirSync(stateDir);
    chmodSync(stateDir, 0o777);
    const r = await run();
    expect(r.code).toBe(3);
    expect(r.line1).toMatch(/writable by group or others.*chmod 700/);
  });
});

describe('state content', () => {
  it('a corrupt file is reported once and replaced, as on a first run', async () => {
    await run();
    const f = join(stateDir, stateFiles()[0]);
    writeFileSync(f, '{"format":"msgwatch-state", garbage');
    const r = await run();
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/note: state file .* was corrupt; starting fresh/);
    expect(r.perf.growth).toBe('U');
    const r2 = await run();
    expect(r2.stdout).not.toMatch(/note:/);
    expect(r2.perf.growth).toBe('0');
  });

  it.each([
    ['unknown version', (s: Record<string, unknown>) => ({ ...s, version: 99 }), /unknown version 99/],
    ['impossible values', (s: Record<string, unknown>) => ({ ...s, data: { messages: -4, seenAt: 1, nonEmptySince: null } }), /impossible value \(state.messages: expected a whole number in \[0, inf\], got -4\)/],
    ['a dump waiting since 1970', (s: Record<string, unknown>) => ({ ...s, data: { messages: 1, seenAt: Date.now() - 1000, nonEmptySince: 0 } }), /impossible value \(state.nonEmptySince: expected a time/],
    ['an unknown field', (s: Record<string, unknown>) => ({ ...s, data: { ...(s.data as object), extra: 1 } }), /state: unexpected field 'extra'/],
    ['a foreign format', () => ({ hello: 'world' }), /not msgwatch state/],
  ])('%s: one note, fresh start', async (_n, mutate, re) => {
    await run();
    const f = join(stateDir, stateFiles()[0]);
    writeFileSync(f, JSON.stringify(mutate(JSON.parse(readFileSync(f, 'utf8')))));
    const r = await run();
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(re);
  });

  it('a symlink in place of the state file is not followed', async () => {
    await run();
    const f = join(stateDir, stateFiles()[0]);
    const secret = join(dir, 'secret');
    writeFileSync(secret, 'do not touch');
    rmSync(f);
    symlinkSync(secret, f);
    const r = await run();
    expect(r.stdout).toMatch(/ignored \(it is a symbolic link\)/);
    expect(readFileSync(secret, 'utf8')).toBe('do not touch');
  });

  it('--dry-run uses the state but never writes it', async () => {
    await run();
    const before = readFileSync(join(stateDir, stateFiles()[0]), 'utf8');
    writeFileSync(dump, 'q1 a\nq1 b\nq2 c\n');
    const r = await run(['--dry-run']);
    expect(r.perf.growth).toBe('1');
    expect(readFileSync(join(stateDir, stateFiles()[0]), 'utf8')).toBe(before);
  });
});

describe('state writes', () => {
  it('an unchanged state is not written again (no write, no fsync); a change is', async () => {
    await run();
    const f = join(stateDir, stateFiles()[0]);
    const t0 = statSync(f).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    await run();
    await run();
    expect(statSync(f).mtimeMs).toBe(t0);
    writeFileSync(dump, 'q1 a\nq1 b\nq2 c\nq3 d\n');
    const r = await run();
    expect(r.perf.growth).not.toBe('0');
    expect(statSync(f).mtimeMs).toBeGreaterThan(t0);
  });

  it('state saved under the pre-0.2 file name (SHA-256) is taken over, not lost', async () => {
    await run();
    const now = stateFiles()[0];
    const { legacyStateFileName } = await import('../../src/lib/state/store.js');
    const legacy = legacyStateFileName('check_delayed_dump', [dump]);
    expect(legacy).not.toBe(now);
    renameSync(join(stateDir, now), join(stateDir, legacy));
    writeFileSync(dump, 'q1 a\nq1 b\nq2 c\nq3 d\n');
    const r = await run();
    expect(r.perf.growth).toBe('2'); // compared with the saved 2 messages: the state was found
    expect(stateFiles()).toEqual([now]);
  });
});

describe('a run that ends without its result', () => {
  it('drops the state it staged: an UNKNOWN after the save leaves no temp file, run after run', async () => {
    const log = join(dir, 'garbage.log');
    writeFileSync(log, Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 251)));
    for (let i = 0; i < 3; i++) {
      const r = await runBin('check_um_event_queue', ['-f', log, '--state-dir', stateDir]);
      expect(r.code).toBe(3);
      expect(r.line1).toMatch(/^UM_EVENT_QUEUE UNKNOWN - no lbmmon statistics/);
    }
    expect(readdirSync(stateDir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});

describe('crash safety', () => {
  for (const step of ['state-opened', 'state-half-written', 'state-written', 'state-synced', 'state-renamed']) {
    it(`a writer killed at ${step} leaves the old or the new state`, async () => {
      await run();
      writeFileSync(dump, 'q1 a\nq1 b\nq1 c\n');
      const r = await run([], { MSGWATCH_FAULT_INJECT: `kill:${step}` });
      expect(r.code).not.toBe(0); // SIGKILLed
      const s = readState();
      expect([2, 3]).toContain(s.data.messages);
      expect(s.data.messages).toBe(step === 'state-renamed' ? 3 : 2);
      const next = await run();
      expect(next.stdout).not.toMatch(/note:/);
      expect(readdirSync(stateDir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    });
  }
});

describe('locking', () => {
  const lockOf = () => join(stateDir, stateFiles()[0] + '.lock');
  const startTime = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1].split(' ')[19];

  it('a second run waits, then says another run holds the lock', async () => {
    await run();
    const holder = spawn('sleep', ['30']);
    try {
      writeFileSync(lockOf(), JSON.stringify({ pid: holder.pid, start: startTime(holder.pid!), since: Date.now() }));
      const t0 = Date.now();
      const r = await run(['-t', '4']);
      expect(r.code).toBe(3);
      expect(r.line1).toMatch(/another run holds the state lock .*pid \d+/);
      expect(Date.now() - t0).toBeLessThan(4000); // waited about half its timeout, not the whole
    } finally {
      holder.kill();
    }
  });

  it('a lock left by a killed process is stale and taken over', async () => {
    await run();
    const dead = spawn('true');
    await new Promise((r) => dead.on('exit', r));
    writeFileSync(lockOf(), JSON.stringify({ pid: dead.pid, start: '1', since: Date.now() - 1000 }));
    const r = await run();
    expect(r.code).toBe(1);
    expect(existsSync(lockOf())).toBe(false);
  });

  it('a lock whose PID was reused by another process is stale', async () => {
    await run();
    writeFileSync(lockOf(), JSON.stringify({ pid: process.pid, start: 'not-the-real-start', since: Date.now() }));
    const r = await run();
    expect(r.code).toBe(1);
  });

  it('20 concurrent runs leave one valid state and no lock behind', async () => {
    await run();
    const runs = await Promise.all(Array.from({ length: 20 }, () => run()));
    for (const r of runs) expect([1, 3]).toContain(r.code);
    for (const r of runs.filter((x) => x.code === 3)) expect(r.line1).toMatch(/state lock/);
    expect(runs.filter((r) => r.code === 1).length).toBeGreaterThan(10);
    expect(readState().data.messages).toBe(2);
    expect(readdirSync(stateDir).filter((f) => !f.endsWith('.json'))).toEqual([]);
  });
});

describe.skipIf(!isRoot)('file system failures', () => {
  let mnt: string;
  beforeEach(() => {
    mnt = join(dir, 'mnt');
    mkdirSync(mnt);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', mnt]);
  });
  afterEach(() => {
    try { execFileSync('umount', [mnt]); } catch { /* ignore */ }
  });

  it('a full disk gives UNKNOWN with the reason and keeps the old state', async () => {
    await run(['--state-dir', mnt]);
    const file = readdirSync(mnt).find((f) => f.endsWith('.json'))!;
    const before = readFileSync(join(mnt, file), 'utf8');
    try { execFileSync('dd', ['if=/dev/zero', `of=${join(mnt, 'fill')}`, 'bs=4k'], { stdio: 'ignore' }); } catch { /* ENOSPC expected */ }
    writeFileSync(dump, 'q1 a\nq1 b\nq1 c\n');
    const r = await run(['--state-dir', mnt]);
    expect(r.code).toBe(3);
    expect(r.line1).toMatch(/cannot (save|lock) state in .*: no space left on device; the previous state is kept/);
    expect(readFileSync(join(mnt, file), 'utf8')).toBe(before);
  });

  it('no room for the new state (the lock still fits): UNKNOWN, old state kept, no temp file left', async () => {
    await run(['--state-dir', mnt]);
    const file = readdirSync(mnt).find((f) => f.endsWith('.json'))!;
    const before = readFileSync(join(mnt, file), 'utf8');
    // fill with one-page files, then free exactly one page: enough for the lock, not the state
    let i = 0;
    try { for (;; i++) writeFileSync(join(mnt, `fill${i}`), Buffer.alloc(4096)); } catch { /* ENOSPC */ }
    rmSync(join(mnt, 'fill0'));
    writeFileSync(dump, 'q1 a\nq1 b\nq1 c\n');
    const r = await run(['--state-dir', mnt]);
    // the result stands (3 messages: WARNING), the unsaved state (UNKNOWN) is said first
    expect(r.code).toBe(1);
    expect(r.line1).toMatch(/^DELAYED_DUMP WARNING - cannot save state in .*: no space left on device; the previous state is kept: the next run cannot go on from this one/);
    expect(readFileSync(join(mnt, file), 'utf8')).toBe(before);
    expect(readdirSync(mnt).filter((f) => f.includes('.tmp-') || f.endsWith('.lock'))).toEqual([]);
  });

  it('a read-only file system gives UNKNOWN and keeps the old state', async () => {
    await run(['--state-dir', mnt]);
    const file = readdirSync(mnt).find((f) => f.endsWith('.json'))!;
    const before = readFileSync(join(mnt, file), 'utf8');
    execFileSync('mount', ['-o', 'remount,ro', mnt]);
    writeFileSync(dump, 'q1 a\nq1 b\nq1 c\n');
    const r = await run(['--state-dir', mnt]);
    expect(r.code).toBe(3);
    expect(r.line1).toMatch(/read-only file system/);
    expect(readFileSync(join(mnt, file), 'utf8')).toBe(before);
  });

  it('permission denied (run as another user) gives UNKNOWN', async () => {
    const sd = join(dir, 'nobody-state');
    mkdirSync(sd, { mode: 0o500 });
    chownSync(sd, 65534, 65534);
    const r = await execa('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', join(BIN, P), '-f', dump, '--state-dir', sd], { reject: false, env: { PATH: '/usr/bin:/bin' }, extendEnv: false });
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toMatch(/UNKNOWN - cannot lock state in .*: permission denied/);
  });
});

describe('a state that cannot be saved, or could not be read, is never silent', () => {
  const broker = (log: string, args: string[] = []) => runBin('check_broker_command_timeouts', ['-f', log, '--stale-log', '0', ...args], { MSGWATCH_STATE_DIR: stateDir });
  const event = (n: number) => `[2026-11-17 09:12:0${n % 10}] ERROR  : [ broker-master ] [ Livestatus ] [ COMMAND CALL ] [ PID:4242 ] [ t ] Failed to send command call [ get_${n} ] for module Livestatus because of timeout\n`;
  const quiet = '[2026-11-17 09:12:01] INFO   : [ broker-master ] [ QUEUE ] nothing to say\n';

  it('the state file replaced by a directory: every run says so first, not OK (UNKNOWN by default, --unsaved-state chooses); events are not silently lost', async () => {
    const log = join(dir, 'brokerd.log');
    writeFileSync(log, quiet.repeat(20));
    expect((await broker(log)).code).toBe(0);
    const [f] = stateFiles();
    rmSync(join(stateDir, f));
    mkdirSync(join(stateDir, f));
    for (let k = 0; k < 2; k++) {
      writeFileSync(log, event(k), { flag: 'a' });
      const r = await broker(log);
      expect(r.code, r.stdout).not.toBe(0);
      expect(r.line1).toMatch(/^BROKER_COMMANDS (WARNING|UNKNOWN) - cannot save state: \S+ is a directory; remove it .*: the next run cannot go on from this one/);
      // and where reading began, since the saved position was unusable
      expect(r.line1).toMatch(/the saved state was unusable, so \S+brokerd.log was read from byte \d+ of \d+ as on a first run/);
    }
    const crit = await broker(log, ['--unsaved-state', 'CRITICAL']);
    expect(crit.code).toBe(2);
    expect((await broker(log, ['--unsaved-state', 'CRTICAL'])).line1).toMatch(/^BROKER_COMMANDS UNKNOWN - --unsaved-state: /);
    // the same rule for a check with no log position (the dump): UNKNOWN beats its OK
    writeFileSync(dump, '');
    expect((await run()).code).toBe(0);
    for (const g of stateFiles().filter((x) => x.startsWith('check_delayed_dump'))) { rmSync(join(stateDir, g)); mkdirSync(join(stateDir, g)); }
    const d = await run();
    expect(d.code, d.stdout).toBe(3);
    expect(d.line1).toMatch(/^DELAYED_DUMP UNKNOWN - cannot save state: /);
    const j = await run(['--output-format', 'json']);
    expect(JSON.parse(j.stdout).summary).toMatch(/^cannot save state: /);
    // removed: the next run saves and is itself again
    for (const g of stateFiles().filter((x) => x.startsWith('check_delayed_dump'))) rmSync(join(stateDir, g), { recursive: true });
    expect((await run()).code).toBe(0);
  });

  it('a corrupt state: the run says on stdout from which byte it read, in the --lost-lines state', async () => {
    const log = join(dir, 'brokerd.log');
    writeFileSync(log, quiet.repeat(20));
    await broker(log);
    const [f] = stateFiles();
    writeFileSync(join(stateDir, f), '{"format": "msgwatch-state", trunc');
    writeFileSync(log, event(1), { flag: 'a' });
    const size = statSync(log).size;
    const r = await broker(log);
    expect(r.code).toBe(1);
    expect(r.line1).toContain(`the saved state was unusable, so ${log} was read from byte ${size} of ${size} as on a first run: lines written before that point since the previous run were not read`);
    expect(r.stdout).toMatch(/note: state file \S+ was corrupt; starting fresh/);
    // the next run has a state again: OK
    expect((await broker(log)).code).toBe(0);
  });
});
