/**
 * handle_delayed_dump: an OpMon/Nagios event handler that re-imports the delayed-messages dump
 * the way the vendor's manual procedure does, without its risks: one run at a time, a verified
 * archive copy before anything else, the dump touched only after a successful import and only
 * for what was imported, every step logged. Exit 0: did what was needed (including nothing);
 * 1: refused by a guard (lock held, OpMon still running); 2: failed (dump left in place).
 */
import { existsSync, readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { helpText, parseArgs } from '../../lib/cli.js';
import { expandExtraOpts } from '../../lib/extra-opts.js';
import { installCrashGuards, reportMemory } from '../../lib/exit.js';
import { describeError, errnoText, PluginError, UsageError } from '../../lib/errors.js';
import { ownerOf, processAlive, userName } from '../../lib/files.js';
import { wrapText } from '../../lib/help.js';
import { cutBytes } from '../../lib/output.js';
import { Lock, LockError } from '../../lib/state/lock.js';
import { counted } from '../../lib/units.js';
import { versionLine } from '../../lib/version.js';
import { writeAllSync } from '../../lib/write.js';
import { archiveDump } from './archive.js';
import { dryRunGearman, gearmanImport, policyOf as queuePolicyOf } from './gearman-run.js';
import { decide, type Policy, type Trigger } from './decide.js';
import { commandLine, runImport } from './importer.js';
import { Journal } from './journal.js';
import { recover, settle } from './settle.js';
import { EXAMPLES, EXIT, NAME, OPTIONS, USAGE, type Opts } from './options.js';
export { describeHandler } from './options.js';

function pidAlive(pidFile: string): { alive: boolean; pid: number | null } {
  let text: string;
  try { text = readFileSync(pidFile, 'utf8'); } catch { return { alive: false, pid: null }; }
  const pid = Number(text.trim().split(/\s+/)[0]);
  if (!Number.isInteger(pid) || pid <= 0) return { alive: false, pid: null };
  return { alive: processAlive(pid), pid };
}

const STATES = ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'];
const TYPES = ['SOFT', 'HARD'];

/** The trigger, from the options or the NAGIOS_* environment; a value that is not a Nagios state is refused, never ignored. */
function triggerOf(o: Opts): Trigger {
  const state = o.serviceState ?? process.env.NAGIOS_SERVICESTATE;
  const type = o.stateType ?? process.env.NAGIOS_SERVICESTATETYPE;
  const attempt = o.attempt ?? process.env.NAGIOS_SERVICEATTEMPT;
  if (state === undefined && type === undefined) {
    throw new UsageError('needs the service state and its type: run it as the event handler of the dump check (the scheduler sets NAGIOS_SERVICESTATE and NAGIOS_SERVICESTATETYPE), or pass --service-state $SERVICESTATE$ --state-type $SERVICESTATETYPE$ --attempt $SERVICEATTEMPT$');
  }
  const from = (opt: unknown, env: string, flag: string) => (opt !== undefined ? flag : `$${env}`);
  if (state === undefined || !STATES.includes(state.toUpperCase())) {
    throw new UsageError(`${from(o.serviceState, 'NAGIOS_SERVICESTATE', '--service-state')}: '${state ?? ''}' is not a Nagios state (${STATES.join(', ')})`);
  }
  if (type === undefined || !TYPES.includes(type.toUpperCase())) {
    throw new UsageError(`${from(o.stateType, 'NAGIOS_SERVICESTATETYPE', '--state-type')}: '${type ?? ''}' is not a state type (SOFT, HARD)`);
  }
  if (attempt !== undefined && attempt !== '' && !/^\d{1,6}$/.test(attempt)) {
    throw new UsageError(`${from(o.attempt, 'NAGIOS_SERVICEATTEMPT', '--attempt')}: '${attempt}' is not an attempt number`);
  }
  return { state: state.toUpperCase(), type: type.toUpperCase(), attempt: attempt ? Number(attempt) : null };
}

function policyOf(o: Opts): Policy {
  const on = o.on.flatMap((s) => s.split(',')).map((s) => s.trim().toUpperCase()).filter(Boolean);
  const bad = on.find((s) => !STATES.includes(s));
  if (bad !== undefined || on.length === 0) throw new UsageError(`--on: '${bad ?? ''}' is not a Nagios state (${STATES.join(', ')})`);
  return { on, softAttempt: o.softAttempt ?? null };
}

const KIND = (st: Stats) => (st.isDirectory() ? 'a directory' : st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : 'not a regular file');

/** "permission denied (X is owned by root; this run is nagios (uid 110))" */
function why(e: unknown, path: string): string {
  const t = errnoText(e);
  if (!/permission denied|not permitted/.test(t)) return t;
  return `${t} (${path} is owned by ${ownerOf(path)}; this run is ${userName(process.geteuid?.() ?? -1)})`;
}

async function handle(o: Opts, j: Journal, d: { act: boolean; why: string }, dirSt: Stats): Promise<{ code: number; summary: string }> {
  if (!d.act) {
    j.log(`did nothing: ${d.why}`);
    return { code: 0, summary: `nothing done (${d.why})` };
  }
  j.log(`triggered by ${d.why}`);
  const archiveDir = o.archiveDir ?? join(dirname(o.file), 'delayed-messages.archive');

  // what is at the dump path: refused before anything is created if it is not a file
  let st: Stats | null = null;
  try { st = statSync(o.file); } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new PluginError(`cannot read ${o.file}: ${why(e, o.file)}`);
  }
  if (st && !st.isFile()) {
    j.log(`refused: ${o.file} is ${KIND(st)}, not a dump file; nothing done`);
    return { code: 1, summary: `refused: ${o.file} is ${KIND(st)}, not a dump file; nothing done (check -f)` };
  }

  const lock = new Lock(join(dirname(o.file), `.${basename(o.file)}.handler.lock`));
  if (!o.dryRun) {
    try {
      await lock.acquire(o.lockWait * 1000);
    } catch (e) {
      if (e instanceof LockError && e.busy) {
        const msg = `another import is running${e.holder ? ` (pid ${e.holder})` : ''}; gave up after ${o.lockWait}s`;
        j.log(`refused: ${msg}`);
        return { code: 1, summary: `refused: ${msg}` };
      }
      const reason = e instanceof LockError ? e.reason : errnoText(e);
      const msg = `cannot create the lock file ${lock.path}: ${/permission/.test(reason) ? why(Object.assign(new Error(reason), { code: 'EACCES' }), dirname(o.file)) : reason}; nothing done`;
      j.log(`failed: ${msg}`);
      return { code: 2, summary: `failed: ${msg}` };
    }
  }
  try {
    // before anything else: what an interrupted run left aside goes back to the dump, exactly once
    let taken: string[] = [];
    if (o.dryRun) {
      for (const n of readdirSync(dirname(o.file)).filter((x) => x.startsWith(`${basename(o.file)}.importing-`) || x.startsWith(`${basename(o.file)}.settle-`))) {
        j.log(`would take back ${join(dirname(o.file), n)}, left by an interrupted run`);
      }
    } else {
      taken = recover(o.file);
      for (const line of taken) j.log(line);
      st = statSync(o.file, { throwIfNoEntry: false }) ?? null;
    }
    if (o.requireStopped) {
      const p = pidAlive(o.requireStopped);
      if (p.alive) {
        j.log(`refused: the process in ${o.requireStopped} (pid ${p.pid}) is running; stop OpMon first`);
        return { code: 1, summary: `refused: OpMon (pid ${p.pid}) is running; stop it first (--require-stopped)` };
      }
    }
    const size = st?.size ?? 0;
    if (size === 0) {
      j.log(`nothing to do: ${o.file} is ${existsSync(o.file) ? 'empty' : 'absent'}`);
      return { code: 0, summary: `nothing to do: ${o.file} is ${existsSync(o.file) ? 'empty' : 'absent'}${taken.length ? ` (${taken.join('; ')})` : ''}` };
    }
    if (o.dryRun && o.gearman.length) return dryRunGearman(o, j, archiveDir);
    if (o.dryRun) {
      const cmd = commandLine(o.importCommand, join(archiveDir, `${basename(o.file)}.<timestamp>`));
      j.log(`would copy ${o.file} (${size} bytes) to ${archiveDir}, verify it, run: ${cmd}, then remove the imported lines from the dump`);
      return { code: 0, summary: `dry run: would archive ${size} bytes and run ${cmd}` };
    }

    let copy;
    try {
      copy = archiveDump(o.file, archiveDir, dirSt);
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code ? why(e, existsSync(archiveDir) ? archiveDir : dirname(archiveDir)) : describeError(e);
      j.log(`failed to archive ${o.file} into ${archiveDir}: ${reason}; nothing imported, dump untouched`);
      return { code: 2, summary: `failed: cannot archive the dump into ${archiveDir} (${reason}); dump untouched` };
    }
    const what = `${counted(copy.messages, 'message')}${copy.malformed ? ` and ${counted(copy.malformed, 'malformed line')}` : ''}`;
    j.log(`archived ${what} (${copy.bytes} bytes, sha256 ${copy.sha256.slice(0, 16)}...) as ${copy.path}; copy verified`);
    if (o.gearman.length) return await gearmanImport(o, j, copy, archiveDir, dirSt);
    const cmd = commandLine(o.importCommand, copy.path);
    let pattern: RegExp | null = null;
    if (o.successPattern) pattern = new RegExp(o.successPattern);
    j.log(`running: ${cmd} (timeout ${o.importTimeout}s)`);
    const r = await runImport(cmd, o.importTimeout * 1000, pattern);
    j.log(`import ${r.ok ? 'succeeded' : 'FAILED'} (${r.why}); output:\n${r.output.trimEnd() || '(none)'}`);
    if (!r.ok) {
      j.log(`dump left in place; the archived copy ${copy.path} is kept for the vendor`);
      return { code: 2, summary: `import failed (${r.why}); ${what} left in ${o.file}, copy in ${copy.path}` };
    }
    const s = settle(o.file, copy);
    const after = s.how === 'absent' ? 'the dump had already been removed'
      : s.kept === 0 ? 'dump removed'
      : `${counted(s.kept, 'message')} added during the import ${s.kept === 1 ? 'was' : 'were'} kept in the dump`;
    j.log(`imported ${what}; ${after}`);
    return { code: 0, summary: `imported ${what} from ${o.file} (archived as ${copy.path}); ${after}` };
  } finally {
    lock.release();
  }
}

