// Every operator mistake gets a clear answer, run on the built executables: error paths under
// the same caps and JSON as any result, empty and tiny values refused, wording fixed once in the
// kit, the event handler's guards, and help text an operator can read and copy from.
import { execa } from 'execa';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, runBin, tempDir } from '../helpers';
import { PROGRAMS } from '../../src/registry';

// the checks that read a file (-f); check_gearman_queues asks servers (-H): its own cases below
const PLUGINS = PROGRAMS.filter((p) => p.kind === 'check' && p.name !== 'check_gearman_queues').map((p) => p.name) as ('check_delayed_dump' | 'check_broker_command_timeouts' | 'check_um_naks' | 'check_um_event_queue' | 'check_um_store' | 'check_um_dro')[];
const LABEL: Record<string, string> = { check_delayed_dump: 'DELAYED_DUMP', check_broker_command_timeouts: 'BROKER_COMMANDS', check_um_naks: 'UM_NAKS', check_um_event_queue: 'UM_EVENT_QUEUE', check_um_store: 'UM_STORE', check_um_dro: 'UM_DRO', check_gearman_queues: 'GEARMAN' };
const isRoot = process.getuid?.() === 0;
let dir: string;
let cleanup: () => void;
let env: Record<string, string>;
beforeEach(() => { ({ dir, cleanup } = tempDir()); env = { MSGWATCH_STATE_DIR: join(dir, 'state') }; });
afterEach(() => cleanup());

const bytes = (s: string) => Buffer.byteLength(s);

describe('error paths are output like any other', () => {
  it('a 100,000-byte path or threshold is cut, never echoed whole: line 1 under 1 KiB, all within --max-output', async () => {
    const long = `/x${'y'.repeat(100_000)}`;
    for (const p of PLUGINS) {
      for (const args of [['-f', long], ['-w', long], ['-c', `x=${long}`], ['--max-output', '512', '-w', long]]) {
        const r = await runBin(p, args, env);
        expect(r.code, `${p} ${args[0]}`).toBe(3);
        expect(bytes(r.line1)).toBeLessThanOrEqual(1024);
        expect(bytes(r.stdout)).toBeLessThanOrEqual(args.includes('512') ? 512 : 8192);
        expect(r.line1).toMatch(new RegExp(`^${LABEL[p]} UNKNOWN - `));
      }
    }
  });

  it('check_gearman_queues: a 100,000-byte host, an empty one, a bad port, a bad range and a typo in a queue threshold: one UNKNOWN line each, as text and JSON', async () => {
    const long = `h${'y'.repeat(100_000)}`;
    for (const args of [['-H', long], ['-H', ''], ['-H', 'localhost:99999'], ['--queue-critical', 'q:waiting=abc'], ['--queue-warning', 'q:waitng=5'], ['-w', long]]) {
      const r = await runBin('check_gearman_queues', args, env);
      expect(r.code, args.join(' ').slice(0, 80)).toBe(3);
      expect(bytes(r.line1)).toBeLessThanOrEqual(1024);
      expect(bytes(r.stdout)).toBeLessThanOrEqual(8192);
      expect(r.line1).toMatch(/^GEARMAN UNKNOWN - /);
      const j = await runBin('check_gearman_queues', [...args, '--output-format', 'json'], env);
      expect(JSON.parse(j.stdout)).toMatchObject({ name: 'GEARMAN', state: 'UNKNOWN', exit_code: 3 });
    }
  });

  it('--output-format json holds for every UNKNOWN: missing file, directory, bad -w, bad -t, unknown option', async () => {
    const cases = [['-f', join(dir, 'absent.log')], ['-f', dir], ['-w', 'abc'], ['-t', 'abc'], ['--bogus'], ['-w']];
    for (const p of ['check_broker_command_timeouts', 'check_um_naks'] as const) {
      for (const c of cases) {
        // the format option before and after the mistake: honoured even when the parse fails
        // (not after a bare `-w`: getopt makes the next argument its value, as C plugins do)
        for (const argv of [['--output-format', 'json', ...c], ...(c.length === 2 || c[0] === '--bogus' ? [[...c, '--output-format=json']] : [])]) {
          const r = await runBin(p, argv, env);
          expect(r.code, `${p} ${argv.join(' ')}`).toBe(3);
          const o = JSON.parse(r.stdout);
          expect(o).toMatchObject({ name: LABEL[p], state: 'UNKNOWN', exit_code: 3 });
          expect(o.summary).not.toBe('');
        }
      }
    }
  });

  it('system errors are said in words, never as errno names', async () => {
    const r = await runBin('check_broker_command_timeouts', ['-f', join(dir, 'n'.repeat(300))], env);
    expect(r.code).toBe(3);
    expect(r.line1).toMatch(/file name too long/);
    expect(r.stdout).not.toMatch(/\bE[A-Z]{3,}\b/);
  });

  it('wording: an option is named once, -t abc names -t, one malformed line is singular', async () => {
    const a = await runBin('check_um_naks', ['-f', join(dir, 'x'), '--consecutive', '0'], env);
    expect(a.line1).toMatch(/UNKNOWN - --consecutive: must be a whole number >= 1, got '0'/);
    expect(a.line1.match(/--consecutive/g)).toHaveLength(1);
    const t = await runBin('check_um_naks', ['-t', 'abc'], env);
    expect(t.line1).toMatch(/-t\/--timeout: 'abc' is not a duration/);
    const dump = join(dir, 'dump');
    writeFileSync(dump, 'check_results a\nnospace\n');
    const d = await runBin('check_delayed_dump', ['-f', dump], env);
    expect(d.line1).toMatch(/1 undelivered message in 1 queue .*; 1 malformed line;/);
  });
});

