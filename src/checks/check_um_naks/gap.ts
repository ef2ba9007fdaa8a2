/**
 * NAK accounting: do the NAKs receivers send reach the source? Compared on cumulative counters
 * at instants that line up, never on growth over windows that do not (each application samples
 * on its own timer, so the receivers' and the source's intervals cover different spans).
 *
 * For each source sample (instant t), each receiver of that transport session contributes its
 * sample nearest t within half the source's interval. The gap is
 *   sum of the receivers' `NAKs sent` - the source's `NAKs received`
 * and counts only when it exceeds the sampling skew: 3 NAKs plus what the receivers send during
 * the time between their sample and the source's (plus 1 s for the stamps' resolution). A
 * negative gap is normal (the source also counts NAKs of receivers not in this log, or ended).
 * The check alerts only when the gap stays above the skew in consecutive comparisons.
 *
 * A source sample is compared once a later source sample has begun (receivers' samples near it
 * are in the log by then), or at the end of a run when every receiver has reported since.
 */
import { count, num, obj, stamp, type Schema } from '../../lib/state/schema.js';
import type { Series } from './series.js';

export interface Comparison {
  at: number; // the source sample's instant
  rcvFrom: number; rcvTo: number; // the receivers' sample instants used
  receivers: number;
  rcv: number; // sum of the receivers' NAKs sent
  src: number; // the source's NAKs received
  gap: number;
  allow: number; // sampling skew allowance
  over: number; // consecutive comparisons with gap > allow
}

export const COMPARISON: Schema<Comparison> = obj<Comparison>({
  at: stamp, rcvFrom: stamp, rcvTo: stamp, receivers: num({ min: 1, int: true }),
  rcv: count, src: count, gap: num({ int: true }), allow: num({ min: 0 }), over: count,
});

const RING = 8;
const SKEW_NAKS = 3;
const STAMP_MS = 1000;

/**
 * Remembers a sample's cumulative NAK counter, newest last, a few of them. A full ring reuses its
 * oldest pair: a new pair per sample outlived young-generation collections (it stays for RING
 * samples) and then filled the old generation with dead pairs (issue 44).
 */
export function remember(s: Series, t: number | null, v: number | null): void {
  if (t === null || v === null) return;
  const r = s.recent;
  if (r.length && r[r.length - 1][0] >= t) return;
  if (r.length < RING) { r.push([t, v]); return; }
  const p = r.shift()!; // a saved ring holds at most RING (its schema)
  p[0] = t;
  p[1] = v;
  r.push(p);
}

function intervalOf(s: Series): number | null {
  const r = s.recent;
  return r.length >= 2 ? r[r.length - 1][0] - r[r.length - 2][0] : null;
}

/** NAKs per ms around the sample at index i of a receiver's ring. */
function rateAt(r: [number, number][], i: number): number {
  const j = i > 0 ? i - 1 : i + 1;
  if (j < 0 || j >= r.length || r[j][0] === r[i][0]) return 0;
  return Math.max(0, (r[i][1] - r[j][1]) / (r[i][0] - r[j][0]));
}

export class NakAccounting {
  /** source string -> keys of receiver series */
  private readonly receivers = new Map<string, Set<string>>();

  constructor(private readonly series: Record<string, Series>) {
    for (const [k, s] of Object.entries(series)) if (s.kind === 'rcv') this.addReceiver(k, s);
  }

  addReceiver(key: string, s: Series): void {
    let set = this.receivers.get(s.source);
    if (!set) this.receivers.set(s.source, (set = new Set()));
    set.add(key);
  }

  /** A new source sample arrived: the one before it can now be compared. */
  onSource(src: Series): void {
    const r = src.recent;
    if (r.length >= 2) this.compare(src, r.length - 2, false);
  }

  /** End of the run: the newest source sample, if every receiver has reported since. */
  finish(): void {
    for (const s of Object.values(this.series)) {
      if (s.kind === 'src' && s.recent.length) this.compare(s, s.recent.length - 1, true);
    }
  }

  private compare(src: Series, idx: number, needAll: boolean): void {
    const [t, v] = src.recent[idx];
    if (src.cmp && src.cmp.at >= t) return;
    const tol = Math.max(STAMP_MS, (intervalOf(src) ?? 2 * STAMP_MS) / 2);
    let sum = 0, allow = SKEW_NAKS, n = 0, from = Infinity, to = -Infinity;
    for (const key of this.receivers.get(src.source) ?? []) {
      const rcv = this.series[key];
      if (!rcv) continue;
      const ring = rcv.recent;
      let best = -1;
      for (let i = 0; i < ring.length; i++) {
        if (Math.abs(ring[i][0] - t) <= tol && (best < 0 || Math.abs(ring[i][0] - t) < Math.abs(ring[best][0] - t))) best = i;
      }
      if (best < 0) {
        const newest = ring.length ? ring[ring.length - 1][0] : -Infinity;
        if (needAll && newest < t + tol && newest > t - 3 * tol) return; // may still report near t: wait
        continue; // no sample near t (ended, late, or sampling elsewhere): not part of this comparison
      }
      const [rt, rv] = ring[best];
      sum += rv;
      allow += rateAt(ring, best) * (Math.abs(rt - t) + STAMP_MS);
      from = Math.min(from, rt);
      to = Math.max(to, rt);
      n++;
    }
    if (n === 0) return;
    const gap = sum - v;
    const al = Math.ceil(allow);
    src.cmp = { at: t, rcvFrom: from, rcvTo: to, receivers: n, rcv: sum, src: v, gap, allow: al, over: gap > al ? (src.cmp?.over ?? 0) + 1 : 0 };
  }
}
