/**
 * Per transport-series bookkeeping for loss: deltas between consecutive samples, NAK streaks,
 * and the growth of each series' newest interval (kept, so an alert stands until a new sample
 * shows it cleared): the types, the saved form and the labels. fold.ts folds blocks into them.
 */
import { array, count, literal, nullable, num, obj, optional, pair, record, stamp, str, type Schema } from '../../lib/state/schema.js';
import type { Block } from '../../um/model.js';
import { COMPARISON, type Comparison } from './gap.js';

export type SeriesKind = 'rcv' | 'src' | 'ctx';

export interface Growth {
  naks: number; ncfIgnored: number; ncfShed: number; ncfDelay: number; ncfUnknown: number;
  windowAdvance: number; nakExpiry: number; fragments: number;
  srcNaks: number; sent: number; retrans: number;
  // Informatica's monitoring notes (kb/monitoring-notes.md): loss, refused NAKs, malformed
  // datagrams, topic resolution noise, unknown transport traffic, topic/transport mapping waste
  lost: number; received: number; lbmMsgs: number; noTopic: number;
  dropSize: number; dropType: number; dropVer: number; dropHdr: number; dropOther: number;
  naksIgnored: number; naksShed: number; naksDelay: number;
  trVer: number; trType: number; trMalformed: number; unknownRm: number; unknownRu: number;
}

/** The worst single interval of a series: what one-interval rules judge (a burst is not averaged away). */
export interface Peak {
  /** datagrams lost (receiver) or NAKed (source) in one interval */
  lost: number;
  /** that loss as % of what the interval carried, when it reached the floor; else null */
  rate: number | null;
  /** unknown LBT-RM/RU datagrams a second (context) */
  unknownRate: number | null;
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
  /** the sample time from which the unresolved topics have been non-zero without a break */
  unresolvedSince?: number | null;
  /** the newest interval's growth, its non-zero counters only (absent: 0) */
  lastGrowth: Partial<Growth> | null;
  lastPeak?: Peak | null;
}

export interface RunSeries {
  growth: Growth;
  peak: Peak;
  streakMax: number;
  problemFrom: number | null;
  problemTo: number | null;
  lastHadProblem: boolean;
}

export const zero = (): Growth => ({
  naks: 0, ncfIgnored: 0, ncfShed: 0, ncfDelay: 0, ncfUnknown: 0, windowAdvance: 0, nakExpiry: 0, fragments: 0, srcNaks: 0, sent: 0, retrans: 0,
  lost: 0, received: 0, lbmMsgs: 0, noTopic: 0, dropSize: 0, dropType: 0, dropVer: 0, dropHdr: 0, dropOther: 0,
  naksIgnored: 0, naksShed: 0, naksDelay: 0, trVer: 0, trType: 0, trMalformed: 0, unknownRm: 0, unknownRu: 0,
});
export const noPeak = (): Peak => ({ lost: 0, rate: null, unknownRate: null });

/** Keeps the worse of two peaks in `a`. */
export function worsePeak(a: Peak, b: Peak): void {
  a.lost = Math.max(a.lost, b.lost);
  if (b.rate !== null) a.rate = Math.max(a.rate ?? 0, b.rate);
  if (b.unknownRate !== null) a.unknownRate = Math.max(a.unknownRate ?? 0, b.unknownRate);
}

export const dropped = (g: Growth) => g.dropSize + g.dropType + g.dropVer + g.dropHdr + g.dropOther;
export const naksRefused = (g: Growth) => g.naksIgnored + g.naksShed + g.naksDelay;
export const trDropped = (g: Growth) => g.trVer + g.trType + g.trMalformed;

/** NCFs: the source refused retransmissions */
export const NCF_KEYS = ['ncfIgnored', 'ncfShed', 'ncfDelay', 'ncfUnknown'] as const satisfies readonly (keyof Growth)[];
/** loss no retransmission can repair */
export const UNRECOVERABLE_KEYS = ['windowAdvance', 'nakExpiry', 'fragments'] as const satisfies readonly (keyof Growth)[];
/** growth in any of these makes an interval a problem one: NAKs, unrecoverable loss, NCFs */
export const PROBLEM_KEYS: readonly (keyof Growth)[] = ['naks', ...UNRECOVERABLE_KEYS, ...NCF_KEYS];

const sum = (g: Growth, keys: readonly (keyof Growth)[]) => keys.reduce((n, k) => n + g[k], 0);
export function ncfs(g: Growth): number { return sum(g, NCF_KEYS); }
export function unrecoverable(g: Growth): number { return sum(g, UNRECOVERABLE_KEYS); }
export const isProblem = (g: Partial<Growth>): boolean => PROBLEM_KEYS.some((k) => (g[k] ?? 0) > 0);

const GROWTH_KEYS = Object.keys(zero()) as (keyof Growth)[];

export function add(a: Growth, b: Partial<Growth>): void {
  // a saved growth holds only its non-zero counters: those it lacks add nothing
  for (let i = 0; i < GROWTH_KEYS.length; i++) { const k = GROWTH_KEYS[i]; a[k] = (a[k] ?? 0) + (b[k] ?? 0); }
}

