/**
 * check_um_event_queue: is an Ultra Messaging receiver keeping up? Pipeline: incremental read ->
 * event-queue blocks -> per-queue depth, trend and rates (queues.ts) -> worst queue ->
 * thresholds -> summary, with the seed's retransmission-window sizing advice.
 */
import { coerce, type OptionSpecs, type OptionsOf } from '../../lib/cli.js';
import { PluginError } from '../../lib/errors.js';
import type { CheckOutcome, Metric, PluginDefinition, RunContext } from '../../lib/plugin.js';
import { State } from '../../lib/status.js';
import { maxOf } from '../../lib/measured.js';
import { formatBytes } from '../../lib/units.js';
import { collect } from '../../um/collect.js';
import { appKey } from '../../um/model.js';
import { clock, daemonDetails, noStatistics, staleFindings, UM_OPTIONS } from '../../um/options.js';
import { EVQ_LABELS, QUEUE, measured, observeQueue, type Queue, type RunQueue } from './queues.js';
import { sizing } from './sizing.js';


const us = (v: number | null) => (v === null ? 'n/a' : v >= 10000 ? `${(v / 1e6).toFixed(v >= 1e6 ? 1 : 3)}s` : `${v}us`);

function describeQueue(q: Queue, r: RunQueue | undefined): string {
  const where = `${q.appid || '(no appid)'} at ${q.ip} (pid ${q.pid}) queue ${q.oid}`;
  if (q.disabled) return `${where}: statistics not enabled`;
  const trend = q.streak > 0 ? `growing for ${q.streak} interval${q.streak === 1 ? '' : 's'}` : 'not growing';
  const rate = q.rate === null ? '' : `, ${Math.round(q.rate)} msgs/s enqueued`;
  const peak = r && r.peak > (q.enqueued ?? 0) ? `, peak ${r.peak} since the last check` : '';
  return `${where}: ${q.enqueued ?? 'n/a'} data messages queued (${trend}${peak}${rate}; service mean ${us(q.serviceMean)} max ${us(q.serviceMax)}; queue age mean ${us(q.latencyMean)} max ${us(q.latencyMax)})`;
}

const OPTIONS = {
  ...UM_OPTIONS,
  'max-rate': { type: 'string', requiresArg: true, coerce: coerce.positiveInt(), describe: "Receiver's design rate in msgs/s: thresholds become -w N -c 2N for enqueued" },
  'retransmit-window': { type: 'string', default: '24MiB', requiresArg: true, coerce: coerce.size(), describe: "Source's retransmission window, for the sizing advice (UM default 24 MiB)" },
  'message-size': { type: 'string', requiresArg: true, coerce: coerce.size(), describe: 'Typical message size in bytes; enables the sizing advice' },
} as const satisfies OptionSpecs;

export type Options = OptionsOf<typeof OPTIONS>;

async function run(ctx: RunContext<Options>): Promise<CheckOutcome> {
  const o = ctx.opts;
  const runs = new Map<string, RunQueue>();
  const c = await collect(ctx, { item: QUEUE, wanted: ['event-queue'], labels: EVQ_LABELS, observe: (items, b) => observeQueue(items, runs, b) });
  c.save();
  const { read, items: queues, stale } = c;
  const now = Date.now();
  const all = Object.entries(queues);
  if (all.length === 0) {
    throw new PluginError(noStatistics(o, read.parser, 'event queue statistics', 'is monitor_interval (event_queue) set?'), State.UNKNOWN);
  }

  // a stale application's queues get no newer sample: their last depth is history, not news (held,
  // it kept an alert up for as long as the application stayed away); the long output keeps it
  const stopped = new Set(stale.stale.map(appKey));
  const gone = (k: string, q: Queue) => stopped.has(appKey(q)) && !runs.has(k);
  const live = all.filter(([k, q]) => !q.disabled && !gone(k, q));
  const byDepth = [...live].sort((a, b) => (b[1].enqueued ?? -1) - (a[1].enqueued ?? -1));
  const worst = byDepth[0]?.[1];
  const peak = maxOf(live.map(([k, q]) => Math.max(runs.get(k)?.peak ?? 0, q.enqueued ?? 0)));
  const rate = maxOf(live.map(([k, q]) => {
    const r = runs.get(k);
    return r && r.rateN > 0 && !read.firstRun ? r.rateSum / r.rateN : q.rate;
  }));
  const metrics: Metric[] = [
    { name: 'enqueued', value: worst ? worst.enqueued : null, min: 0 },
    { name: 'enqueued_peak', value: peak, min: 0 },
    { name: 'growth_streak', value: maxOf(live.map(([, q]) => q.streak)), min: 0 },
    { name: 'enqueue_rate', value: rate === null ? null : Math.round(rate * 10) / 10, min: 0 },
    { name: 'service_mean', value: maxOf(live.map(([, q]) => measured(q, q.serviceMean))), uom: 'us', min: 0 },
    { name: 'service_max', value: maxOf(live.map(([, q]) => measured(q, q.serviceMax))), uom: 'us', min: 0 },
    { name: 'latency_mean', value: maxOf(live.map(([, q]) => measured(q, q.latencyMean))), uom: 'us', min: 0 },
    { name: 'latency_max', value: maxOf(live.map(([, q]) => measured(q, q.latencyMax))), uom: 'us', min: 0 },
    { name: 'events_enqueued', value: maxOf(live.map(([, q]) => measured(q, q.events ?? null))), min: 0 },
    { name: 'stale_apps', value: stale.stale.length, min: 0 },
  ];

  const sf = staleFindings(stale, read.tail, o, now);
  const disabled = all.filter(([, q]) => q.disabled).map(([, q]) => `${q.appid} queue ${q.oid}`);
  if (disabled.length) {
    ctx.note(`event queue statistics look disabled for ${disabled.join(', ')} (all zero, minimums never measured): set event_queue queue_count_enabled 1, queue_service_time_enabled 1 and queue_age_enabled 1`);
  }
  const crit = ctx.thresholds.get('enqueued')?.crit;
  const size = o.messageSize ? sizing(o.retransmitWindow, o.messageSize, crit && !crit.inside ? crit.end : undefined) : null;
  const advice = size?.unsafe
    ? `sizing: a ${formatBytes(o.retransmitWindow)} retransmission window holds about ${size.windowMessages} messages of ${o.messageSize} bytes; with a critical threshold of ${crit!.end} queued messages, a message at the back of the queue may no longer be recoverable; use -c ${size.safeThreshold} or less`
    : size ? `sizing: the retransmission window holds about ${size.windowMessages} messages; the critical threshold ${crit!.end} is within the safe half (${size.safeThreshold})` : null;

  const details = byDepth.map(([k, q]) => describeQueue(q, runs.get(k)));
  details.push(...all.filter(([k, q]) => !q.disabled && gone(k, q)).map(([k, q]) => `stale: last sample before it stopped (${clock(q.sent)}): ${describeQueue(q, runs.get(k))}`));
  details.push(...all.filter(([, q]) => q.disabled).map(([k, q]) => describeQueue(q, runs.get(k))));
  details.push(...sf.details, ...daemonDetails(read.daemons));
  if (advice) details.push(advice);
  return {
    metrics,
    findings: sf.findings,
    summary: (ev) => {
      const lead = sf.findings.map((f) => f.text);
      const stalePart = stale.stale.length ? `; ${stale.stale.length} application${stale.stale.length === 1 ? '' : 's'} stopped reporting` : '';
      const held = all.filter(([k, q]) => !q.disabled && gone(k, q)).length;
      if (!worst && held) return [...lead, `no current event queue statistics: the last ${held} queue${held === 1 ? '' : 's'} belong to applications that stopped reporting${stalePart}`].join('; ');
      if (!worst) return [...lead, `no event queue with statistics enabled (${disabled.length} disabled)${stalePart}`].join('; ');
      let s = describeQueue(worst, runs.get(byDepth[0][0]));
      if (ev.metricStates.get('enqueued') !== State.OK || ev.metricStates.get('growth_streak') !== State.OK) {
        s += ': the receiver processes messages slower than they arrive; latency rises, and a queued message needing a retransmission may be lost for good';
      }
      if (size?.unsafe) s += `; ${advice}`;
      return [...lead, s + stalePart].join('; ');
    },
    details,
  };
}

