/**
 * check_broker_command_timeouts: command calls between a Shinken broker, its modules and their
 * workers that timed out or failed. Pipeline: tail each log (rotation-safe) -> scan candidate
 * lines -> batch of this run's events -> window over saved batches -> thresholds -> summary.
 */
import { coerce, type OptionSpecs, type OptionsOf } from '../../lib/cli.js';
import type { CheckOutcome, Finding, Metric, PluginDefinition, RunContext } from '../../lib/plugin.js';
import { State } from '../../lib/status.js';
import { array, nullable, obj, optional, record, str, type Schema } from '../../lib/state/schema.js';
import { FILE_POSITION, type FilePosition } from '../../lib/tail/identity.js';
import { LOG_READ_OPTIONS, lostFinding, staleLogFinding } from '../../lib/tail/options.js';
import { brokerLineBuffer } from './line-kernel.js';
import { noteTail } from '../../lib/tail/report.js';
import { tailFile } from '../../lib/tail/tail.js';
import { formatBytes, formatDuration } from '../../lib/units.js';
import { notBrokerLog } from './format.js';
import { KINDS, type Kind } from './parse.js';
import { Scanner, type Filters, type ScanCarry } from './scan.js';
import { BATCH, keep, merge, newBatch, type Batch, type Group } from './window.js';


interface BrokerState {
  files: Record<string, FilePosition>;
  batches: Batch[];
  carry: ScanCarry;
  /** logs that looked like broker logs once: they stay recognised (a long line at the end later is no reason to doubt them) */
  recognised?: string[];
}

const BROKER_STATE: Schema<BrokerState> = obj<BrokerState>({
  files: record(FILE_POSITION, 1000),
  batches: array(BATCH, 5000),
  carry: obj<ScanCarry>({ forkBlock: nullable(str(1 << 20)) }),
  recognised: optional(array(str(4096), 1000)),
});

const CRITICAL_KINDS: Kind[] = ['timeouts_failed', 'send_errors', 'exec_errors'];
const LABEL: Record<Kind, string> = {
  timeouts_failed: 'failed (second timeout)',
  send_errors: 'failed to send (error)',
  exec_errors: 'failed to execute (error)',
  timeouts_retried: 'timed out once (retried)',
  wrong_answers: 'got another answer (retried)',
  unknown_commands: 'unknown command received',
  fork_cleanup_errors: 'fork cleanup error block',
};

function severity(g: Group): number {
  let s = 0;
  for (const k of KINDS) {
    const n = g.counts[k] ?? 0;
    if (n) s += (CRITICAL_KINDS.includes(k) ? 1e6 : 1e3) + n;
  }
  return s;
}

function where(g: Group): string {
  return [g.broker, g.module, g.command].filter(Boolean).join('/');
}

function describe(g: Group): string {
  const parts = KINDS.filter((k) => g.counts[k]).map((k) => `${g.counts[k]} ${LABEL[k]}`);
  const exec = g.execMax !== undefined ? `; slowest ${g.execMax}s` : '';
  const last = g.last ? `; last ${g.last.time}: ${g.last.text}` : '';
  return `${where(g)}: ${parts.join(', ') || 'no failures'}${exec}${last}`;
}

const defaultLog = '/var/log/shinken/brokerd.log';

const OPTIONS = {
  file: { alias: 'f', type: 'string', array: true, default: [defaultLog], requiresArg: true, coerce: coerce.list(), describe: 'Broker log; repeatable' },
  'from-start': { type: 'boolean', default: false, describe: 'On a first run, read the whole log (default: start at its end so history does not alert)' },
  ...LOG_READ_OPTIONS,
  'stale-log': {
    type: 'string', default: '1h', requiresArg: true, coerce: coerce.duration(),
    describe: 'WARNING when a log has not been written for this long (is the broker running?); 0 = never. A quiet live broker at INFO may write nothing for many minutes',
  },
  window: {
    type: 'string', default: '15m', requiresArg: true, coerce: coerce.duration(),
    describe: 'An event counts for this long after the run that read it (15m: 5-minute checks x 3 attempts reach HARD); 0 = only since the last run',
  },
  broker: { type: 'string', array: true, default: [], requiresArg: true, coerce: coerce.list(), describe: 'Only these broker names; repeatable' },
  module: { type: 'string', array: true, default: [], requiresArg: true, coerce: coerce.list(), describe: 'Only these modules; repeatable' },
  command: { type: 'string', array: true, default: [], requiresArg: true, coerce: coerce.list(), describe: 'Only these command names (e.g. get_module_info); repeatable' },
  missing: { type: 'string', default: 'UNKNOWN', requiresArg: true, coerce: coerce.state(), describe: 'State when a log does not exist' },
  'ignore-device': { type: 'boolean', default: false, describe: 'Recognise the log by inode only (device numbers change across reboots on some storage)' },
  'max-line': { type: 'string', default: '1MiB', requiresArg: true, coerce: coerce.size(256), describe: 'Longer lines are cut and counted' },
} as const satisfies OptionSpecs;