function labels(kind: SeriesKind, t: string): Record<string, string> {
  if (kind === 'rcv') {
    return {
      naks: `${t} NAKs sent`, ncfIgnored: 'NCFs received (ignored)', ncfShed: 'NCFs received (shed)', ncfDelay: 'NCFs received (retransmit delay)',
      ncfUnknown: 'NCFs received (unknown)', windowAdvance: `${t} datagrams unrecoverable (window advance)`, nakExpiry: `${t} datagrams unrecoverable (NAK generation expiration)`,
      lost: `Lost ${t} datagrams detected`, received: `${t} datagrams received`, lbmMsgs: `${t} LBM messages received`, noTopic: `${t} LBM messages received with uninteresting topic`,
      dropSize: `${t} datagrams dropped (size)`, dropType: `${t} datagrams dropped (type)`, dropVer: `${t} datagrams dropped (version)`,
      dropHdr: `${t} datagrams dropped (hdr)`, dropOther: `${t} datagrams dropped (other)`,
    };
  }
  if (kind === 'src') {
    return {
      srcNaks: `${t} NAKs received`, sent: `${t} datagrams sent`, retrans: `${t} retransmission datagrams sent`,
      naksIgnored: `${t} NAKs ignored`, naksShed: `${t} NAKs shed`, naksDelay: `${t} NAKs ignored (retransmit delay)`,
    };
  }
  return {
    fragments: 'Number of data message fragments unrecoverably lost', unresolved: 'Unresolved topics in receiver topic map',
    trVer: 'Topic resolution datagrams dropped (version)', trType: 'Topic resolution datagrams dropped (type)', trMalformed: 'Topic resolution datagrams dropped (malformed)',
    unknownRm: 'Unknown LBT-RM datagrams received', unknownRu: 'Unknown LBT-RU datagrams received',
  };
}

/**
 * labels() as entries, made once per (kind, transport): a block costs no string building, and the
 * same label strings (their hashes kept) are looked up in every block's fields.
 */
const labelMemo: Record<SeriesKind, Map<string, [string, string][]>> = { rcv: new Map(), src: new Map(), ctx: new Map() };
export function labelsOf(kind: SeriesKind, t: string): [string, string][] {
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
const o0 = optional(n0);
// every counter is optional: a growth is saved with its non-zero counters only (since issue 44:
// all 29 counters were 560 of a receiver's 1,400 bytes of state; 2,000 applications, 5.8 -> 4.4 MB),
// and one saved before (every counter, or before 0.3 the first eleven) reads the same
const GROWTH: Schema<Partial<Growth>> = obj<Partial<Growth>>({
  naks: o0, ncfIgnored: o0, ncfShed: o0, ncfDelay: o0, ncfUnknown: o0, windowAdvance: o0, nakExpiry: o0, fragments: o0,
  srcNaks: o0, sent: o0, retrans: o0,
  lost: o0, received: o0, lbmMsgs: o0, noTopic: o0, dropSize: o0, dropType: o0, dropVer: o0, dropHdr: o0, dropOther: o0,
  naksIgnored: o0, naksShed: o0, naksDelay: o0, trVer: o0, trType: o0, trMalformed: o0, unknownRm: o0, unknownRu: o0,
} as never);
const PEAK: Schema<Peak> = obj<Peak>({ lost: n0, rate: nullable(n0), unknownRate: nullable(n0) });

/** Saved series are distrusted: every field checked by type and plausibility. */
export const SERIES: Schema<Series> = obj<Series>({
  kind: literal('rcv', 'src', 'ctx'),
  appid: str(), ip: str(64), pid: str(32), ctx: str(32), title: str(200), source: str(), transport: str(100),
  sent: nullable(stamp),
  recent: array(pair(stamp, n0), 8),
  cmp: nullable(COMPARISON),
  values: record(nullable(n0), 100),
  streak: count, nonzero: count,
  unresolvedSince: optional(nullable(stamp)),
  lastGrowth: nullable(GROWTH),
  lastPeak: optional(nullable(PEAK)),
});

/**
 * The growth this run reports for a series: what it read since the last run, or, with no new
 * sample, the growth of the series' newest interval.
 */
export function reported(s: Series, r: RunSeries | undefined): { growth: Growth; streak: number; peak: Peak } {
  if (r) return { growth: r.growth, streak: Math.max(r.streakMax, s.streak), peak: r.peak };
  const growth = zero();
  if (s.lastGrowth) add(growth, s.lastGrowth);
  return { growth, streak: s.streak, peak: s.lastPeak ?? noPeak() };
}

/** Every field label this check reads; the parser decodes no other. */
export const NAK_LABELS = new Set<string>(
  (['LBT-RM', 'LBT-RU'] as const).flatMap((t) => [...Object.values(labels('rcv', t)), ...Object.values(labels('src', t))]).concat(Object.values(labels('ctx', ''))),
);
