// Synthetic lbmmon output following ../shared/formats/lbmmon.md byte for byte: a blank line
// before every header, TAB + label padded to the block's longest label + ": " + value + unit.
// Shared by the tests and the benchmark.

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** C ctime() in local time, without its newline: "Tue Mar  4 09:30:05 2025". */
export function ctime(ms) {
  const d = new Date(ms);
  const p = (n) => String(n).padStart(2, '0');
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} ${d.getFullYear()}`;
}

/** app: { appid, ip, pid (number), oid (number), ctx (16 hex or ''), domain } */
export function header(title, app, sentMs, { withCtx = true } = {}) {
  let h = title;
  if (app.appid !== undefined) h += ` from ${app.appid}`;
  if (app.ip) h += ` at ${app.ip}`;
  h += `, process ID=${app.pid.toString(16)}, object ID=${(app.oid ?? 0x1c1c7c0).toString(16)}`;
  if (withCtx && app.ctx) h += `, context instance=${app.ctx}, domain ID=${app.domain ?? 0}`;
  if (sentMs !== null) h += `, sent ${ctime(sentMs)}`;
  return h;
}

function fieldLines(rows) {
  const width = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([label, value, unit = '']) => `\t${label.padEnd(width)}: ${value}${unit}`).join('\n');
}

export const RCV_LBTRM = (t = 'LBT-RM') => [
  `${t} datagrams received`, `${t} datagram bytes received`, `${t} NAK packets sent`, `${t} NAKs sent`,
  `Lost ${t} datagrams detected`, 'NCFs received (ignored)', 'NCFs received (shed)', 'NCFs received (retransmit delay)',
  'NCFs received (unknown)', 'Loss recovery minimum time', 'Loss recovery mean time', 'Loss recovery maximum time',
  'Minimum transmissions per individual NAK', 'Mean transmissions per individual NAK', 'Maximum transmissions per individual NAK',
  `Duplicate ${t} datagrams received`, `${t} datagrams unrecoverable (window advance)`, `${t} datagrams unrecoverable (NAK generation expiration)`,
  `${t} LBM messages received`, `${t} LBM messages received with uninteresting topic`, `${t} LBM requests received`,
  `${t} datagrams dropped (size)`, `${t} datagrams dropped (type)`, `${t} datagrams dropped (version)`, `${t} datagrams dropped (hdr)`,
  ...(t === 'LBT-RU' ? [`${t} datagrams dropped (SID)`, `${t} datagrams dropped (other)`] : [`${t} datagrams dropped (other)`, `${t} datagrams received out of order`]),
];
const RCV_MS = new Set(['Loss recovery minimum time', 'Loss recovery mean time', 'Loss recovery maximum time']);
const MIN_SENTINEL = new Set(['Loss recovery minimum time', 'Minimum transmissions per individual NAK']);

export const SRC_LBTRM = [
  'LBT-RM datagrams sent', 'LBT-RM datagram bytes sent', 'LBT-RM datagrams in transmission window', 'LBT-RM datagram bytes in transmission window',
  'LBT-RM NAK packets received', 'LBT-RM NAKs received', 'LBT-RM NAKs ignored', 'LBT-RM NAKs shed', 'LBT-RM NAKs ignored (retransmit delay)',
  'LBT-RM retransmission datagrams sent', 'LBT-RM datagrams queued by rate control', 'LBT-RM retransmission datagrams queued by rate control',
  'LBT-RM retransmission datagram bytes sent',
];

const EVQ_CATS = [
  ['Data messages', 'Total data messages enqueued', 'Data message'],
  ['Responses', 'Total responses enqueued', 'Response'],
  ['Topicless immediate messages', 'Total topicless immediate messages enqueued', 'Topicless immediate message'],
  ['Wildcard messages', 'Total wildcard messages enqueued', 'Wildcard message'],
  ['I/O events', 'Total I/O events enqueued', 'I/O event'],
  ['Timer events', 'Total timer events enqueued', 'Timer event'],
  ['Source events', 'Total source events enqueued', 'Source event'],
  ['Unblock events', 'Total unblock events enqueued', null],
  ['Cancel events', 'Total cancel events enqueued', 'Cancel event'],
  ['Callback events', 'Total callback events enqueued', 'Callback event'],
  ['Context source events', 'Total context source events enqueued', 'Context source event'],
];
export const EVQ = [];
for (const [plural, total, singular] of EVQ_CATS) {
  EVQ.push([`${plural} currently enqueued`, ''], [total, '']);
  if (singular) for (const w of ['minimum', 'mean', 'maximum']) EVQ.push([`${singular} service ${w} time`, 'us']);
}
EVQ.push(['Events currently enqueued', ''], ['Total events enqueued', ''], ['Event latency minimum time', 'us'], ['Event latency mean time', 'us'], ['Event latency maximum time', 'us']);

export const CTX = [
  'Topic resolution datagrams sent', 'Topic resolution datagram bytes sent', 'Topic resolution datagrams received', 'Topic resolution datagram bytes received',
  'Topic resolution datagrams dropped (version)', 'Topic resolution datagrams dropped (type)', 'Topic resolution datagrams dropped (malformed)',
  'Topic resolution send failures', 'Topics in source topic map', 'Topics in receiver topic map', 'Unresolved topics in receiver topic map',
  'Unknown LBT-RM datagrams received', 'Unknown LBT-RU datagrams received', 'Number of times message send blocked',
  'Number of times message send returned EWOULDBLOCK', 'Number of times response send blocked', 'Number of times response send returned EWOULDBLOCK',
  'Number of duplicate UIM messages dropped', 'Number of UIM messages received without stream info',
  'Number of data message fragments lost', 'Number of data message fragments unrecoverably lost',
  'Receiver callbacks min service time (microseconds)', 'Receiver callbacks max service time (microseconds)', 'Receiver callbacks mean service time (microseconds)',
];

const S64 = '18446744073709551615';

/** One receiver transport block (LBT-RM or LBT-RU). `v` maps labels to values. */
export function receiverBlock(app, sentMs, source, v = {}, { transport = 'LBT-RM', title = 'Receiver statistics received', sentinel = S64 } = {}) {
  const rows = RCV_LBTRM(transport).map((l) => [l, v[l] ?? (MIN_SENTINEL.has(l) ? sentinel : 0), RCV_MS.has(l) ? 'ms' : '']);
  return `\n${header(title, app, sentMs)}\nSource: ${source}\nTransport: ${transport}\n${fieldLines(rows)}`;
}

export function sourceBlock(app, sentMs, source, v = {}, { title = 'Source statistics received' } = {}) {
  const rows = SRC_LBTRM.map((l) => [l, v[l] ?? 0]);
  return `\n${header(title, app, sentMs)}\nSource: ${source}\nTransport: LBT-RM\n${fieldLines(rows)}`;
}

export function eventQueueBlock(app, sentMs, v = {}, { sentinel = S64, enabled = true } = {}) {
  const rows = EVQ.map(([l, unit]) => [l, v[l] ?? (/minimum time/.test(l) && !enabled ? sentinel : /minimum time/.test(l) && v[l] === undefined ? sentinel : 0), unit]);
  return `\n${header('Event queue statistics received', app, sentMs, { withCtx: false })}\n${fieldLines(rows)}`;
}

export function contextBlock(app, sentMs, v = {}, { legacy = false, sentinel = S64 } = {}) {
  const labels = legacy ? CTX.slice(0, 19) : CTX;
  const rows = labels.map((l) => [l, v[l] ?? (/callbacks min/.test(l) ? sentinel : 0)]);
  return `\n${header('Context statistics received', app, sentMs, { withCtx: !legacy })}\n${fieldLines(rows)}`;
}

/** A deterministic pseudo-random generator (mulberry32), for reproducible benchmark inputs. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
