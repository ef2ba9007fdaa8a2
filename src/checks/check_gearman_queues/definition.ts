/**
 * check_gearman_queues: the Gearman job servers OpMon's messages wait for. Pipeline: the admin
 * text protocol of every server (src/gearman/admin.ts) -> queue rows (queues.ts) -> memory of the
 * previous run (memory.ts) -> per-queue findings (rules.ts), the worst queue's state -> the
 * optional test job (testjob.ts) -> summary. Not called check_gearman: that is mod_gearman's, and
 * both are installed in the same plugin directory.
 */
import { readKeyFile } from '../../gearman/crypt.js';
import { viewServer, type ServerView } from '../../gearman/admin.js';
import { label, parseServer, type Server } from '../../gearman/server.js';
import { coerce, type OptionSpecs, type OptionsOf } from '../../lib/cli.js';
import { PluginError } from '../../lib/errors.js';
import { firstAndMore } from '../../lib/units.js';
import { dataLabel } from '../../lib/perfdata.js';
import type { CheckOutcome, Finding, Metric, PluginDefinition, RunContext } from '../../lib/plugin.js';
import { severity, State } from '../../lib/status.js';
import { GEARMAN_STATE, remember } from './memory.js';
import { queuesOf, scope, type Queue } from './queues.js';
import { shown } from '../../gearman/names.js';
import { describeQueue, judgeQueue, parseOverride, vanishedText, type Override, type RuleOptions } from './rules.js';
import { testJob, type TestOutcome } from './testjob.js';

const overrides = (level: 'warn' | 'crit') => Object.assign(
  (v: unknown) => (Array.isArray(v) ? v : [v]).map((x) => parseOverride(String(x), level)),
  { placeholder: 'QUEUE:NAME=RANGE' },
);

const OPTIONS = {
  host: {
    alias: 'H', type: 'string', array: true, default: ['localhost'], requiresArg: true,
    coerce: Object.assign((v: unknown) => (Array.isArray(v) ? v : [v]).map((x) => parseServer(String(x))), { placeholder: 'HOST[:PORT]' }),
    describe: 'A gearmand to ask (port 4730 by default); repeatable: every figure names its server',
  },
  include: { type: 'string', array: true, default: [], requiresArg: true, coerce: coerce.list(), describe: "Only these queues (functions): names or patterns with * and ?; repeatable. A plain name no server has is --missing" },
  exclude: { type: 'string', array: true, default: [], requiresArg: true, coerce: coerce.list(), describe: "Leave these queues out: names or patterns (e.g. 'worker_*'); repeatable" },
  'queue-warning': { type: 'string', array: true, default: [], requiresArg: true, coerce: overrides('warn'), describe: 'A per-queue warning threshold on waiting, running, workers or hosts (QUEUE a name or pattern; the last match wins over -w); repeatable' },
  'queue-critical': { type: 'string', array: true, default: [], requiresArg: true, coerce: overrides('crit'), describe: 'The same for critical' },
  'server-down': { type: 'string', default: 'CRITICAL', requiresArg: true, coerce: coerce.state(), describe: 'State when one server of several does not answer (all down is always CRITICAL)' },
  'no-worker': { type: 'string', default: 'CRITICAL', requiresArg: true, coerce: coerce.state(), describe: "State of jobs waiting in a queue no worker serves (mod_gearman's rule)" },
  'idle-no-worker': { type: 'string', default: 'OK', requiresArg: true, coerce: coerce.state(), describe: 'State of a queue with no worker and no job' },
  stuck: { type: 'string', default: 'WARNING', requiresArg: true, coerce: coerce.state(), describe: 'State of a queue whose waiting jobs have not gone down in --stuck-runs runs' },
  'stuck-runs': { type: 'string', default: '3', requiresArg: true, coerce: coerce.positiveInt(), describe: 'Runs without progress before a queue is stuck, or a worker_<host> queue orphaned' },
  orphaned: { type: 'string', default: 'OK', requiresArg: true, coerce: coerce.state(), describe: 'State of a worker_<host> queue with no worker and no change for --stuck-runs runs (left by a worker that is gone)' },
  vanished: { type: 'string', default: 'WARNING', requiresArg: true, coerce: coerce.state(), describe: 'State of a queue that held jobs at the previous run and is gone (gearmand restarted?)' },
  missing: { type: 'string', default: 'WARNING', requiresArg: true, coerce: coerce.state(), describe: 'State of an --include name that no server knows' },
  'test-queue': { type: 'string', requiresArg: true, describe: 'Send one job to this queue and wait for its answer (e.g. worker_HOST of a mod_gearman worker)' },
  send: { type: 'string', default: 'check', requiresArg: true, describe: 'The test job\'s text' },
  expect: { type: 'string', requiresArg: true, describe: 'The answer to the test job must hold this text' },
  'key-file': { type: 'string', requiresArg: true, describe: "mod_gearman's keyfile: the test job is encrypted with it and its answer must decrypt with it" },
  'max-queue-perfdata': { type: 'string', default: '100', requiresArg: true, coerce: coerce.positiveInt(0), describe: 'Per-queue perfdata for at most this many queues (by name); the totals cover all' },
} as const satisfies OptionSpecs;

