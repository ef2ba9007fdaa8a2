// Issue 26: every way a check can go blind raises its state. Each case runs the built executables
// as a scheduler does; the rotation cases run the real logrotate between plugin runs.
import { execa } from 'execa';
import { appendFileSync, existsSync, mkdirSync, readdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { broker as L } from '../fixtures';
import { BIN, perfValue, runBin, scratch, validatePerfdata } from '../helpers';
import { UmSim } from '../um-sim';

const B = 'check_broker_command_timeouts';
let dir: string;
let log: string;
let env: Record<string, string>;

scratch('brokerd.log', (s) => ({ dir, file: log, env } = s));

const failures = (n: number) => appendFileSync(log, Array.from({ length: n }, () => `${L.failed()}\n`).join(''));
const hasLogrotate = existsSync('/usr/sbin/logrotate');

describe.skipIf(!hasLogrotate)('logrotate between runs (the real logrotate): planted events counted exactly once', () => {
  const variants: [string, string, boolean][] = [
    ['olddir', 'olddir old\ncreateolddir 0755 root root\nrotate 5', true],
    ['olddir + compress', 'olddir old\ncreateolddir 0755 root root\nrotate 5\ncompress', true],
    ['olddir + compress + delaycompress', 'olddir old\ncreateolddir 0755 root root\nrotate 5\ncompress\ndelaycompress', true],
    ['olddir + dateext', 'olddir old\ncreateolddir 0755 root root\nrotate 5\ndateext\ndateformat -%Y%m%d-%s', true],
    ['olddir + copytruncate', 'olddir old\ncreateolddir 0755 root root\nrotate 5\ncopytruncate', true],
    ['beside the log, compress + delaycompress + dateext', 'rotate 5\ncompress\ndelaycompress\ndateext\ndateformat -%Y%m%d-%s', false],
  ];
  for (const [name, directives, olddir] of variants) {
    it(name, async () => {
      const conf = join(dir, 'logrotate.conf');
      writeFileSync(conf, `${log} {\n${directives}\nmissingok\n}\n`);
      const rotate = async () => {
        await execa('/usr/sbin/logrotate', ['-f', '-s', join(dir, 'logrotate.state'), conf]);
        await new Promise((r) => setTimeout(r, 1100)); // dateext names carry seconds
      };
      const args = ['-f', log, '--window', '0', ...(olddir ? ['--rotated-dir', join(dir, 'old')] : [])];
      writeFileSync(log, `${L.noise(0)}\n`);
      expect((await runBin(B, args, env)).code).toBe(0);
      let counted = 0;
      let planted = 0;
      for (const [before, after] of [[3, 2], [1, 0], [4, 1]]) {
        failures(before);
        await rotate();
        failures(after);
        planted += before + after;
        const r = await runBin(B, args, env);
        expect(r.line1, r.stdout).not.toMatch(/may be lost/);
        counted += perfValue(r, 'timeouts_failed') ?? 0;
        expect(r.code).toBe(before + after ? 2 : 0);
      }
      expect(counted).toBe(planted);
      if (olddir) expect(readdirSync(join(dir, 'old')).length).toBeGreaterThan(0);
    });
  }

  it('olddir without --rotated-dir: the lost lines raise the state (WARNING, or --lost-lines), never OK with a note', async () => {
    const conf = join(dir, 'logrotate.conf');
    writeFileSync(conf, `${log} {\nolddir old\ncreateolddir 0755 root root\nrotate 5\nmissingok\n}\n`);
    writeFileSync(log, `${L.noise(0)}\n`);
    await runBin(B, ['-f', log, '--window', '0'], env);
    failures(3);
    await execa('/usr/sbin/logrotate', ['-f', '-s', join(dir, 'logrotate.state'), conf]);
    writeFileSync(log, `${L.noise(1)}\n`);
    const r = await runBin(B, ['-f', log, '--window', '0', '--dry-run'], env);
    expect(r.code).toBe(1);
    expect(r.line1).toMatch(/^BROKER_COMMANDS WARNING - \S+brokerd.log was rotated and the old file was not found in \S+: lines written to it after byte \d+ may be lost \(--rotated-dir names where rotated logs go\)/);
    const crit = await runBin(B, ['-f', log, '--window', '0', '--lost-lines', 'CRITICAL', '--dry-run'], env);
    expect(crit.code).toBe(2);
    const found = await runBin(B, ['-f', log, '--window', '0', '--rotated-dir', join(dir, 'old')], env);
    expect(perfValue(found, 'timeouts_failed')).toBe(3);
    expect(found.line1).not.toMatch(/may be lost/);
  });

  it('the UM checks take --rotated-dir and --lost-lines too', async () => {
    const lbm = join(dir, 'lbmmon.log');
    const sim = new UmSim(lbm);
    sim.add('riskcalc', 'receiver', 0x5b9);
    sim.sample();
    expect((await runBin('check_um_naks', ['-f', lbm], env)).code).toBe(0);
    mkdirSync(join(dir, 'old'));
    sim.sample();
    await execa('mv', [lbm, join(dir, 'old', 'lbmmon.log.1')]);
    sim.sample();
    const lost = await runBin('check_um_naks', ['-f', lbm, '--dry-run'], env);
    expect(lost.code, lost.stdout).toBe(1);
    expect(lost.line1).toMatch(/was rotated and the old file was not found in .*may be lost/);
    const found = await runBin('check_um_naks', ['-f', lbm, '--rotated-dir', join(dir, 'old'), '--dry-run'], env);
    expect(found.line1).not.toMatch(/may be lost/);
    expect(found.code).toBe(0);
    // a receiver without an event queue: the event-queue check says it saw none; never OK
    expect((await runBin('check_um_event_queue', ['-f', lbm, '--rotated-dir', join(dir, 'old'), '--lost-lines', 'CRITICAL', '--dry-run'], env)).code).not.toBe(0);
  });
});

describe('a dead broker: --stale-log', () => {
  it('a log nobody wrote for 2 hours is WARNING by default (1h), with the wording of the UM checks; 0 turns it off', async () => {
    writeFileSync(log, `${L.noise(0)}\n`);
    await runBin(B, ['-f', log], env);
    const old = Date.now() / 1000 - 7200;
    utimesSync(log, old, old);
    const r = await runBin(B, ['-f', log], env);
    expect(r.code).toBe(1);
    expect(r.line1).toMatch(/^BROKER_COMMANDS WARNING - \S+ not written for 2h: is the broker running\?/);
    expect((await runBin(B, ['-f', log, '--stale-log', '0'], env)).code).toBe(0);
    expect((await runBin(B, ['-f', log, '--stale-log', '3h'], env)).code).toBe(0);
  });
});

describe('unmeasured is U', () => {
  it('a missing broker log: UNKNOWN with every metric U, in text and JSON', async () => {
    const r = await runBin(B, ['-f', join(dir, 'absent.log')], env);
    expect(r.code).toBe(3);
    for (const k of ['timeouts_failed', 'send_errors', 'exec_errors', 'timeouts_retried', 'exec_time_max']) expect(r.perf[k], k).toMatch(/^U(;|$)/);
    const j = JSON.parse((await runBin(B, ['-f', join(dir, 'absent.log'), '--output-format', 'json'], env)).stdout);
    expect(j.metrics.length).toBeGreaterThan(0);
    for (const m of j.metrics) expect(m.value, m.name).toBeNull();
  });

  it('--missing ok on the UM checks: OK, but the perfdata says nothing was measured', async () => {
    for (const p of ['check_um_naks', 'check_um_event_queue']) {
      const r = await runBin(p, ['-f', join(dir, 'absent.log'), '--missing', 'ok'], env);
      expect(r.code, p).toBe(0);
      const perf = r.line1.split(' | ')[1];
      expect(validatePerfdata(perf).length, p).toBeGreaterThan(0);
      expect(perf, p).toMatch(/^('\w+'=U ?)+$/);
    }
  });

  it('a usage error prints U too (a graph never gets a zero nobody measured)', async () => {
    const r = await runBin('check_delayed_dump', ['-t', '10:'], env);
    expect(r.code).toBe(3);
    expect(r.line1).toMatch(/-t\/--timeout: '10:' ends in ':' with no state .* \| 'messages'=U/);
  });
});

describe('the dump', () => {
  it('every line unreadable: UNKNOWN, and never "no undelivered messages"', async () => {
    const dump = join(dir, 'delayed-messages.dump');
    writeFileSync(dump, 'nospace\nanother\n\u0000\u0001binary\n');
    const r = await runBin('check_delayed_dump', ['-f', dump], env);
    expect(r.code).toBe(3);
    expect(r.line1).not.toMatch(/no undelivered messages/);
    expect(r.line1).toMatch(/is not an OpMon dump.*3 lines that no importer can read, no well-formed message/);
  });
});

describe('the -t budget', () => {
  it('--fetch-wait longer than -t: the -t state, the message names -t, and it returns within -t', async () => {
    const fifo = join(dir, 'opmon.cmd');
    await execa('mkfifo', [fifo]);
    const holder = execa('bash', ['-c', `exec 3<>"${fifo}"; sleep 20`], { reject: false });
    try {
      const opmonLog = join(dir, 'opmon.log');
      writeFileSync(opmonLog, '[1700000000] OpMon starting\n');
      const dump = join(dir, 'd.dump');
      const t0 = Date.now();
      const r = await runBin('check_delayed_dump', ['-f', dump, '--fetch', '--command-file', fifo, '--opmon-log', opmonLog, '--fetch-wait', '30s', '-t', '3:CRITICAL'], env);
      expect(Date.now() - t0).toBeLessThan(3500);
      expect(r.code).toBe(2);
      expect(r.line1).toMatch(/OpMon did not answer _OPDB_FETCH_DELAYED within the [\d.]+s that -t 3 left of --fetch-wait 30s \(raise -t\)/);
    } finally {
      holder.kill();
    }
  });

  it('--dump-wait longer than -t: the same', async () => {
    const fifo = join(dir, 'opmon.cmd');
    await execa('mkfifo', [fifo]);
    const holder = execa('bash', ['-c', `exec 3<>"${fifo}"; sleep 20`], { reject: false });
    try {
      const dump = join(dir, 'd.dump');
      writeFileSync(dump, 'q a\n');
      const r = await runBin('check_delayed_dump', ['-f', dump, '--request-dump', '--command-file', fifo, '--dump-wait', '30s', '-t', '2:CRITICAL'], env);
      expect(r.code).toBe(2);
      expect(r.line1).toMatch(/OpMon did not rewrite \S+ within the [\d.]+s that -t 2 left of --dump-wait 30s \(raise -t\)/);
      expect(r.line1).not.toMatch(/within 30s/);
    } finally {
      holder.kill();
    }
  });

  it('a state lock held by another run: the wait is half of -t, said so, in the -t state', async () => {
    const dump = join(dir, 'd.dump');
    writeFileSync(dump, 'q a\n');
    await runBin('check_delayed_dump', ['-f', dump], env);
    const lock = readdirSync(join(dir, 'state')).find((f) => !f.endsWith('.lock'))!;
    const holder = execa('sleep', ['20'], { reject: false });
    try {
      const start = (await execa('cat', [`/proc/${holder.pid}/stat`])).stdout.split(') ')[1].split(' ')[19];
      writeFileSync(join(dir, 'state', `${lock}.lock`), JSON.stringify({ pid: holder.pid, start, since: Date.now() }));
      const r = await runBin('check_delayed_dump', ['-f', dump, '-t', '2:WARNING'], env);
      expect(r.code).toBe(1);
      expect(r.line1).toMatch(/another run holds the state lock .*gave up after 1\.0s \(half of -t 2\)/);
    } finally {
      holder.kill();
    }
  });
});

describe('paths as they are', () => {
  it("a '|' in a path is shown as %7C, never as another plausible path, and the perfdata stays valid", async () => {
    const r = await runBin(B, ['-f', join(dir, 'a|b.log')], env);
    expect(r.code).toBe(3);
    expect(r.line1).toContain(`${dir}/a%7Cb.log does not exist`);
    expect(r.line1).not.toContain(`${dir}/a/b.log`);
    expect(r.line1.split('|').length).toBe(2); // one perfdata separator
    expect(validatePerfdata(r.line1.split('|')[1]).length).toBeGreaterThan(0);
  });
});

describe('one vocabulary: --from-start', () => {
  it('the UM checks read the whole log on a first run (as --initial-bytes with no limit)', async () => {
    const lbm = join(dir, 'lbmmon.log');
    const sim = new UmSim(lbm);
    const rcv = sim.add('riskcalc', 'receiver', 0x5b9);
    rcv.evq = {};
    for (let i = 0; i < 40; i++) sim.sample();
    for (const p of ['check_um_naks', 'check_um_event_queue']) {
      const some = await runBin(p, ['-f', lbm, '--initial-bytes', '8KiB', '-v', '--dry-run'], env);
      const all = await runBin(p, ['-f', lbm, '--from-start', '-v', '--dry-run'], env);
      const blocks = (s: string) => Number(/(\d+) blocks/.exec(s)?.[1]);
      expect(all.code, `${p}: ${all.stdout}`).toBeLessThan(3);
      expect(blocks(all.stdout), `${p}: ${all.stdout}`).toBeGreaterThanOrEqual(40); // every sample's blocks
      expect(blocks(some.stdout), `${p}: ${some.stdout}`).toBeLessThan(blocks(all.stdout) / 4);
    }
  });
});

describe('the multi-call binary as a plugin', () => {
  it('an unknown name, with or without arguments: exit 3 and one UNKNOWN line on stdout naming the programs', async () => {
    const link = join(dir, 'check_delayed_dump.sh');
    symlinkSync(join(BIN, 'msgwatch'), link);
    for (const args of [[], ['-w', '1']]) {
      const r = await execa(link, args, { reject: false });
      expect(r.exitCode).toBe(3);
      expect(r.stdout.split('\n')).toHaveLength(1);
      expect(r.stdout).toMatch(/^MSGWATCH UNKNOWN - invoked as "check_delayed_dump.sh": this name is not a msgwatch program \(it serves check_delayed_dump, check_broker_command_timeouts, check_um_naks, check_um_event_queue, check_um_store, check_um_dro, check_gearman_queues, handle_delayed_dump\)$/);
    }
    const sub = await execa(join(BIN, 'msgwatch'), ['check_nosuch', '-w', '1'], { reject: false });
    expect(sub.exitCode).toBe(3);
    expect(sub.stdout).toMatch(/^MSGWATCH UNKNOWN - "check_nosuch" is not a msgwatch program/);
    const help = await execa(join(BIN, 'msgwatch'), [], { reject: false });
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/Programs \(each has --help\)/);
  });
});

