/**
 * check_um_store: UM's Persistent Store (umestored), from the statistics it publishes into MCS
 * (umpmonmsg). Pipeline: the UM reader (JSON file or --mcs-db, new records only) -> per store
 * counters, gauges and limits (src/um/daemons.ts, flatten.ts) -> per store and repository
 * findings -> thresholds -> summary. Rules follow Informatica's store monitoring documentation
 * (README: each rule, its source and its latency).
 */
import { coerce, type OptionSpecs, type OptionsOf } from '../../lib/cli.js';
import { PluginError } from '../../lib/errors.js';
import type { CheckOutcome, Finding, Metric, PluginDefinition, RunContext } from '../../lib/plugin.js';
import { State } from '../../lib/status.js';
import { maxOf, percent } from '../../lib/measured.js';
import { firstAndMore, formatBytes, formatDuration } from '../../lib/units.js';
import { rate, readDaemons, restartLines, staleText, type DaemonMemory, type DaemonRun } from '../../um/daemons.js';
import { UM_OPTIONS } from '../../um/options.js';
import { flattenStore, lag, receivers, repos, storeLimits } from './flatten.js';

const OPTIONS = {
  ...UM_OPTIONS,
  file: { ...UM_OPTIONS.file, default: '/var/log/mcs/mcs.jsonl', describe: 'MCS rows as JSON (one a line or pretty-printed); or use --mcs-db' },
  'stale-intervals': { type: 'string', default: '3', requiresArg: true, coerce: coerce.positiveInt(), describe: 'A store is unresponsive when its newest statistics are this many of its own intervals older than the newest record (or --stale)' },
  inactive: { type: 'string', default: '10m', requiresArg: true, coerce: coerce.duration(), describe: 'A source or receiver the store has not heard from (keepalives count) for this long, at the record\'s time, is inactive' },
} as const satisfies OptionSpecs;

export type Options = OptionsOf<typeof OPTIONS>;

const SPEC = { kind: 'store' as const, flatten: flattenStore, limits: storeLimits, records: 'replace' as const };
const who = (m: DaemonMemory) => `store ${m.app} at ${m.ip} (pid ${m.pid})`;
const g = (m: DaemonMemory, k: string) => (typeof m.gauges[k] === 'number' ? m.gauges[k] as number : null);
const lim = (m: DaemonMemory, k: string) => (typeof m.limits[k] === 'number' ? m.limits[k] as number : null);
const grown = (run: DaemonRun | undefined, k: string) => Number(run?.growth.get(k) ?? 0n);