describe('inputs that must not silently give OK', () => {
  it('an empty path is a usage error in every plugin', async () => {
    for (const p of PLUGINS) {
      const r = await runBin(p, ['-f', ''], env);
      expect(r.code, p).toBe(3);
      expect(r.line1).toMatch(/-f\/--file needs a value, got an empty one/);
    }
  });

  it('--max-line below 256 bytes is refused (it turned a 42-message dump into OK "43 malformed lines")', async () => {
    const dump = join(dir, 'dump');
    writeFileSync(dump, Array.from({ length: 42 }, (_, i) => `check_results m${i}`).join('\n') + '\n');
    for (const v of ['0', '1', '255']) {
      const r = await runBin('check_delayed_dump', ['-f', dump, '--max-line', v], env);
      expect(r.code).toBe(3);
      expect(r.line1).toMatch(/--max-line: '\d+' is too small: at least 256 bytes/);
    }
    expect((await runBin('check_delayed_dump', ['-f', dump, '--max-line', '256'], env)).code).toBe(1);
  });

  it('a missing dump is OK by design, a missing directory of the dump is UNKNOWN', async () => {
    expect((await runBin('check_delayed_dump', ['-f', join(dir, 'delayed-messages.dump')], env)).code).toBe(0);
    const r = await runBin('check_delayed_dump', ['-f', join(dir, 'opmon-typo', 'delayed-messages.dump')], env);
    expect(r.code).toBe(3);
    expect(r.line1).toMatch(/the directory of the dump, .*opmon-typo, does not exist \(check -f\)/);
  });

  it('the broker check does not claim "no failures" about a log it could not read', async () => {
    const r = await runBin('check_broker_command_timeouts', ['-f', join(dir, 'brokerd.log')], env);
    expect(r.code).toBe(3);
    expect(r.line1).toMatch(/brokerd\.log does not exist \(yet\)/);
    expect(r.line1).not.toMatch(/no command call failures/);
    writeFileSync(join(dir, 'other.log'), '');
    const two = await runBin('check_broker_command_timeouts', ['-f', join(dir, 'brokerd.log'), '-f', join(dir, 'other.log')], env);
    expect(two.line1).toMatch(/no command call failures in the last 15m \(read 0 B from 1 of 2 logs\)/);
  });
});

