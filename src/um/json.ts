/**
 * UM's monitoring data as JSON, mapped onto the blocks the text dialects give (model.ts), so
 * the checks judge it with the same rules:
 *
 *   MCS rows (the Monitoring Collector Service's SQLite tables dumped with `select *`, one JSON
 *   document a row, or read from the database by mcs.ts): {"attributes": {timestamp (epoch
 *   seconds), applicationId, senderIpv4Address, processId and objectId in decimal,
 *   contextInstance in base64}, "stats": {receiverTransports, sourceTransports, context,
 *   eventQueues}}, camelCase counters as strings, 18446744073709551615 for "never measured";
 *   lbmmon_json lines (UltraMessaging/lbmmon_json): the same data in snake_case, fields that
 *   are zero left out, with a `packet_type` and `ts` envelope.
 *
 * Names are normalised (snake_case to camelCase) and each counter is stored under the label the
 * C lbmmon prints, the ID fields in the hex the text prints: the same series, the same verdicts.
 * Daemon records (Store, DRO, SRS: `srs`, `portals`, `storeIdx`...) are recognised and counted,
 * never read as loss. The documents may come one a line or pretty-printed and concatenated
 * (json-values.ts).
 */
import type { LineSink } from '../lib/tail/lines.js';
import { JsonValues } from './json-values.js';
import { daemonRecord, type DaemonRecord } from './daemon-record.js';
import { appKey, SENTINELS, type Block, type BlockKind, type Header } from './model.js';
import type { CarriedBlock, ParserStats } from './parse.js';

const camel = (k: string) => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

