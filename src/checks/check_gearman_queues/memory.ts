/**
 * Memory between runs (pure): what each queue held at the previous run, so that a queue that
 * never drains is told from one that is draining, an orphaned worker_<host> queue from an
 * outage, and a queue that vanished (a gearmand restart) from one that was never there.
 */
import { count, num, obj, record, type Schema } from '../../lib/state/schema.js';
import type { Queue } from './queues.js';

export interface QueueMemory {
  waiting: number;
  running: number;
  workers: number;
  at: number;
  /** consecutive runs in which jobs waited and their number did not go down */
  notDown: number;
  /** consecutive runs with no worker and the same jobs */
  unchanged: number;
}

export interface GearmanState {
  queues: Record<string, QueueMemory>;
}

export const GEARMAN_STATE: Schema<GearmanState> = obj<GearmanState>({
  queues: record(obj<QueueMemory>({
    waiting: count, running: count, workers: count, at: num({ min: 0 }), notDown: count, unchanged: count,
  })),
});

export const keyOf = (server: string, name: string) => `${server}\u0001${name}`;

export interface Trend {
  q: Queue;
  /** jobs a second the waiting count went down by since the previous run (null: not going down, or no previous run) */
  drain: number | null;
  /** seconds until empty at that rate */
  eta: number | null;
  notDown: number;
  unchanged: number;
  workersBefore: number | null;
  first: boolean;
}

export interface Vanished { server: string; name: string; waiting: number; at: number }

/** This run's trends, the queues that vanished from servers that answered, and the memory to save. */
export function remember(prev: GearmanState | undefined, queues: Queue[], upServers: Set<string>, inScope: (name: string) => boolean, now: number):
  { trends: Trend[]; vanished: Vanished[]; next: GearmanState } {
  const before = prev?.queues ?? {};
  const next: GearmanState = { queues: {} };
  const trends: Trend[] = [];
  for (const q of queues) {
    const k = keyOf(q.server, q.name);
    const p = before[k];
    const dt = p ? (now - p.at) / 1000 : 0;
    const drain = p && dt > 0 && q.waiting < p.waiting ? (p.waiting - q.waiting) / dt : null;
    const notDown = q.waiting > 0 && p && q.waiting >= p.waiting ? p.notDown + 1 : 0;
    const unchanged = q.workers === 0 && p && p.workers === 0 && p.waiting === q.waiting && p.running === q.running ? p.unchanged + 1 : 0;
    trends.push({ q, drain, eta: drain && q.waiting > 0 ? q.waiting / drain : null, notDown, unchanged, workersBefore: p ? p.workers : null, first: !p });
    next.queues[k] = { waiting: q.waiting, running: q.running, workers: q.workers, at: now, notDown, unchanged };
  }
  const vanished: Vanished[] = [];
  for (const [k, p] of Object.entries(before)) {
    if (next.queues[k]) continue;
    const [server, name] = k.split('\u0001');
    // a server that did not answer keeps its queues' memory for when it does
    if (!upServers.has(server)) { next.queues[k] = p; continue; }
    if (inScope(name)) vanished.push({ server, name, waiting: p.waiting, at: p.at });
  }
  return { trends, vanished, next };
}
