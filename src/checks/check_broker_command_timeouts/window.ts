/**
 * What the check remembers: events aggregated per (broker, module, command), in batches, one per
 * run that read something. A batch counts until `window` after the run that read it, so a one-off
 * failure stays visible long enough for the scheduler to reach a HARD state; `--window 0` counts
 * only what this run read.
 */
import { count, literal, num, obj, optional, record, str, time, where, type Schema } from '../../lib/state/schema.js';
import { KINDS, type Kind } from './parse.js';

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

/**
 * A run's batch, its groups in an object without a prototype: V8 keeps such an object as a hash
 * table from the start, where an object literal gets a new hidden class for each group added
 * (copying the ones before), ~15 us a group: 5 ms of a quiet INFO scan's 350 new groups.
 */
export function newBatch(seenAt: number): Batch {
  return { seenAt, groups: Object.create(null) as Record<string, Group> };
}

const MAX_GROUPS = 500;
const MAX_BATCHES = 5000;

export function groupKey(broker: string, module: string, command: string): string {
  return `${broker}\u0001${module}\u0001${command}`;
}

/** groups per batch, counted as they are made: counting the keys for each new name would cost a log of ever-new names 500 steps a line */
const sizes = new WeakMap<Batch, number>();

export function getGroup(b: Batch, broker: string, module: string, command: string): Group {
  let key = groupKey(broker, module, command);
  const g = b.groups[key];
  if (g !== undefined) return g;
  const n = sizes.get(b) ?? Object.keys(b.groups).length;
  if (n >= MAX_GROUPS) {
    key = groupKey('', '(other)', '(other)');
    broker = ''; module = '(other)'; command = '(other)';
    const other = b.groups[key];
    if (other !== undefined) return other;
  }
  sizes.set(b, n + 1);
  return (b.groups[key] = { broker, module, command, counts: {} });
}

const KIND: Schema<Kind> = literal(...KINDS);
const GROUP: Schema<Group> = obj<Group>({
  broker: str(), module: str(), command: str(),
  counts: where(record(count, KINDS.length), (c) => (Object.keys(c).every((k) => (KINDS as string[]).includes(k)) ? null : 'counts has an unknown kind')),
  execMax: optional(num({ min: 0 })),
  last: optional(obj<{ kind: Kind; time: string; text: string }>({ kind: KIND, time: str(19), text: str(1 << 20) })),
});

/** `seenAt` is when a run read the batch: our clock, never after the state was saved. */
export const BATCH: Schema<Batch> = obj<Batch>({ seenAt: time, groups: record(GROUP, MAX_GROUPS + 1) });

/** The batches still inside the window after adding this run's. */
export function keep(batches: Batch[], current: Batch, now: number, windowMs: number): Batch[] {
  // a batch saved "after now" means the clock went back: it was read at the latest now, and
  // counts until the window has passed from now (not for as long as the clock takes to catch up)
  const old = batches.map((b) => (b.seenAt > now ? { ...b, seenAt: now } : b))
    .filter((b) => b !== current && windowMs > 0 && b.seenAt > now - windowMs);
  return (Object.keys(current.groups).length ? [...old, current] : old).slice(-MAX_BATCHES);
}

/** Sums the kept batches into one group per key. */
export function merge(batches: Batch[]): Group[] {
  // one batch (a first run, or --window 0) is its own sum: its groups are read, never changed
  if (batches.length === 1) return Object.values(batches[0].groups);
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
