// Deterministic benchmark inputs (seeded PRNG), written in large chunks.
import { closeSync, openSync, writeSync } from 'node:fs';
import { contextBlock, eventQueueBlock, receiverBlock, rng, sourceBlock } from '../test/gen/lbmmon.mjs';

export class Out {
  constructor(path) { this.fd = openSync(path, 'w'); this.parts = []; this.len = 0; this.total = 0; }
  push(s) { this.parts.push(s); this.len += s.length; if (this.len > 4 << 20) this.flush(); }
  flush() { const b = Buffer.from(this.parts.join(''), 'latin1'); writeSync(this.fd, b); this.total += b.length; this.parts = []; this.len = 0; }
  close() { this.flush(); closeSync(this.fd); return this.total; }
}

export const stamp = (t) => {
  const d = new Date(t);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
};

/**
 * A Shinken broker log: about 0.1% [ COMMAND CALL ] lines, the rest broker noise; with `debug`,
 * the DEBUG level, where half the lines are command calls ("Executing command ...", "... was
 * executed by the module M in 0.0NNs"), with the same rare failures.
 */
export function brokerLog(path, bytes, seed = 42, { debug = false } = {}) {
  const r = rng(seed);
  const o = new Out(path);
  const modules = ['Livestatus', 'WebUI', 'sla', 'graphite'];
  const noise = [
    (t, i) => `[${t}] INFO   : [ broker-master ] [ BROKS ] [ PID:1234 ] managed ${i % 997} broks from scheduler-master in 0.0${i % 9}s`,
    (t, i) => `[${t}] DEBUG  : [ broker-master ] [ ${modules[i % 4]} ] [ QUEUE ] [ PID:2${i % 100} ] queue size ${i % 5000} elements, ${i % 13} workers alive`,
    (t, i) => `[${t}] INFO   : [ WebUI ] [ HTTP ] [ PID:3736 ] [ CP Server Thread-${i % 50} ] GET /api/v1/hosts?limit=${i % 200} 200 ${i % 3000}b`,
    (t, i) => `[${t}] WARNING: [ broker-master ] [ CONNECTION ] [ PID:1234 ] scheduler-${i % 3} answered slowly (${(i % 40) / 10}s)`,
  ];
  const calls = [
    (t, m) => `[${t}] WARNING : [ broker-master ] [ ${m} ] [ COMMAND CALL ] [ PID:29341 ] [ CP Server Thread-46 ] The command call [get_module_info] for module ${m} was sent but the call timed out (1s). We will retry one time.`,
    (t, m) => `[${t}] ERROR : [ broker-master ] [ ${m} ] [ COMMAND CALL ] [ PID:29341 ] [ CP Server Thread-46 ] Failed to send command call [get_module_info] for module ${m} because of timeout (1s).`,
    (t, m) => `[${t}] DEBUG : [ broker-master ] [ ${m} ] [ COMMAND CALL ] [ PID:29341 ] [ CP Server Thread-46 ] The command call [get_stats] was executed by the module ${m} in 0.${Math.floor(r() * 900) + 100}s`,
  ];
  const chatter = [
    (t, m, i) => `[${t}] DEBUG : [ broker-master ] [ ${m} ] [ COMMAND CALL ] [ PID:29341 ] [ CP Server Thread-${i % 60} ] Executing command [get_${['module_info', 'stats', 'hosts'][i % 3]}] with param []`,
    (t, m, i) => `[${t}] DEBUG : [ broker-master ] [ ${m} ] [ COMMAND CALL ] [ PID:29341 ] [ CP Server Thread-${i % 60} ] The command call [get_${['module_info', 'stats', 'hosts'][i % 3]}] was executed by the module ${m} in 0.0${String(i % 100).padStart(2, '0')}s`,
  ];
  let t = Date.UTC(2026, 10, 20, 0, 0, 0);
  let i = 0;
  while (o.total + o.len < bytes) {
    i++;
    if (i % 16 === 0) t += 1000;
    const ts = stamp(t);
    const line = r() < 0.001 ? calls[Math.floor(r() * 3)](ts, modules[i % 4])
      : debug && i % 2 === 0 ? chatter[(i >> 1) % 2](ts, modules[i % 4], i)
      : noise[i % 4](ts, i);
    o.push(line + '\n');
  }
  return o.close();
}

