/**
 * The end-to-end fuzzer: runs the built executables as a scheduler does, on mutated inputs and
 * random command lines, and checks what every run must satisfy:
 *   exit code 0-3; one well-formed first line (`LABEL STATE - ...`, or one JSON object when asked)
 *   under 1 KiB; valid, unique perfdata; output within --max-output (perfdata aside); no stack
 *   trace; ended by -t + 0.5 s; every perfdata value U when the run read nothing.
 * and, in a second kind of case, exact counts: known broker events appended in random pieces
 * across random rotations (beside the log, or into an olddir named by --rotated-dir) are counted
 * exactly once; a rotation into a directory nobody named is never OK.
 *
 * Seeded and reproducible: a failure names its seed and case; `npm run fuzz -- --seed S` replays.
 */
import { execa } from 'execa';
import { appendFileSync, copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, truncateSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
// @ts-expect-error: a plain .mjs module without types
import { rng } from '../gen/lbmmon.mjs';
import { allPerfdata, BIN, ROOT, validatePerfdata } from '../helpers';

export interface Failure { seed: number; case: number; what: string; argv: string[]; output: string }

export { rng };

const CHECKS = {
  check_delayed_dump: { label: 'DELAYED_DUMP', input: 'examples/data/delayed-messages.dump', metrics: ['messages', 'malformed', 'age', 'growth', 'bytes'] },
  check_broker_command_timeouts: { label: 'BROKER_COMMANDS', input: 'examples/data/brokerd.log', metrics: ['timeouts_failed', 'timeouts_retried', 'exec_time_max'] },
  check_um_naks: { label: 'UM_NAKS', input: 'examples/data/lbmmon.log', metrics: ['naks_unanswered', 'unrecoverable_loss', 'stale_apps'] },
  check_um_event_queue: { label: 'UM_EVENT_QUEUE', input: 'examples/data/lbmmon.log', metrics: ['queue_depth_max', 'stale_apps'] },
  check_um_store: { label: 'UM_STORE', input: 'examples/data/mcs-daemons.jsonl', metrics: ['unrecoverable', 'memory_pct', 'stale_stores'] },
  check_um_dro: { label: 'UM_DRO', input: 'examples/data/mcs-daemons.jsonl', metrics: ['drop_no_route', 'queue_pct', 'stale_daemons'] },
} as const;
type Check = keyof typeof CHECKS;

function mutate(r: () => number, base: Buffer): Buffer {
  let b = Buffer.from(base.subarray(0, Math.floor(r() * Math.min(base.length, 200_000)) + 1));
  const n = Math.floor(r() * 20);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(r() * (b.length + 1));
    const op = Math.floor(r() * 6);
    if (op === 0 && at < b.length) b[at] = Math.floor(r() * 256);
    else if (op === 1) b = Buffer.concat([b.subarray(0, at), Buffer.from([Math.floor(r() * 256)]), b.subarray(at)]);
    else if (op === 2) b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + Math.floor(r() * 500)))]);
    else if (op === 3) b = Buffer.concat([b.subarray(0, at), Buffer.alloc(Math.floor(r() * 300_000), r() < 0.5 ? 'a' : 0), b.subarray(at)]); // a huge line
    else if (op === 4) b = Buffer.concat([b, b.subarray(0, Math.floor(r() * b.length))]); // repeated content
    else b = Buffer.concat([b.subarray(0, at), Buffer.from('\r\n\t\u00e9\ufffd', 'utf8'), b.subarray(at)]);
  }
  return b;
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

