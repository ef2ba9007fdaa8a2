/**
 * A Store statistics record (umpmonmsg `stats`) and its configs record, flattened (pure): totals
 * as exact counters, the rest as the gauges of the newest record, the repository limits by
 * source registration ID. Field meanings: ../shared/formats/um-daemons.md section 4
 * (UltraMessaging/currdoc doc/example/ump_mon.proto, doc/UME/storewebmonitor.html).
 */
import { big, isObj, num, type Obj } from '../../um/daemon-record.js';
import { namesOf, type Flat, type Scalar } from '../../um/daemons.js';

const RPP = 0x10;

export function flattenStore(st: Obj): Flat {
  const counters = new Map<string, bigint>();
  const gauges: Record<string, Scalar> = {};
  const c = (k: string, v: unknown) => { const b = big(v); if (b !== null) counters.set(k, b); };
  c('retx_rcv', st.umeRetxReqRcvCount);
  c('retx_drop', st.umeRetxReqDropCount);
  c('retx_total_dropped', st.umeRetxReqTotalDropped);
  gauges.src_count = num(st.srcCount);
  gauges.retx_interval = num(st.umeRetxStatInterval);
  for (const r of Array.isArray(st.srcRepoStats) ? st.srcRepoStats : []) {
    if (!isObj(r)) continue;
    const id = String(r.srcRegid ?? '?');
    c(`${id}/uls`, r.uls);
    c(`${id}/ulbs`, r.ulbs);
    c(`${id}/sz_limit_drops`, r.szLimitDrops);
    const flags = num(r.flags) ?? 0;
    gauges[`${id}/topic`] = typeof r.topicName === 'string' ? r.topicName.slice(0, 256) : '?';
    gauges[`${id}/memory`] = num((flags & RPP) !== 0 ? r.rppMemorySz : r.memorySz);
    gauges[`${id}/map_drops`] = num(r.mapIntentionalDrops);
    gauges[`${id}/flags`] = flags;
    gauges[`${id}/lead`] = num(r.leadSqn);
    gauges[`${id}/activity`] = num(r.lastActivityTimestampSec);
    const d = isObj(r.srcDiskStat) ? r.srcDiskStat : null;
    if (d) {
      const off = num(d.offset), start = num(d.startOffset), max = num(d.maxOffset);
      gauges[`${id}/disk_used`] = off !== null && start !== null ? Math.max(0, off - start) : null;
      gauges[`${id}/disk_max`] = max;
      const ios = num(d.numIosPending), rios = num(d.numReadIosPending);
      gauges[`${id}/ios`] = ios === null && rios === null ? null : (ios ?? 0) + (rios ?? 0);
    }
    for (const rc of Array.isArray(r.rcvStats) ? r.rcvStats : []) {
      if (!isObj(rc)) continue;
      const rid = String(rc.rcvRegid ?? '?');
      gauges[`${id}/rcv/${rid}/ack`] = num(rc.highAckSqn);
      gauges[`${id}/rcv/${rid}/activity`] = num(rc.lastActivityTimestampSec);
    }
  }
  return { counters, gauges };
}

export function storeLimits(cf: Obj): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  const rate = num(cf.maxRetransmissionProcessingRate);
  if (rate !== null) out.max_retx_rate = rate;
  if (typeof cf.storeName === 'string') out.store_name = cf.storeName.slice(0, 256);
  for (const t of Array.isArray(cf.topicConfigs) ? cf.topicConfigs : []) {
    if (!isObj(t)) continue;
    for (const r of Array.isArray(t.repoConfigs) ? t.repoConfigs : []) {
      if (!isObj(r)) continue;
      const id = String(r.srcRegid ?? '?');
      if (typeof t.topicName === 'string') out[`${id}/topic`] = t.topicName.slice(0, 256);
      out[`${id}/sz_limit`] = num(r.repoSzLimit);
      out[`${id}/sz_threshold`] = num(r.repoSzThreshold);
      out[`${id}/disk_limit`] = num(r.repoDiskSzLimit);
    }
  }
  return out;
}

/** The source registration IDs a store's newest record holds. */
export const repos = (g: Record<string, Scalar>): string[] => namesOf(g, 'topic');

/** Receivers of a repository: [rcvRegid, highAckSqn, lastActivity]. */
export function receivers(g: Record<string, Scalar>, id: string): [string, number | null, number | null][] {
  const pre = `${id}/rcv/`;
  return Object.keys(g).filter((k) => k.startsWith(pre) && k.endsWith('/ack')).map((k) => {
    const rid = k.slice(pre.length, -'/ack'.length);
    return [rid, g[k] as number | null, g[`${pre}${rid}/activity`] as number | null];
  });
}

/** How far behind `lead` an acknowledged sequence number is, across the uint32 wrap. */
export function lag(lead: number, ack: number): number {
  const d = (lead - ack) >>> 0;
  return d > 0x7fffffff ? 0 : d; // "behind" by more than half the space: the receiver is ahead of a stale lead
}
