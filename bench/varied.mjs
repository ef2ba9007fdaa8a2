// Benchmark inputs with the variety of real sites (issue 32), from fixed seeds. The older inputs in
// generate.mjs repeat a handful of lines; a cache keyed on whole lines hits almost always there and
// almost never on a real log. These draw every line's parts from pools like a real site's.
import { readFileSync } from 'node:fs';
import { Out, stamp } from './generate.mjs';
import { contextBlock, ctime, eventQueueBlock, receiverBlock, rng } from '../test/gen/lbmmon.mjs';

const pick = (r, a) => a[Math.floor(r() * a.length)];
const BROKERS = ['broker-master', 'broker-paris-01', 'broker-dmz'];
const MODULES = ['Livestatus', 'WebUI', 'sla', 'graphite', 'event-manager', 'retention-mongodb', 'livedata',
  'report-builder', 'influxdb-perfdata', 'webui-enterprise'];
const COMMANDS = ['get_module_info', 'get_stats', 'get_hosts', 'get_services', 'get_raw_stats', 'check_alive',
  'get_sla_history', 'get_events', 'get_configuration', 'reload_configuration', 'get_broks_queue_size', 'ping'];
const THREADS = [...Array.from({ length: 40 }, (_, k) => `CP Server Thread-${k + 1}`), 'MainThread'];
const LEVELS = ['INFO', 'DEBUG', 'WARNING', 'ERROR'];
/** needles in a message, not as its category (the scan finds them; they are no command-call line) */
const MENTIONS = ['forwarded [ COMMAND CALL ]', 'queued [COMMAND CALL]', 'after [ CLEAN AFTER FORK ]', 'retried [ COMMAND CALL ] [ PID:7 ]'];
const CATEGORIES = ['BROKS', 'QUEUE', 'HTTP', 'CONNECTION', 'SCHEDULER', 'RETENTION', 'MODULES MANAGER', 'STATS',
  'ARBITER', 'CONFIGURATION', 'LIVEDATA', 'SLA ARCHIVE'];
const WORDS = ('managed broks from scheduler answered slowly queue size elements workers alive request took '
  + 'retention saved loaded hosts services contacts reloaded configuration received new pushed element '
  + 'connection established lost retrying in seconds module instance started stopped restarted memory '
  + 'usage cpu load average sending brok to external queue flushed archived daily computed').split(' ');

/** The site: each (broker, module) pair runs under two PIDs; names are padded or not, as seen. */
function site(r, worst) {
  const pids = new Map();
  for (const b of BROKERS) for (const m of MODULES) pids.set(`${b}/${m}`, [1000 + Math.floor(r() * 60000), 1000 + Math.floor(r() * 60000)]);
  const pad = (name) => (r() < 0.5 ? `[ ${name} ]` : `[${name}]`);
  const lvl = (l) => pick(r, [`${l} :`, `${l}:`, `${l.padEnd(7)}:`]);
  return {
    pid: (b, m) => (worst ? 1 + Math.floor(r() * 4194304) : pick(r, pids.get(`${b}/${m}`))),
    thread: () => (worst ? `${pick(r, ['CP Server Thread', 'Thread', 'worker'])}-${Math.floor(r() * 100000)}` : pick(r, THREADS)),
    seconds: () => (worst ? (r() * 30).toFixed(1 + Math.floor(r() * 5)) : `0.${String(Math.floor(r() * 1000)).padStart(3, '0')}`),
    pad, lvl,
  };
}

/** 3000 INFO message texts of varied length, as a broker's own logging says things. */
function messages(r) {
  return Array.from({ length: 3000 }, () => {
    const n = 4 + Math.floor(r() * 30);
    return Array.from({ length: n }, () => (r() < 0.2 ? String(Math.floor(r() * 100000)) : pick(r, WORDS))).join(' ');
  });
}

/** Check outputs as a broker passes them on (status, then perfdata), for the long messages. */
const OUTPUTS = [
  (r) => `HTTP OK: HTTP/1.1 200 OK - ${Math.floor(r() * 99999)} bytes in 0.0${Math.floor(r() * 90 + 10)} second response time |time=0.0${Math.floor(r() * 90 + 10)}s;;;0.000000 size=${Math.floor(r() * 99999)}B;;;0`,
  (r) => `DISK OK - free space: / ${Math.floor(r() * 99999)} MB (${Math.floor(r() * 99)}% inode=97%); /var ${Math.floor(r() * 99999)} MB (${Math.floor(r() * 99)}%)| /=${Math.floor(r() * 99999)}MB;;;0;99999 /var=${Math.floor(r() * 99999)}MB;;;0;99999`,
  (r) => `PING OK - Packet loss = 0%, RTA = 0.${Math.floor(r() * 90 + 10)} ms|rta=0.${Math.floor(r() * 90 + 10)}ms;100.000;500.000;0; pl=0%;20;60;0`,
  (r) => `OK - load average: 0.${Math.floor(r() * 90 + 10)}, 0.${Math.floor(r() * 90 + 10)}, 0.${Math.floor(r() * 90 + 10)}|load1=0.${Math.floor(r() * 90 + 10)};15;30;0; load5=0.${Math.floor(r() * 90 + 10)};10;25;0;`,
  () => 'CRITICAL - Socket timeout after 10 seconds',
  (r) => `WARNING - ${Math.floor(r() * 9999)} processes running`,
  (r) => `SSH OK - OpenSSH_8.${Math.floor(r() * 9)} (protocol 2.0)`,
];

