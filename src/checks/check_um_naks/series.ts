/**
 * Per transport-series bookkeeping for loss: deltas between consecutive samples, NAK streaks,
 * and the growth of each series' newest interval (kept, so an alert stands until a new sample
 * shows it cleared). Pure: blocks in, numbers out.
 */
import { array, count, literal, nullable, num, obj, pair, record, stamp, str, type Schema } from '../../lib/state/schema.js';
import { counterDelta, seriesKey, type Block } from '../../um/model.js';
import { COMPARISON, remember, type Comparison, type NakAccounting } from './gap.js';

export type SeriesKind = 'rcv' | 'src' | 'ctx';

export interface Growth {
  naks: number; ncfIgnored: number; ncfShed: number; ncfDelay: number; ncfUnknown: number;
  windowAdvance: number; nakExpiry: number; fragments: number;
  srcNaks: number; sent: number; retrans: number;
}

export interface Series {
  kind: SeriesKind;
  appid: string; ip: string; pid: string; ctx: string;
  title: string; source: string; transport: string;
  sent: number | null;
  /** the newest few (instant, cumulative NAKs sent | received) of a transport series, for NAK accounting */
  recent: [number, number][];
  /** a source series' newest NAK accounting comparison */
  cmp: Comparison | null;
  values: Record<string, number | null>;
  streak: number;
  nonzero: number; // consecutive samples with unresolved topics
  lastGrowth: Growth | null;
}

export interface RunSeries {
  growth: Growth;
  streakMax: number;
  problemFrom: number | null;
  problemTo: number | null;
  lastHadProblem: boolean;
}

export const zero = (): Growth => ({ naks: 0, ncfIgnored: 0, ncfShed: 0, ncfDelay: 0, ncfUnknown: 0, windowAdvance: 0, nakExpiry: 0, fragments: 0, srcNaks: 0, sent: 0, retrans: 0 });

export function ncfs(g: Growth): number { return g.ncfIgnored + g.ncfShed + g.ncfDelay + g.ncfUnknown; }
export function unrecoverable(g: Growth): number { return g.windowAdvance + g.nakExpiry + g.fragments; }

export function add(a: Growth, b: Growth): void {
  for (const k of Object.keys(a) as (keyof Growth)[]) a[k] += b[k];
}

function labels(kind: SeriesKind, t: string): Record<string, string> {
  if (kind === 'rcv') {
    return {
      naks: `${t} NAKs sent`, ncfIgnored: 'NCFs received (ignored)', ncfShed: 'NCFs received (shed)', ncfDelay: 'NCFs received (retransmit delay)',
      ncfUnknown: 'NCFs received (unknown)', windowAdvance: `${t} datagrams unrecoverable (window advance)`, nakExpiry: `${t} datagrams unrecoverable (NAK generation expiration)`,
    };
  }
  if (kind === 'src') return { srcNaks: `${t} NAKs received`, sent: `${t} datagrams sent`, retrans: `${t} retransmission datagrams sent` };
  return { fragments: 'Number of data message fragments unrecoverably lost', unresolved: 'Unresolved topics in receiver topic map' };
}

/**
 * labels() as entries, made once per (kind, transport): a block costs no string building, and the
 * same label strings (their hashes kept) are looked up in every block's fields.
 */
const labelMemo: Record<SeriesKind, Map<string, [string, string][]>> = { rcv: new Map(), src: new Map(), ctx: new Map() };
function labelsOf(kind: SeriesKind, t: string): [string, string][] {
  const memo = labelMemo[kind];
  let e = memo.get(t);
  if (e === undefined) memo.set(t, e = Object.entries(labels(kind, t)));
  return e;
}

export function kindOfBlock(b: Block): SeriesKind | null {
  const k = b.header.kind;
  const nak = b.transport === 'LBT-RM' || b.transport === 'LBT-RU';
  if ((k === 'receiver' || k === 'im-receiver') && nak) return 'rcv';
  if ((k === 'source' || k === 'im-source') && nak) return 'src';
  if (k === 'context') return 'ctx';
  return null;
}