describe('help text', () => {
  it('is rendered for 80 columns, with the real defaults in place and whole example commands', async () => {
    for (const p of [...PLUGINS, 'handle_delayed_dump']) {
      const r = await runBin(p, ['--help'], env);
      expect(r.code, p).toBe(p === 'handle_delayed_dump' ? 0 : 3);
      const lines = r.stdout.split('\n');
      const examples = lines.indexOf('Examples:');
      expect(examples, p).toBeGreaterThan(0);
      // only an example command (indented 2, starting with the program's name) may pass 80 columns
      for (const l of lines) if (l.length > 80) expect(l.startsWith(`  ${p} `), `${p}: ${l}`).toBe(true);
      expect(r.stdout).not.toMatch(/\[default: \[\]\]/);
      expect(r.stdout).toMatch(/^ {2}-h, --help {14}Show this help and exit \(status [03]\)$/m);
      expect(r.stdout).toMatch(/^ {2}-V, --version {11}Show the version and exit \(status [03]\)$/m);
    }
    const b = await runBin('check_broker_command_timeouts', ['--help'], env);
    expect(b.stdout).toMatch(/--window DURATION {3}An event counts for this long[^]*\(default: 15m\)/);
    expect(b.stdout).toMatch(/^ {2}check_broker_command_timeouts -f \/var\/log\/shinken\/brokerd\.log --module Livestatus$/m);
  });

  it('the handler says what -h and -V really do (exit 0), and they do it', async () => {
    const h = await execa(join(BIN, 'handle_delayed_dump'), ['-h'], { reject: false });
    expect(h.exitCode).toBe(0);
    expect(h.stdout).toMatch(/-h and -V exit 0/);
    expect((await execa(join(BIN, 'handle_delayed_dump'), ['-V'], { reject: false })).exitCode).toBe(0);
  });
});

