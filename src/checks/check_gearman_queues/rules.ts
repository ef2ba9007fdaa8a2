/**
 * A queue's findings (pure): thresholds on its own figures (per-queue overrides first), then the
 * rules thresholds cannot say: jobs waiting with no worker, a queue stuck over several runs, an
 * orphaned worker_<host> queue, a queue that vanished with jobs in it. Every finding names the
 * queue and the server.
 */
import { breach } from '../../lib/evaluate.js';
import { formatRange } from '../../lib/perfdata.js';
import { parseRange, type Range } from '../../lib/range.js';
import { State, worst } from '../../lib/status.js';
import type { ThresholdPair, Thresholds } from '../../lib/thresholds.js';
import { formatDuration } from '../../lib/units.js';
import type { Trend, Vanished } from './memory.js';
import { matcher } from './queues.js';
import { shown } from '../../gearman/names.js';

export const QUEUE_METRICS = ['waiting', 'running', 'workers', 'hosts'] as const;
export type QueueMetric = typeof QUEUE_METRICS[number];

export interface Override { match: (name: string) => boolean; metric: QueueMetric; range: Range; level: 'warn' | 'crit' }

/** `QUEUE:NAME=RANGE` (QUEUE a name or a pattern; it may hold ':' itself, the metric names cannot). */
export function parseOverride(text: string, level: 'warn' | 'crit'): Override {
  const m = /^(.+):(waiting|running|workers|hosts)=(.+)$/s.exec(text);
  if (!m) throw new Error(`'${text}' is not QUEUE:NAME=RANGE with NAME one of ${QUEUE_METRICS.join(', ')}`);
  return { match: matcher([m[1]]), metric: m[2] as QueueMetric, range: parseRange(m[3]), level };
}

export interface RuleOptions {
  thresholds: Thresholds;
  overrides: Override[];
  noWorker: State;
  idleNoWorker: State;
  stuck: State;
  stuckRuns: number;
  orphaned: State;
  vanished: State;
}

export interface QueueVerdict { state: State; texts: { state: State; text: string }[]; orphaned: boolean; stuck: boolean; noWorker: boolean }

const where = (t: Trend) => `${shown(t.q.name)} on ${t.q.server}`;
const jobs = (n: number) => `${n} job${n === 1 ? '' : 's'}`;

/** The thresholds that hold for `name`: the global ones, then each matching override in order (the last wins). */
export function pairFor(o: RuleOptions, name: string, metric: QueueMetric): ThresholdPair {
  const pair: ThresholdPair = { ...(o.thresholds.get(metric) ?? {}) };
  for (const ov of o.overrides) if (ov.metric === metric && ov.match(name)) pair[ov.level] = ov.range;
  return pair;
}

export function judgeQueue(t: Trend, o: RuleOptions): QueueVerdict {
  const q = t.q;
  const texts: { state: State; text: string }[] = [];
  const orphaned = /^worker_/.test(q.name) && q.workers === 0 && t.unchanged >= o.stuckRuns;
  const noWorker = q.waiting > 0 && q.workers === 0 && !orphaned;
  const stuck = t.notDown >= o.stuckRuns && !orphaned;
  for (const m of QUEUE_METRICS) {
    const v = q[m];
    if (v === null) continue;
    const b = breach(pairFor(o, q.name, m), v);
    if (b) texts.push({ state: b.state, text: `${where(t)}: ${m} ${v} (outside ${formatRange(b.range)})` });
  }
  if (orphaned) {
    texts.push({ state: o.orphaned, text: `orphaned: ${where(t)} has had no worker and ${jobs(q.waiting)} for ${t.unchanged} runs: a worker_<host> queue left by a worker that is gone, not an outage (gearadmin --drop-function ${shown(q.name)} removes it; --exclude 'worker_*' ignores such queues)` });
  } else if (noWorker) {
    texts.push({ state: o.noWorker, text: `${jobs(q.waiting)} waiting in ${where(t)} and no worker: nothing takes them (a gearmand restart loses them while its queue is in memory)` });
  } else if (q.workers === 0 && o.idleNoWorker !== State.OK) {
    texts.push({ state: o.idleNoWorker, text: `${where(t)} has no worker (and no job)` });
  }
  if (stuck) {
    texts.push({ state: o.stuck, text: `stuck: ${jobs(q.waiting)} waiting in ${where(t)}, not gone down in ${t.notDown} runs${q.workers ? ` though ${q.workers} worker${q.workers === 1 ? '' : 's'} serve it (hung or too slow?)` : ''}` });
  }
  const state = worst(State.OK, ...texts.map((x) => x.state));
  return { state, texts, orphaned, stuck, noWorker };
}

/** One line for the long output: the queue's figures, its trend and why it is what it is. */
export function describeQueue(t: Trend): string {
  const q = t.q;
  const prio = q.priority ? ` (high ${q.priority.high}, normal ${q.priority.normal}, low ${q.priority.low})` : '';
  const hosts = q.hosts === null ? '' : ` on ${q.hosts} host${q.hosts === 1 ? '' : 's'}`;
  const trend = t.first ? '' : t.drain !== null
    ? `; draining at ${t.drain >= 10 ? Math.round(t.drain) : t.drain.toFixed(2)} jobs/s${t.eta !== null ? `, empty in about ${formatDuration(t.eta)}` : ''}`
    : t.notDown > 0 ? `; not gone down for ${t.notDown} run${t.notDown === 1 ? '' : 's'}` : '';
  const dropped = t.workersBefore !== null && q.workers < t.workersBefore ? `; workers dropped from ${t.workersBefore} to ${q.workers}` : '';
  return `${where(t)}: ${q.waiting} waiting${prio}, ${q.running} running, ${q.workers} worker${q.workers === 1 ? '' : 's'}${hosts}${trend}${dropped}`;
}

export function vanishedText(v: Vanished): string {
  return `vanished: ${shown(v.name)} is no longer on ${v.server}${v.waiting ? `, with ${jobs(v.waiting)} waiting at the previous run: gearmand restarted? Jobs held in its memory are lost` : ''}`;
}
