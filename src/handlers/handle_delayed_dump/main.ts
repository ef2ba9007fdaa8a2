/**
 * handle_delayed_dump: an OpMon/Nagios event handler that re-imports the delayed-messages dump
 * the way the vendor's manual procedure does, without its risks: one run at a time, a verified
 * archive copy before anything else, the dump touched only after a successful import and only
 * for what was imported, every step logged. Exit 0: did what was needed (including nothing);
 * 1: refused by a guard (lock held, OpMon still running); 2: failed (dump left in place).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { coerce, helpText, parseArgs, type OptionSpecs } from '../../lib/cli.js';
import { describeError, PluginError, UsageError } from '../../lib/errors.js';
import { processAlive } from '../../lib/files.js';
import { Lock } from '../../lib/state/lock.js';
import { VERSION } from '../../lib/version.js';
import { writeAllSync } from '../../lib/write.js';
import { archiveDump } from './archive.js';
import { decide } from './decide.js';
import { commandLine, runImport } from './importer.js';
import { Journal } from './journal.js';
import { settle } from './settle.js';

const NAME = 'handle_delayed_dump';
const DEFAULT_DUMP = '/usr/local/opmon/var/delayed-messages.dump';

const OPTIONS: OptionSpecs = {
  'service-state': { type: 'string', requiresArg: true, describe: '$SERVICESTATE$ (default: $NAGIOS_SERVICESTATE)' },
  'state-type': { type: 'string', requiresArg: true, describe: '$SERVICESTATETYPE$ (default: $NAGIOS_SERVICESTATETYPE)' },
  attempt: { type: 'string', requiresArg: true, describe: '$SERVICEATTEMPT$ (default: $NAGIOS_SERVICEATTEMPT)' },
  on: { type: 'string', array: true, default: ['CRITICAL'], requiresArg: true, coerce: coerce.list(), describe: 'States to act on; repeatable or comma-separated' },
  'soft-attempt': { type: 'string', requiresArg: true, coerce: coerce.positiveInt(), describe: 'Also act at this SOFT attempt' },
  file: { alias: 'f', type: 'string', default: DEFAULT_DUMP, requiresArg: true, describe: 'The dump to re-import' },
  'archive-dir': { type: 'string', requiresArg: true, describe: 'Where verified copies are kept (default: <dump dir>/delayed-messages.archive)' },
  'import-command': {
    type: 'string', default: 'import_opmon_delayed_messages', requiresArg: true,
    describe: 'Run through /bin/sh; {file} is replaced by the (quoted) path of the archived copy',
  },
  'import-timeout': { type: 'string', default: '25s', requiresArg: true, coerce: coerce.duration(), describe: "Kill the import after this long (keep it below the scheduler's event_handler_timeout)" },
  'success-pattern': { type: 'string', requiresArg: true, describe: "Success also requires the import's output to match this regular expression" },
  'require-stopped': { type: 'string', requiresArg: true, describe: 'Refuse while the process in this pid file is alive (the vendor procedure: stop OpMon first)' },
  log: { type: 'string', requiresArg: true, describe: 'Action log (default: <dump dir>/handle_delayed_dump.log)' },
  'lock-wait': { type: 'string', default: '5s', requiresArg: true, coerce: coerce.duration(), describe: 'How long to wait for another run to finish' },
  'dry-run': { type: 'boolean', default: false, describe: 'Say what would be done; change nothing' },
  verbose: { alias: 'v', type: 'count', describe: 'Print the whole log of this run, not only the summary line' },
};

interface Opts {
  serviceState?: string; stateType?: string; attempt?: string; on: string[]; softAttempt?: number;
  file: string; archiveDir?: string; importCommand: string; importTimeout: number; successPattern?: string;
  requireStopped?: string; log?: string; lockWait: number; dryRun: boolean; verbose: number;
}

function pidAlive(pidFile: string): { alive: boolean; pid: number | null } {
  let text: string;
  try { text = readFileSync(pidFile, 'utf8'); } catch { return { alive: false, pid: null }; }
  const pid = Number(text.trim().split(/\s+/)[0]);
  if (!Number.isInteger(pid) || pid <= 0) return { alive: false, pid: null };
  return { alive: processAlive(pid), pid };
}

async function handle(o: Opts, j: Journal): Promise<{ code: number; summary: string }> {
  const d = decide(
    { state: o.serviceState ?? process.env.NAGIOS_SERVICESTATE ?? '', type: o.stateType ?? process.env.NAGIOS_SERVICESTATETYPE ?? '', attempt: Number(o.attempt ?? process.env.NAGIOS_SERVICEATTEMPT) || null },
    { on: o.on.flatMap((s) => s.split(',')).map((s) => s.trim().toUpperCase()).filter(Boolean), softAttempt: o.softAttempt ?? null },
  );
  if (!d.act) {
    j.log(`did nothing: ${d.why}`);
    return { code: 0, summary: `nothing done (${d.why})` };
  }
  j.log(`triggered by ${d.why}`);
  const archiveDir = o.archiveDir ?? join(dirname(o.file), 'delayed-messages.archive');

  const lock = new Lock(join(dirname(o.file), `.${basename(o.file)}.handler.lock`));
  if (!o.dryRun) {
    try {
      await lock.acquire(o.lockWait * 1000);
    } catch (e) {
      j.log(`refused: ${(e as Error).message}`);
      return { code: 1, summary: `refused: another import is running (${(e as Error).message})` };
    }
  }
  try {
    for (const n of readdirSync(dirname(o.file)).filter((x) => x.startsWith(`${basename(o.file)}.importing-`))) {
      j.log(`warning: ${join(dirname(o.file), n)} was left by an interrupted run; it holds messages that may need a re-import (its imported part is in ${archiveDir})`);
    }
    if (o.requireStopped) {
      const p = pidAlive(o.requireStopped);
      if (p.alive) {
        j.log(`refused: the process in ${o.requireStopped} (pid ${p.pid}) is running; stop OpMon first`);
        return { code: 1, summary: `refused: OpMon (pid ${p.pid}) is running; stop it first (--require-stopped)` };
      }
    }
    let size = 0;
    try { size = statSync(o.file).size; } catch { /* absent */ }
    if (size === 0) {
      j.log(`nothing to do: ${o.file} is ${existsSync(o.file) ? 'empty' : 'absent'}`);
      return { code: 0, summary: `nothing to do: ${o.file} is ${existsSync(o.file) ? 'empty' : 'absent'}` };
    }
    if (o.dryRun) {
      const cmd = commandLine(o.importCommand, join(archiveDir, `${basename(o.file)}.<timestamp>`));
      j.log(`would copy ${o.file} (${size} bytes) to ${archiveDir}, verify it, run: ${cmd}, then remove the imported lines from the dump`);
      return { code: 0, summary: `dry run: would archive ${size} bytes and run ${cmd}` };
    }

    let copy;
    try {
      copy = archiveDump(o.file, archiveDir);
    } catch (e) {
      j.log(`failed to archive ${o.file} into ${archiveDir}: ${describeError(e)}; nothing imported, dump untouched`);
      return { code: 2, summary: `failed: cannot archive the dump (${describeError(e)}); dump untouched` };
    }
    j.log(`archived ${copy.lines} messages (${copy.bytes} bytes, sha256 ${copy.sha256.slice(0, 16)}...) as ${copy.path}; copy verified`);
    const cmd = commandLine(o.importCommand, copy.path);
    let pattern: RegExp | null = null;
    if (o.successPattern) pattern = new RegExp(o.successPattern);
    j.log(`running: ${cmd} (timeout ${o.importTimeout}s)`);
    const r = await runImport(cmd, o.importTimeout * 1000, pattern);
    j.log(`import ${r.ok ? 'succeeded' : 'FAILED'} (${r.why}); output:\n${r.output.trimEnd() || '(none)'}`);
    if (!r.ok) {
      j.log(`dump left in place; the archived copy ${copy.path} is kept for the vendor`);
      return { code: 2, summary: `import failed (${r.why}); ${copy.lines} messages left in ${o.file}, copy in ${copy.path}` };
    }
    const s = settle(o.file, copy);
    const what = s.how === 'absent' ? 'the dump had already been removed'
      : s.kept === 0 ? 'dump removed'
      : `${s.kept} messages added during the import were kept in the dump`;
    j.log(`imported ${copy.lines} messages; ${what}`);
    return { code: 0, summary: `imported ${copy.lines} messages from ${o.file} (archived as ${copy.path}); ${what}` };
  } finally {
    lock.release();
  }
}

