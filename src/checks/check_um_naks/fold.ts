/**
 * Folding blocks into series, fast enough for a first scan of hundreds of thousands of blocks:
 * during a run each series' counters sit in arrays by position in its kind's label list (a
 * layout), and the named records the state and the verdicts use (values, growth, peak) are made
 * once per series when the read ends (settle). Keyed access to a record per counter and new
 * objects per block were most of a first scan's bookkeeping (issue 32).
 */
import { percent } from '../../lib/measured.js';
import { counterDelta, seriesKey, type Block } from '../../um/model.js';
import { remember, type NakAccounting } from './gap.js';
import { kindOfBlock, labelsOf, noPeak, PROBLEM_KEYS, zero, type Growth, type Peak, type RunSeries, type Series, type SeriesKind } from './series.js';

/** One kind's counters for one transport, by position; -1: a counter this kind has not. */
interface Layout {
  kind: SeriesKind;
  keys: string[];
  labels: string[];
  /** the cumulative NAK counter the accounting remembers (receiver: sent, source: received) */
  nakCounter: number;
  naks: number;
  unresolved: number;
  /** loss in an interval, and what it is a share of */
  lost: number;
  carried: number[];
  /** unknown LBT-RM/RU datagrams (context) */
  unknown: number[];
  /** growth here makes an interval a problem one: NAKs, unrecoverable loss, NCFs */
  problem: number[];
}

const PROBLEMS = new Set<string>(PROBLEM_KEYS);

const layouts = new Map<string, Layout>();
function layoutOf(kind: SeriesKind, transport: string): Layout {
  const id = `${kind}\u0001${transport}`;
  let l = layouts.get(id);
  if (l !== undefined) return l;
  const entries = labelsOf(kind, transport);
  const keys = entries.map(([k]) => k);
  const at = (k: string) => keys.indexOf(k);
  l = {
    kind, keys, labels: entries.map(([, label]) => label),
    nakCounter: kind === 'rcv' ? at('naks') : kind === 'src' ? at('srcNaks') : -1,
    naks: at('naks'), unresolved: at('unresolved'),
    lost: kind === 'rcv' ? at('lost') : kind === 'src' ? at('srcNaks') : -1,
    carried: kind === 'rcv' ? [at('received'), at('lost')] : kind === 'src' ? [at('sent')] : [],
    unknown: kind === 'ctx' ? [at('unknownRm'), at('unknownRu')] : [],
    problem: keys.flatMap((k, i) => (PROBLEMS.has(k) ? [i] : [])),
  };
  layouts.set(id, l);
  return l;
}

/** A series as this run folds it. */
interface Live {
  s: Series;
  layout: Layout;
  /** the newest values */
  cur: (number | null)[];
  /** the newest interval's growth, once this run read one, and when it began */
  last: number[] | null;
  /**
   * Instants as numbers, NaN for none, until settle() names them: a field that may hold null
   * holds a boxed number, and each store of a new instant made a box, which lived as long as its
   * series' next block, past young-generation collections, and then filled the old generation
   * (2,000 applications: megabytes of it; issue 44).
   */
  lastFrom: number;
  problemFrom: number;
  problemTo: number;
  /** this run's growth */
  sum: number[];
  run: RunSeries | null;
}

/** a run's growth until settle() adds it up (one object, not 29 counters per series read) */
const UNSETTLED: Growth = Object.freeze(zero());

const orNull = (t: number): number | null => (Number.isNaN(t) ? null : t);
const orNaN = (t: number | null): number => (t === null ? NaN : t);

/**
 * Worsens `into` by one interval's peak: loss (receiver `Lost ... datagrams detected`, source
 * `NAKs received`) as a count and, once it reaches `floor`, as % of the datagrams the interval
 * carried; unknown datagrams a second (context).
 */
function worsenPeak(into: Peak, l: Layout, d: number[], from: number, to: number, floor: number): void {
  const lost = l.lost < 0 ? 0 : d[l.lost];
  if (lost > into.lost) into.lost = lost;
  let carried = 0;
  for (let i = 0; i < l.carried.length; i++) carried += d[l.carried[i]];
  if (lost >= floor && carried > 0) into.rate = Math.max(into.rate ?? 0, Math.min(100, percent(lost, carried)!));
  if (l.unknown.length > 0 && to > from) { // false for NaN: an instant not known
    let unknown = 0;
    for (let i = 0; i < l.unknown.length; i++) unknown += d[l.unknown[i]];
    into.unknownRate = Math.max(into.unknownRate ?? 0, Math.round((10 * unknown) / ((to - from) / 1000)) / 10);
  }
}

/**
 * `into` with the counters `d` holds by position set where they are not 0: into zero(), a run's
 * whole growth; into {}, what a series keeps of its newest interval (non-zero counters only).
 */
function growthOf<G extends Partial<Growth>>(l: Layout, d: number[], into: G): G {
  for (let i = 0; i < l.keys.length; i++) if (i !== l.unresolved && d[i] !== 0) into[l.keys[i] as keyof Growth] = d[i];
  return into;
}