async function run(ctx: RunContext<Options>): Promise<CheckOutcome> {
  const o = ctx.opts;
  const d = await readDaemons(ctx, [SPEC], 'the Store\'s', o.staleIntervals);
  d.save();
  const stores = d.daemons;
  if (stores.length === 0) {
    throw new PluginError(`no Store statistics in ${o.mcsDb ?? o.file}${o.app.length ? ` for ${o.app.join(', ')}` : ''} (does the store's context set monitor_format pb? umpmonmsg rows are what MCS keeps of it)`, State.UNKNOWN);
  }
  const findings: Finding[] = [...d.findings];
  const lines: string[] = [];
  const staleApps = new Set(d.stale.map((s) => s.mem));
  for (const s of d.stale) findings.push({ state: State.CRITICAL, text: staleText('Store', s) });

  let unrecoverable = 0, retxDropped = 0, retxRcv = 0, retxDrop = 0, inactive = 0;
  let dropRate: number | null = null;
  const memPcts: (number | null)[] = [], diskPcts: (number | null)[] = [], ios: (number | null)[] = [], lags: (number | null)[] = [];
  for (const m of stores) {
    const runOf = d.runOf(m);
    lines.push(...restartLines(who(m), runOf));
    const history = staleApps.has(m) && !runOf; // a stopped store's last figures are history, not news
    const retx = grown(runOf, 'retx_total_dropped');
    if (!history) {
      retxDropped += retx;
      retxRcv += grown(runOf, 'retx_rcv');
      retxDrop += grown(runOf, 'retx_drop');
    }
    if (retx > 0) findings.push({ state: State.OK, text: `retransmissions: ${who(m)} dropped ${retx} retransmission requests${lim(m, 'max_retx_rate') !== null ? ` (over its max-retransmission-processing-rate ${lim(m, 'max_retx_rate')}/s)` : ''}: receivers asking to recover were refused` });
    const at = m.lastSent / 1000;
    // the repositories of the newest record, and any whose counters grew in this run though its
    // source went away before the newest record: their loss is news too
    const grewIn = [...(runOf?.growth.keys() ?? [])].filter((k) => k.includes('/') && (runOf!.growth.get(k) ?? 0n) > 0n).map((k) => k.slice(0, k.lastIndexOf('/')));
    for (const id of new Set([...repos(m.gauges), ...grewIn])) {
      const topic = String(m.gauges[`${id}/topic`] ?? runOf?.before[`${id}/topic`] ?? m.limits[`${id}/topic`] ?? '?');
      const where = `${who(m)}, topic ${topic} (source ${id})`;
      const lost = grown(runOf, `${id}/uls`) + grown(runOf, `${id}/ulbs`);
      const r = rate(runOf, `${id}/sz_limit_drops`);
      const memory = g(m, `${id}/memory`), limit = lim(m, `${id}/sz_limit`), threshold = lim(m, `${id}/sz_threshold`);
      const mp = percent(memory, limit);
      const dp = percent(g(m, `${id}/disk_used`), g(m, `${id}/disk_max`));
      lines.push(`${where}: memory ${memory === null ? '?' : formatBytes(memory)}${limit ? ` of a ${formatBytes(limit)} limit (${mp}%)` : ' (no limit known: no configs record read yet)'}${dp !== null ? `, disk cache ${dp}% of ${formatBytes(g(m, `${id}/disk_max`)!)}` : ''}, lead sqn ${g(m, `${id}/lead`) ?? '?'}, uls ${m.counters[`${id}/uls`] ?? '?'}, ulbs ${m.counters[`${id}/ulbs`] ?? '?'}, size-limit drops ${m.counters[`${id}/sz_limit_drops`] ?? '?'}`);
      if (history) continue;
      if (lost > 0) findings.push({ state: State.OK, text: `unrecoverable loss: ${where} lost ${lost} messages for good (uls +${grown(runOf, `${id}/uls`)}, ulbs +${grown(runOf, `${id}/ulbs`)}): receivers recovering from this store cannot get them` });
      unrecoverable += lost;
      if (r !== null) dropRate = Math.max(dropRate ?? 0, r);
      const dropping = ((g(m, `${id}/flags`) ?? 0) & 1) !== 0 || (g(m, `${id}/map_drops`) ?? 0) > 0;
      if (dropping || (r ?? 0) > 0) findings.push({ state: State.WARNING, text: `size limit: ${where} is dropping messages at its repository size limit${r ? ` (${r.toFixed(2)}/s)` : ''}: what late receivers would recover from it is gone` });
      if (memory !== null && threshold !== null && limit !== null && memory > threshold && memory <= limit) lines.push(`${where}: memory above its repository size threshold (${formatBytes(threshold)}): normal only briefly`);
      memPcts.push(mp);
      diskPcts.push(dp);
      ios.push(g(m, `${id}/ios`));
      const lead = g(m, `${id}/lead`);
      const srcAct = g(m, `${id}/activity`);
      if (srcAct !== null && at - srcAct > o.inactive) { inactive++; findings.push({ state: State.OK, text: `inactive: ${where}: the store has not heard from the source for ${formatDuration(at - srcAct)}` }); }
      for (const [rid, ack, act] of receivers(m.gauges, id)) {
        if (lead !== null && ack !== null) lags.push(lag(lead, ack));
        if (lead !== null && ack !== null && lag(lead, ack) > 0) lines.push(`${where}: receiver ${rid} acknowledged up to ${ack}, ${lag(lead, ack)} behind the lead ${lead}`);
        if (act !== null && at - act > o.inactive) { inactive++; findings.push({ state: State.OK, text: `inactive: ${where}: receiver ${rid} not heard from for ${formatDuration(at - act)}` }); }
      }
    }
  }
  const metrics: Metric[] = [
    { name: 'unrecoverable', value: unrecoverable, min: 0 },
    { name: 'size_limit_drop_rate', value: dropRate === null ? null : Math.round(dropRate * 1000) / 1000, min: 0 },
    { name: 'memory_pct', value: maxOf(memPcts), uom: '%', min: 0 },
    { name: 'disk_pct', value: maxOf(diskPcts), uom: '%', min: 0, max: 100 },
    { name: 'disk_ios_pending', value: maxOf(ios), min: 0 },
    { name: 'retx_dropped', value: retxDropped, min: 0 },
    { name: 'retx_drop_pct', value: percent(retxDrop, retxRcv), uom: '%', min: 0, max: 100 },
    { name: 'rcv_lag_max', value: maxOf(lags), min: 0 },
    { name: 'inactive', value: inactive, min: 0 },
    { name: 'stale_stores', value: d.stale.length, min: 0 },
    { name: 'stores', value: stores.length, min: 0 },
  ];
  return {
    metrics,
    findings,
    summary: (ev) => {
      const bad = findings.filter((f) => f.state !== State.OK).map((f) => f.text);
      const order = ['unrecoverable loss', 'retransmissions', 'inactive'];
      const kind = (t: string) => order.findIndex((k) => t.startsWith(`${k}:`));
      const named = ev.breached.length ? findings.filter((f) => f.state === State.OK && kind(f.text) >= 0).map((f) => f.text).sort((a, b) => kind(a) - kind(b)) : [];
      const all = [...bad, ...named];
      if (all.length) return firstAndMore(all);
      const rs = stores.reduce((n, m) => n + repos(m.gauges).length, 0);
      return `${stores.length} store${stores.length === 1 ? '' : 's'}, ${rs} source repositor${rs === 1 ? 'y' : 'ies'}: no loss, no drops${d.read.firstRun ? ' (first run: baselines)' : ''}`;
    },
    details: [...findings.map((f) => f.text), ...lines],
    json: { stores: stores.map((m) => ({ app: m.app, ip: m.ip, pid: m.pid, counters: m.counters, gauges: m.gauges, limits: m.limits })) },
  };
}

