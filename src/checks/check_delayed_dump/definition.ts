/**
 * check_delayed_dump: counts OpMon's undelivered messages (delayed-messages.dump) and says what
 * to do about them. Pipeline: [request a fresh dump] -> read & count -> combine with state ->
 * thresholds (kit) -> summary.
 */
import { waitedText, waitWithin } from '../../lib/budget.js';
import { coerce, type OptionSpecs, type OptionsOf } from '../../lib/cli.js';
import type { CheckOutcome, Evaluation, Finding, Metric, PluginDefinition, RunContext } from '../../lib/plugin.js';
import { dataLabel } from '../../lib/perfdata.js';
import { label, parseServer } from '../../gearman/server.js';
import { workerLines } from './workers.js';
import { State, stateName, worst } from '../../lib/status.js';
import { counted, formatDuration } from '../../lib/units.js';
import { sortedQueues, type DumpCounts } from '../../dump/count.js';
import { isResultQueue } from '../../dump/queues.js';
import { shown } from '../../gearman/names.js';
import { compileAnswer, DEFAULT_FETCH_PATTERN } from './answer.js';
import { fetchQueued, type Fetched } from './fetch.js';
import { combine, DUMP_STATE, type History } from './history.js';
import { findAside } from './aside.js';
import { readDump } from './read.js';
import { requestDump, stamp, waitForChange } from './request.js';


const DEFAULT_DUMP = '/usr/local/opmon/var/delayed-messages.dump';

