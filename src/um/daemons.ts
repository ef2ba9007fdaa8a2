/**
 * What the UM daemon checks (check_um_store, check_um_dro) share: read the daemons' records
 * through the UM reader (a JSON file or --mcs-db, new records only), keep per daemon its counters
 * (exact, as decimal strings), the gauges of its newest record and the limits of its configs, and
 * judge whether it still publishes.
 *
 * Counters are totals: growth is the sum of each record's increase over the one before. A new
 * process ID (a restart) or a counter that went down (the store's "Reset Rate Stats", a restart
 * MCS saw no pid change for) restarts that counter from zero: its new value is what happened
 * since, never a negative growth. A daemon seen for the first time gives baselines, no growth.
 */
import type { RunContext } from '../lib/plugin.js';
import { PluginError } from '../lib/errors.js';
import { nullable, num as numSchema, obj, record, scalar, str, type Schema } from '../lib/state/schema.js';
import { lostFinding, staleLogFinding } from '../lib/tail/options.js';
import type { Finding } from '../lib/plugin.js';
import { formatDuration } from '../lib/units.js';
import type { DaemonKind, DaemonRecord, Obj } from './daemon-record.js';
import type { UmOptions } from './options.js';
import { READER_STATE, readLbmmon, type ReaderState, type ReadOutcome } from './read.js';

export type Scalar = string | number | null;

export interface DaemonMemory {
  kind: DaemonKind;
  app: string;
  ip: string;
  pid: string;
  /** the newest statistics record's time (ms) */
  lastSent: number;
  /** the gap between its last two statistics records (ms): its publishing interval */
  interval: number | null;
  counters: Record<string, string>;
  gauges: Record<string, Scalar>;
  /** from its configs records (limits to compare with), newest wins */
  limits: Record<string, Scalar>;
}

export interface DaemonsState {
  reader: ReaderState;
  newest: number | null;
  daemons: Record<string, DaemonMemory>;
}

const MEMORY: Schema<DaemonMemory> = obj<DaemonMemory>({
  kind: str(8) as Schema<DaemonKind>, app: str(), ip: str(64), pid: str(32), lastSent: numSchema({ min: 0 }), interval: nullable(numSchema({ min: 1 })),
  counters: record(str(24)), gauges: record(scalar), limits: record(scalar),
});
export const DAEMONS_STATE: Schema<DaemonsState> = obj<DaemonsState>({ reader: READER_STATE, newest: nullable(numSchema({ min: 0 })), daemons: record(MEMORY, 10_000) });

/** What one statistics record says, flattened by the check: counters (totals) and gauges. */
export interface Flat { counters: Map<string, bigint>; gauges: Record<string, Scalar> }

/** One daemon's run: the records read, the growth of each counter, what restarted or reset. */
export interface DaemonRun {
  mem: DaemonMemory;
  records: number;
  growth: Map<string, bigint>;
  /** ms covered by the growth: from the newest record before this run to the newest of this run */
  spanMs: number | null;
  restarted: string | null;
  resets: string[];
  first: boolean;
  /** the daemon's gauges as the previous run left them */
  before: Record<string, Scalar>;
  /** merge mode: the series this run's records carried */
  touched: Set<string>;
}

export interface DaemonSpec {
  kind: DaemonKind;
  flatten(stats: Obj): Flat;
  limits(configs: Obj): Record<string, Scalar>;
  /**
   * 'replace': each statistics record is the daemon's whole picture (Store, DRO): series missing
   * from it are gone. 'merge': records carry parts (the SRS sends one per client): they add up.
   */
  records: 'replace' | 'merge';
}

export interface DaemonsRead {
  read: ReadOutcome;
  daemons: DaemonMemory[];
  /** a daemon's run: undefined when this run read no record of it */
  runOf(m: DaemonMemory): DaemonRun | undefined;
  stale: { mem: DaemonMemory; behind: number }[];
  findings: Finding[];
  save(): void;
}

