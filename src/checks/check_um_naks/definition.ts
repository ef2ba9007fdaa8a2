/**
 * check_um_naks: Ultra Messaging loss from lbmmon statistics. Pipeline: incremental read ->
 * blocks -> per-series deltas and streaks (series.ts) -> loss metrics -> thresholds -> summary.
 */
import { coerce, type OptionSpecs, type OptionsOf } from '../../lib/cli.js';
import { PluginError } from '../../lib/errors.js';
import type { CheckOutcome, Finding, Metric, PluginDefinition, RunContext } from '../../lib/plugin.js';
import { State } from '../../lib/status.js';
import { percent } from '../../lib/measured.js';
import { firstAndMore, formatDuration } from '../../lib/units.js';
import { describeApp } from '../../um/apps.js';
import { appKey } from '../../um/model.js';
import { collect } from '../../um/collect.js';
import { clock, daemonDetails, noStatistics, staleFindings, UM_OPTIONS } from '../../um/options.js';
import { endings } from '../../um/samples.js';
import { NakAccounting } from './gap.js';
import { Fold } from './fold.js';
import { add, dropped, isProblem, naksRefused, SERIES, NAK_LABELS, ncfs, reported, trDropped, unrecoverable, worsePeak, zero, type Growth, type RunSeries, type Series } from './series.js';
import { notesRules, Severity, type Problem } from './rules.js';



function who(s: Series): string {
  return `${s.appid || '(no appid)'} at ${s.ip} (pid ${s.pid})`;
}

function when(r: RunSeries | undefined, s: Series, ended: number | null, stopped = false): string {
  if (stopped) return `at ${clock(s.sent)}`;
  const end = ended !== null ? `; the transport session has ended (its process reported without it at ${clock(ended)})` : '';
  if (r?.problemFrom != null) {
    const span = r.problemFrom === r.problemTo ? `at ${clock(r.problemTo)}` : `between ${clock(r.problemFrom)} and ${clock(r.problemTo)}`;
    if (ended !== null) return `${span}${end}`;
    return `${span}; ${r.lastHadProblem ? 'still present at the newest sample' : `cleared at the newest sample (${clock(s.sent)})`}`;
  }
  return `in the interval ending ${clock(s.sent)}${ended !== null ? end : ' (no newer sample yet)'}`;
}

interface Ended { key: string; s: Series; at: number }


const OPTIONS = {
  ...UM_OPTIONS,
  consecutive: {
    type: 'string', default: '2', requiresArg: true, coerce: coerce.positiveInt(),
    describe: 'Alarm when NAKs grew in this many consecutive intervals (the seed rule: 2)',
  },
  'loss-floor': {
    type: 'string', default: '100', requiresArg: true, coerce: coerce.positiveInt(),
    describe: "loss_rate counts an interval's loss once it reaches this many datagrams (fewer is noise, whatever the %)",
  },
  'unresolved-for': {
    type: 'string', default: '1m', requiresArg: true, coerce: coerce.duration(),
    describe: 'Unresolved topics count once they lasted this long (topic resolution normally completes in seconds)',
  },
} as const satisfies OptionSpecs;

export type Options = OptionsOf<typeof OPTIONS>;

