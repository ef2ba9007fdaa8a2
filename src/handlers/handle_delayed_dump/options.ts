/** handle_delayed_dump's option table, its help texts and its description for the generators. */
import type { ProgramDescription } from '../../lib/check.js';
import { coerce, STANDARD_OPTIONS, type OptionSpecs, type OptionsOf } from '../../lib/cli.js';
import { parseServer } from '../../gearman/server.js';

export const NAME = 'handle_delayed_dump';
export const DEFAULT_DUMP = '/usr/local/opmon/var/delayed-messages.dump';

export const OPTIONS = {
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
  gearman: {
    type: 'string', array: true, default: [], requiresArg: true, coerce: (v: unknown) => (Array.isArray(v) ? v : [v]).map((x) => parseServer(String(x))),
    describe: 'Re-submit the dump to this Gearman job server (HOST[:PORT], port 4730 by default; repeatable: the next one on failure) instead of running --import-command',
  },
  'allow-no-worker': { type: 'boolean', default: false, describe: "Also submit into functions no worker serves on the server (by default their lines stay in the dump: such jobs wait in gearmand's memory, and a restart of gearmand before a worker comes loses them while the dump is gone)" },
  'low-priority': { type: 'boolean', default: false, describe: 'Submit as low-priority background jobs (SUBMIT_JOB_LOW_BG)' },
  rate: { type: 'string', default: '500', requiresArg: true, coerce: coerce.positiveInt(0), describe: 'At most this many jobs a second, gentle on a server that just came back (0: no limit)' },
  'max-queue-depth': { type: 'string', default: '10000', requiresArg: true, coerce: coerce.positiveInt(0), describe: "Pause while the target function's queue on the server holds more jobs than this (0: no guard)" },
  'journal-batch': { type: 'string', default: '100', requiresArg: true, coerce: coerce.positiveInt(), describe: 'fsync the journal of acknowledged jobs every this many: after a crash, at most this many may be submitted twice' },
  queue: { type: 'string', array: true, default: [], requiresArg: true, coerce: coerce.list(), describe: 'Re-submit these queues, jobs included (repeatable; default: the result queues check_results, perfdata and --result-queue); the others stay in the dump' },
  'retire-queue': { type: 'string', array: true, default: [], requiresArg: true, coerce: coerce.list(), describe: 'Take these queues out of the dump without re-running them (they are in the verified archive copy), e.g. host (repeatable)' },
  'result-queue': { type: 'string', array: true, default: [], requiresArg: true, coerce: coerce.list(), describe: "More result queues to re-submit by default, beside check_results and perfdata (mod_gearman's result_queue; repeatable)" },
  'key-file': { type: 'string', requiresArg: true, describe: "mod_gearman's keyfile: messages must decrypt with it (AES-256) to be re-submitted; never a key on the command line" },
  'accept-clear-results': { type: 'boolean', default: false, describe: "With --key-file: also re-submit unencrypted results (base64 text beginning type=) in check_results and --result-queue, as mod_gearman's accept_clear_results=yes takes them; off by default, as in mod_gearman" },
  'no-validate': { type: 'boolean', default: false, describe: 'Submit messages as they are, unchecked: only for dumps whose payloads are not mod_gearman jobs or results' },
  'skip-queue': { type: 'string', array: true, default: [], requiresArg: true, coerce: coerce.list(), describe: 'Do not re-submit these queues, e.g. eventhandler (repeatable); they stay in the dump' },
  verbose: { alias: 'v', type: 'count', describe: 'Print the whole log of this run, not only the summary line' },
  'extra-opts': STANDARD_OPTIONS['extra-opts'],
} as const satisfies OptionSpecs;

/** What the handler's run gets: the table is the type. */
export type Opts = OptionsOf<typeof OPTIONS>;

export const USAGE = `Usage: ${NAME} --service-state $SERVICESTATE$ --state-type $SERVICESTATETYPE$ --attempt $SERVICEATTEMPT$ [options]\n\n`
  + 'Event handler that re-imports the OpMon delayed-messages dump safely: one run at a time, a verified archive copy first, the dump touched only after a successful import and only for what was imported, every step in the action log.';
export const EXAMPLES: [string, string][] = [
  ['handle_delayed_dump --service-state $SERVICESTATE$ --state-type $SERVICESTATETYPE$ --attempt $SERVICEATTEMPT$', 'as the event_handler of the dump check: acts on CRITICAL HARD'],
  ['handle_delayed_dump --service-state CRITICAL --state-type HARD --dry-run -v', 'by hand: say what would be done, change nothing'],
  ["handle_delayed_dump --service-state CRITICAL --state-type HARD --require-stopped /var/run/opmon.pid --success-pattern 'imported'", 'the vendor procedure: only with OpMon stopped, and only an import that says it imported'],
];
export const EXIT = 'Exit status: 0 done, or nothing to do; 1 refused by a guard (another import running, OpMon running, not a dump file); 2 failed (dump left in place) or bad options. -h and -V exit 0.';

/** The handler's tables, for the generators (`msgwatch --describe`). */
export function describeHandler(): ProgramDescription {
  const cut = USAGE.indexOf('\n\n');
  return { name: NAME, description: USAGE.slice(cut + 2).trim(), options: OPTIONS, examples: EXAMPLES, metrics: [], exit: EXIT };
}

