// A broker log written apart from varied.mjs (issue 44 asked for speed on logs the bench's own
// generators did not make): a Shinken 2 broker's epoch-stamped lines between the bracketed ones,
// a CR before some line ends, host names in UTF-8, messages from empty to 2 KiB (most short, a
// few long), categories full of K's and of words that begin like the needles (COMMAND, COMMAND
// CALLS, CLEAN AFTER), and one PID per event line drawn afresh. The first version of this
// generator (a Python script written without the bench's code at hand) measured 1.79x and 1.89x
// mawk: bench/NOTES.md.
import { Out, stamp } from './generate.mjs';
import { rng } from '../test/gen/lbmmon.mjs';

const pick = (r, a) => a[Math.floor(r() * a.length)];
const MODULES = ['Livestatus', 'mongodb-logs', 'graphite', 'ndodb_mysql', 'npcd', 'webui', 'gearman-queue', 'simple-log', 'retention-pickle'];
const CATEGORIES = ['BROKS', 'QUEUE', 'WORKER', 'LOCK', 'TASK', 'CHECK', 'RETENTION', 'HTTP', 'SATELLITE', 'COMMAND', 'COMMAND CALLS', 'CLEAN AFTER', 'MODULE', 'KEEPALIVE'];
const COMMANDS = ['get_raw_stats', 'reload_config', 'push_broks', 'get_objects_properties', 'wait_new_conf', 'get_daemon_infos', 'set_log_level'];
const CITIES = ['paris', 'lyon', 'são-paulo', 'zürich', 'nyc', 'kraków', 'malmö'];
const CHATTER = ['Connection', 'OK', 'to', 'the', 'poller', 'problem', 'KK', 'kk', 'Kafka', 'backlog', 'worker', 'checked', 'lock'];
const EVENTS = [
  ['WARNING', (c, m) => `The command call [${c}] for module ${m} was sent but the call timed out (3s). We will retry.`],
  ['ERROR', (c, m) => `Failed to send command call [${c}] for module ${m} because of timeout (10s).`],
  ['WARNING', (c) => `Received unknown command [${c}] to execute`],
  ['DEBUG', (c, m, r) => `The command call [${c}] was executed by the module ${m} in ${(r() * 5).toFixed(3)}s`],
  ['DEBUG', (c, m, r) => `Executing command [${c}] with param [${'x'.repeat(Math.floor(r() * 80))}]`],
];

/** UTF-8 as the bytes Out writes (it writes latin1: one byte a character). */
const utf8 = (s) => Buffer.from(s, 'utf8').toString('latin1');

/** `debug`: events on 5% of the lines and DEBUG among the levels; else INFO with events on 0.5%. */
export function heldOutBrokerLog(path, bytes, seed, { debug = false } = {}) {
  const r = rng(seed);
  const hosts = Array.from({ length: 3000 }, (_, i) => utf8(`srv-${pick(r, ['web', 'db', 'app', 'lb', 'cache', 'mq'])}${String(i).padStart(3, '0')}.${pick(r, CITIES)}.corp`));
  const levels = debug ? ['INFO', 'INFO', 'INFO', 'DEBUG', 'WARNING', 'ERROR'] : [...Array(12).fill('INFO'), 'WARNING', 'ERROR'];
  const message = () => {
    const k = r();
    if (k < 0.3) return `Got ${Math.floor(r() * 9000)} broks from ${pick(r, ['scheduler-master', 'scheduler-2', 'poller-master'])} in ${r().toFixed(3)}s`;
    if (k < 0.5) return `host ${pick(r, hosts)} service ${pick(r, ['cpu', 'disk /var', 'mem', 'http', 'ssl cert'])} state ${pick(r, ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'])} output ${'x'.repeat(Math.floor(r() ** 3 * 2048))}`;
    if (k < 0.6) return `Traceback (most recent call last): File "/usr/lib/python2.7/site-packages/shinken/daemon.py", line ${Math.floor(r() * 900)}, in do_loop_turn`;
    if (k < 0.7) return Array.from({ length: 3 + Math.floor(r() * 58) }, () => pick(r, CHATTER)).join(' ');
    return `Checked ${Math.floor(r() * 99999)} items, ${Math.floor(r() * 40)} late, queue length ${Math.floor(r() * 5000)}`;
  };
  const o = new Out(path);
  let t = Date.UTC(2026, 11, 5, 0, 0, 0);
  const events = debug ? 0.05 : 0.005;
  while (o.total + o.len < bytes) {
    if (r() < 0.05) t += 1000;
    const eol = r() < 0.02 ? '\r\n' : '\n';
    const k = r();
    let line;
    if (k < 0.25) {
      line = `[${Math.floor(t / 1000)}] ${pick(r, levels)}: [broker-master] ${message()}`;
    } else if (k < 1 - events) {
      const names = r() < 0.7 ? `[ broker-master ] [ ${pick(r, MODULES)} ]` : '[ broker-master ]';
      line = `[${stamp(t)}] ${pick(r, levels)} : ${names} [ ${pick(r, CATEGORIES)} ] ${message()}`;
    } else {
      const m = pick(r, MODULES);
      const [level, text] = pick(r, EVENTS);
      line = `[${stamp(t)}] ${level} : [ broker-master ] [ ${m} ] [ COMMAND CALL ] [ PID:${100 + Math.floor(r() * 99900)} ] [ ${pick(r, ['MainThread', 'Thread-3', 'http-worker-1'])} ] ${text(pick(r, COMMANDS), m, r)}`;
    }
    o.push(line + eol);
  }
  return o.close();
}

/**
 * A dump written apart from varied.mjs (issue 44: dumps of other shapes than the bench's own):
 * an OpMon site in Brazil whose host and service groups are named in Portuguese (mod_gearman's
 * hostgroup_ and servicegroup_ queues in UTF-8: são-paulo, região, manutenção), payloads of 60
 * to 4,000 base64 characters drawn log-uniformly (most short, a long tail), a CR before 1% of the
 * line ends (a dump copied through Windows), and one line in a thousand malformed (no message, no
 * queue). A first Python version, written without the bench's code at hand, found the UTF-8
 * names counted as malformed (2.57M of 3M messages) and the CR lines on the slow path.
 */
export function heldOutDump(path, bytes, seed) {
  const r = rng(seed);
  const words = ['são-paulo', 'região-sul', 'manutenção', 'filiais', 'produção', 'homologação', 'núcleo', 'serviços', 'bahia', 'paraná'];
  const groups = Array.from({ length: 300 }, (_, k) => utf8(`${r() < 0.5 ? 'hostgroup' : 'servicegroup'}_${pick(r, words)}-${k}`));
  const queue = () => {
    const x = r();
    return x < 0.55 ? 'check_results' : x < 0.7 ? 'perfdata' : x < 0.78 ? 'service' : x < 0.82 ? 'host' : x < 0.83 ? 'eventhandler' : pick(r, groups);
  };
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const pool = Array.from({ length: 8192 }, () => alphabet[Math.floor(r() * 64)]).join('');
  const o = new Out(path);
  while (o.total + o.len < bytes) {
    const eol = r() < 0.01 ? '\r\n' : '\n';
    if (r() < 0.001) { o.push((r() < 0.5 ? 'check_results' : ` ${pool.slice(0, 40)}`) + eol); continue; }
    const n = 4 * Math.floor(15 * Math.exp(r() * Math.log(1000 / 15)));
    const at = Math.floor(r() * (pool.length - n));
    o.push(`${queue()} ${pool.slice(at, at + n)}${eol}`);
  }
  return o.close();
}
