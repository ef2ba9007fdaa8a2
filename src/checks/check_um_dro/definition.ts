/**
 * check_um_dro: UM's Dynamic Routing Option (tnwgd) and the Stateful Resolution Service, from the
 * statistics they publish into MCS (dromonmsg, srsmonmsg). The SRS is here, not in a program of
 * its own: it is the resolution half of the same routing layer (DRO portals resolve through it,
 * and its RTIR count is the DROs' endpoints), it has four rules, and an operator who watches one
 * watches both; --app or --daemon narrows a run to either. Pipeline: the UM reader -> per daemon
 * counters and gauges (src/um/daemons.ts, flatten.ts) -> per portal findings -> thresholds -> summary.
 */
import { coerce, type OptionSpecs, type OptionsOf } from '../../lib/cli.js';
import { PluginError } from '../../lib/errors.js';
import type { CheckOutcome, Finding, Metric, PluginDefinition, RunContext } from '../../lib/plugin.js';
import { State } from '../../lib/status.js';
import { maxOf, percent, sumOf } from '../../lib/measured.js';
import { firstAndMore, formatBytes } from '../../lib/units.js';
import { rate, readDaemons, restartLines, staleText, type DaemonMemory, type DaemonSpec } from '../../um/daemons.js';
import { UM_OPTIONS } from '../../um/options.js';
import { CAUSES, droLimits, flattenDro, flattenSrs, noLimits, portals, type Cause } from './flatten.js';

const OPTIONS = {
  ...UM_OPTIONS,
  file: { ...UM_OPTIONS.file, default: '/var/log/mcs/mcs.jsonl', describe: 'MCS rows as JSON (one a line or pretty-printed); or use --mcs-db' },
  daemon: { type: 'string', default: 'both', choices: ['dro', 'srs', 'both'], requiresArg: true, describe: 'Which daemons to judge: dro, srs or both' },
  'stale-intervals': { type: 'string', default: '3', requiresArg: true, coerce: coerce.positiveInt(), describe: 'A daemon has stopped publishing when its newest statistics are this many of its own intervals older than the newest record (or --stale)' },
  'no-route-grace': { type: 'string', default: '2m', requiresArg: true, coerce: coerce.duration(), describe: 'No-route drops within this long of a topology change (gateway count, signature, graph version) are expected, not counted' },
  'expect-gateways': { type: 'string', requiresArg: true, coerce: coerce.positiveInt(), describe: 'CRITICAL when a DRO sees another number of gateways in its topology' },
} as const satisfies OptionSpecs;

export type Options = OptionsOf<typeof OPTIONS>;

const DRO: DaemonSpec = { kind: 'dro', flatten: flattenDro, limits: droLimits, records: 'replace' };
const SRS: DaemonSpec = { kind: 'srs', flatten: flattenSrs, limits: noLimits, records: 'merge' };
const who = (m: DaemonMemory) => `${m.kind === 'dro' ? 'DRO' : 'SRS'} ${m.app} at ${m.ip} (pid ${m.pid})`;
const WHY: Record<Cause, string> = {
  no_route: 'no route to the destination (expected only briefly at a topology change)',
  not_operational: 'the peer link is not operational',
  queue_failure: 'memory allocation failed',
  would_block: 'sends blocked with the buffer full (rate limit or TCP flow control)',
  error: 'an application or connection failure',
  size_error: 'a message over the maximum datagram size (check it is the same everywhere)',
  no_stream: 'received with no stream or unhandled: Informatica says these stay at zero (contact support)',
};

