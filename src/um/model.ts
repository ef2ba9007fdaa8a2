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
  sent: string; // ctime text, '' when absent
  sentMs: number | null;
}

export interface Block {
  header: Header;
  source: string;
  transport: string;
  /** label -> value; null for the "no measurement" sentinels */
  fields: Map<string, number | null>;
  lines: number;
}

const TITLES: [RegExp, BlockKind][] = [
  [/^Source statistics received$/, 'source'],
  [/^Receiver statistics received$/, 'receiver'],
  [/^(?:Context )?IM source statistics received$/, 'im-source'],
  [/^(?:Context )?IM receiver statistics received$/, 'im-receiver'],
  [/^Event queue statistics received$/, 'event-queue'],
  [/^Context statistics received$/, 'context'],
];

const kindCache = new Map<string, BlockKind>();

export function kindOf(title: string): BlockKind {
  let k = kindCache.get(title);
  if (k === undefined) {
    k = TITLES.find(([re]) => re.test(title))?.[1] ?? 'other';
    if (kindCache.size < 64) kindCache.set(title, k);
  }
  return k;
}

/** Unsigned 64-bit and 32-bit all-ones: "initialised, never measured". */
export const SENTINELS = new Set(['18446744073709551615', '4294967295']);
const WRAP32 = 4294967296;

/** Field lines each known block prints; a shorter block was cut off and is not used. */
export function expectedLines(b: Block): number | null {
  const t = b.transport;
  switch (b.header.kind) {
    case 'source':
    case 'im-source':
      return t === 'LBT-RM' ? 13 : t === 'LBT-RU' ? 10 : t === 'TCP' ? 2 : null;
    case 'receiver':
    case 'im-receiver':
      return t === 'LBT-RM' || t === 'LBT-RU' ? 27 : t === 'TCP' ? 4 : t === 'LBT-IPC' ? 5 : null;
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
  if (h.kind === 'event-queue') return `${appKey(h)}\u0001evq\u0001${h.oid}`;
  if (h.kind === 'context') return `${appKey(h)}\u0001${h.ctxInst}\u0001ctx\u0001${h.oid}`;
  return `${appKey(h)}\u0001${h.ctxInst}\u0001${h.title}\u0001${b.source}`;
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

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

// every application's samples repeat the same few stamps: remember the recent ones
const ctimeCache = new Map<string, number | null>();

/** ctime() text in lbmmon's local time ("Tue Mar  4 09:30:05 2025") -> ms since epoch. */
export function parseCtime(text: string): number | null {
  const hit = ctimeCache.get(text);
  if (hit !== undefined) return hit;
  if (ctimeCache.size > 256) ctimeCache.clear();
  const v = parseCtimeUncached(text);
  ctimeCache.set(text, v);
  return v;
}

function parseCtimeUncached(text: string): number | null {
  const m = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) +(\d{1,2}) (\d\d):(\d\d):(\d\d) (\d{4})$/.exec(text.trim());
  if (!m) return null;
  const mon = MONTHS[m[1]];
  if (mon === undefined) return null;
  const t = new Date(Number(m[6]), mon, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])).getTime();
  return Number.isFinite(t) ? t : null;
}