export function observeDaemon(mems: Record<string, DaemonMemory>, runs: Map<string, DaemonRun>, spec: DaemonSpec, r: DaemonRecord): void {
  const key = `${r.kind}\u0001${r.app}\u0001${r.ip}`;
  let mem = mems[key];
  if (!mem) mems[key] = mem = { kind: r.kind, app: r.app, ip: r.ip, pid: r.pid, lastSent: r.sentMs ?? 0, interval: null, counters: {}, gauges: {}, limits: {} };
  let run = runs.get(key);
  if (!run) runs.set(key, run = { mem, records: 0, growth: new Map(), spanMs: null, restarted: null, resets: [], first: Object.keys(mem.counters).length === 0, before: { ...mem.gauges }, touched: new Set() });
  if (r.configs) Object.assign(mem.limits, spec.limits(r.configs));
  if (!r.stats) return;
  if (r.sentMs !== null && r.sentMs < mem.lastSent && run.records > 0) return; // out of order: older than what was read
  const restarted = mem.pid !== r.pid && Object.keys(mem.counters).length > 0;
  if (restarted) {
    run.restarted = `process ${mem.pid} -> ${r.pid}`;
    mem.counters = {}; // counts from zero in the new process: its values are what happened since
  }
  const flat = spec.flatten(r.stats);
  for (const [k, v] of flat.counters) {
    const before = mem.counters[k];
    let d: bigint | null = null;
    // a series not seen before gets its baseline, unless the daemon restarted (its counters count
    // from zero then): a store keeps a repository's counters while its source is away and
    // re-registers, so counting a returning series from zero would report its whole history
    if (before === undefined) d = restarted ? v : null;
    else {
      const b = BigInt(before);
      if (v >= b) d = v - b;
      else { d = v; run.resets.push(k); } // went down: reset since, never negative
    }
    if (d !== null) run.growth.set(k, (run.growth.get(k) ?? 0n) + d);
    mem.counters[k] = v.toString();
  }
  if (spec.records === 'replace') {
    // the gauges are the newest record's; the counters of a series it lacks are kept (it may come
    // back: a re-registering source), bounded below
    mem.gauges = flat.gauges;
  } else {
    Object.assign(mem.gauges, flat.gauges);
    for (const k of Object.keys(flat.gauges)) run.touched.add(k);
    for (const k of flat.counters.keys()) run.touched.add(k);
  }
  mem.pid = r.pid;
  mem.ip = r.ip;
  if (r.sentMs !== null) {
    if (run.records === 0) run.spanMs = 0;
    if (r.sentMs > mem.lastSent) {
      if (run.spanMs !== null) run.spanMs += r.sentMs - mem.lastSent;
      mem.interval = r.sentMs - mem.lastSent;
      mem.lastSent = r.sentMs;
    }
  }
  run.records++;
}

const DROP_AFTER_MS = 24 * 3600 * 1000;
/** counters kept per daemon; the oldest series go first */
const MAX_SERIES = 20_000;