function iso(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

function summarize(file: string, exists: boolean, c: DumpCounts, queues: [string, number][], h: History, ev: Evaluation): string {
  if (exists && c.messages === 0 && c.malformed > 0) {
    // bytes are there: never call it empty; the finding before this says what they are
    return `${counted(c.malformed, 'line')} that no importer can read, no well-formed message`;
  }
  if (!exists || c.messages === 0) {
    const what = !exists ? `no undelivered messages (${file} absent)` : `no undelivered messages (dump empty)`;
    const re = h.reimported ? `; ${counted(h.reimported, 'message was', 'messages were')} re-imported or cleared since the last check` : '';
    const mal = c.malformed ? `; ${counted(c.malformed, 'malformed line')}` : '';
    return what + re + mal;
  }
  const top = queues.slice(0, 3).map(([q, n]) => `${q} ${n}`).join(', ');
  let s = `${counted(c.messages, 'undelivered message')} in ${counted(queues.length, 'queue')} (${top}${queues.length > 3 ? ', ...' : ''})`;
  if (h.since !== null) s += ` waiting since ${iso(h.since)} (${formatDuration(h.ageSeconds)})`;
  if (h.growth !== null && h.growth !== 0) s += `, ${h.growth > 0 ? '+' : ''}${h.growth} since the last check`;
  if (c.malformed) s += `; ${counted(c.malformed, 'malformed line')}`;
  if (ev.state !== State.OK) {
    s += '; check results and states were not delivered: stop OpMon and re-import with import_opmon_delayed_messages (or let the handle_delayed_dump event handler do it)';
  }
  return s;
}

/** `no-space 2, binary 1`: how many malformed lines of each kind */
function malformedKinds(c: DumpCounts): string {
  return Object.entries(c.malformedKinds).map(([k, n]) => `${k} ${n}`).join(', ');
}

/**
 * Queues named one per line in the long output, the largest first, in half of --max-output (the
 * first line, perfdata and other details share the rest); the rest are counted (all are in the
 * JSON output). Lines for every queue of 2,000 made 600 KB for an output cut at 8 KiB, and their
 * garbage grew the young generation (issue 44).
 */
function details(c: DumpCounts, queues: [string, number][], h: History, exists: boolean, maxBytes: number): string[] {
  const out: string[] = [];
  let bytes = 0;
  let k = 0;
  for (; k < queues.length && bytes < maxBytes; k++) {
    const [q, n] = queues[k];
    const label = dataLabel('queue_', q);
    const kind = isResultQueue(q) ? '' : ' (jobs: handle_delayed_dump --gearman leaves them in the dump; --queue to re-run, --retire-queue to archive)';
    const line = `queue ${q}: ${counted(n, 'message')}${label === `queue_${q}` ? '' : ` (perfdata '${label}')`}${kind}`;
    bytes += line.length + 1;
    out.push(line);
  }
  if (k < queues.length) {
    const rest = queues.slice(k).reduce((m, [, n]) => m + n, 0);
    out.push(`... ${counted(queues.length - k, 'more queue')} with ${counted(rest, 'message')} (each in --output-format json)`);
  }
  if (c.malformed) out.push(`malformed lines: ${c.malformed} (${malformedKinds(c)})`);
  for (const s of c.samples) out.push(`malformed line ${s.line}: ${s.kind}`);
  if (h.reimported) out.push(`the dump went from ${counted(h.reimported, 'message')} to ${exists ? 'empty' : 'absent'} since the last check (re-imported)`);
  return out;
}

const OPTIONS = {
  file: { alias: 'f', type: 'string', default: DEFAULT_DUMP, requiresArg: true, describe: 'The dump file' },
  missing: {
    type: 'string', default: 'OK', requiresArg: true, coerce: coerce.state(),
    describe: 'State when the dump does not exist (it is deleted after a re-import, so OK by default)',
  },
  'request-dump': { type: 'boolean', default: false, describe: 'Ask OpMon to write a fresh dump (_OPDB_DUMP_DELAYED) before reading' },
  'command-file': { type: 'string', default: '/usr/local/opmon/var/rw/opmon.cmd', requiresArg: true, describe: "OpMon's external command pipe (must be a FIFO)" },
  'dump-wait': { type: 'string', default: '5s', requiresArg: true, coerce: coerce.duration(), describe: 'How long to wait for OpMon to rewrite the dump after --request-dump' },
  'max-line': { type: 'string', default: '1MiB', requiresArg: true, coerce: coerce.size(256), describe: 'Lines longer than this are counted as malformed' },
  fetch: { type: 'boolean', default: false, describe: "Also ask OpMon for the live count of messages waiting in its memory (_OPDB_FETCH_DELAYED) and read its answer from --opmon-log" },
  'opmon-log': { type: 'string', default: '/usr/local/opmon/var/opmon.log', requiresArg: true, describe: 'Where OpMon writes its answer to --fetch' },
  'fetch-wait': { type: 'string', default: '5s', requiresArg: true, coerce: coerce.duration(), describe: 'How long to wait for the answer (within -t)' },
  'fetch-pattern': {
    type: 'string', default: DEFAULT_FETCH_PATTERN, requiresArg: true, coerce: (v: unknown) => compileAnswer(String(v)),
    describe: 'Regular expression (case-insensitive) for the answer line; its first matching capture group is the count',
  },
  gearman: {
    type: 'string', array: true, default: [], requiresArg: true,
    coerce: Object.assign((v: unknown) => (Array.isArray(v) ? v : [v]).map((x) => parseServer(String(x))), { placeholder: 'HOST[:PORT]' }),
    describe: "Name, in the long output, which of the dump's queues no worker serves on this job server now (repeatable)",
  },
  'queue-perfdata': { type: 'string', default: '20', requiresArg: true, coerce: coerce.positiveInt(0), describe: 'Per-queue perfdata for at most this many queues (largest first)' },
} as const satisfies OptionSpecs;

export type Options = OptionsOf<typeof OPTIONS>;

async function run(ctx: RunContext<Options>): Promise<CheckOutcome> {
  const o = ctx.opts;
  const findings: Finding[] = [];
  const state = await ctx.openState([o.file], DUMP_STATE);

  if (o.requestDump) {
    ctx.setPhase(`asking OpMon for a fresh dump through ${o.commandFile}`);
    const before = stamp(o.file);
    const r = requestDump(o.commandFile, Date.now());
    if (r.problem) findings.push(r.problem);
    if (r.sent) {
      ctx.setPhase(`waiting for OpMon to rewrite ${o.file}`);
      const wait = waitWithin(o.dumpWait * 1000, ctx.deadline, 500);
      if (!(await waitForChange(o.file, before, wait.until))) {
        const text = `OpMon did not rewrite ${o.file} ${waitedText(wait, '--dump-wait', o.dumpWait, ctx.timeout)} of the request; counted the existing file`;
        if (wait.cut) findings.push({ state: ctx.timeout.state, text });
        else ctx.note(text);
      }
    }
  }

  let live: Fetched | null = null;
  if (o.fetch) {
    live = await fetchQueued({ commandFile: o.commandFile, opmonLog: o.opmonLog, waitMs: o.fetchWait * 1000, pattern: o.fetchPattern, deadline: ctx.deadline, timeout: ctx.timeout }, ctx.setPhase);
    if (live.problem) findings.push(live.problem);
  }

  ctx.setPhase(`reading ${o.file}`);
  const dump = await readDump(o.file, o.maxLine, ctx.deadline);
  const c = dump.counts;
  // names as bytes (gearmand is asked by them), and as people read them (UTF-8): the output's
  const byBytes = sortedQueues(c);
  const queues: [string, number][] = byBytes.map(([q, n]) => [shown(q), n]);
  const now = Date.now();
  const h = combine(state.data, c.messages, dump.stat?.mtimeMs, now);
  if (!dump.exists && o.missing !== State.OK) {
    findings.push({ state: o.missing, text: `${o.file} does not exist` });
  }
  if (c.messages === 0 && c.malformed > 0) {
    // nothing in it can be re-imported, and a wrong -f (a log, a binary) looks just like this:
    // "OK, 0 messages" would hide it
    findings.push({ state: State.UNKNOWN, text: `${o.file} is not an OpMon dump: none of its ${counted(c.lines, 'line')} is '<queue> <message>' (${malformedKinds(c)}); check -f` });
  }
  for (const a of findAside(o.file)) {
    if (a.lines === 0) continue;
    findings.push(a.running
      ? { state: State.OK, text: `${counted(a.lines, 'line')} set aside in ${a.path} by handle_delayed_dump (pid ${a.pid}), importing now` }
      : { state: State.WARNING, text: `${counted(a.lines, 'line')} in ${a.path}, left aside by an interrupted handle_delayed_dump (pid ${a.pid}, gone): in no dump until the next handler run returns them` });
  }
  const workers = o.gearman.length ? (ctx.setPhase(`asking gearmand ${o.gearman.map(label).join(', ')}`), await workerLines(o.gearman, byBytes, ctx.deadline)) : [];
  const prevQueued = state.data?.queued ?? null;
  const queued = live?.queued ?? null;
  state.save({ ...h.next, ...(o.fetch ? { queued } : {}) });

  const metrics: Metric[] = [
    { name: 'messages', value: c.messages, min: 0 },
    { name: 'malformed', value: c.malformed, min: 0 },
    { name: 'bytes', value: dump.stat?.size ?? 0, uom: 'B', min: 0 },
    { name: 'age', value: h.ageSeconds, uom: 's', min: 0 },
    { name: 'growth', value: h.growth },
  ];
  if (o.fetch) {
    metrics.push({ name: 'queued', value: queued, min: 0 });
    metrics.push({ name: 'queued_growth', value: queued !== null && prevQueued !== null ? queued - prevQueued : null });
  }
  for (const [q, n] of queues.slice(0, o.queuePerfdata)) {
    metrics.push({ name: `queue_${q}`, label: dataLabel('queue_', q), value: n, min: 0, family: 'queue_messages', labels: { queue: q }, help: 'messages waiting in one queue of the dump' });
  }
  return {
    metrics,
    findings,
    summary: (ev) => {
      let base = summarize(o.file, dump.exists, c, queues, h, ev);
      if (o.fetch && queued !== null) {
        // both counts, each marked when it is the one that alerts
        const mark = (names: string[]) => {
          const s = worst(...names.map((n) => ev.metricStates.get(n) ?? State.OK));
          return s === State.OK ? '' : ` [${stateName(s)}]`;
        };
        const growth = prevQueued !== null && queued !== prevQueued ? `, ${queued > prevQueued ? '+' : ''}${queued - prevQueued} since the last check` : '';
        base = `live count: ${counted(queued, 'message')} waiting in OpMon's memory${growth}${mark(['queued', 'queued_growth'])}; dump: ${base}${mark(['messages', 'malformed', 'bytes', 'age', 'growth'])}`;
      }
      const extra = findings.map((f) => f.text);
      return extra.length ? `${extra.join('; ')}; ${base}` : base;
    },
    details: [
      ...(live?.queued !== null && live?.queued !== undefined ? [`OpMon's answer: ${live.lines[0]}`] : []),
      ...(live && live.queued === null && live.lines.length ? ['last lines of the OpMon log while waiting:', ...live.lines.map((l) => `  ${l}`)] : []),
      ...details(c, queues, h, dump.exists, ctx.maxOutput / 2),
      ...workers,
    ],
    json: { queues: Object.fromEntries(queues), since: h.since, reimported: h.reimported, ...(o.fetch ? { queued } : {}) },
  };
}

export const definition: PluginDefinition<typeof OPTIONS> = {
  name: 'check_delayed_dump',
  label: 'DELAYED_DUMP',
  description:
    "Counts the messages OpMon could not hand to Gearman, kept in its delayed-messages dump\n" +
    "(one '<queue> <message>' per line). Any line means check results were not delivered and\n" +
    'availability reports are wrong until the dump is re-imported.',
  options: OPTIONS,
  examples: [
    ['check_delayed_dump', 'WARNING as soon as the dump holds a message (the vendor advice)'],
    ['check_delayed_dump -c messages=1000 -c age=1800', 'CRITICAL past 1000 messages or after 30 minutes'],
    ['check_delayed_dump --request-dump -t 20', 'ask a running OpMon for a fresh dump first'],
    ['check_delayed_dump --fetch -t 15', "also OpMon's live count of waiting messages, long before any dump"],
  ],
  metrics: [
    { name: 'messages', help: 'well-formed lines (messages waiting)' },
    { name: 'malformed', help: 'lines that are not <queue> <message>' },
    { name: 'bytes', uom: 'B', help: 'size of the dump file' },
    { name: 'age', uom: 's', help: 'how long the dump has held messages without being emptied' },
    { name: 'growth', help: 'messages added since the previous run (negative after a partial re-import)' },
    { name: 'queued', help: "--fetch: messages waiting in OpMon's memory, OpMon's live count (default WARNING > 0)" },
    { name: 'queued_growth', help: '--fetch: change of the live count since the previous run' },
  ],
  primary: 'messages',
  defaults: { messages: { warn: '0' }, queued: { warn: '0' } },
  helpEpilogue:
    "Per-queue perfdata is labelled 'queue_<name>' (no thresholds). Default thresholds: -w messages=0.\n" +
    'Ranges use the Nagios syntax; age thresholds are seconds (-c age=1800).',
  run,
};
