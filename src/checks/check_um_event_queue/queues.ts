/**
 * Per event-queue bookkeeping: depth, its peak and growth streak, enqueue rate, service times and
 * queue age. Sentinels and disabled statistics stay "no measurement", never a breach.
 */
import { bool, count, nullable, num, obj, optional, stamp, str, type Schema } from '../../lib/state/schema.js';
import { counterDelta, seriesKey, type Block } from '../../um/model.js';

export const F = {
  enqueued: 'Data messages currently enqueued',
  total: 'Total data messages enqueued',
  serviceMin: 'Data message service minimum time',
  serviceMean: 'Data message service mean time',
  serviceMax: 'Data message service maximum time',
  latencyMin: 'Event latency minimum time',
  latencyMean: 'Event latency mean time',
  latencyMax: 'Event latency maximum time',
  events: 'Events currently enqueued',
  totalEvents: 'Total events enqueued',
};

export interface Queue {
  appid: string; ip: string; pid: string; oid: string;
  sent: number | null;
  enqueued: number | null;
  total: number | null;
  serviceMean: number | null; serviceMax: number | null;
  latencyMean: number | null; latencyMax: number | null;
  /** Events currently enqueued (timers, source and receiver events beside data messages) */
  events?: number | null;
  streak: number;
  rate: number | null; // of the newest interval
  disabled: boolean;
}

export interface RunQueue {
  peak: number;
  rateSum: number;
  rateN: number;
}

const n0 = nullable(num({ min: 0 }));
export const QUEUE: Schema<Queue> = obj<Queue>({
  appid: str(), ip: str(64), pid: str(32), oid: str(32),
  sent: nullable(stamp),
  enqueued: n0, total: n0, serviceMean: n0, serviceMax: n0, latencyMean: n0, latencyMax: n0,
  events: optional(n0),
  streak: count,
  rate: n0, // counterDelta is never negative
  disabled: bool,
});

/** All counts zero and the minimum fields never measured: queue statistics are probably off. */
function looksDisabled(b: Block): boolean {
  const f = b.fields;
  return f.get(F.serviceMin) === null && f.get(F.latencyMin) === null && !f.get(F.totalEvents) && !f.get(F.total) && !f.get(F.events);
}

export function observeQueue(queues: Record<string, Queue>, runs: Map<string, RunQueue>, b: Block): void {
  if (b.header.kind !== 'event-queue') return;
  const key = seriesKey(b);
  const prev = queues[key];
  const sent = b.header.sentMs;
  if (prev && sent !== null && prev.sent !== null && sent < prev.sent) return;
  const f = b.fields;
  const enqueued = f.get(F.enqueued) ?? null;
  const total = f.get(F.total) ?? null;
  let rate: number | null = null;
  let streak = 0;
  if (prev && prev.sent !== null && sent !== null && sent > prev.sent) {
    rate = counterDelta(prev.total, total) / ((sent - prev.sent) / 1000);
    streak = enqueued !== null && prev.enqueued !== null && enqueued > prev.enqueued ? prev.streak + 1 : 0;
  }
  // a queue's record is updated in place: a new one per sample lived until the queue's next
  // sample, past young-generation collections, and then filled the old generation with dead
  // records (2,000 applications: the old generation grew by megabytes over a first scan; issue 44)
  const q: Queue = prev ?? (queues[key] = {
    appid: '', ip: '', pid: '', oid: '', sent: null, enqueued: null, total: null, serviceMean: null, serviceMax: null,
    latencyMean: null, latencyMax: null, events: null, streak: 0, rate: null, disabled: false,
  });
  q.appid = b.header.appid; q.ip = b.header.ip; q.pid = b.header.pid; q.oid = b.header.oid;
  q.sent = sent; q.enqueued = enqueued; q.total = total;
  q.serviceMean = f.get(F.serviceMean) ?? null; q.serviceMax = f.get(F.serviceMax) ?? null;
  q.latencyMean = f.get(F.latencyMean) ?? null; q.latencyMax = f.get(F.latencyMax) ?? null;
  q.events = f.get(F.events) ?? null;
  q.streak = streak; q.rate = rate; q.disabled = looksDisabled(b);
  const r = runs.get(key) ?? { peak: 0, rateSum: 0, rateN: 0 };
  r.peak = Math.max(r.peak, enqueued ?? 0);
  if (rate !== null) { r.rateSum += rate; r.rateN++; }
  runs.set(key, r);
}

/** With no statistic measured, a zero is "no measurement" too. */
export function measured(q: Queue, v: number | null): number | null {
  return q.disabled ? null : v;
}

/** Every field label this check reads; the parser decodes no other. */
export const EVQ_LABELS = new Set<string>(Object.values(F));