const RCV: Record<string, string> = {
  msgsRcved: '{T} datagrams received', naksSent: '{T} NAKs sent', nakPcktsSent: '{T} NAK packets sent', lost: 'Lost {T} datagrams detected',
  ncfsIgnored: 'NCFs received (ignored)', ncfsShed: 'NCFs received (shed)', ncfsRxDelay: 'NCFs received (retransmit delay)', ncfsUnknown: 'NCFs received (unknown)',
  unrecoveredTxw: '{T} datagrams unrecoverable (window advance)', unrecoveredTmo: '{T} datagrams unrecoverable (NAK generation expiration)',
  lbmMsgsRcved: '{T} LBM messages received', lbmMsgsNoTopicRcved: '{T} LBM messages received with uninteresting topic',
  dgramsDroppedSize: '{T} datagrams dropped (size)', dgramsDroppedType: '{T} datagrams dropped (type)', dgramsDroppedVersion: '{T} datagrams dropped (version)',
  dgramsDroppedHdr: '{T} datagrams dropped (hdr)', dgramsDroppedOther: '{T} datagrams dropped (other)',
};
const SRC: Record<string, string> = {
  msgsSent: '{T} datagrams sent', naksRcved: '{T} NAKs received', nakPcktsRcved: '{T} NAK packets received', naksIgnored: '{T} NAKs ignored',
  naksShed: '{T} NAKs shed', naksRxDelayIgnored: '{T} NAKs ignored (retransmit delay)', rxsSent: '{T} retransmission datagrams sent',
};
const CTX: Record<string, string> = {
  trRcvUnresolvedTopics: 'Unresolved topics in receiver topic map', fragmentsUnrecoverablyLost: 'Number of data message fragments unrecoverably lost',
  trDgramsDroppedVer: 'Topic resolution datagrams dropped (version)', trDgramsDroppedType: 'Topic resolution datagrams dropped (type)',
  trDgramsDroppedMalformed: 'Topic resolution datagrams dropped (malformed)',
  lbtrmUnknownMsgsRcved: 'Unknown LBT-RM datagrams received', lbtruUnknownMsgsRcved: 'Unknown LBT-RU datagrams received',
};
const EVQ: Record<string, string> = {
  dataMsgs: 'Data messages currently enqueued', dataMsgsTot: 'Total data messages enqueued',
  dataMsgsSvcMin: 'Data message service minimum time', dataMsgsSvcMean: 'Data message service mean time', dataMsgsSvcMax: 'Data message service maximum time',
  ageMin: 'Event latency minimum time', ageMean: 'Event latency mean time', ageMax: 'Event latency maximum time',
  events: 'Events currently enqueued', eventsTot: 'Total events enqueued',
};
const TRANSPORTS: [string, string][] = [['lbtrm', 'LBT-RM'], ['lbtru', 'LBT-RU'], ['tcp', 'TCP'], ['lbtipc', 'LBT-IPC'], ['lbtsmx', 'LBT-SMX'], ['broker', 'BROKER']];
const DAEMON_KEYS = ['srs', 'portals', 'local', 'otherGateways', 'storeIdx', 'srcRepoStats', 'umeRetxReqRcvCount', 'smartHeapStat', 'umClient'];
const TITLE: Record<BlockKind, string> = {
  'receiver': 'Receiver statistics received', 'source': 'Source statistics received', 'im-source': 'IM source statistics received',
  'im-receiver': 'IM receiver statistics received', 'context': 'Context statistics received', 'event-queue': 'Event queue statistics received', 'other': '',
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A counter as MCS or lbmmon_json gives it (string, number, or left out for zero). */
function counter(v: unknown): number | null {
  if (v === undefined) return 0;
  const t = typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(Math.trunc(v)) : null;
  if (t === null || !/^\d{1,20}$/.test(t) || SENTINELS.has(t)) return null;
  return Number(t);
}

/** Decimal (MCS) or hex (lbmmon_json may print either) to the hex the text prints. */
function hexId(v: unknown): string {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v.toString(16);
  if (typeof v !== 'string') return '';
  if (/^\d+$/.test(v)) return BigInt(v).toString(16);
  return v.replace(/^0x/i, '').toLowerCase();
}

/** base64 (MCS) or hex context instance to 16 hex digits. */
function ctxHex(v: unknown): string {
  if (typeof v !== 'string' || v === '') return '';
  if (/^[0-9a-f]{16}$/i.test(v)) return v.toLowerCase();
  const b = Buffer.from(v, 'base64');
  return b.length ? b.toString('hex') : '';
}

/** Normalises keys to camelCase, deeply. */
function norm(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(norm);
  if (!isObj(v)) return v;
  const o: Obj = {};
  for (const [k, x] of Object.entries(v)) o[camel(k)] = norm(x);
  return o;
}

export class JsonParser implements LineSink {
  readonly stats: ParserStats = { blocks: 0, cutBlocks: 0, headers: 0, firstUnknown: null, legacy: 0 };
  /** daemon records (Store, DRO, SRS) seen: named in the long output, never read as loss */
  readonly daemons = new Map<string, number>();

  /** the newest record time of any kind seen (ms): "now" for the daemons' staleness */
  newestMs: number | null = null;

  constructor(private readonly wanted: Set<BlockKind>, private readonly onBlock: (b: Block) => void, private readonly onDaemon?: (r: DaemonRecord) => void) {}

  /** the stream's values, one a line or pretty-printed (json-values.ts) */
  private readonly values = new JsonValues({
    value: (text, parsed) => (parsed === undefined ? this.record(text) : this.parsed(parsed, text)),
    garbage: (text) => this.record(text),
    oversized: () => { this.stats.cutBlocks++; },
  });

  lines(buf: Buffer, start: number, end: number): void {
    this.values.lines(buf, start, end);
  }

  /** One JSON document: an MCS row or an lbmmon_json line. */
  record(text: string): void {
    let raw: unknown;
    try { raw = JSON.parse(text); } catch { raw = undefined; }
    this.parsed(raw, text);
  }

  private parsed(raw: unknown, text: string): void {
    const o = norm(raw);
    // lbmmon_json: {"ts", "packet_type", "attributes", "data": the packet's message}; MCS: {"attributes", "stats"}
    const body = isObj(o) && isObj(o.data) ? o.data : o;
    const attrs = isObj(o) && isObj(o.attributes) ? o.attributes : isObj(body) && isObj(body.attributes) ? body.attributes : null;
    if (!isObj(o) || !isObj(body) || !attrs) {
      // an lbmmon_json warning line is its own record of a packet it could not decode: not a foreign file
      if (!(isObj(o) && typeof o.warning === 'string')) this.stats.firstUnknown ??= text.slice(0, 120);
      return;
    }
    this.stats.headers++;
    const a = attrs;
    const iso = typeof o.ts === 'string' ? Date.parse(o.ts) : NaN;
    const ts = a.timestamp !== undefined ? counter(a.timestamp) : Number.isFinite(iso) ? Math.floor(iso / 1000) : null;
    const head = {
      appid: String(a.applicationId ?? ''), ip: String(a.senderIpv4Address ?? ''), pid: hexId(a.processId), oid: hexId(a.objectId),
      ctxInst: ctxHex(a.contextInstance), domain: String(a.domainId ?? ''), sentMs: ts === null ? null : ts * 1000,
    };
    if (head.sentMs !== null && (this.newestMs === null || head.sentMs > this.newestMs)) this.newestMs = head.sentMs;
    if (this.onDaemon && isObj(o)) {
      const d = daemonRecord(o, head.sentMs);
      if (d) { this.onDaemon(d); return; }
    }
    const st = isObj(body.stats) ? body.stats : isObj(o.data) ? o.data : null;
    if (!isObj(st)) return; // configs and events rows: nothing to judge
    const daemon = DAEMON_KEYS.find((k) => k in st);
    if (daemon) this.daemons.set(head.appid, (this.daemons.get(head.appid) ?? 0) + 1);
    for (const t of Array.isArray(st.receiverTransports) ? st.receiverTransports : []) this.transport(head, t, 'receiver', RCV);
    for (const t of Array.isArray(st.sourceTransports) ? st.sourceTransports : []) this.transport(head, t, 'source', SRC);
    if (isObj(st.context)) this.emit(head, 'context', '', '', CTX, st.context);
    for (const q of Array.isArray(st.eventQueues) ? st.eventQueues : []) if (isObj(q)) this.emit(head, 'event-queue', '', '', EVQ, q);
  }

  private transport(head: Omit<Header, 'kind' | 'title' | 'sent' | 'dialect' | 'proc' | 'procCtx'>, t: unknown, role: 'receiver' | 'source', map: Record<string, string>): void {
    if (!isObj(t)) return;
    const im = String(t.sourceFlag ?? '').includes('IM');
    const kind: BlockKind = im ? (role === 'source' ? 'im-source' : 'im-receiver') : role;
    for (const [key, name] of TRANSPORTS) {
      if (isObj(t[key])) this.emit(head, kind, String(t.sourceString ?? ''), name, map, t[key] as Obj);
    }
  }

  private emit(head: Omit<Header, 'kind' | 'title' | 'sent' | 'dialect' | 'proc' | 'procCtx'>, kind: BlockKind, source: string, transport: string, map: Record<string, string>, values: Obj): void {
    if (!this.wanted.has(kind)) return;
    const header: Header = { ...head, kind, title: TITLE[kind], sent: head.sentMs === null ? '' : new Date(head.sentMs).toISOString(), dialect: 'c', proc: '', procCtx: '' };
    header.proc = appKey(header);
    header.procCtx = `${header.proc}\u0001${header.ctxInst}`;
    const fields = new Map<string, number | null>();
    const tr = transport || 'LBT-RM';
    for (const [k, label] of Object.entries(map)) fields.set(label.replace('{T}', tr), counter(values[k]));
    this.stats.blocks++;
    this.onBlock({ header, source, transport, fields, lines: fields.size });
  }

  /** A pretty-printed value still open at the end of the read: its text, carried to the next run. */
  pending(): string | null {
    return this.values.pending();
  }

  restorePending(text: string): void {
    this.values.restore(text);
  }

  /** No lbmmon text block is carried: an open JSON value is (pending). */
  finish(): CarriedBlock | null {
    return null;
  }
}