async function run(ctx: RunContext<Options>): Promise<CheckOutcome> {
  const o = ctx.opts;
  const specs = o.daemon === 'dro' ? [DRO] : o.daemon === 'srs' ? [SRS] : [DRO, SRS];
  const d = await readDaemons(ctx, specs, 'DRO and SRS', o.staleIntervals);
  const dros = d.daemons.filter((m) => m.kind === 'dro');
  const srss = d.daemons.filter((m) => m.kind === 'srs');
  if (dros.length + srss.length === 0) {
    throw new PluginError(`no ${o.daemon === 'both' ? 'DRO or SRS' : o.daemon.toUpperCase()} statistics in ${o.mcsDb ?? o.file}${o.app.length ? ` for ${o.app.join(', ')}` : ''} (does the DRO's <monitor> use <format-module module="pb"/>, the SRS's <daemon-monitor> <monitor-format>pb?)`, State.UNKNOWN);
  }
  const findings: Finding[] = [...d.findings];
  const lines: string[] = [];
  const stale = new Set(d.stale.map((s) => s.mem));
  for (const s of d.stale) findings.push({ state: State.CRITICAL, text: staleText(s.mem.kind === 'dro' ? 'DRO' : 'SRS', s) });

  const rates: Record<Cause, (number | null)[]> = Object.fromEntries(CAUSES.map(([c]) => [c, []])) as unknown as Record<Cause, (number | null)[]>;
  let mustBeZero = 0, topology = 0, srsErrors = 0;
  const queuePcts: (number | null)[] = [];
  const depths: (number | null)[] = [];
  for (const m of dros) {
    const r = d.runOf(m);
    lines.push(...restartLines(who(m), r));
    if (stale.has(m) && !r) continue; // its last figures are history, not news
    // a signature of 0 is one not computed yet (a DRO's first record): its first value is no change
    const changed = r && !r.first && (['signature', 'gateways', 'graph'] as const).filter((k) => r.before[k] !== undefined && r.before[k] !== null && !(k === 'signature' && r.before[k] === 0) && r.before[k] !== m.gauges[k]);
    if (changed && changed.length) m.limits.topology_changed_at = m.lastSent;
    const changedAt = typeof m.limits.topology_changed_at === 'number' ? m.limits.topology_changed_at : null;
    // no-route drops are expected for a while after the topology changed (routes being recomputed)
    const recent = changedAt !== null && m.lastSent - changedAt <= o.noRouteGrace * 1000;
    if (changed && changed.length) {
      topology++;
      findings.push({ state: State.OK, text: `topology: ${who(m)} changed ${changed.map((k) => `${k} ${r.before[k]} -> ${m.gauges[k]}`).join(', ')}` });
    }
    if (o.expectGateways !== undefined && m.gauges.gateways !== null && m.gauges.gateways !== o.expectGateways) {
      findings.push({ state: State.CRITICAL, text: `topology: ${who(m)} sees ${m.gauges.gateways} gateway(s), ${o.expectGateways} expected (--expect-gateways)` });
    }
    for (const other of String(m.gauges.others ?? '').split(',').filter(Boolean)) {
      const [name, sig] = other.split('=');
      if (sig !== String(m.gauges.signature)) findings.push({ state: State.WARNING, text: `topology: ${who(m)} has signature ${m.gauges.signature}, gateway ${name} ${sig}: the DROs disagree on the topology` });
    }
    for (const p of portals(m.gauges)) {
      const where = `${who(m)} portal ${p}`;
      const enq = m.gauges[`${p}/enqueued`] as number | null, limit = m.gauges[`${p}/limit`] as number | null;
      const qp = percent(enq, limit);
      queuePcts.push(qp);
      lines.push(`${where} (${m.gauges[`${p}/type`]}): ${enq === null ? '?' : formatBytes(enq)} enqueued${limit ? ` of ${formatBytes(limit)} (${qp}%)` : ''}; dropped so far: ${CAUSES.map(([c]) => `${c.replace('_', ' ')} ${m.counters[`${p}/${c}`] ?? '?'}`).join(', ')}`);
      for (const [c] of CAUSES) {
        const grown = Number(r?.growth.get(`${p}/${c}`) ?? 0n);
        if (c === 'no_stream') { mustBeZero += grown; if (grown) findings.push({ state: State.OK, text: `must be zero: ${where}: ${grown} messages ${WHY[c]}` }); continue; }
        let rt = rate(r, `${p}/${c}`);
        if (c === 'no_route' && recent && grown) {
          lines.push(`${where}: ${grown} no-route drops at a topology change (within --no-route-grace): expected`);
          rt = 0;
        }
        rates[c].push(rt);
        if (grown > 0 && rt) findings.push({ state: State.OK, text: `drops: ${where} dropped ${grown} messages (${rt.toFixed(2)}/s): ${WHY[c]}` });
      }
    }
  }
  for (const m of srss) {
    const r = d.runOf(m);
    lines.push(...restartLines(who(m), r));
    if (stale.has(m) && !r) continue;
    const errs = r ? [...r.growth].filter(([k]) => k.endsWith('/errors')).reduce((n, [, v]) => n + Number(v), 0) : 0;
    srsErrors += errs;
    if (errs) findings.push({ state: State.OK, text: `errors: ${who(m)} counted ${errs} client or service errors (duplicate or invalid records): Informatica says these should not happen in a sound network` });
    for (const [k, v] of Object.entries(m.gauges)) {
      if (!k.endsWith('/queue') || typeof v !== 'number') continue;
      depths.push(v);
      if (v > 0 && typeof r?.before[k] === 'number' && (r.before[k] as number) > 0) {
        findings.push({ state: State.WARNING, text: `record queue: ${who(m)} client ${k.slice(7, -6)} has had ${v} records queued at two checks running: Informatica says to contact support when it stays above zero` });
      }
    }
    lines.push(`${who(m)}: ${m.gauges.active_clients ?? '?'} active clients, ${m.gauges.active_rtir ?? '?'} DRO endpoints (RTIR), ${m.gauges.active_dir ?? '?'} domains (DIR)`);
  }
  d.save();
  const r3 = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);
  const metrics: Metric[] = [
    ...CAUSES.filter(([c]) => c !== 'no_stream').map(([c]) => ({ name: `drop_${c}`, value: r3(sumOf(rates[c])), min: 0 })),
    { name: 'must_be_zero', value: dros.length ? mustBeZero : null, min: 0 },
    { name: 'queue_pct', value: maxOf(queuePcts), uom: '%' as const, min: 0, max: 100 },
    { name: 'topology_changes', value: dros.length ? topology : null, min: 0 },
    { name: 'srs_errors', value: srss.length ? srsErrors : null, min: 0 },
    { name: 'srs_queue_depth', value: maxOf(depths), min: 0 },
    { name: 'stale_daemons', value: d.stale.length, min: 0 },
    { name: 'dros', value: dros.length, min: 0 },
    { name: 'srs', value: srss.length, min: 0 },
  ];
  return {
    metrics,
    findings,
    summary: (ev) => {
      const bad = findings.filter((f) => f.state !== State.OK).map((f) => f.text);
      const named = ev.state !== State.OK ? findings.filter((f) => f.state === State.OK).map((f) => f.text) : [];
      const all = [...bad, ...named];
      if (all.length) return firstAndMore(all);
      const ps = dros.reduce((n, m) => n + portals(m.gauges).length, 0);
      return `${dros.length} DRO${dros.length === 1 ? '' : 's'} (${ps} portal${ps === 1 ? '' : 's'}), ${srss.length} SRS: no drops, no errors${d.read.firstRun ? ' (first run: baselines)' : ''}`;
    },
    details: [...findings.map((f) => f.text), ...lines],
    json: { daemons: d.daemons.map((m) => ({ kind: m.kind, app: m.app, ip: m.ip, pid: m.pid, counters: m.counters, gauges: m.gauges })) },
  };
}

