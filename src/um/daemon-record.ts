/**
 * The UM daemons' own records as MCS stores them (umpmonmsg: the Persistent Store, dromonmsg: the
 * DRO, srsmonmsg: the SRS): `attributes` plus one or more of `configs`, `stats`, `events`, each
 * told by its keys (../shared/formats/um-daemons.md, section 3). Pure: a normalised JSON object
 * in, a record or null out. 64-bit counters stay the strings they arrive as (exact past 2^53).
 */
export type DaemonKind = 'store' | 'dro' | 'srs';
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface DaemonRecord {
  kind: DaemonKind;
  app: string;
  ip: string;
  pid: string;
  /** the record's own time (attributes.timestamp), ms */
  sentMs: number | null;
  stats?: Obj;
  configs?: Obj;
  events?: Obj;
}

const STORE_STATS = ['umeRetxReqRcvCount', 'srcRepoStats', 'smartHeapStat', 'storeIdx', 'srcCount'];
const STORE_CONFIGS = ['storeName', 'lbmVersion', 'topicConfigs', 'patternConfigs', 'diskCacheDirName'];
const DRO_STATS = ['local', 'otherGateways'];
const SRS_STATS = ['srs', 'srsError', 'umClient', 'umClientError'];
const SRS_CONFIGS = ['srsInterface', 'internal', 'daemonMonitorPublishingInterval', 'srsSourceStateLifetime'];

function kindOfStats(st: Obj): DaemonKind | null {
  if (STORE_STATS.some((k) => k in st)) return 'store';
  if (DRO_STATS.some((k) => k in st)) return 'dro';
  if (SRS_STATS.some((k) => k in st)) return 'srs';
  return null;
}

function kindOfConfigs(c: Obj): DaemonKind | null {
  if (STORE_CONFIGS.some((k) => k in c)) return 'store';
  if (isObj(c.gateway)) return 'dro';
  if (SRS_CONFIGS.some((k) => k in c) || Object.keys(c).some((k) => k.startsWith('daemonMonitor') || k.startsWith('srs'))) return 'srs';
  return null;
}

/** A daemon record from a normalised (camelCase) MCS document, or null (a library record, anything else). */
export function daemonRecord(o: Obj, sentMs: number | null): DaemonRecord | null {
  const a = isObj(o.attributes) ? o.attributes : null;
  if (!a) return null;
  const stats = isObj(o.stats) ? o.stats : undefined;
  const configs = isObj(o.configs) ? o.configs : undefined;
  const events = isObj(o.events) && Array.isArray(o.events.events) ? o.events : undefined;
  const kind = (stats && kindOfStats(stats)) ?? (configs && kindOfConfigs(configs)) ?? (events && (events.events as unknown[]).some((e) => isObj(e) && 'srcRegid' in e) ? 'store' : null) ?? null;
  if (!kind) return null;
  return {
    kind, app: String(a.applicationId ?? ''), ip: String(a.senderIpv4Address ?? ''), pid: String(a.processId ?? ''), sentMs,
    ...(stats && kindOfStats(stats) ? { stats } : {}), ...(configs ? { configs } : {}), ...(events ? { events } : {}),
  };
}

/** An unsigned counter as it arrives (string or number), exactly; null when absent or not one. */
export function big(v: unknown): bigint | null {
  if (typeof v === 'string' && /^\d{1,20}$/.test(v)) return BigInt(v);
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  return null;
}

/** A value for arithmetic on gauges (sizes, depths): exact enough below 2^53, null when absent. */
export function num(v: unknown): number | null {
  const b = big(v);
  return b === null ? null : Number(b);
}

export { isObj, type Obj };