function randomArgv(r: () => number, check: Check, file: string): { argv: string[]; timeout: number } {
  const m = CHECKS[check].metrics;
  const values = ['5', '-1:5', '10:20', '@3:9', '~:5', '.5', '0', '1e308', 'abc', '', '5:1', 'x'.repeat(3000), '%s', '-5', '1:', '~', ':'];
  const pool: (() => string[])[] = [
    () => ['-w', pick(r, values)], () => [`-w${pick(r, values)}`], () => ['-c', `${pick(r, m)}=${pick(r, values)}`],
    () => [`--warning=${pick(r, m)}=${pick(r, values)}`], () => ['-c', `${pick(r, ['bogus', ...m])}=${pick(r, values)}`],
    () => ['-t', pick(r, ['1', '2', '3s', '0', '0.001', 'abc', '2:CRITICAL', '5:WARNNG', '86401'])], () => [`-t${pick(r, ['2', '3s'])}`],
    () => ['-v'], () => ['-vvv'], () => ['--output-format', pick(r, ['json', 'text', 'xml'])], () => ['--max-output', pick(r, ['256', '1KiB', '100', 'huge'])],
    () => ['--dry-run'], () => [pick(r, ['--bogus', '-x', 'stray', '--', '-'])], () => ['--max-line', pick(r, ['256', '1', '64KiB', '1MiB'])],
    () => ['-f', pick(r, [file, '', '/nonexistent/dir/x', `${file}/..`, 'x'.repeat(5000)])],
  ];
  const argv = ['-f', file];
  const n = Math.floor(r() * 4);
  for (let i = 0; i < n; i++) argv.push(...pick(r, pool)());
  // -t as the plugin will take it (the last valid one; the default 10)
  let timeout = 10;
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i] === '-t' ? argv[i + 1] : argv[i].startsWith('-t') && argv[i].length > 2 ? argv[i].slice(2) : null;
    const s = v === null || v === undefined ? NaN : parseFloat(v);
    if (s >= 1 && s <= 86400) timeout = s;
  }
  return { argv, timeout };
}

/** What every run of a plugin must satisfy; returns what is wrong, or null. */
export function judge(label: string, argv: string[], code: number | undefined, stdout: string, stderr: string, ms: number, timeout: number): string | null {
  if (code === undefined || code < 0 || code > 3) return `exit code ${code}`;
  if (/\n\s+at .*:\d+:\d+/.test(stdout + stderr)) return 'a stack trace';
  if (stderr.trim() !== '') return `stderr: ${stderr.slice(0, 200)}`;
  const first = stdout.split('\n')[0];
  if (ms > timeout * 1000 + 500) return `ran ${ms} ms with -t ${timeout}`;
  if (stdout.startsWith('{')) {
    let o: { state?: string; exit_code?: number };
    try { o = JSON.parse(stdout); } catch { return 'output starts like JSON but does not parse'; }
    if (o.exit_code !== code) return `JSON exit_code ${o.exit_code} but the process exited ${code}`;
    return null;
  }
  if (Buffer.byteLength(first) > 1024) return `first line of ${Buffer.byteLength(first)} bytes`;
  if (!new RegExp(`^${label} (OK|WARNING|CRITICAL|UNKNOWN) - \\S`).test(first)) return `malformed first line: ${first.slice(0, 200)}`;
  const state = ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'][code];
  if (!first.startsWith(`${label} ${state} `)) return `first line says another state than exit ${code}`;
  let labels: string[];
  try { labels = validatePerfdata(allPerfdata(stdout)); } catch (e) { return (e as Error).message; }
  // a run that read nothing measured nothing: its perfdata is U, never a number
  // (a broker check given two logs of which one is missing measured the other: "from 1 of 2 logs")
  if (code === 3 && /does not exist|cannot read|is not a regular file|\(see \S+ --help\)|timed out|internal error/.test(first) && !/ from \d+ of \d+ logs\)/.test(first)
    && /'[^']+'=-?\d/.test(allPerfdata(stdout))) return `a number in the perfdata of a run that read nothing: ${first.slice(0, 200)}`;
  if (new Set(labels).size !== labels.length) return 'duplicate perfdata labels';
  // --max-output caps everything but the perfdata
  const cap = (() => {
    let c = 8192;
    for (let i = 0; i < argv.length; i++) if (argv[i] === '--max-output') { const v = /^(\d+)(KiB)?$/.exec(argv[i + 1] ?? ''); if (v && Number(v[1]) * (v[2] ? 1024 : 1) >= 256) c = Number(v[1]) * (v[2] ? 1024 : 1); }
    return c;
  })();
  const textBytes = Buffer.byteLength(stdout) - Buffer.byteLength(allPerfdata(stdout));
  if (textBytes > cap + 64) return `${textBytes} bytes of text with a cap of ${cap}`;
  return null;
}

async function runOne(name: string, argv: string[], env: Record<string, string>, timeout: number) {
  const t0 = Date.now();
  const r = await execa(join(BIN, name), argv, { env: { PATH: '/usr/bin:/bin', ...env }, extendEnv: false, reject: false, timeout: (timeout + 5) * 1000, stripFinalNewline: false });
  return { code: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr), ms: Date.now() - t0 };
}