async function run(ctx: RunContext<Options>): Promise<CheckOutcome> {
  const o = ctx.opts;
  const fold = new Fold(o.lossFloor);
  let acct: NakAccounting | null = null;
  const ended: Ended[] = [];
  const c = await collect(ctx, {
    item: SERIES, wanted: ['source', 'receiver', 'im-source', 'im-receiver', 'context'], labels: NAK_LABELS,
    observe: (items, b) => fold.observe(items, (acct ??= new NakAccounting(items)), b),
  });
  const { read, apps, items: series, stale } = c;
  fold.settle();
  const runs = fold.runs;
  (acct ??= new NakAccounting(series)).finish();
  // a series its process no longer reports has ended: reported once more below (if this run
  // read its problem), then forgotten, so an alert about it clears
  const endedAt = endings(c.samples);
  for (const [key, s] of Object.entries(series)) {
    const at = s.kind === 'ctx' ? null : endedAt(s);
    if (at === null) continue;
    ended.push({ key, s, at });
    delete series[key];
  }
  c.save();
  const now = Date.now();
  if (Object.keys(series).length === 0 && Object.keys(apps).length === 0 && ended.length === 0) {
    throw new PluginError(noStatistics(o, read.parser, 'transport or context statistics', 'is lbmmon running, and do the applications set LBM_MONITOR_INTERVAL?'), State.UNKNOWN);
  }

  const findings: Finding[] = [];
  const problems: Problem[] = [];
  const infos: string[] = [];
  const total = zero();
  let streak = 0;
  let unresolvedNow = 0;
  const peak = { lost: 0, rate: null as number | null, unknownRate: null as number | null };

  const entries: [string, Series, number | null][] = [
    ...Object.entries(series).map(([k, s]): [string, Series, number | null] => [k, s, null]),
    ...ended.map((e): [string, Series, number | null] => [e.key, e.s, e.at]),
  ];
  // a stale application's series get no newer sample: the verdict of their last interval is
  // history, not news (held, it headlined a loss that ended long ago, for as long as the
  // application stayed away). It goes to the long output; the headline is the stale application.
  const stopped = new Set(stale.stale.map(appKey));
  for (const [key, s, endAt] of entries) {
    // on a first run the history only builds baselines: report each series' newest interval
    const r = read.firstRun ? undefined : runs.get(key);
    const gone = !r && endAt === null && stopped.has(appKey(s));
    if (endAt !== null && !read.firstRun && !r) {
      // ended, and nothing new read about it: the alert it raised before clears now
      if (s.lastGrowth && isProblem(s.lastGrowth)) {
        infos.push(`ended: ${s.kind === 'rcv' ? 'receiver' : 'source'} ${who(s)} for ${s.source}: the transport session ended (its process reported without it at ${clock(endAt)}); its last problem was in the interval ending ${clock(s.sent)}`);
      }
      continue;
    }
    const v = reported(s, r);
    const g: Growth = v.growth;
    const mine: Problem[] = [];
    const at = when(r, s, endAt, gone);
    if (!gone) {
      add(total, g); // a series' growth only fills the fields of its own kind
      worsePeak(peak, v.peak);
    }
    mine.push(...notesRules(s, g, v.peak, who(s), at, ctx.thresholds));
    if (s.kind === 'rcv') {
      if (!gone) streak = Math.max(streak, v.streak);
      const lost = g.windowAdvance + g.nakExpiry;
      if (lost > 0) mine.push({ severity: Severity.Unrecoverable, amount: lost, text: `unrecoverable loss: receiver ${who(s)} lost ${lost} datagrams from ${s.source} (window advance ${g.windowAdvance}, NAK generation expiration ${g.nakExpiry}) ${at}` });
      if (v.streak >= o.consecutive) mine.push({ severity: Severity.Streak, amount: v.streak, text: `NAKs grew in ${v.streak} consecutive intervals: receiver ${who(s)} from ${s.source} (${g.naks} NAKs sent) ${at}; recoverable loss so far, check the network and the receiver host` });
      else if (g.naks > 0) mine.push({ severity: Severity.Naks, amount: g.naks, text: `NAKs: receiver ${who(s)} sent ${g.naks} NAKs for ${s.source} ${at}` });
      if (ncfs(g) > 0) mine.push({ severity: Severity.Ncfs, amount: ncfs(g), text: `NCFs: receiver ${who(s)} got ${ncfs(g)} NCFs from ${s.source} (ignored ${g.ncfIgnored}, shed ${g.ncfShed}, retransmit delay ${g.ncfDelay}, unknown ${g.ncfUnknown}): the source refused retransmissions ${at}` });
    } else if (s.kind === 'ctx') {
      if (g.fragments > 0) mine.push({ severity: Severity.Unrecoverable, amount: g.fragments, text: `unrecoverable loss: ${who(s)} lost ${g.fragments} message fragments for good (context) ${at}` });
      const unresolved = s.values.unresolved;
      const since = s.unresolvedSince ?? null;
      // deaf: unresolved for --unresolved-for by the samples' own clock (the context still reports)
      if (unresolved && endAt === null && !gone && since !== null && s.sent !== null && s.sent - since >= o.unresolvedFor * 1000) {
        unresolvedNow = Math.max(unresolvedNow, unresolved);
        mine.push({ severity: Severity.Unresolved, amount: unresolved, text: `deaf: ${who(s)} has ${unresolved} unresolved topic${unresolved === 1 ? '' : 's'} in its receiver topic map since ${clock(since)} (${formatDuration((s.sent - since) / 1000)} at its newest sample): its receivers hear no source (topic resolution not completing, or the sources gone)` });
      }
    }
    if (gone) infos.push(...mine.map((p) => `stale: last interval before it stopped: ${p.text}`));
    else problems.push(...mine);
  }

  // NAK accounting: the newest aligned comparison of each live source series
  let unanswered: number | null = null;
  for (const [key, s] of Object.entries(series)) {
    const c = s.kind === 'src' ? s.cmp : null;
    if (!c || (stopped.has(appKey(s)) && !runs.has(key))) continue; // a stopped source's comparison is history too
    const counts = c.over >= o.consecutive ? c.gap : 0;
    unanswered = (unanswered ?? 0) + counts;
    const span = c.rcvFrom === c.rcvTo ? clock(c.rcvFrom) : `${clock(c.rcvFrom)}-${clock(c.rcvTo)}`;
    const text = `receivers of ${s.source} had sent ${c.rcv} NAKs by ${span} (cumulative, ${c.receivers} receiver${c.receivers === 1 ? '' : 's'}); the source ${who(s)} had received ${c.src} by ${clock(c.at)}`;
    if (counts > 0) problems.push({ severity: Severity.Unanswered, amount: counts, text: `NAKs unanswered: ${text}: a gap of ${c.gap} above the sampling skew (${c.allow}) in ${c.over} consecutive comparisons; NAKs are lost between receivers and source` });
    else if (ctx.verbose > 0 || c.gap > c.allow) infos.push(`NAK accounting: ${text} (gap ${c.gap}, sampling skew allowance ${c.allow}${c.over ? `, above it in ${c.over} comparison${c.over === 1 ? '' : 's'} so far` : ''})`);
  }
  const sf = staleFindings(stale, read.tail, o, now);
  findings.push(...sf.findings);
  for (const a of stale.stale) problems.push({ severity: Severity.Stale, amount: 0, text: `stale: ${describeApp(a)} stopped reporting (last sample ${clock(a.lastSent)})` });
  problems.sort((a, b) => b.severity - a.severity || b.amount - a.amount);

  const metrics: Metric[] = [
    { name: 'streak', value: streak, min: 0 },
    { name: 'naks', value: total.naks, min: 0 },
    { name: 'ncfs', value: ncfs(total), min: 0 },
    { name: 'unrecoverable', value: unrecoverable(total), min: 0 },
    { name: 'naks_unanswered', value: unanswered, min: 0 },
    { name: 'retransmit_ratio', value: percent(total.retrans, total.sent), uom: '%', min: 0, max: 100 },
    { name: 'unresolved_topics', value: unresolvedNow, min: 0 },
    { name: 'loss_rate', value: peak.rate ?? 0, uom: '%', min: 0, max: 100 },
    { name: 'lost_max', value: peak.lost, min: 0 },
    { name: 'naks_refused', value: naksRefused(total), min: 0 },
    { name: 'dgrams_dropped', value: dropped(total), min: 0 },
    { name: 'tr_dropped', value: trDropped(total), min: 0 },
    { name: 'unknown_rate', value: peak.unknownRate, min: 0 },
    { name: 'no_topic_pct', value: percent(total.noTopic, total.lbmMsgs + total.noTopic), uom: '%', min: 0, max: 100 },
    { name: 'stale_apps', value: stale.stale.length, min: 0 },
  ];
  const receivers = Object.values(series).filter((s) => s.kind === 'rcv').length;
  const endedRcv = ended.filter((e) => e.s.kind === 'rcv').length;
  const endedNote = endedRcv ? `; ${endedRcv} receiver transport session(s) ended` : '';
  const quiet = read.firstRun ? ' (first run: baselines from the newest samples in the log)' : runs.size === 0 ? ' (no new samples since the last check)' : '';
  return {
    metrics,
    findings,
    summary: (ev) => {
      const lead = findings.filter((f) => f.state !== State.OK).map((f) => f.text);
      const body = ev.state === State.OK || problems.length === 0
        ? `no loss: ${receivers} receiver transport${receivers === 1 ? '' : 's'} in ${Object.keys(apps).length} application${Object.keys(apps).length === 1 ? '' : 's'}, ${total.naks} NAKs${endedNote}${quiet}`
        : `${firstAndMore(problems.map((p) => p.text))}${quiet}`;
      return [...lead, body].join('; ');
    },
    details: [...problems.map((p) => p.text), ...infos, ...sf.details.filter((d) => !d.startsWith('stale:')), ...daemonDetails(read.daemons)],
    json: { problems: problems.map((p) => p.text) },
  };
}