/**
 * 3000 long INFO messages: a host's check outputs passed through whole, 0.1 to ~30 KB, ~3 KB on
 * average. Lines this long are awk's best case (its cost is per line, a scan's per byte).
 */
function longMessages(r) {
  return Array.from({ length: 3000 }, () => {
    const n = 1 + Math.floor(-Math.log(1 - r()) * 40);
    return `host srv-${Math.floor(r() * 3000)} results ${Array.from({ length: n }, () => pick(r, OUTPUTS)(r)).join(' ; ')}`;
  });
}

/** A command-call event line of any of the kinds the check counts, or an execution time. */
function event(r, s, b, m, c) {
  const k = Math.floor(r() * 7);
  return [
    () => [`WARNING`, `The command call [${c}] for module ${m} was sent but the call timed out (1s). We will retry one time.`],
    () => ['ERROR', `Failed to send command call [${c}] for module ${m} because of timeout (1s).`],
    () => ['ERROR', `Failed to send command call [${c}] for module ${m} because of error: 'int' object is not iterable`],
    () => ['WARNING', `The command call [${c}] was sent but another answer was received. Retrying.`],
    () => ['WARNING', `Received unknown command [${c}] to execute !`],
    () => ['ERROR', `Failed to execute received command [${c}] with error: Exception`],
    () => ['DEBUG', `The command call [${c}] was executed by the module ${m} in ${s.seconds()}s`],
  ][k]();
}

/**
 * A Shinken Enterprise broker log with a real site's variety. `debug`: half the lines are command
 * calls ("Executing command ...", "... was executed by the module M in Ns"); `worst`: PIDs,
 * threads and times drawn at random for every line, so no two command lines share a head or body;
 * `events`: the share of lines that are command-call events (a broker in trouble writes them on
 * most lines); `mention`: INFO messages that name a needle in brackets without being its category;
 * `long`: long INFO messages (longMessages).
 */
export function variedBrokerLog(path, bytes, seed, { debug = false, worst = false, categories = CATEGORIES, events = 0.001, mention = false, long = false } = {}) {
  const r = rng(seed);
  const s = site(r, worst);
  const msgs = long ? longMessages(r) : messages(r);
  const o = new Out(path);
  let t = Date.UTC(2026, 10, 20, 0, 0, 0);
  let i = 0;
  while (o.total + o.len < bytes) {
    if (++i % 12 === 0) t += 1000;
    const ts = stamp(t);
    const b = pick(r, BROKERS);
    const m = pick(r, MODULES);
    const head = (level, cat) => `[${ts}] ${s.lvl(level)} ${s.pad(b)} ${s.pad(m)} ${s.pad(cat)} ${s.pad(`PID:${s.pid(b, m)}`)}`;
    let line;
    if (r() < events) {
      const [level, text] = event(r, s, b, m, pick(r, COMMANDS));
      line = `${head(level, 'COMMAND CALL')} ${s.pad(s.thread())} ${text}`;
    } else if (debug && r() < 0.5) {
      const c = pick(r, COMMANDS);
      line = r() < 0.5
        ? `${head('DEBUG', 'COMMAND CALL')} ${s.pad(s.thread())} Executing command [${c}] with param [${r() < 0.7 ? '' : `{'host': 'srv-${Math.floor(r() * 3000)}'}`}]`
        : `${head('DEBUG', 'COMMAND CALL')} ${s.pad(s.thread())} The command call [${c}] was executed by the module ${m} in ${s.seconds()}s`;
    } else {
      const level = debug ? pick(r, ['DEBUG', 'DEBUG', 'INFO']) : r() < 0.95 ? 'INFO' : pick(r, LEVELS);
      line = `${head(level, pick(r, categories))} ${pick(r, msgs)}`;
      if (mention) line += ` ${pick(r, MENTIONS)} ${pick(r, COMMANDS)} to worker ${Math.floor(r() * 100)}`;
    }
    o.push(line + '\n');
  }
  return o.close();
}