export const definition: PluginDefinition<typeof OPTIONS> = {
  name: 'check_um_store',
  label: 'UM_STORE',
  description:
    "Ultra Messaging's Persistent Store (umestored) from the statistics it publishes into MCS (umpmonmsg):\n" +
    'unrecoverable loss, size-limit drops, memory against the repository limit, disk cache, dropped\n' +
    'retransmission requests, receivers behind the lead, inactive sources and receivers, a store that stopped publishing.',
  options: OPTIONS,
  examples: [
    ['check_um_store --mcs-db /var/lib/mcs/mcs.db', 'every store in the MCS database: CRITICAL on unrecoverable loss or a store that stopped publishing'],
    ['check_um_store -f mcs.jsonl --app store_topic1 -w memory_pct=80', 'one store from MCS rows as JSON lines; warn early on memory'],
  ],
  metrics: [
    { name: 'unrecoverable', help: 'growth of uls + ulbs (messages lost for good at the store) over every repository (default CRITICAL > 0)' },
    { name: 'size_limit_drop_rate', help: 'messages dropped at the repository size limit a second, worst repository (default WARNING > 0)' },
    { name: 'memory_pct', uom: '%', help: 'memory of a repository against its repository-size-limit, worst (default -w 90 -c 100)' },
    { name: 'disk_pct', uom: '%', help: 'disk cache used (offset - start) against its size limit, worst (no default: investigate)' },
    { name: 'disk_ios_pending', help: 'disk writes and reads submitted and not completed, worst repository (no default)' },
    { name: 'retx_dropped', help: 'retransmission requests dropped (over max-retransmission-processing-rate) since the last check (default WARNING > 0)' },
    { name: 'retx_drop_pct', uom: '%', help: 'retransmission requests dropped / received since the last check (no default)' },
    { name: 'rcv_lag_max', help: 'messages a receiver\'s acknowledged position is behind its source\'s lead, worst (no default)' },
    { name: 'inactive', help: 'sources and receivers not heard from for --inactive (default WARNING > 0)' },
    { name: 'stale_stores', help: 'stores that stopped publishing for --stale-intervals of their intervals (default CRITICAL > 0)' },
    { name: 'stores', help: 'stores seen' },
  ],
  primary: 'unrecoverable',
  defaults: {
    unrecoverable: { crit: '0' }, size_limit_drop_rate: { warn: '0' }, memory_pct: { warn: '90', crit: '100' },
    retx_dropped: { warn: '0' }, inactive: { warn: '0' }, stale_stores: { crit: '0' },
  },
  helpEpilogue:
    'Counters are totals: growth is summed record by record, and a restart (new process ID) or a counter that went down (Reset Rate Stats) ' +
    'counts from zero, never negative. Latency: a rule on one record fires at the first check after the store publishes it, so up to one ' +
    'publishing interval (monitor_interval: 600 s in the documentation, 5 s in mcs_demo) plus one check interval; an unresponsive store after ' +
    '--stale-intervals of its intervals (30 min at 600 s).',
  run,
};