const n0 = num({ min: 0 });
const GROWTH: Schema<Growth> = obj<Growth>({
  naks: n0, ncfIgnored: n0, ncfShed: n0, ncfDelay: n0, ncfUnknown: n0, windowAdvance: n0, nakExpiry: n0, fragments: n0,
  srcNaks: n0, sent: n0, retrans: n0,
});

/** Saved series are distrusted: every field checked by type and plausibility. */
export const SERIES: Schema<Series> = obj<Series>({
  kind: literal('rcv', 'src', 'ctx'),
  appid: str(), ip: str(64), pid: str(32), ctx: str(32), title: str(200), source: str(), transport: str(100),
  sent: nullable(stamp),
  recent: array(pair(stamp, n0), 8),
  cmp: nullable(COMPARISON),
  values: record(nullable(n0), 100),
  streak: count, nonzero: count,
  lastGrowth: nullable(GROWTH),
});

/** Folds one block into the saved series and this run's accumulation. */
export function observe(series: Record<string, Series>, run: Map<string, RunSeries>, acct: NakAccounting, b: Block): void {
  const kind = kindOfBlock(b);
  if (!kind) return;
  const key = seriesKey(b);
  const prev = series[key];
  const sent = b.header.sentMs;
  if (prev && sent !== null && prev.sent !== null && sent < prev.sent) return; // older than what we have: already seen
  const lab = labelsOf(kind, b.transport);
  const values: Record<string, number | null> = {};
  for (const [k, label] of lab) values[k] = b.fields.get(label) ?? null;
  const next: Series = {
    kind, appid: b.header.appid, ip: b.header.ip, pid: b.header.pid, ctx: b.header.ctxInst, title: b.header.title, source: b.source, transport: b.transport,
    sent, values, streak: 0, nonzero: values.unresolved ? (prev?.nonzero ?? 0) + 1 : 0,
    lastGrowth: prev?.lastGrowth ?? null,
    recent: prev?.recent ?? [], cmp: prev?.cmp ?? null,
  };
  if (prev) {
    const g = zero();
    for (const [k] of lab) {
      if (k === 'unresolved') continue;
      g[k as keyof Growth] = counterDelta(prev.values[k], values[k]);
    }
    next.streak = g.naks > 0 ? prev.streak + 1 : 0;
    next.lastGrowth = g;
    const r = run.get(key) ?? { growth: zero(), streakMax: 0, problemFrom: null, problemTo: null, lastHadProblem: false };
    add(r.growth, g);
    r.streakMax = Math.max(r.streakMax, next.streak);
    const problem = g.naks > 0 || unrecoverable(g) > 0 || ncfs(g) > 0;
    if (problem) {
      r.problemFrom ??= prev.sent;
      r.problemTo = sent;
    }
    r.lastHadProblem = problem;
    run.set(key, r);
  }
  series[key] = next;
  if (kind === 'rcv') {
    remember(next, sent, values.naks);
    if (!prev) acct.addReceiver(key, next);
  } else if (kind === 'src') {
    remember(next, sent, values.srcNaks);
    acct.onSource(next);
  }
}

/**
 * The growth this run reports for a series: what it read since the last run, or, with no new
 * sample, the growth of the series' newest interval.
 */
export function reported(s: Series, r: RunSeries | undefined): { growth: Growth; streak: number } {
  if (r) return { growth: r.growth, streak: Math.max(r.streakMax, s.streak) };
  return { growth: s.lastGrowth ?? zero(), streak: s.streak };
}

/** Every field label this check reads; the parser decodes no other. */
export const NAK_LABELS = new Set<string>(
  (['LBT-RM', 'LBT-RU'] as const).flatMap((t) => [...Object.values(labels('rcv', t)), ...Object.values(labels('src', t))]).concat(Object.values(labels('ctx', ''))),
);
