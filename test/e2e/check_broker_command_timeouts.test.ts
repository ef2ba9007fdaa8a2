import { execa } from 'execa';
import { appendFileSync, chmodSync, copyFileSync, readdirSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { broker as L, ts } from '../fixtures';
import { BIN, perfValue, runBin, scratch } from '../helpers';

const P = 'check_broker_command_timeouts';
let dir: string;
let log: string;
let env: Record<string, string>;

scratch('brokerd.log', (s) => ({ dir, file: log, env } = s));

const add = (path: string, lines: string[]) => appendFileSync(path, lines.map((l) => l + '\n').join(''));
const run = (args: string[] = []) => runBin(P, ['-f', log, ...args], env);
const KINDS = ['timeouts_failed', 'send_errors', 'exec_errors', 'timeouts_retried', 'wrong_answers', 'unknown_commands', 'fork_cleanup_errors'];
const counts = (r: Awaited<ReturnType<typeof run>>) => Object.fromEntries(KINDS.map((k) => [k, perfValue(r, k)]));

describe('check_broker_command_timeouts', () => {
  it('first run starts at the end: history does not alert', async () => {
    add(log, [L.failed(), L.failed()]);
    const r = await run();
    expect(r.code).toBe(0);
    expect(r.line1).toMatch(/^BROKER_COMMANDS OK - no command call failures in the last 15m/);
  });

  it('--from-start reads the whole log; every seed example counts under its metric', async () => {
    add(log, [
      L.noise(1), L.retried(), L.wrong(), L.failed(), L.sendError(), L.executed('0.143'), L.executed('2.5'), L.unknown(),
      L.executing(), ...L.execError(), ...L.forkCleanupError(), ...L.forkCleanupInfo(), L.noise(2),
    ]);
    const r = await run(['--from-start']);
    expect(r.code).toBe(2);
    expect(counts(r)).toEqual({ timeouts_failed: 1, send_errors: 1, exec_errors: 1, timeouts_retried: 1, wrong_answers: 1, unknown_commands: 1, fork_cleanup_errors: 1 });
    expect(r.perf.exec_time_max).toBe('2.5s;;;0');
    expect(r.perf.timeouts_failed).toBe('1;;0;0');
    expect(r.line1).toMatch(/3 command calls failed in the last 15m: broker-master\/Livestatus\/get_module_info/);
    expect(r.stdout).toMatch(/with error: Exception -- Exception/); // traceback attached to its event
  });

  it('each kind alone gives its default state', async () => {
    const cases: [string[], number][] = [
      [[L.retried()], 1], [[L.wrong()], 1], [[L.unknown()], 1], [L.forkCleanupError(), 1],
      [[L.failed()], 2], [[L.sendError()], 2], [L.execError(), 2], [[L.executed('9')], 0], [L.forkCleanupInfo(), 0],
    ];
    for (const [lines, code] of cases) {
      writeFileSync(log, lines.join('\n') + '\n');
      const r = await runBin(P, ['-f', log, '--from-start', '--dry-run'], env);
      expect(r.code, lines[0]).toBe(code);
    }
  });

  it('tolerates spacing and padding variants', async () => {
    const t = ts();
    add(log, [
      `[${t}] ERROR: [broker-master] [Livestatus] [COMMAND CALL] [pid:3736] [CP Server Thread-46] Failed to send command call [get_module_info] for module Livestatus because of timeout (1s).`,
      `[${t}] ERROR   : [ broker-master   ] [ Livestatus      ] [ COMMAND CALL ] [ pid:3736] [ CP Server Thread-46 ] Failed to send command call [ get_module_info ] for module Livestatus because of timeout (5s).`,
      `[${t}] WARNING : [ broker-master ] [ WebUI ] [ COMMAND CALL ] [ PID:29341 ] [ Thread-1 ] The command call [ get_stats ] for module WebUI was sent, but the call timed out (5s). Will retry one time.`,
      `[${t}] ERROR : [ Livestatus ] [ CLEAN AFTER FORK ] [ pid:20404] [ sla ] On linux system ...`,
    ]);
    const r = await run(['--from-start']);
    expect(counts(r)).toMatchObject({ timeouts_failed: 2, timeouts_retried: 1, fork_cleanup_errors: 1 });
    expect(r.stdout).toContain('broker-master/WebUI/get_stats');
  });

  it('garbage, binary and truncated lines are skipped, never a crash', async () => {
    appendFileSync(log, Buffer.concat([
      Buffer.from('garbage COMMAND CALL without a prefix\n[2026-13-99 99:99:99] ERROR : [ x ] [ COMMAND CALL ]\n'),
      Buffer.from([0xff, 0xfe, 0x00, 0x43, 0x4f, 0x4d, 0x4d, 0x41, 0x4e, 0x44, 0x20, 0x43, 0x41, 0x4c, 0x4c, 0x0a]),
      Buffer.from(`${L.failed()}\r\n`),
      Buffer.from('[' + 'x'.repeat(3 << 20) + ' COMMAND CALL\n'),
      Buffer.from(`${L.failed().slice(0, 60)}`), // cut off mid-line: left for the next run
    ]));
    const r = await run(['--from-start']);
    expect([0, 1, 2]).toContain(r.code);
    expect(perfValue(r, 'timeouts_failed')).toBe(1);
    expect(r.stdout).toMatch(/over-long lines cut/);
  });

  it('a file that is not a broker log (binary, no line end) is UNKNOWN, not "no failures"; a broker log with noise is not', async () => {
    writeFileSync(log, Buffer.alloc(100_000, 0xa5));
    let r = await run();
    expect(r.code).toBe(3);
    expect(r.line1).toMatch(/^BROKER_COMMANDS UNKNOWN - \S+ does not look like a Shinken broker log: no line ends in its last \d+ KiB; check -f \|/);
    writeFileSync(log, `${'garbage\n'.repeat(1000)}${L.noise(1)}\n${'more garbage\n'.repeat(100)}`);
    r = await run();
    // rewritten in place (same inode, other bytes) with no copy anywhere: whatever was written
    // between the runs is unknown, and that is never OK
    expect(r.code).toBe(1);
    expect(r.line1).toMatch(/was rewritten in place and no copy of it was found in .*may be lost/);
    r = await run();
    expect(r.code).toBe(0);
  });

  it('filters by broker, module and command', async () => {
    add(log, [L.failed('get_module_info'), L.failed('get_stats'), L.sendError('get_stats')]);
    let r = await runBin(P, ['-f', log, '--from-start', '--dry-run', '--command', 'get_stats'], env);
    expect(perfValue(r, 'timeouts_failed')).toBe(1);
    expect(perfValue(r, 'send_errors')).toBe(1);
    r = await runBin(P, ['-f', log, '--from-start', '--dry-run', '--module', 'WebUI'], env);
    expect(r.code).toBe(0);
    r = await runBin(P, ['-f', log, '--from-start', '--dry-run', '--broker', 'broker-master', '--module', 'Livestatus'], env);
    expect(perfValue(r, 'timeouts_failed')).toBe(2);
    r = await runBin(P, ['-f', log, '--from-start', '--dry-run', '--broker', 'broker-spare'], env);
    expect(perfValue(r, 'timeouts_failed')).toBe(0);
  });

  it('the window keeps an event up (sticky), then clears it', async () => {
    add(log, [L.noise(0)]);
    await run(['--window', '2s']);
    add(log, [L.failed()]);
    let r = await run(['--window', '2s']);
    expect(r.code).toBe(2);
    r = await run(['--window', '2s']);
    expect(r.code).toBe(2); // nothing new, still inside the window
    await new Promise((res) => setTimeout(res, 2200));
    r = await run(['--window', '2s']);
    expect(r.code).toBe(0);
    expect(r.line1).toMatch(/no command call failures in the last 2s/);
  });

  it('--window 0 counts only what was read since the previous run', async () => {
    add(log, [L.noise(0)]);
    await run(['--window', '0']);
    add(log, [L.failed(), L.failed()]);
    expect(perfValue(await run(['--window', '0']), 'timeouts_failed')).toBe(2);
    const r = await run(['--window', '0']);
    expect(perfValue(r, 'timeouts_failed')).toBe(0);
    expect(r.line1).toMatch(/since the last check/);
  });

  it('rotation between runs (rename and copytruncate): every line counted exactly once', async () => {
    let expected = 0;
    let seen = 0;
    add(log, [L.noise(0)]);
    await run(['--window', '0']);
    const step = async (n: number, rotate: () => void) => {
      add(log, Array.from({ length: n }, () => L.failed()));
      expected += n;
      rotate();
      add(log, [L.failed()]);
      expected += 1;
      seen += perfValue(await run(['--window', '0']), 'timeouts_failed')!;
    };
    await step(3, () => renameSync(log, `${log}.2026-11-20`));
    await step(4, () => { copyFileSync(log, `${log}.1`); truncateSync(log, 0); });
    await step(2, () => { renameSync(`${log}.2026-11-20`, `${log}.2026-11-19`); renameSync(log, `${log}.2026-11-20`); });
    seen += perfValue(await run(['--window', '0']), 'timeouts_failed')!;
    expect(seen).toBe(expected);
  });

  it('several files, each with its own position', async () => {
    const log2 = join(dir, 'brokerd-spare.log');
    add(log, [L.noise(0)]);
    add(log2, [L.noise(0)]);
    await runBin(P, ['-f', log, '-f', log2], env);
    add(log, [L.failed()]);
    add(log2, [L.failed(), L.sendError()]);
    const r = await runBin(P, ['-f', log, '-f', log2], env);
    expect(perfValue(r, 'timeouts_failed')).toBe(2);
    expect(perfValue(r, 'send_errors')).toBe(1);
  });

  it('a log that does not exist yet: UNKNOWN by default, --missing to change; then read from its start', async () => {
    let r = await run();
    expect(r.code).toBe(3);
    expect(r.line1).toMatch(/does not exist \(yet\)/);
    r = await run(['--missing', 'OK']);
    expect(r.code).toBe(0);
    add(log, [L.failed(), L.noise(1)]);
    r = await run();
    expect(perfValue(r, 'timeouts_failed')).toBe(1);
  });

  it('20 concurrent runs against a growing log never double-count', async () => {
    add(log, [L.noise(0)]);
    await run(['--window', '0']);
    let written = 0;
    let reported = 0;
    for (let wave = 0; wave < 4; wave++) {
      add(log, Array.from({ length: 5 }, () => L.failed()));
      written += 5;
      const runs = await Promise.all(Array.from({ length: 5 }, () => run(['--window', '0'])));
      for (const r of runs) if (r.code !== 3) reported += perfValue(r, 'timeouts_failed')!;
    }
    reported += perfValue(await run(['--window', '0']), 'timeouts_failed')!;
    expect(reported).toBe(written);
  });
});

describe.skipIf(process.getuid?.() !== 0)('an unreadable log (run as another user)', () => {
  it('is UNKNOWN with the file and the reason, for every log reader', async () => {
    chmodSync(dir, 0o755);
    add(log, [L.failed()]);
    chmodSync(log, 0o600);
    for (const p of ['check_broker_command_timeouts', 'check_um_naks', 'check_um_event_queue']) {
      const sd = `/tmp/msgwatch-unreadable-${process.pid}-${p}`; // somewhere nobody may create it
      const r = await execa('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', join(BIN, p), '-f', log, '--state-dir', sd],
        { reject: false, env: { PATH: '/usr/bin:/bin' }, extendEnv: false });
      rmSync(sd, { recursive: true, force: true });
      expect(r.exitCode, p).toBe(3);
      expect(String(r.stdout).trimEnd().split('\n'), p).toEqual([expect.stringMatching(new RegExp(` UNKNOWN - cannot read ${log}: permission denied \\| ('\\w+'=U ?)+$`))]);
    }
  });

  it('ends by -t + 0.5 s on a 1 MiB line of repeated near-matches (the lazy regexes took 10-20 s with -t 3)', async () => {
    const head = '[2026-11-22 10:00:00] ERROR : [ broker-1 ] [ livedata ] [ COMMAND CALL ] [ PID:1 ] [ t ] ';
    for (const [pre, frag] of [['The command call [', 'c] for module M was sent but the call ti'], ['Failed to send command call [ x ] for module ', 'M because of timeou'],
      ['The command call [ x ] was executed by the module ', 'M in 1.5 sx in ']]) {
      writeFileSync(log, head + pre + frag.repeat(Math.ceil(1000000 / frag.length)) + '\n' + L.failed() + '\n');
      const t0 = Date.now();
      const r = await run(['--from-start', '-t', '3', '--dry-run']);
      expect(Date.now() - t0, frag).toBeLessThan(3500);
      expect(r.code, frag).toBe(2); // and the real failure after it still counts
      expect(perfValue(r, 'timeouts_failed')).toBe(1);
    }
  });

  it('batches saved "after now" (the clock went back) are not counted again on every run', async () => {
    add(log, [L.failed()]);
    expect((await run(['--from-start', '--window', '0'])).code).toBe(2);
    const sd = join(dir, 'state');
    const f = join(sd, readdirSync(sd).find((n) => n.endsWith('.json'))!);
    const st = JSON.parse(readFileSync(f, 'utf8'));
    st.savedAt += 120_000; // as if the clock went back two minutes since that run
    for (const b of st.data.batches) b.seenAt += 120_000;
    writeFileSync(f, JSON.stringify(st));
    for (let i = 0; i < 2; i++) {
      const r = await run(['--window', '0']);
      expect(r.code, r.stdout).toBe(0);
      expect(perfValue(r, 'timeouts_failed')).toBe(0);
    }
  });
});
