/**
 * When a transport series has ended. lbmmon prints a transport block only while its transport
 * session exists; when a source goes away the receiver's process keeps reporting, just without
 * that block (um_troubleshoot: "only had a context statistic, no transport stats"). So a series
 * has ended when a newer sample of its own process context lacks it. A sample is known to be
 * complete only once a later one has begun (lbmmon prints a sample's blocks one by one, and a run
 * may stop between them), so the evidence is two sample instants of the context newer than the
 * series' last one. A context that stopped reporting while its process goes on under another
 * context instance has ended with all its series.
 */
import { nullable, obj, record, stamp, str, where, type Schema } from '../lib/state/schema.js';
import type { Header } from './model.js';
import { appKey } from './model.js';

/** Stamps of one sample may straddle a second boundary; samples are at least 1 s apart. */
const SAME_SAMPLE_MS = 1000;

export interface ContextSamples {
  appid: string; ip: string; pid: string; ctx: string;
  prev: number | null; // the newest complete sample's instant
  newest: number;
}

export type Samples = Record<string, ContextSamples>;

export const SAMPLES: Schema<Samples> = record(where(obj<ContextSamples>({
  appid: str(), ip: str(64), pid: str(32), ctx: str(32), prev: nullable(stamp), newest: stamp,
}), (c) => (c.prev !== null && c.prev >= c.newest ? 'prev is not before newest' : null)));

function contextKey(h: { appid: string; ip: string; pid: string }, ctx: string): string {
  return `${appKey(h)}\u0001${ctx}`;
}

export function noteContextSample(samples: Samples, h: Header): void {
  if (h.sentMs === null) return;
  const k = h.procCtx;
  const c = samples[k];
  if (!c) {
    samples[k] = { appid: h.appid, ip: h.ip, pid: h.pid, ctx: h.ctxInst, prev: null, newest: h.sentMs };
  } else if (h.sentMs > c.newest + SAME_SAMPLE_MS) {
    c.prev = c.newest;
    c.newest = h.sentMs;
  } else if (h.sentMs > c.newest) {
    c.newest = h.sentMs;
  }
}

type Seen = { appid: string; ip: string; pid: string; ctx: string; sent: number | null };

/**
 * For each series, the instant from which one last seen at `sent` is known to have ended, or null
 * while it may still be reporting. The contexts are indexed by process once: a search of every
 * context per series was quadratic (2,000 applications: a second of a scan, issue 44).
 */
export function endings(samples: Samples): (s: Seen) => number | null {
  const byProcess = new Map<string, ContextSamples[]>();
  for (const c of Object.values(samples)) {
    const k = appKey(c);
    const list = byProcess.get(k);
    if (list) list.push(c); else byProcess.set(k, [c]);
  }
  return (s) => {
    if (s.sent === null) return null;
    const c = samples[contextKey(s, s.ctx)];
    if (!c) return null;
    if (c.prev !== null && c.prev > s.sent + SAME_SAMPLE_MS) return c.prev;
    // the process reports under another context instance, and this one has gone quiet
    const interval = c.prev !== null ? c.newest - c.prev : null;
    for (const o of byProcess.get(appKey(c)) ?? []) {
      if (o === c) continue;
      const allow = Math.max(3 * (interval ?? (o.prev !== null ? o.newest - o.prev : 0)), 3 * SAME_SAMPLE_MS);
      if (o.prev !== null && o.prev > c.newest + allow) return c.newest;
    }
    return null;
  };
}

/** Forgets the contexts of processes that are gone. */
export function settleSamples(samples: Samples, alive: (k: string) => boolean): void {
  for (const [k, c] of Object.entries(samples)) if (!alive(appKey(c))) delete samples[k];
}
