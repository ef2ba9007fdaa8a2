/**
 * What the check remembers: events aggregated per (broker, module, command), in batches, one per
 * run that read something. A batch counts until `window` after the run that read it, so a one-off
 * failure stays visible long enough for the scheduler to reach a HARD state; `--window 0` counts
 * only what this run read.
 */
import type { Kind } from './parse.js';

export interface Group {
  broker: string;
  module: string;
  command: string;
  counts: Partial<Record<Kind, number>>;
  execMax?: number;
  last?: { kind: Kind; time: string; text: string };
}

export interface Batch {
  seenAt: number;
  groups: Record<string, Group>;
}

const MAX_GROUPS = 500;
const MAX_BATCHES = 5000;

export function groupKey(broker: string, module: string, command: string): string {
  return `${broker}\u0001${module}\u0001${command}`;
}

export function getGroup(b: Batch, broker: string, module: string, command: string): Group {
  let key = groupKey(broker, module, command);
  if (!b.groups[key] && Object.keys(b.groups).length >= MAX_GROUPS) {
    key = groupKey('', '(other)', '(other)');
    broker = ''; module = '(other)'; command = '(other)';
  }
  return (b.groups[key] ??= { broker, module, command, counts: {} });
}

export function isBatch(v: unknown): v is Batch {
  if (!v || typeof v !== 'object') return false;
  const b = v as Batch;
  if (typeof b.seenAt !== 'number' || !Number.isFinite(b.seenAt) || !b.groups || typeof b.groups !== 'object') return false;
  return Object.values(b.groups).every((g) => g && typeof g.module === 'string' && typeof g.command === 'string' && g.counts && typeof g.counts === 'object'
    && Object.values(g.counts).every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 0));
}

/** The batches still inside the window after adding this run's. */
export function keep(batches: Batch[], current: Batch, now: number, windowMs: number): Batch[] {
  const all = Object.keys(current.groups).length ? [...batches, current] : batches;
  return all.filter((b) => b.seenAt === now || b.seenAt > now - windowMs).slice(-MAX_BATCHES);
}

/** Sums the kept batches into one group per key. */
export function merge(batches: Batch[]): Group[] {
  const out = new Map<string, Group>();
  for (const b of batches) {
    for (const [key, g] of Object.entries(b.groups)) {
      const m = out.get(key) ?? { broker: g.broker, module: g.module, command: g.command, counts: {} };
      for (const [k, n] of Object.entries(g.counts)) m.counts[k as Kind] = (m.counts[k as Kind] ?? 0) + (n ?? 0);
      if (g.execMax !== undefined) m.execMax = Math.max(m.execMax ?? 0, g.execMax);
      if (g.last && (!m.last || g.last.time >= m.last.time)) m.last = g.last;
      out.set(key, m);
    }
  }
  return [...out.values()];
}