describe('the look of a broker log is judged on lines', () => {
  it('a real log whose newest line is long and cut (a DEBUG "Executing command" of 1 MiB) is still a broker log', async () => {
    writeFileSync(log, `${L.noise(0)}\n${L.failed()}\n`);
    appendFileSync(log, `${L.noise(1)} Executing command [ ${'x'.repeat(1 << 20)}`); // the writer stopped mid-line
    const r = await runBin(B, ['-f', log, '--from-start'], env);
    expect(r.line1).not.toMatch(/does not look like/);
    expect(r.code).toBe(2);
  });

  it('a log recognised before stays recognised, even behind a 20 MiB line', async () => {
    writeFileSync(log, `${L.noise(0)}\n`);
    expect((await runBin(B, ['-f', log], env)).code).toBe(0);
    appendFileSync(log, `${L.noise(1)} ${'y'.repeat(20 << 20)}`);
    const r = await runBin(B, ['-f', log], env);
    expect(r.line1).not.toMatch(/does not look like/);
    expect(r.code).toBe(0);
    // a file never seen as a broker log is still judged: a binary is UNKNOWN
    const bin = join(dir, 'other.log');
    writeFileSync(bin, Buffer.alloc(100_000, 0xa5));
    expect((await runBin(B, ['-f', bin], env)).code).toBe(3);
  });
});