/** Random command lines on mutated inputs. */
export async function fuzzRuns(seed: number, cases: number, dir: string): Promise<Failure[]> {
  const r = rng(seed);
  const failures: Failure[] = [];
  for (let i = 0; i < cases; i++) {
    const check = pick(r, Object.keys(CHECKS) as Check[]);
    const input = join(dir, `input-${i % 4}`);
    writeFileSync(input, mutate(r, readFileSync(join(ROOT, CHECKS[check].input))));
    const { argv, timeout } = randomArgv(r, check, input);
    if (check !== 'check_delayed_dump' && r() < 0.5) argv.push(check === 'check_broker_command_timeouts' ? '--from-start' : '--stale-log', ...(check === 'check_broker_command_timeouts' ? [] : ['1000d']));
    const env = { MSGWATCH_STATE_DIR: join(dir, `state-${i % 3}`) };
    const out = await runOne(check, argv, env, timeout);
    const what = judge(CHECKS[check].label, argv, out.code, out.stdout, out.stderr, out.ms, timeout);
    if (what) failures.push({ seed, case: i, what: `${check}: ${what}`, argv, output: out.stdout.slice(0, 2000) });
  }
  return failures;
}

/** Known broker events, appended in random pieces across random rotations: counted exactly once. */
export async function fuzzRotations(seed: number, rounds: number, dir: string): Promise<Failure[]> {
  const r = rng(seed);
  const log = join(dir, 'brokerd.log');
  const state = join(dir, 'rot-state');
  rmSync(state, { recursive: true, force: true });
  mkdirSync(state, { recursive: true });
  for (const f of readdirSync(dir)) if (f.startsWith('brokerd.log')) rmSync(join(dir, f), { force: true });
  writeFileSync(log, '');
  let events = 0;
  let pending = Buffer.alloc(0); // bytes written in pieces but not yet ending a line
  const failures: Failure[] = [];
  const old = join(dir, 'old');
  rmSync(old, { recursive: true, force: true });
  mkdirSync(old);
  const argv = ['-f', log, '--window', '30d', '--from-start', '--max-output', '256', '--rotated-dir', old];
  const env = { MSGWATCH_STATE_DIR: state };
  const stamp = () => new Date().toISOString().slice(0, 19).replace('T', ' ');
  await runOne('check_broker_command_timeouts', argv, env, 10); // the first run, on the empty log: every event comes after it
  for (let round = 0; round < rounds; round++) {
    // a few events and some noise, as one byte string, written in random pieces
    const lines: string[] = [];
    const n = Math.floor(r() * 4);
    for (let k = 0; k < n; k++) {
      lines.push(`[${stamp()}] ERROR  : [ broker-master ] [ Livestatus ] [ COMMAND CALL ] [ PID:${1000 + k} ] [ t ] Failed to send command call [ get_${round}_${k} ] for module Livestatus because of timeout`);
      events++;
      if (r() < 0.5) lines.push(`[${stamp()}] INFO   : [ broker-master ] noise ${round} ${'y'.repeat(Math.floor(r() * 200))}`);
    }
    let bytes = Buffer.concat([pending, Buffer.from(lines.map((l) => `${l}\n`).join(''))]);
    pending = Buffer.alloc(0);
    while (bytes.length > 0) {
      const cut = Math.min(bytes.length, 1 + Math.floor(r() * 200));
      appendFileSync(log, bytes.subarray(0, cut));
      bytes = bytes.subarray(cut);
      if (r() < 0.15) { // a check between two pieces, possibly mid-line
        const out = await runOne('check_broker_command_timeouts', argv, env, 10);
        const what = judge('BROKER_COMMANDS', argv, out.code, out.stdout, out.stderr, out.ms, 10);
        if (what) failures.push({ seed, case: round, what: `rotation run: ${what}`, argv, output: out.stdout.slice(0, 2000) });
      }
    }
    // rotate only at a line boundary, as loggers do
    const kind = pick(r, ['none', 'none', 'rename', 'rename+gzip', 'copytruncate', 'olddir'] as const);
    if (kind === 'olddir') {
      // logrotate's olddir: the rotated log moves to another directory, under a dated name
      renameSync(log, join(old, `brokerd.log-${round}-${Date.now()}`));
      writeFileSync(log, '');
      await new Promise((res) => setTimeout(res, 12));
    } else if (kind !== 'none') {
      // logrotate's numbering, keeping every rotation (none is deleted before a check reads it)
      const nums = readdirSync(dir).map((f) => /^brokerd\.log\.(\d+)(\.gz)?$/.exec(f)).filter((x): x is RegExpExecArray => !!x).sort((a, b) => Number(b[1]) - Number(a[1]));
      for (const x of nums) renameSync(join(dir, x[0]), join(dir, `brokerd.log.${Number(x[1]) + 1}${x[2] ?? ''}`));
      if (kind === 'copytruncate') { copyFileSync(log, `${log}.1`); truncateSync(log, 0); } else {
        renameSync(log, `${log}.1`);
        if (kind === 'rename+gzip') {
          const st = statSync(`${log}.1`);
          writeFileSync(`${log}.1.gz`, gzipSync(readFileSync(`${log}.1`)));
          utimesSync(`${log}.1.gz`, st.atime, st.mtime);
          unlinkSync(`${log}.1`);
        }
        writeFileSync(log, '');
      }
      await new Promise((res) => setTimeout(res, 12)); // file times have a clock-tick resolution
    }
  }
  const out = await runOne('check_broker_command_timeouts', argv, env, 10);
  const m = /'timeouts_failed'=(\d+)/.exec(out.stdout);
  if (!m || Number(m[1]) !== events) failures.push({ seed, case: rounds, what: `counted ${m?.[1]} of ${events} events`, argv, output: out.stdout.slice(0, 2000) });
  // a rotation into a directory the check was not told of: lines may be lost, and it is never OK
  appendFileSync(log, `[${stamp()}] INFO   : [ broker-master ] before the rotation\n`);
  const nowhere = join(dir, 'elsewhere');
  mkdirSync(nowhere, { recursive: true });
  renameSync(log, join(nowhere, 'brokerd.log.1'));
  writeFileSync(log, `[${stamp()}] INFO   : [ broker-master ] after the rotation\n`);
  const lost = await runOne('check_broker_command_timeouts', argv.map((a) => (a === '30d' ? '0' : a)), env, 10);
  if (lost.code === 0 || !/was rotated and the/.test(lost.stdout)) failures.push({ seed, case: rounds + 1, what: `exit ${lost.code} after a rotation into a directory not named by --rotated-dir`, argv, output: lost.stdout.slice(0, 2000) });
  return failures;
}