export type Options = OptionsOf<typeof OPTIONS>;

interface Asked { server: Server; view: ServerView | null; error: string | null }

async function ask(servers: Server[], deadline: number): Promise<Asked[]> {
  return Promise.all(servers.map(async (server) => {
    try { return { server, view: await viewServer(server, deadline), error: null }; } catch (e) { return { server, view: null, error: (e as Error).message }; }
  }));
}

async function run(ctx: RunContext<Options>): Promise<CheckOutcome> {
  const o = ctx.opts;
  const servers = o.host.filter((s, i) => o.host.findIndex((t) => label(t) === label(s)) === i);
  const key = o.keyFile ? (() => { try { return readKeyFile(o.keyFile); } catch (e) { throw new PluginError(`--key-file: ${(e as Error).message}`); } })() : null;
  if ((o.expect !== undefined || o.keyFile) && !o.testQueue) throw new PluginError('--expect and --key-file are for the test job: give --test-queue (see check_gearman_queues --help)');
  const state = await ctx.openState([servers.map(label).sort().join(' '), o.include, o.exclude], GEARMAN_STATE);
  ctx.setPhase(`asking ${servers.map(label).join(', ')}`);
  // the test job needs time of its own: the admin commands get two thirds of what is left
  const now = Date.now();
  const asked = await ask(servers, o.testQueue ? now + (ctx.deadline - now) * 2 / 3 : ctx.deadline);
  const up = asked.filter((a) => a.view);
  const down = asked.filter((a) => !a.view);
  const findings: Finding[] = [];
  if (up.length === 0) throw new PluginError(`no Gearman job server answered: ${down.map((d) => d.error).join('; ')}`, State.CRITICAL);
  for (const d of down) findings.push({ state: o.serverDown, text: `server down: ${d.error}` });

  const views = up.map((a) => a.view!);
  const inScope = scope(o.include, o.exclude);
  const queues = queuesOf(views, inScope);
  const mem = remember(state.data, queues, new Set(up.map((a) => label(a.server))), inScope, Date.now());
  state.save(mem.next);

  const rules: RuleOptions = {
    thresholds: ctx.thresholds, overrides: [...(o.queueWarning as Override[]), ...(o.queueCritical as Override[])],
    noWorker: o.noWorker, idleNoWorker: o.idleNoWorker, stuck: o.stuck, stuckRuns: o.stuckRuns, orphaned: o.orphaned, vanished: o.vanished,
  };
  const verdicts = mem.trends.map((t) => ({ t, v: judgeQueue(t, rules) }));
  for (const { v } of verdicts) findings.push(...v.texts);
  for (const v of mem.vanished) if (v.waiting > 0) findings.push({ state: o.vanished, text: vanishedText(v) });
  for (const name of o.include.filter((n) => !/[*?]/.test(n))) {
    if (!queues.some((q) => shown(q.name) === name)) findings.push({ state: o.missing, text: `${name} is not a queue on ${up.map((a) => label(a.server)).join(', ')}: no worker registered it and no job was submitted to it since gearmand started` });
  }
  for (const a of up) for (const n of a.view!.notes) ctx.note(`${label(a.server)}: ${n}`);

  let test: TestOutcome | null = null;
  if (o.testQueue) {
    const target = up[0];
    const q = target.view!.functions.find((f) => f.name === o.testQueue);
    ctx.setPhase(`waiting for the test job on ${o.testQueue}`);
    try {
      test = await testJob(target.server, { queue: o.testQueue, send: o.send, expect: o.expect, key }, q ? q.workers : 0, ctx.deadline);
    } catch (e) {
      test = { state: State.CRITICAL, text: `test job on ${o.testQueue}: ${(e as Error).message}`, seconds: null };
    }
    if (test.state !== State.OK) findings.push({ state: test.state, text: test.text });
  }

  const sum = (f: (q: Queue) => number) => queues.reduce((n, q) => n + f(q), 0);
  const many = servers.length > 1;
  const perQueue = [...queues].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.server < b.server ? -1 : 1)).slice(0, o.maxQueuePerfdata);
  const metrics: Metric[] = [
    { name: 'servers_down', value: down.length, min: 0, max: servers.length },
    { name: 'queues', value: queues.length, min: 0 },
    { name: 'total_waiting', value: sum((q) => q.waiting), min: 0 },
    { name: 'total_running', value: sum((q) => q.running), min: 0 },
    { name: 'no_worker', value: verdicts.filter(({ v }) => v.noWorker).length, min: 0 },
    { name: 'stuck', value: verdicts.filter(({ v }) => v.stuck).length, min: 0 },
    { name: 'orphaned', value: verdicts.filter(({ v }) => v.orphaned).length, min: 0 },
    { name: 'rtt', value: test?.seconds ?? null, uom: 's', min: 0 },
    ...perQueue.flatMap((q) => {
      const base = dataLabel('', many ? `${q.server}/${q.name}` : q.name);
      const labels = { server: q.server, queue: shown(q.name) };
      return [
        { name: 'queue_waiting', label: `${base}_waiting`, value: q.waiting, min: 0, family: 'waiting', labels },
        { name: 'queue_running', label: `${base}_running`, value: q.running, min: 0, family: 'running', labels },
        { name: 'queue_workers', label: `${base}_workers`, value: q.workers, min: 0, family: 'workers', labels },
      ];
    }),
  ];
  if (queues.length > perQueue.length) ctx.note(`per-queue perfdata for the first ${perQueue.length} of ${queues.length} queues (--max-queue-perfdata)`);
  const details = [
    ...findings.filter((f) => f.state !== State.OK).map((f) => f.text),
    ...findings.filter((f) => f.state === State.OK).map((f) => f.text),
    ...(test && test.state === State.OK ? [test.text] : []),
    // the worst queues first; the output is capped anyway (JSON lists them all)
    ...verdicts.sort((a, b) => severity(b.v.state) - severity(a.v.state) || b.t.q.waiting - a.t.q.waiting).slice(0, MAX_LINES).map(({ t }) => describeQueue(t)),
    ...(verdicts.length > MAX_LINES ? [`... ${verdicts.length - MAX_LINES} more queues (--output-format json lists every one)`] : []),
    ...mem.vanished.filter((v) => v.waiting === 0).map(vanishedText),
    ...up.map((a) => `server ${label(a.server)}: gearmand ${a.view!.version ?? '(version not given)'}, ${a.view!.functions.length} functions${a.view!.workers ? `, ${a.view!.workers.filter((w) => w.functions.length).length} worker connections` : ''}`),
  ];
  return {
    metrics,
    findings,
    summary: () => {
      const bad = findings.filter((f) => f.state !== State.OK).sort((a, b) => severity(b.state) - severity(a.state));
      const where = `${queues.length} queue${queues.length === 1 ? '' : 's'} on ${up.length === 1 ? label(up[0].server) : `${up.length} servers`}${down.length ? ` (${down.length} down)` : ''}`;
      const totals = `${sum((q) => q.waiting)} waiting, ${sum((q) => q.running)} running`;
      const head = bad.length ? `${firstAndMore(bad.map((b) => b.text))}; ${where}: ${totals}` : `${where}: ${totals}, every queue with jobs has a worker`;
      return test && test.state === State.OK ? `${head}; ${test.text}` : head;
    },
    details,
    json: o.outputFormat !== 'json' ? undefined : {
      servers: asked.map((a) => ({ server: label(a.server), up: !!a.view, error: a.error, version: a.view?.version ?? null })),
      queues: verdicts.map(({ t, v }) => ({ ...t.q, name: shown(t.q.name), state: ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'][v.state], drain_per_s: t.drain, eta_s: t.eta, stuck: v.stuck, orphaned: v.orphaned })),
    },
  };
}

const MAX_LINES = 200;

export const definition: PluginDefinition<typeof OPTIONS> = {
  name: 'check_gearman_queues',
  label: 'GEARMAN',
  description:
    "Gearman job servers (gearmand) as OpMon and mod_gearman use them: per queue the jobs waiting, running,\n" +
    'the workers and their hosts, from the admin protocol of every server; the worst queue gives the state.\n' +
    'Remembers the previous run: a queue that does not drain is stuck, a worker_<host> queue left behind is\n' +
    'orphaned (not an outage), a queue that vanished with jobs is said. Optionally one test job round trip.',
  options: OPTIONS,
  examples: [
    ['check_gearman_queues -H localhost', 'every queue: jobs waiting with no worker CRITICAL, over 10 waiting WARNING, over 100 CRITICAL'],
    ["check_gearman_queues -H gm1 -H gm2:4731 --exclude 'worker_*'", 'two servers; one down is CRITICAL (--server-down), mod_gearman worker queues left out'],
    ['check_gearman_queues --include check_results -c workers=@0:1 --queue-critical check_results:waiting=500', 'too few workers, and a deeper limit for one queue'],
    ['check_gearman_queues --test-queue worker_$(hostname) --key-file /etc/mod_gearman/secret.key', "a job through a mod_gearman worker and back, its round trip as perfdata"],
  ],
  metrics: [
    { name: 'waiting', help: 'per queue: jobs queued and not running (default -w 10 -c 100, as mod_gearman\'s check_gearman); --queue-warning/--queue-critical per queue' },
    { name: 'running', help: 'per queue: jobs a worker is running' },
    { name: 'workers', help: 'per queue: available workers (e.g. -c workers=@0:1 for too few)' },
    { name: 'hosts', help: 'per queue: distinct hosts among its workers (from the workers command)' },
    { name: 'servers_down', help: 'servers that did not answer (--server-down gives the state)' },
    { name: 'queues', help: 'queues (functions) reported, after --include/--exclude' },
    { name: 'total_waiting', help: 'jobs waiting over all queues' },
    { name: 'total_running', help: 'jobs running over all queues' },
    { name: 'no_worker', help: 'queues with jobs waiting and no worker (--no-worker gives the state)' },
    { name: 'stuck', help: 'queues whose waiting jobs did not go down in --stuck-runs runs (--stuck)' },
    { name: 'orphaned', help: 'worker_<host> queues left by a worker that is gone (--orphaned)' },
    { name: 'rtt', uom: 's', help: 'the test job\'s round trip (--test-queue)' },
  ],
  primary: 'waiting',
  defaults: { waiting: { warn: '10', crit: '100' } },
  instance: (o) => o.host.map(label).join(','),
  helpEpilogue:
    'Per-queue perfdata: <queue>_waiting, _running, _workers (<server>/<queue>_... with several servers). ' +
    'A queue stuck or orphaned needs --stuck-runs runs of memory: a first run cannot say it. ' +
    'Latency: a rule on one run fires at the first check after the event; stuck and orphaned after --stuck-runs check intervals.',
  run,
};