async function main(argv: string[]): Promise<void> {
  const usage = `Usage: ${NAME} --service-state $SERVICESTATE$ --state-type $SERVICESTATETYPE$ --attempt $SERVICEATTEMPT$ [options]\n\n` +
    'Event handler that re-imports the OpMon delayed-messages dump safely. Exit 0: done (or nothing to do);\n1: refused by a guard; 2: failed, dump left in place.';
  if (argv.includes('-h') || argv.includes('--help')) {
    writeAllSync(1, (await helpText(NAME, OPTIONS, usage, [], {})) + '\n');
    process.exitCode = 0;
    return;
  }
  if (argv.includes('-V') || argv.includes('--version')) {
    writeAllSync(1, `${NAME} v${VERSION} (msgwatch ${VERSION})\n`);
    return;
  }
  let o: Opts;
  try {
    o = parseArgs(argv, OPTIONS, {}) as unknown as Opts;
    if (o.successPattern) new RegExp(o.successPattern);
  } catch (e) {
    writeAllSync(1, `${NAME}: ${(e as Error).message} (see ${NAME} --help)\n`);
    process.exitCode = 2;
    return;
  }
  const j = new Journal(o.log ?? join(dirname(o.file), `${NAME}.log`), o.dryRun);
  let res: { code: number; summary: string };
  try {
    res = await handle(o, j);
  } catch (e) {
    const msg = e instanceof PluginError || e instanceof UsageError ? e.message : describeError(e);
    j.log(`failed: ${msg}`);
    res = { code: 2, summary: `failed: ${msg}` };
  }
  const out = o.verbose ? [...j.lines, `${NAME}: ${res.summary}`] : [`${NAME}: ${res.summary}`];
  writeAllSync(1, out.join('\n') + '\n');
  process.exitCode = res.code;
}

process.on('uncaughtException', (e) => { writeAllSync(1, `${NAME}: failed: internal error: ${describeError(e)}\n`); process.exit(2); });
process.on('unhandledRejection', (e) => { writeAllSync(1, `${NAME}: failed: internal error: ${describeError(e)}\n`); process.exit(2); });
void main(process.argv.slice(2));