export type Options = OptionsOf<typeof OPTIONS>;

async function run(ctx: RunContext<Options>): Promise<CheckOutcome> {
  const o = ctx.opts;
  const files = [...new Set(o.file)];
  const filters: Filters = { broker: o.broker, module: o.module, command: o.command };
  const state = await ctx.openState([files.join('\n'), filters], BROKER_STATE);
  const prev: BrokerState = state.data ?? { files: {}, batches: [], carry: { forkBlock: null } };
  const now = Date.now();
  const batch: Batch = newBatch(now);
  const carry: ScanCarry = { ...prev.carry };
  const scanner = new Scanner(batch, filters, carry);
  const findings: Finding[] = [];
  const positions: Record<string, FilePosition> = {};
  let bytes = 0;

  const recognised = new Set((prev.recognised ?? []).filter((f) => files.includes(f)));
  let absent = 0; // logs that have never existed: nothing can be said about them
  let foreign = 0; // files that are not broker logs: neither
  for (const f of files) {
    const r = await tailFile(f, prev.files[f], scanner, {
      // a log that appeared since the previous run is new in full; only a true first run skips history
      firstRun: o.fromStart || (state.data !== undefined && !prev.files[f]) ? 'start' : 'end', ignoreDev: o.ignoreDevice, maxLine: o.maxLine, stateLost: ctx.stateLost, buffer: brokerLineBuffer,
      deadline: ctx.deadline, onPhase: ctx.setPhase, rotatedDirs: o.rotatedDir,
    });
    const lost = lostFinding(r, o.lostLines);
    if (lost) findings.push(lost);
    bytes += r.bytesRead;
    if (r.position) positions[f] = r.position;
    noteTail(ctx, f, r);
    if (r.status === 'missing' && !r.position) { findings.push({ state: o.missing, text: `${f} does not exist (yet)` }); absent++; }
    else if (r.status === 'missing') findings.push({ state: o.missing, text: `${f} is missing (rotated and not recreated?)` });
    else {
      const why = recognised.has(f) ? null : notBrokerLog(f);
      if (why) { findings.push({ state: State.UNKNOWN, text: `${f} does not look like a Shinken broker log: ${why}; check -f` }); foreign++; }
      else {
        if (r.position) recognised.add(f);
        // a wrong -f is UNKNOWN; its age says nothing about a broker
        const stale = staleLogFinding(f, r.mtimeMs, o.staleLog, now, 'the broker');
        if (stale) findings.push(stale);
      }
    }
  }

  scanner.finish(); // what was read from bytes, added to its groups
  const windowMs = o.window * 1000;
  const batches = keep(prev.batches, batch, now, windowMs);
  state.save({ files: positions, batches, carry, ...(recognised.size ? { recognised: [...recognised] } : {}) });

  // each group's severity once (a comparator computing it per comparison was 4-7 ms of a run with 345 groups)
  const groups = merge(batches).map((g) => ({ g, s: severity(g) })).sort((a, b) => b.s - a.s).map((x) => x.g);
  const total = (k: Kind) => groups.reduce((s, g) => s + (g.counts[k] ?? 0), 0);
  const execMax = groups.reduce<number | null>((m, g) => (g.execMax === undefined ? m : Math.max(m ?? 0, g.execMax)), null);
  // no log read at all: nothing was measured, and the perfdata says so (U), not 0
  const blind = absent + foreign === files.length;
  const metrics: Metric[] = [
    ...KINDS.map((k) => ({ name: k, value: blind ? null : total(k), min: 0 })),
    { name: 'exec_time_max', value: blind ? null : execMax, uom: 's' as const, min: 0 },
  ];
  const span = o.window > 0 ? `in the last ${formatDuration(o.window)}` : 'since the last check';
  const problems = groups.filter((g) => KINDS.some((k) => g.counts[k]));

  return {
    metrics,
    findings,
    summary: (ev) => {
      const extra = findings.map((f) => f.text);
      let s: string;
      if (problems.length === 0 && blind) {
        return extra.join('; '); // "no failures" would claim what was never read
      } else if (problems.length === 0) {
        const read = absent ? `${files.length - absent} of ${files.length} logs` : `${files.length} log${files.length === 1 ? '' : 's'}`;
        s = `no command call failures ${span} (read ${formatBytes(bytes)} from ${read})`;
      } else {
        const failed = total('timeouts_failed') + total('send_errors') + total('exec_errors');
        const head = failed > 0
          ? `${failed} command call${failed === 1 ? '' : 's'} failed ${span}`
          : `command call problems ${span}, none failed yet`;
        const worst = problems.slice(0, 3).map((g) => `${where(g)} (${KINDS.filter((k) => g.counts[k]).map((k) => `${g.counts[k]} ${k}`).join(', ')})`).join('; ');
        s = `${head}: ${worst}${problems.length > 3 ? `; +${problems.length - 3} more` : ''}`;
        if (failed > 0 && ev.state !== State.OK) s += '; module data (Livestatus answers, UI) may be stale';
      }
      return extra.length ? `${extra.join('; ')}; ${s}` : s;
    },
    // described when the output reaches them: of hundreds of groups, a few dozen fit
    details: { length: problems.length, at: (k: number) => (k < problems.length ? describe(problems[k]) : undefined) },
    json: { groups: problems },
  };
}