/**
 * The state as a directory: a run whose state could not be saved is never OK. Each case runs a
 * random command line once (making its state), puts a directory where each state file was, and
 * runs it again: that run must be well-formed and not OK (--dry-run, which never saves, aside).
 */
export async function fuzzUnsaved(seed: number, cases: number, dir: string): Promise<Failure[]> {
  const r = rng(seed);
  const failures: Failure[] = [];
  for (let i = 0; i < cases; i++) {
    const check = pick(r, Object.keys(CHECKS) as Check[]);
    const input = join(dir, `unsaved-input-${i}`);
    writeFileSync(input, mutate(r, readFileSync(join(ROOT, CHECKS[check].input))));
    const { argv, timeout } = randomArgv(r, check, input);
    if (argv.includes('--dry-run')) continue;
    const state = join(dir, `unsaved-state-${i}`);
    rmSync(state, { recursive: true, force: true });
    const env = { MSGWATCH_STATE_DIR: state };
    await runOne(check, argv, env, timeout);
    let files: string[] = [];
    try { files = readdirSync(state).filter((f) => f.endsWith('.json')); } catch { /* no state made: a usage error */ }
    if (files.length === 0) continue;
    for (const f of files) { unlinkSync(join(state, f)); mkdirSync(join(state, f)); }
    const out = await runOne(check, argv, env, timeout);
    const what = judge(CHECKS[check].label, argv, out.code, out.stdout, out.stderr, out.ms, timeout)
      ?? (out.code === 0 ? 'OK although its state could not be saved' : null);
    if (what) failures.push({ seed, case: i, what: `${check} (state a directory): ${what}`, argv, output: out.stdout.slice(0, 2000) });
  }
  return failures;
}