/** Reads the new records of `spec.kind`, updates the daemons' memory, and judges staleness. */
export async function readDaemons<O extends UmOptions>(ctx: RunContext<O>, specs: DaemonSpec[], what: string, staleIntervals: number): Promise<DaemonsRead> {
  const o = ctx.opts;
  const state = await ctx.openState([o.mcsDb ? `mcs:${o.mcsDb}` : o.file, o.app, specs.map((x) => x.kind).join(',')], DAEMONS_STATE);
  const mems: Record<string, DaemonMemory> = state.data?.daemons ?? {};
  const runs = new Map<string, DaemonRun>();
  const apps = new Set(o.app);
  const read = await readLbmmon(ctx, state.data?.reader, o, [], () => { /* library blocks: not ours */ }, undefined, (r) => {
    const spec = specs.find((x) => x.kind === r.kind);
    if (spec && (apps.size === 0 || apps.has(r.app))) observeDaemon(mems, runs, spec, r);
  });
  if (!o.mcsDb && read.tail.status === 'missing' && !read.tail.position) throw new PluginError(`${o.file} does not exist`, o.missing);
  if (read.format !== 'json') {
    throw new PluginError(`${o.file} is lbmmon text: ${what} statistics come only as UM's monitoring JSON (MCS rows, --mcs-db)`);
  }
  for (const m of Object.values(mems)) {
    const keys = Object.keys(m.counters);
    if (keys.length > MAX_SERIES) for (const k of keys.slice(0, keys.length - MAX_SERIES)) delete m.counters[k];
  }
  // merge mode: a part (an SRS client) that no record of a whole interval carried is gone
  for (const run of runs.values()) {
    const m = run.mem;
    if (specs.find((x) => x.kind === m.kind)?.records !== 'merge' || m.interval === null || (run.spanMs ?? 0) < m.interval) continue;
    for (const k of Object.keys(m.gauges)) if (!run.touched.has(k)) delete m.gauges[k];
    for (const k of Object.keys(m.counters)) if (!run.touched.has(k)) delete m.counters[k];
  }
  const newest = Math.max(state.data?.newest ?? 0, read.newestMs ?? 0) || null;
  const stale: { mem: DaemonMemory; behind: number }[] = [];
  for (const [k, m] of Object.entries(mems)) {
    const behind = newest === null ? 0 : newest - m.lastSent;
    if (behind > DROP_AFTER_MS) { delete mems[k]; continue; }
    const allow = o.stale != null ? o.stale * 1000 : m.interval !== null ? staleIntervals * m.interval : null;
    if (allow !== null && behind > allow) stale.push({ mem: m, behind });
  }
  const findings: Finding[] = [];
  const lost = lostFinding(read.tail, o.lostLines);
  if (lost) findings.push(lost);
  const staleLog = staleLogFinding(o.mcsDb ?? o.file, read.tail.mtimeMs, o.staleLog, Date.now(), 'MCS (or the daemons)');
  if (staleLog) findings.push(staleLog);
  const byMem = new Map([...runs.values()].map((r) => [r.mem, r]));
  return {
    read, daemons: Object.values(mems), runOf: (m) => byMem.get(m), stale, findings,
    save: () => state.save({ reader: read.next, newest, daemons: mems }),
  };
}

/** "stopped publishing" in words: how far behind the newest record it is, in its own intervals. */
export function staleText(what: string, s: { mem: DaemonMemory; behind: number }): string {
  const n = s.mem.interval ? ` (${Math.floor(s.behind / s.mem.interval)} of its ${formatDuration(s.mem.interval / 1000)} intervals)` : '';
  return `${what} ${s.mem.app} at ${s.mem.ip} (pid ${s.mem.pid}) stopped publishing: its newest statistics are ${formatDuration(s.behind / 1000)} older than the newest record${n}: unresponsive or gone`;
}

/**
 * The long output's lines for a daemon this run saw restart (a new process: its counters count
 * from zero again) or whose counters went down without one (Reset Rate Stats): either way the
 * growth was counted from zero, and the operator should know why a total fell.
 */
export function restartLines(who: string, run: DaemonRun | undefined): string[] {
  if (!run) return [];
  const lines = run.restarted ? [`restarted: ${who} (${run.restarted}): its counters start again from zero`] : [];
  if (run.resets.length) lines.push(`reset: ${who}: ${run.resets.length} counter(s) went down (Reset Rate Stats or a restart): counted from zero since`);
  return lines;
}

/** The names before `/<what>` among a newest record's gauges: its repositories, its portals. */
export function namesOf(g: Record<string, Scalar>, what: string): string[] {
  const tail = `/${what}`;
  return Object.keys(g).filter((k) => k.endsWith(tail)).map((k) => k.slice(0, -tail.length));
}

/** Growth per second over the run's span, or null when it cannot be said (first run, no span). */
export function rate(run: DaemonRun | undefined, key: string): number | null {
  if (!run || run.spanMs === null || run.spanMs <= 0) return null;
  const g = run.growth.get(key);
  return g === undefined ? 0 : Number(g) / (run.spanMs / 1000);
}