// a C ctime stamp, or a Java Date.toString() one (its zone name before the year)
const SENT = / sent ((?:Sun|Mon|Tue|Wed|Thu|Fri|Sat) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d\d:\d\d:\d\d)(?: ([A-Za-z][A-Za-z0-9+\-:]{0,9}))? (\d{4})$/;

/** A stamp as the capture's printer wrote it: ctime, or Java's (day zero-padded, zone kept). */
function stampAs(ms, zone) {
  if (!zone) return ctime(ms);
  const [dow, mon, day, clock, year] = ctime(ms).split(/ +/);
  return `${dow} ${mon} ${day.padStart(2, '0')} ${clock} ${zone} ${year}`;
}

/**
 * A real lbmmon capture (../shared/real) repeated until `bytes`, each copy's `sent` stamps
 * shifted past the previous copy's last one and written as its printer wrote them (C's ctime,
 * Java's with the zone), so a first scan sees one long run of the same applications (their
 * counters restart with each copy, as after a restart).
 */
export function realLbmmonLog(path, bytes, capture) {
  const lines = readFileSync(capture, 'latin1').split('\n');
  const stamps = lines.map((l) => SENT.exec(l));
  const times = stamps.filter(Boolean).map((m) => Date.parse(`${m[1]} ${m[3]}`));
  const span = Math.max(...times) - Math.min(...times) + 5000;
  const o = new Out(path);
  for (let k = 0; o.total + o.len < bytes; k++) {
    for (let n = 0; n < lines.length; n++) {
      const m = stamps[n];
      o.push((m ? lines[n].slice(0, m.index) + ` sent ${stampAs(Date.parse(`${m[1]} ${m[3]}`) + k * span, m[2])}` : lines[n]) + '\n');
    }
  }
  return o.close();
}

/**
 * A delayed-messages dump as a real outage leaves it: mostly results (check_results, perfdata),
 * some job queues (host, service, eventhandler, hostgroup_* and servicegroup_* of a site's
 * groups, worker_* of its workers), payloads of very different lengths (60 to ~1,500 base64
 * characters, as check outputs and perfdata vary).
 */
export function variedDump(path, lines, seed = 17) {
  const r = rng(seed);
  const o = new Out(path);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const pool = Array.from({ length: 4096 }, () => alphabet[Math.floor(r() * 64)]).join('');
  const groups = Array.from({ length: 40 }, (_, k) => `hostgroup_${['linux', 'windows', 'db', 'web', 'net'][k % 5]}${k}`)
    .concat(Array.from({ length: 30 }, (_, k) => `servicegroup_${['disk', 'cpu', 'app', 'sla'][k % 4]}${k}`));
  const workers = Array.from({ length: 12 }, (_, k) => `worker_poller-${k}.example.net`);
  const queue = () => {
    const x = r();
    return x < 0.7 ? 'check_results' : x < 0.8 ? 'perfdata' : x < 0.86 ? 'service' : x < 0.9 ? 'host'
      : x < 0.92 ? 'eventhandler' : x < 0.97 ? pick(r, groups) : pick(r, workers);
  };
  for (let i = 0; i < lines; i++) {
    const n = 4 * (15 + Math.floor(r() * r() * 370)); // mostly short, a long tail
    const at = Math.floor(r() * (pool.length - n));
    o.push(`${queue()} ${pool.slice(at, at + n)}\n`);
  }
  return o.close();
}

/**
 * Adversarial broker logs (issue 44): the same site, its INFO lines in categories chosen against
 * the scan's needle searches. 'k': every category holds a K (the fork needle's last byte) and the
 * needles' other letters; 'prefix': categories that begin like the needles ([ COMMAND ],
 * COMMAND CALLS, CLEAN AFTER) or hold both needles' first and last bytes at their distance;
 * 'storm': a broker in trouble, command-call events on 40% of its lines (each kind alike);
 * 'mention': every INFO message names a needle in brackets after its category; 'long': a quiet
 * broker whose INFO messages are check outputs passed through, ~3 KB a line (awk's best case).
 */