describe('the event handler', () => {
  let opmon: string;
  let dump: string;
  const handler = (args: string[], extra: Record<string, string> = {}, as?: number) => execa(
    as === undefined ? join(BIN, 'handle_delayed_dump') : 'setpriv',
    as === undefined ? args : [`--reuid=${as}`, `--regid=${as}`, '--clear-groups', join(BIN, 'handle_delayed_dump'), ...args],
    { reject: false, env: { PATH: '/usr/bin:/bin', ...extra }, extendEnv: false },
  );
  beforeEach(() => {
    opmon = join(dir, 'opmon');
    mkdirSync(opmon);
    dump = join(opmon, 'delayed-messages.dump');
    writeFileSync(join(dir, 'import-ok'), '#!/bin/sh\ncat "$1" >/dev/null\necho imported\n', { mode: 0o755 });
  });
  const HARD = ['--service-state', 'CRITICAL', '--state-type', 'HARD'];

  it('with no arguments and no NAGIOS_* environment, says what it needs', async () => {
    const r = await handler([]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/^handle_delayed_dump: needs the service state and its type: .*--service-state \$SERVICESTATE\$ --state-type \$SERVICESTATETYPE\$/);
  });

  it('refuses values that are not Nagios states or state types, from options or environment', async () => {
    for (const [args, e, re] of [
      [['--service-state', 'CRTICAL', '--state-type', 'HARD'], {}, /--service-state: 'CRTICAL' is not a Nagios state/],
      [['--service-state', 'CRITICAL', '--state-type', 'HRAD'], {}, /--state-type: 'HRAD' is not a state type/],
      [[...HARD, '--on', 'CRTICAL'], {}, /--on: 'CRTICAL' is not a Nagios state/],
      [[], { NAGIOS_SERVICESTATE: 'CRTICAL', NAGIOS_SERVICESTATETYPE: 'HARD' }, /\$NAGIOS_SERVICESTATE: 'CRTICAL'/],
    ] as [string[], Record<string, string>, RegExp][]) {
      const r = await handler(['-f', dump, ...args], e);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stdout).toMatch(re);
    }
  });

  it('a directory or a FIFO at the dump path: a clear refusal before anything is created', async () => {
    mkdirSync(dump);
    const d = await handler(['-f', dump, ...HARD, '--dry-run']);
    expect(d.exitCode).toBe(1);
    expect(d.stdout).toMatch(/refused: .* is a directory, not a dump file; nothing done/);
    const d2 = await handler(['-f', dump, ...HARD, '--import-command', join(dir, 'import-ok')]);
    expect(d2.stdout).toMatch(/is a directory/);
    expect(existsSync(join(opmon, 'delayed-messages.archive'))).toBe(false);
    const fifo = join(opmon, 'fifo.dump');
    await execa('mkfifo', [fifo]);
    const f = await handler(['-f', fifo, ...HARD, '--import-command', join(dir, 'import-ok')]);
    expect(f.exitCode).toBe(1);
    expect(f.stdout).toMatch(/is a FIFO, not a dump file/);
    expect(readdirSync(opmon).filter((n) => n.includes('archive') || n.includes('.lock'))).toEqual([]);
  });

  it('a missing dump directory is said as such, not as "another import is running"', async () => {
    const r = await handler(['-f', join(dir, 'nope', 'delayed-messages.dump'), ...HARD]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/the dump's directory .*nope does not exist \(check -f\)/);
    expect(r.stdout).not.toMatch(/another import/);
  });

  it('counts the dump as the check does', async () => {
    writeFileSync(dump, [...Array.from({ length: 42 }, (_, i) => `check_results m${i}`), 'garbage-without-a-message'].join('\n') + '\n');
    const c = await runBin('check_delayed_dump', ['-f', dump], env);
    expect(c.line1).toMatch(/42 undelivered messages .*1 malformed line/);
    const r = await handler(['-f', dump, ...HARD, '--import-command', `${join(dir, 'import-ok')} {file}`]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/imported 42 messages and 1 malformed line from/);
  });

  it.skipIf(!isRoot)('a lock it may not create says why and names the owner', async () => {
    chmodSync(dir, 0o755);
    writeFileSync(dump, 'check_results a\n', { mode: 0o644 });
    writeFileSync(join(dir, 'import-ok'), '#!/bin/sh\necho imported\n', { mode: 0o755 });
    const r = await handler(['-f', dump, ...HARD, '--import-command', join(dir, 'import-ok')], {}, 65534);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/failed: cannot create the lock file .*: permission denied \(.*opmon is owned by root; this run is nobody \(uid 65534\)\); nothing done/);
    expect(r.stdout).toMatch(/cannot write the action log .*permission denied/);
  });

  it.skipIf(!isRoot)('a manual run as root leaves what it creates owned like the dump directory, so the scheduler\'s next run works', async () => {
    chmodSync(dir, 0o755);
    chownSync(opmon, 65534, 65534);
    writeFileSync(dump, 'check_results a\ncheck_results b\n');
    chownSync(dump, 65534, 65534);
    const first = await handler(['-f', dump, ...HARD, '--import-command', `${join(dir, 'import-ok')} {file}`]);
    expect(first.exitCode, first.stdout).toBe(0);
    const archive = join(opmon, 'delayed-messages.archive');
    for (const p of [archive, join(opmon, 'handle_delayed_dump.log'), ...readdirSync(archive).map((n) => join(archive, n))]) expect(statSync(p).uid, p).toBe(65534);
    writeFileSync(dump, 'check_results c\n');
    chownSync(dump, 65534, 65534);
    const second = await handler(['-f', dump, ...HARD, '--import-command', `${join(dir, 'import-ok')} {file}`], {}, 65534);
    expect(second.exitCode, second.stdout).toBe(0);
    expect(second.stdout).toMatch(/imported 1 message from/);
    expect(readFileSync(join(opmon, 'handle_delayed_dump.log'), 'utf8')).toMatch(/imported 1 message;/);
  });
});