export class Fold {
  /** the series this run read a new interval of */
  readonly runs = new Map<string, RunSeries>();
  private readonly live = new Map<string, Live>();
  /** a block's values of its layout's labels, in their order (reused block after block) */
  private readonly read: (number | null)[] = [];

  constructor(private readonly floor: number) {}

  /** Folds one block into its series (creating it) and this run's accumulation. */
  observe(series: Record<string, Series>, acct: NakAccounting, b: Block): void {
    const kind = kindOfBlock(b);
    if (!kind) return;
    const key = seriesKey(b);
    const h = b.header;
    const sent = h.sentMs;
    let v = this.live.get(key);
    if (v === undefined) {
      const layout = layoutOf(kind, b.transport);
      const saved = series[key];
      if (saved === undefined) {
        const s: Series = {
          kind, appid: h.appid, ip: h.ip, pid: h.pid, ctx: h.ctxInst, title: h.title, source: b.source, transport: b.transport,
          sent, values: {}, streak: 0, nonzero: 0, unresolvedSince: null, lastGrowth: null, lastPeak: null, recent: [], cmp: null,
        };
        series[key] = s;
        v = { s, layout, cur: layout.labels.map((label) => b.fields.get(label) ?? null), last: null, lastFrom: NaN, problemFrom: NaN, problemTo: NaN, sum: layout.keys.map(() => 0), run: null };
        this.live.set(key, v);
        const u = v.cur[layout.unresolved];
        if (layout.unresolved >= 0 && u) { s.nonzero = 1; s.unresolvedSince = sent; }
        if (layout.nakCounter >= 0) remember(s, sent, v.cur[layout.nakCounter]);
        if (kind === 'rcv') acct.addReceiver(key, s);
        else if (kind === 'src') acct.onSource(s);
        return;
      }
      v = { s: saved, layout, cur: layout.keys.map((k) => saved.values[k] ?? null), last: null, lastFrom: NaN, problemFrom: NaN, problemTo: NaN, sum: layout.keys.map(() => 0), run: null };
      this.live.set(key, v);
    }
    const s = v.s;
    const from = s.sent;
    if (sent !== null && from !== null && sent < from) return; // older than what we have: already seen
    const l = v.layout;
    let r = v.run;
    if (r === null) this.runs.set(key, r = v.run = { growth: UNSETTLED, peak: noPeak(), streakMax: 0, problemFrom: null, problemTo: null, lastHadProblem: false });
    const d = v.last ??= l.keys.map(() => 0);
    const cur = v.cur;
    const wasUnresolved = l.unresolved >= 0 ? cur[l.unresolved] : null;
    const read = this.read;
    if (b.fields.readInto !== undefined) b.fields.readInto(l.labels, read);
    else for (let i = 0; i < cur.length; i++) read[i] = b.fields.get(l.labels[i]) ?? null;
    for (let i = 0; i < cur.length; i++) {
      const now = read[i];
      const g = counterDelta(cur[i], now);
      d[i] = g;
      v.sum[i] += g;
      cur[i] = now;
    }
    v.lastFrom = orNaN(from);
    s.appid = h.appid; s.ip = h.ip; s.pid = h.pid; s.ctx = h.ctxInst; s.title = h.title; s.source = b.source; s.transport = b.transport;
    s.sent = sent;
    if (l.unresolved >= 0) {
      const u = cur[l.unresolved];
      s.nonzero = u ? s.nonzero + 1 : 0;
      s.unresolvedSince = u ? (wasUnresolved ? (s.unresolvedSince ?? from) : sent) : null;
    } else {
      s.nonzero = 0;
      s.unresolvedSince = null;
    }
    s.streak = l.naks >= 0 && d[l.naks] > 0 ? s.streak + 1 : 0;
    worsenPeak(r.peak, l, d, v.lastFrom, orNaN(sent), this.floor);
    if (s.streak > r.streakMax) r.streakMax = s.streak;
    let problem = false;
    for (let i = 0; i < l.problem.length; i++) if (d[l.problem[i]] > 0) problem = true;
    if (problem) {
      if (Number.isNaN(v.problemFrom)) v.problemFrom = v.lastFrom;
      v.problemTo = orNaN(sent);
    }
    r.lastHadProblem = problem;
    if (l.nakCounter >= 0) remember(s, sent, cur[l.nakCounter]);
    if (kind === 'src') acct.onSource(s);
  }

  /** The read ended: each series read gets its named values, newest growth and peak, and this run's growth. */
  settle(): void {
    for (const v of this.live.values()) {
      const l = v.layout;
      const values: Record<string, number | null> = {};
      for (let i = 0; i < l.keys.length; i++) values[l.keys[i]] = v.cur[i];
      v.s.values = values;
      if (v.last !== null) {
        v.s.lastGrowth = growthOf(l, v.last, {});
        const p = noPeak();
        worsenPeak(p, l, v.last, v.lastFrom, orNaN(v.s.sent), this.floor);
        v.s.lastPeak = p;
      }
      if (v.run !== null) {
        v.run.growth = growthOf(l, v.sum, zero());
        v.run.problemFrom = orNull(v.problemFrom);
        v.run.problemTo = orNull(v.problemTo);
      }
    }
  }
}