/** An OpMon delayed-messages dump: `<queue> <base64 message>` lines. */
export function dump(path, lines, seed = 7) {
  const r = rng(seed);
  const o = new Out(path);
  const queues = ['check_results', 'check_results', 'check_results', 'host', 'service', 'eventhandler', 'hostgroup_linux', 'servicegroup_db', 'perfdata'];
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const payloads = Array.from({ length: 512 }, () => Array.from({ length: 40 + Math.floor(r() * 120) }, () => alphabet[Math.floor(r() * 64)]).join(''));
  for (let i = 0; i < lines; i++) o.push(`${queues[i % queues.length]} ${payloads[(i * 7919) % 512]}\n`);
  return o.close();
}

/**
 * A dump as mod_gearman fills it during a Gearman outage: results (check_results, one in ten
 * perfdata), each the base64 of a result or perfdata record of varied length, as the handler's
 * --gearman takes them (its payload check passes them).
 */
export function gearmanDump(path, lines, seed = 11) {
  const r = rng(seed);
  const o = new Out(path);
  for (let i = 0; i < lines; i++) {
    const host = `host-${Math.floor(r() * 5000)}`;
    const text = i % 10 === 0
      ? `DATATYPE::SERVICEPERFDATA\tTIMET::${1700000000 + i}\tHOSTNAME::${host}\tSERVICEDESC::disk\tSERVICEPERFDATA::used=${Math.floor(r() * 1e6)}B;;;0`
      : `host_name=${host}\nservice_description=svc-${Math.floor(r() * 40)}\ncheck_type=1\nreturn_code=${Math.floor(r() * 3)}\nstart_time=${1700000000 + i}.0\nfinish_time=${1700000001 + i}.0\noutput=${'x'.repeat(Math.floor(r() * 200))}\n`;
    o.push(`${i % 10 === 0 ? 'perfdata' : 'check_results'} ${Buffer.from(text).toString('base64')}\n`);
  }
  return o.close();
}

/** An lbmmon log with several applications publishing every 30 s. */
export function lbmmonLog(path, bytes, seed = 3) {
  const r = rng(seed);
  const o = new Out(path);
  const apps = Array.from({ length: 6 }, (_, k) => ({ appid: `app${k}`, ip: `10.20.1.${10 + k}`, pid: 0x1000 + k, oid: 0x1c1c7c0 + k, ctx: (0xabc000 + k).toString(16).padStart(16, '0'), c: {}, q: {} }));
  let t = Date.UTC(2026, 10, 20, 0, 0, 0);
  const SRC = (k) => `LBTRM:10.20.1.${10 + k}:14390:8a2b3c${k}d:239.101.3.1:14400`;
  while (o.total + o.len < bytes) {
    t += 30_000;
    for (const [k, a] of apps.entries()) {
      const bump = (l, n) => { a.c[l] = (a.c[l] ?? 0) + n; };
      bump('LBT-RM datagrams received', 30000);
      if (r() < 0.05) bump('LBT-RM NAKs sent', Math.floor(r() * 10));
      a.q['Data messages currently enqueued'] = Math.floor(r() * 500);
      a.q['Total data messages enqueued'] = (a.q['Total data messages enqueued'] ?? 0) + 30000;
      a.q['Data message service minimum time'] = 3;
      o.push(k % 2 ? sourceBlock(a, t, SRC(k), { 'LBT-RM datagrams sent': a.c['LBT-RM datagrams received'] }) : receiverBlock(a, t, SRC(k - 1 < 0 ? 1 : k - 1), a.c));
      o.push(eventQueueBlock(a, t, a.q));
      o.push(contextBlock(a, t, {}));
      if (r() < 0.01) o.push('\nCore-10995-141: [LBMMON] something happened\n');
    }
    o.push('\n');
  }
  return o.close();
}