export const definition: PluginDefinition<typeof OPTIONS> = {
  name: 'check_um_event_queue',
  label: 'UM_EVENT_QUEUE',
  description:
    'Is an Ultra Messaging receiver keeping up? Reads event-queue statistics from an lbmmon log: depth\n' +
    '(Data messages currently enqueued), its trend and peak, the enqueue rate, service times and queue age.',
  options: OPTIONS,
  examples: [
    ['check_um_event_queue -f /var/log/lbmmon/lbmmon.log', 'WARNING at 30000 queued messages, CRITICAL at 60000 (the seed example)'],
    ['check_um_event_queue --max-rate 50000 --message-size 200', 'thresholds from the design rate, with sizing advice'],
    ['check_um_event_queue -w growth_streak=4 -c latency_max=2000000', 'tolerate short growth; CRITICAL when a message waited over 2 s'],
  ],
  metrics: [
    { name: 'enqueued', help: 'Data messages currently enqueued at the newest sample, worst queue (default -w 30000 -c 60000)' },
    { name: 'enqueued_peak', help: 'highest depth among the samples read since the previous run' },
    { name: 'growth_streak', help: 'consecutive intervals in which the depth grew (default WARNING at 3)' },
    { name: 'enqueue_rate', help: 'growth of Total data messages enqueued per second (msgs/s)' },
    { name: 'service_mean', uom: 'us', help: 'Data message service mean time' },
    { name: 'service_max', uom: 'us', help: 'Data message service maximum time: the slowest callback (default WARNING above 1 s: it held the queue)' },
    { name: 'latency_mean', uom: 'us', help: 'Event latency mean time (queue age)' },
    { name: 'latency_max', uom: 'us', help: 'Event latency maximum time: the oldest message a queue held (default -w 1s -c 10s: a receiver that far behind)' },
    { name: 'events_enqueued', help: 'Events currently enqueued (timers, source and receiver events), worst queue (default as enqueued: -w 30000 -c 60000, or --max-rate)' },
    { name: 'stale_apps', help: 'applications that stopped reporting (default WARNING > 0)' },
  ],
  primary: 'enqueued',
  defaults: (o) => ({
    enqueued: o.maxRate ? { warn: String(o.maxRate), crit: String(2 * o.maxRate) } : { warn: '30000', crit: '60000' },
    growth_streak: { warn: '2' },
    stale_apps: { warn: '0' },
    // Informatica: queue depth, age and service times "not growing beyond pre-defined bounds"
    latency_max: { warn: '1000000', crit: '10000000' },
    service_max: { warn: '1000000' },
    events_enqueued: o.maxRate ? { warn: String(o.maxRate), crit: String(2 * o.maxRate) } : { warn: '30000', crit: '60000' },
  }),
  helpEpilogue:
    'Each metric reports the worst event queue. Sentinel values ("never measured") are U in the perfdata, never a breach.\n' +
    'Enable the statistics in the UM configuration: event_queue queue_count_enabled 1, queue_service_time_enabled 1,\n' +
    'queue_age_enabled 1, and a monitor_interval for the event queue (or LBM_MONITOR_INTERVAL).',
  run,
};