export const ADVERSARIAL = {
  k: ['BROKS', 'WORKER', 'LOCK', 'TASK', 'CHECK', 'BACKLOG KEEPER'],
  prefix: ['COMMAND', 'COMMAND CALLS', 'CLEAN AFTER', 'CLEAN AFTER FORKS', 'COMMAND CALL QUEUE', 'CLEAN UP TASK'],
};
export function adversarialBrokerLog(path, bytes, seed, kind, { debug = false } = {}) {
  if (kind === 'storm') return variedBrokerLog(path, bytes, seed, { debug, events: 0.4 });
  if (kind === 'mention') return variedBrokerLog(path, bytes, seed, { debug, mention: true });
  if (kind === 'long') return variedBrokerLog(path, bytes, seed, { debug, long: true });
  return variedBrokerLog(path, bytes, seed, { debug, categories: ADVERSARIAL[kind] });
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const WORDS_DNS = ['eu-west', 'us-east', 'ap-south', 'prod', 'preprod', 'datacenter', 'linux', 'windows', 'oracle',
  'postgresql', 'frontend', 'backend', 'payment', 'billing', 'monitoring', 'storage', 'network', 'firewall'];

/**
 * Adversarial dumps (issue 44), `bytes` long. 'names': queue names of 60 to 255 characters (the
 * longest a Gearman function name may be here), 2,000 of them (hostgroup_, servicegroup_ and
 * worker_ names built of a site's words), with short messages, so the name is most of each line;
 * 'messages': a site's usual queues with messages of 1 to 16 KiB (check outputs with long
 * perfdata), so the line ends are far apart.
 */
export function adversarialDump(path, bytes, seed, kind) {
  const r = rng(seed);
  const o = new Out(path);
  const pool = Array.from({ length: 65536 }, () => BASE64[Math.floor(r() * 64)]).join('');
  const longName = () => {
    const want = 60 + Math.floor(r() * 196);
    let n = pick(r, ['hostgroup_', 'servicegroup_', 'worker_']);
    while (n.length < want) n += `${pick(r, WORDS_DNS)}${r() < 0.3 ? Math.floor(r() * 1000) : ''}${pick(r, ['-', '.', '_'])}`;
    return n.slice(0, want);
  };
  const names = kind === 'names' ? Array.from({ length: 2000 }, longName) : null;
  while (o.total + o.len < bytes) {
    const q = names ? pick(r, names) : r() < 0.7 ? 'check_results' : pick(r, ['perfdata', 'service', 'host', 'eventhandler', 'hostgroup_linux', 'worker_poller-1.example.net']);
    const n = names ? 4 * (15 + Math.floor(r() * 85)) : 4 * (256 + Math.floor(r() * 3840));
    const at = Math.floor(r() * (pool.length - n));
    o.push(`${q} ${pool.slice(at, at + n)}\n`);
  }
  return o.close();
}

/**
 * An adversarial lbmmon log (issue 44): 2,000 applications, each with its own receiver transport
 * session named by a source string of 40 to 400 characters (as long as a site's naming makes them),
 * event queue and context blocks, every 5 s, in an order shuffled each interval; NAKs and
 * unrecoverable loss grow at random, so every series is compared at every sample.
 */
export function manyAppsLbmmonLog(path, bytes, seed) {
  const r = rng(seed);
  const o = new Out(path);
  const hex = (n) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(r() * 16)]).join('');
  const apps = Array.from({ length: 2000 }, (_, k) => {
    const ip = `10.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${1 + Math.floor(r() * 254)}`;
    let source = `LBTRM:${ip}:${14000 + Math.floor(r() * 2000)}:${hex(8)}:239.101.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}:14400`;
    const want = 40 + Math.floor(r() * 361);
    while (source.length < want) source += `:${pick(r, WORDS_DNS)}-${hex(4)}`;
    return {
      appid: `${pick(r, WORDS_DNS)}-${pick(r, WORDS_DNS)}-${k}`, ip, pid: 1000 + Math.floor(r() * 4000000), oid: Math.floor(r() * 0xfffffff),
      ctx: hex(16), domain: Math.floor(r() * 4), source: source.slice(0, want), c: {}, q: {},
    };
  });
  let t = Date.UTC(2026, 10, 20, 0, 0, 0);
  while (o.total + o.len < bytes) {
    t += 5000;
    const order = apps.map((a) => [r(), a]).sort((x, y) => x[0] - y[0]).map(([, a]) => a);
    for (const a of order) {
      const bump = (l, n) => { a.c[l] = (a.c[l] ?? 0) + n; };
      bump('LBT-RM datagrams received', 1000 + Math.floor(r() * 30000));
      if (r() < 0.3) bump('LBT-RM NAKs sent', 1 + Math.floor(r() * 50));
      if (r() < 0.01) bump('LBT-RM datagrams unrecoverable (NAK generation expiration)', 1 + Math.floor(r() * 3));
      a.q['Data messages currently enqueued'] = Math.floor(r() * 500);
      a.q['Total data messages enqueued'] = (a.q['Total data messages enqueued'] ?? 0) + 1000;
      o.push(`${receiverBlock(a, t, a.source, a.c)}\n`);
      if (r() < 0.5) o.push(`${eventQueueBlock(a, t, a.q)}\n`);
      if (r() < 0.3) o.push(`${contextBlock(a, t, {})}\n`);
    }
    o.push('\n');
  }
  return o.close();
}