export const definition: PluginDefinition<typeof OPTIONS> = {
  name: 'check_um_naks',
  label: 'UM_NAKS',
  description:
    'Ultra Messaging loss from lbmmon statistics: NAKs (recoverable loss), NCFs and unrecoverable loss,\n' +
    "unanswered NAKs, retransmissions, unresolved topics and applications that stopped reporting. Counters\n" +
    'are cumulative, so health is judged on their growth between consecutive samples of each transport session.',
  options: OPTIONS,
  examples: [
    ['check_um_naks -f /var/log/lbmmon/lbmmon.log', 'WARNING after 2 consecutive intervals with NAKs, CRITICAL on unrecoverable loss'],
    ['check_um_naks --app riskcalc --consecutive 3', 'one application, a more tolerant NAK rule'],
    ['check_um_naks -c ncfs=0 -w retransmit_ratio=5', 'NCFs are CRITICAL; WARNING above 5% retransmissions'],
  ],
  metrics: [
    { name: 'streak', help: 'longest run of consecutive intervals in which one receiver series sent NAKs (default WARNING at --consecutive)' },
    { name: 'naks', help: 'growth of LBT-RM/LBT-RU NAKs sent, summed over receivers' },
    { name: 'ncfs', help: 'growth of NCFs received (ignored, shed, retransmit delay, unknown) (default WARNING > 0)' },
    { name: 'unrecoverable', help: 'datagrams unrecoverable (window advance + NAK generation expiration) + fragments unrecoverably lost (default CRITICAL > 0)' },
    { name: 'naks_unanswered', help: "gap between receivers' cumulative NAKs sent and the source's NAKs received at aligned samples, counted when above the sampling skew in --consecutive comparisons (default WARNING > 0)" },
    { name: 'retransmit_ratio', uom: '%', help: 'source retransmissions / datagrams sent' },
    { name: 'unresolved_topics', help: 'unresolved topics of a context whose receivers stayed deaf for --unresolved-for (newest value, else 0; default WARNING > 0)' },
    { name: 'loss_rate', uom: '%', help: "worst single interval's loss: receiver datagrams lost or source datagrams NAKed, as % of what it carried, once it reached --loss-floor (default -w 5 -c 20)" },
    { name: 'lost_max', help: 'most datagrams lost (receiver) or NAKed (source) in one interval (default WARNING > 1000: a burst)' },
    { name: 'naks_refused', help: "source NAKs ignored, shed, ignored (retransmit delay): NCFs the source sent (default WARNING > 0)" },
    { name: 'dgrams_dropped', help: 'receiver datagrams dropped (size, type, version, hdr, other): malformed traffic (default WARNING > 0)' },
    { name: 'tr_dropped', help: 'topic resolution datagrams dropped (version, type, malformed) (default WARNING > 0)' },
    { name: 'unknown_rate', help: 'unknown LBT-RM/LBT-RU datagrams received a second, worst interval (default WARNING > 10)' },
    { name: 'no_topic_pct', uom: '%', help: 'LBM messages received with an uninteresting topic, % of all received (no default; above ~25% the topic/transport mapping is worth a look)' },
    { name: 'stale_apps', help: 'applications that stopped reporting (default WARNING > 0)' },
  ],
  primary: 'streak',
  defaults: (o) => ({
    streak: { warn: String(Math.max(0, o.consecutive - 1)) },
    ncfs: { warn: '0' },
    unrecoverable: { crit: '0' },
    stale_apps: { warn: '0' },
    naks_unanswered: { warn: '0' },
    unresolved_topics: { warn: '0' },
    loss_rate: { warn: '5', crit: '20' },
    lost_max: { warn: '1000' },
    naks_refused: { warn: '0' },
    dgrams_dropped: { warn: '0' },
    tr_dropped: { warn: '0' },
    unknown_rate: { warn: '10' },
  }),
  helpEpilogue:
    'Growth covers the samples read since the previous run; a transport series with no new sample repeats the growth\n' +
    'of its newest interval, so an alert stands until a newer sample shows it cleared, or until the series ends: once\n' +
    'two newer samples of its process context lack it, the run that sees this reports what it read and forgets it.\n' +
    'A first run reports the newest interval of each series found in the last --initial-bytes of the log.\n' +
    'Latency: a rule on one interval (loss_rate, lost_max, drops, refused NAKs, unknown datagrams) fires on the first\n' +
    "sample after the event, so up to one monitor interval (600 s with the current documentation's default) plus one\n" +
    'check interval; the NAK streak needs --consecutive intervals (20 minutes at 600 s); unresolved topics fire after\n' +
    '--unresolved-for, measured on the samples, so at the first sample after that.',
  run,
};