export const definition: PluginDefinition<typeof OPTIONS> = {
  name: 'check_um_dro',
  label: 'UM_DRO',
  description:
    "Ultra Messaging's Dynamic Routing Option (tnwgd) and Stateful Resolution Service, from the statistics\n" +
    'they publish into MCS (dromonmsg, srsmonmsg): drops by cause per portal, counters that must stay zero,\n' +
    'the send queue against its limit, topology changes, SRS errors and record queues, daemons that stopped publishing.',
  options: OPTIONS,
  examples: [
    ['check_um_dro --mcs-db /var/lib/mcs/mcs.db', 'every DRO and SRS in the MCS database'],
    ['check_um_dro -f mcs.jsonl --daemon dro --expect-gateways 3', 'DROs only; CRITICAL when one does not see 3 gateways'],
  ],
  metrics: [
    { name: 'drop_no_route', help: 'messages dropped for no route a second, outside --no-route-grace of a topology change (default WARNING > 0)' },
    { name: 'drop_not_operational', help: 'messages dropped because the peer link is down, a second (default CRITICAL > 0)' },
    { name: 'drop_queue_failure', help: 'messages dropped because memory allocation failed, a second (default CRITICAL > 0)' },
    { name: 'drop_would_block', help: 'messages dropped with the send buffer full, a second (default WARNING > 0)' },
    { name: 'drop_error', help: 'messages dropped on an application or connection failure, a second (default WARNING > 0)' },
    { name: 'drop_size_error', help: 'messages dropped over the maximum datagram size, a second (default WARNING > 0)' },
    { name: 'must_be_zero', help: 'growth of messages received with no stream and unhandled control messages (default WARNING > 0)' },
    { name: 'queue_pct', uom: '%', help: "a portal's enqueued bytes against its <max-queue>, worst (default WARNING > 80)" },
    { name: 'topology_changes', help: 'DROs whose gateway count, topology signature or graph version changed since the last check (default WARNING > 0)' },
    { name: 'srs_errors', help: 'growth of the SRS error counters (srsError, umClientError) (default WARNING > 0)' },
    { name: 'srs_queue_depth', help: 'records queued for an SRS client, worst (no default; above zero at two checks running is WARNING)' },
    { name: 'stale_daemons', help: 'DROs and SRSs that stopped publishing for --stale-intervals of their intervals (default CRITICAL > 0)' },
    { name: 'dros', help: 'DROs seen' },
    { name: 'srs', help: 'SRS daemons seen' },
  ],
  primary: 'drop_not_operational',
  defaults: {
    drop_no_route: { warn: '0' }, drop_not_operational: { crit: '0' }, drop_queue_failure: { crit: '0' }, drop_would_block: { warn: '0' },
    drop_error: { warn: '0' }, drop_size_error: { warn: '0' }, must_be_zero: { warn: '0' }, queue_pct: { warn: '80' },
    topology_changes: { warn: '0' }, srs_errors: { warn: '0' }, stale_daemons: { crit: '0' },
  },
  helpEpilogue:
    'Drop rates are the growth of each cause\'s message and fragment counters (not their byte twins) over the time the records cover. ' +
    'A restart (new process ID) or a counter that went down counts from zero, never negative. Latency: a rule on one record fires at the ' +
    'first check after the daemon publishes it, so up to one publishing interval (600 s in the documentation, 5 s in mcs_demo) plus one ' +
    'check interval; a stopped daemon after --stale-intervals of its intervals.',
  run,
};
