/**
 * lbmmon statistics as data: block headers, blocks, keys, sentinels and counter deltas.
 * Layout reference: ../shared/formats/lbmmon.md (the contract).
 */

export type BlockKind = 'source' | 'receiver' | 'im-source' | 'im-receiver' | 'event-queue' | 'context' | 'other';

export interface Header {
  title: string;
  kind: BlockKind;
  appid: string;
  ip: string;
  pid: string; // hex, as printed
  oid: string; // hex
  ctxInst: string; // 16 hex digits, or '' (5.3.6, and event queues in 6.14+)
  domain: string;
  sent: string; // the stamp as printed, '' when absent
  sentMs: number | null;
  /** who printed it: C lbmmon (also 29West), the Java or the .NET example (no IDs, other labels) */
  dialect: 'c' | 'java' | 'dotnet';
  /** appKey of this header and that plus the context instance: built once per header body, not per block */
  proc: string;
  procCtx: string;
}

export interface Block {
  header: Header;
  source: string;
  transport: string;
  /** label -> value; null for the "no measurement" sentinels */
  fields: Fields;
  lines: number;
  /** 29West-era (UME 1.x) output: field lines without the leading TAB, or its older labels */
  legacy?: boolean;
}

/** A block's values by label: a Map, or the slots of the labels a parser was given (parse.ts). */
export interface Fields extends Iterable<[string, number | null]> {
  get(label: string): number | null | undefined;
  /** into[i] = get(labels[i]) ?? null for each label, at once (a SlotFields looks the slots up once per array) */
  readInto?(labels: readonly string[], into: (number | null)[]): void;
  keys(): Iterable<string>;
  readonly size: number;
}

const TITLES = new Map<string, BlockKind>([
  ['Source statistics received', 'source'],
  ['Receiver statistics received', 'receiver'],
  ['IM source statistics received', 'im-source'],
  ['Context IM source statistics received', 'im-source'],
  ['Immediate message source statistics received', 'im-source'], // Java
  ['IM receiver statistics received', 'im-receiver'],
  ['Context IM receiver statistics received', 'im-receiver'],
  ['Immediate message receiver statistics received', 'im-receiver'], // Java
  ['Event queue statistics received', 'event-queue'],
  ['Event Queue statistics received', 'event-queue'], // Java
  ['Context statistics received', 'context'],
]);

export function kindOf(title: string): BlockKind {
  return TITLES.get(title) ?? 'other';
}

const LEGACY_ALIASES: [string, string][] = (['LBT-RM', 'LBT-RU'] as const).flatMap((t): [string, string][] => [
  [`${t} messages unrecoverable (window advance)`, `${t} datagrams unrecoverable (window advance)`],
  [`${t} messages unrecoverable (NAK generation expiration)`, `${t} datagrams unrecoverable (NAK generation expiration)`],
  [`${t} messages received`, `${t} datagrams received`],
  [`Lost ${t} messages detected`, `Lost ${t} datagrams detected`],
]);

/**
 * Labels other printers use for the fields the checks read, mapped to the C lbmmon label:
 * the Java example's context and event-queue labels, UMTools' lbmmon_topic.c, and 29West-era
 * (UME 1.x) receiver labels. Each is stored under the C label, so the checks know only one name.
 */
export const LABEL_ALIASES = new Map<string, string>([
  ['Topic resolution unresolved receiver topics', 'Unresolved topics in receiver topic map'],
  // the Java example's context labels for what Informatica's notes say to watch
  ['Topic resolution datagrams dropped version', 'Topic resolution datagrams dropped (version)'],
  ['Topic resolution datagrams dropped type', 'Topic resolution datagrams dropped (type)'],
  ['Topic resolution datagrams dropped malformed', 'Topic resolution datagrams dropped (malformed)'],
  ['LBT-RM unknown datagrams received', 'Unknown LBT-RM datagrams received'],
  ['LBT-RU unknown datagrams received', 'Unknown LBT-RU datagrams received'],
  ['Fragments unrecoverably lost', 'Number of data message fragments unrecoverably lost'],
  ['Data messages enqueued', 'Data messages currently enqueued'],
  ['Data messages min service time (microseconds)', 'Data message service minimum time'],
  ['Data messages mean service time (microseconds)', 'Data message service mean time'],
  ['Data messages max service time (microseconds)', 'Data message service maximum time'],
  ['Minimum age of events enqueued (microseconds)', 'Event latency minimum time'],
  ['Mean age of events enqueued (microseconds)', 'Event latency mean time'],
  ['Max age of events enqueued (microseconds)', 'Event latency maximum time'],
  ...LEGACY_ALIASES,
]);

