/**
 * DRO (dromonmsg) and SRS (srsmonmsg) statistics records, flattened (pure). Field meanings:
 * ../shared/formats/um-daemons.md sections 5 and 6 (UltraMessaging/currdoc doc/example/
 * dro_mon.proto, srs_mon.proto, doc/Gateway/umroutermonitoring.html, doc/Design/srsdaemonstatistics.html).
 */
import { big, isObj, num, type Obj } from '../../um/daemon-record.js';
import { namesOf, type Flat, type Scalar } from '../../um/daemons.js';

/** Drop causes, from the counters' names: message and fragment counts, never their *Bytes* twins. */
export const CAUSES = [
  ['no_route', /DroppedNoRoute$/], ['not_operational', /DroppedNotOperational$/], ['queue_failure', /DroppedQueueFailure$/],
  ['would_block', /DroppedWouldBlock$/], ['error', /DroppedError$/], ['size_error', /DroppedSizeError$/],
  ['no_stream', /RcvdNoStream$|^unicastCntlMsgsRcvdUnhandled$/],
] as const;
export type Cause = typeof CAUSES[number][0];

export function flattenDro(st: Obj): Flat {
  const counters = new Map<string, bigint>();
  const gauges: Record<string, Scalar> = {};
  const local = isObj(st.local) ? st.local : {};
  gauges.signature = num(local.topologySignature);
  gauges.gateways = num(local.gatewayCount);
  gauges.graph = num(local.graphVersion);
  const others = Array.isArray(st.otherGateways) ? st.otherGateways.filter(isObj) : [];
  gauges.others = others.map((x) => `${String(x.gatewayName ?? '?').replace(/[,=]/g, '_')}=${num(x.topologySignature) ?? '?'}`).join(',').slice(0, 4000);
  for (const p of Array.isArray(st.portals) ? st.portals : []) {
    if (!isObj(p)) continue;
    const name = String(p.portalName ?? p.portalIndex ?? '?').slice(0, 200);
    const side = isObj(p.endpoint) ? p.endpoint : isObj(p.peer) ? p.peer : null;
    gauges[`${name}/type`] = isObj(p.endpoint) ? 'endpoint' : isObj(p.peer) ? 'peer' : '?';
    for (const [cause] of CAUSES) counters.set(`${name}/${cause}`, 0n);
    if (!side) continue;
    for (const part of Object.values(side)) {
      if (!isObj(part)) continue;
      for (const [k, v] of Object.entries(part)) {
        if (k.includes('Bytes')) continue;
        const c = CAUSES.find(([, re]) => re.test(k));
        const b = c ? big(v) : null;
        if (c && b !== null) counters.set(`${name}/${c[0]}`, counters.get(`${name}/${c[0]}`)! + b);
      }
    }
    const send = isObj(side.send) ? side.send : {};
    gauges[`${name}/enqueued`] = num(send.dataBytesEnqueued);
    gauges[`${name}/limit`] = num(send.dataBytesEnqueuedLimit);
  }
  return { counters, gauges };
}

/** The SRS sends one record per client (umClient, umClientError) beside its own (srs, srsError). */
export function flattenSrs(st: Obj): Flat {
  const counters = new Map<string, bigint>();
  const gauges: Record<string, Scalar> = {};
  const client = (o: Obj) => {
    const info = isObj(o.umClientInfo) ? o.umClientInfo : {};
    return `${String(info.ip ?? '?')}:${String(info.port ?? '?')}/${String(info.sessionId ?? '?')}`.slice(0, 100);
  };
  const errors = (o: Obj, prefix: string) => {
    let sum = 0n;
    for (const [k, v] of Object.entries(o)) { const b = /Count$/.test(k) ? big(v) : null; if (b !== null) sum += b; }
    counters.set(`${prefix}/errors`, sum);
  };
  if (isObj(st.srs)) {
    gauges.active_clients = num(st.srs.activeClientsCount);
    gauges.active_rtir = num(st.srs.clientsActiveRtirCount);
    gauges.active_dir = num(st.srs.clientsActiveDirCount);
    for (const k of ['clientsExpiredSirCount', 'clientsExpiredRirCount', 'clientsExpiredWirCount', 'clientsExpiredDirCount', 'clientsExpiredCnirCount']) {
      const b = big(st.srs[k]);
      if (b !== null) counters.set(`srs/${k}`, b);
    }
  }
  if (isObj(st.srsError)) errors(st.srsError, 'srs');
  if (isObj(st.umClientError)) errors(st.umClientError, `client/${client(st.umClientError)}`);
  if (isObj(st.umClient)) gauges[`client/${client(st.umClient)}/queue`] = num(st.umClient.recordQueueDepth);
  return { counters, gauges };
}

export const noLimits = (): Record<string, Scalar> => ({});

export function droLimits(cf: Obj): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  for (const p of Array.isArray(cf.portals) ? cf.portals : []) if (isObj(p)) out[`${String(p.portalName)}/portal_type`] = num(p.portalType);
  return out;
}

/** The portals a DRO's newest record holds. */
export const portals = (g: Record<string, Scalar>): string[] => namesOf(g, 'type');