function say(lines: string[], code: number): void {
  // the scheduler logs this: each line cut at 1000 bytes, at most 8 KiB in all
  const out: string[] = [];
  let budget = 8192;
  for (const l of lines.slice(-60).map((x) => cutBytes(x.replace(/[\r\n]+/g, ' '), 1000))) {
    budget -= Buffer.byteLength(l) + 1;
    if (budget < 0) break;
    out.push(l);
  }
  writeAllSync(1, out.join('\n') + '\n');
  process.exitCode = code;
}

/** The handler's whole run; `argv` without the program name. */
export async function runHandler(argv: string[]): Promise<void> {
  // the plugins' crash guards: a crash is one line and exit 2 (an event handler's "failed")
  installCrashGuards((_what, e) => { say([`${NAME}: failed: internal error: ${describeError(e)}`], 2); process.exit(2); });
  await handlerMain(argv);
  if (process.env.MSGWATCH_MEMORY_REPORT) reportMemory(); // for the benchmark: peak RSS of an import
}

async function handlerMain(argv: string[]): Promise<void> {
  if (argv.includes('-h') || argv.includes('--help')) {
    writeAllSync(1, `${helpText(NAME, OPTIONS, USAGE, EXAMPLES, {}, 0)}\n\n${wrapText(EXIT)}\n`);
    return;
  }
  if (argv.includes('-V') || argv.includes('--version')) {
    writeAllSync(1, versionLine(NAME));
    return;
  }
  let o: Opts;
  let d: { act: boolean; why: string };
  let dirSt: Stats;
  try {
    argv = expandExtraOpts(argv, NAME, { ...OPTIONS, help: { alias: 'h' }, version: { alias: 'V' } });
    o = parseArgs(argv, OPTIONS, {});
    if (o.successPattern) new RegExp(o.successPattern);
    queuePolicyOf(o); // a --key-file that cannot be read is a usage error before anything is touched
    d = decide(triggerOf(o), policyOf(o));
    const dir = dirname(o.file);
    try { dirSt = statSync(dir); } catch (e) {
      throw new UsageError((e as NodeJS.ErrnoException).code === 'ENOENT' ? `the dump's directory ${dir} does not exist (check -f)` : `cannot reach the dump's directory ${dir}: ${errnoText(e)}`);
    }
    if (!dirSt.isDirectory()) throw new UsageError(`${dir} is not a directory (check -f)`);
  } catch (e) {
    return say([`${NAME}: ${(e as Error).message} (see ${NAME} --help)`], 2);
  }
  const j = new Journal(o.log ?? join(dirname(o.file), `${NAME}.log`), o.dryRun, dirSt);
  let res: { code: number; summary: string };
  try {
    res = await handle(o, j, d, dirSt);
  } catch (e) {
    const msg = e instanceof PluginError ? e.message : describeError(e);
    j.log(`failed: ${msg}`);
    res = { code: 2, summary: `failed: ${msg}` };
  }
  const summary = `${NAME}: ${res.summary}${j.problem ? `; ${j.problem}` : ''}`;
  say(o.verbose ? [...j.lines, summary] : [summary], res.code);
}