export const definition: PluginDefinition<typeof OPTIONS> = {
  name: 'check_broker_command_timeouts',
  label: 'BROKER_COMMANDS',
  description:
    'Reads Shinken broker logs incrementally (rotation and copytruncate safe) and alerts on [ COMMAND CALL ]\n' +
    'timeouts and errors between the broker, its modules and their workers, and on fork-cleanup errors.',
  options: OPTIONS,
  examples: [
    ['check_broker_command_timeouts', 'defaults: WARNING on retries, CRITICAL on failed calls, over 15 minutes'],
    ['check_broker_command_timeouts -f /var/log/shinken/brokerd.log --module Livestatus', 'only the Livestatus module'],
    ['check_broker_command_timeouts -w timeouts_retried=5 -c exec_time_max=2', 'tolerate a few retries; CRITICAL when a call took over 2s'],
  ],
  metrics: [
    { name: 'timeouts_failed', help: 'calls given up after a second timeout (default CRITICAL > 0)' },
    { name: 'send_errors', help: 'calls that failed with an error (default CRITICAL > 0)' },
    { name: 'exec_errors', help: 'received commands that failed to execute (default CRITICAL > 0)' },
    { name: 'timeouts_retried', help: 'first timeouts, retried once (default WARNING > 0)' },
    { name: 'wrong_answers', help: 'another answer received, retried (default WARNING > 0)' },
    { name: 'unknown_commands', help: 'unknown commands received (default WARNING > 0)' },
    { name: 'fork_cleanup_errors', help: 'ERROR blocks of [ CLEAN AFTER FORK ], one per block (default WARNING > 0)' },
    { name: 'exec_time_max', uom: 's', help: 'slowest "was executed by the module M in Xs" seen (no default)' },
  ],
  primary: 'timeouts_failed',
  defaults: {
    timeouts_failed: { crit: '0' }, send_errors: { crit: '0' }, exec_errors: { crit: '0' },
    timeouts_retried: { warn: '0' }, wrong_answers: { warn: '0' }, unknown_commands: { warn: '0' }, fork_cleanup_errors: { warn: '0' },
  },
  helpEpilogue: 'Fork-cleanup events carry no broker name, so --broker does not filter them out.',
  run,
};