/** Labels only 29West-era output prints: a block with one of them has that layout's line count. */
export const LEGACY_LABELS = new Set(LEGACY_ALIASES.map(([l]) => l));

/** Unsigned 64-bit and 32-bit all-ones: "initialised, never measured". */
export const SENTINELS = new Set(['18446744073709551615', '4294967295']);
const WRAP32 = 4294967296;

/** Field lines each known block prints; a shorter block was cut off and is not used. */
export function expectedLines(b: Block): number | null {
  const t = b.transport;
  const nak = t === 'LBT-RM' || t === 'LBT-RU';
  const d = b.header.dialect;
  if (b.legacy) return (b.header.kind === 'receiver' && nak) ? 21 : null; // the one 29West block we have seen
  // the Java and .NET examples print their blocks line for line like the C lbmmon of their
  // release (.NET's context block has the 19 lines of 5.3.6-6.13), except Java's context block
  if (d === 'java' && b.header.kind === 'context') return 17;
  switch (b.header.kind) {
    case 'source':
    case 'im-source':
      return t === 'LBT-RM' ? 13 : t === 'LBT-RU' ? 10 : t === 'TCP' ? 2 : null;
    case 'receiver':
    case 'im-receiver':
      return nak ? 27 : t === 'TCP' ? 4 : t === 'LBT-IPC' ? 5 : null;
    case 'event-queue':
      return 57;
    case 'context':
      return b.lines <= 19 ? 19 : 24; // 5.3.6-6.13 print 19 lines, 6.14+ print 24
    default:
      return null;
  }
}

/** The process: what staleness and restarts are judged on. */
type Process = Pick<Header, 'appid' | 'ip' | 'pid'>;

export function appKey(h: Process): string {
  return `${h.appid}\u0001${h.ip}\u0001${h.pid}`;
}

/** The application regardless of process: a new PID of it is a restart, not a new application. */
export function appName(h: Pick<Header, 'appid' | 'ip'>): string {
  return `${h.appid}\u0001${h.ip}`;
}

export function seriesKey(b: Block): string {
  const h = b.header;
  if (h.kind === 'event-queue') return memoKey(h.proc, 'evq', h.oid);
  if (h.kind === 'context') return memoKey(h.procCtx, 'ctx', h.oid);
  return memoKey(h.procCtx, h.title, b.source);
}

/**
 * `a\u0001b\u0001c`, the same string each time for the same parts: a block's parts are the same
 * string objects block after block (the parser keeps one per header body and per source), whose
 * hashes V8 keeps, while a new ~100-character key per block had to be joined and hashed (issue 32).
 */
const keys = new Map<string, Map<string, Map<string, string>>>();
let keyCount = 0;
function memoKey(a: string, b: string, c: string): string {
  let mb = keys.get(a);
  if (mb === undefined) keys.set(a, mb = new Map());
  let mc = mb.get(b);
  if (mc === undefined) mb.set(b, mc = new Map());
  let k = mc.get(c);
  if (k === undefined) {
    if (++keyCount > 100_000) { keys.clear(); keyCount = 0; } // ever-new parts must not grow it
    mc.set(c, k = `${a}\u0001${b}\u0001${c}`);
  }
  return k;
}

/**
 * Growth of a cumulative counter between two samples of one series. A drop is a 32-bit wrap
 * when the old value was near 2^32 and the new one small, else a reset (restart, new session):
 * never negative, never an alert.
 */
export function counterDelta(prev: number | null | undefined, cur: number | null | undefined): number {
  if (prev == null || cur == null) return 0;
  if (cur >= prev) return cur - prev;
  if (prev < WRAP32 && prev > WRAP32 * 0.75 && cur < WRAP32 * 0.25) return cur + WRAP32 - prev;
  return 0;
}
