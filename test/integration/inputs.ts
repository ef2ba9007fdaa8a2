// Prepared inputs, one per plugin and state, readable by the nagios user.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { broker as L } from '../fixtures';
import { ROOT } from '../helpers';
import { UmSim } from '../um-sim';

export type Want = 'OK' | 'WARNING' | 'CRITICAL' | 'UNKNOWN';
export const CODES: Record<Want, number> = { OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3 };

export interface Case {
  plugin: string;
  want: Want;
  /** the input that replaces the example's -f path */
  file: string;
  /** arguments added to the example's command line for this case */
  extra: string;
}

/** The example's command line with the plugin directory, the -f path and $ARGn$ substituted. */
export function fromExample(template: string, bin: string, c: Case, argValues: string[] = []): string {
  let cmd = template.replace(/\/usr\/local\/opmon\/libexec|\$USER1\$/g, bin).replace(/-f \S+/, `-f ${c.file}`);
  argValues.forEach((v, i) => { cmd = cmd.split(`$ARG${i + 1}$`).join(v); });
  return `${cmd}${c.extra ? ' ' + c.extra : ''}`;
}

function um(path: string, f: (s: UmSim) => void): void {
  const s = new UmSim(path);
  const src = s.add('pricefeed', 'source', 0x96ee, '10.20.1.11');
  const rcv = s.add('riskcalc', 'receiver', 0x5b9);
  rcv.evq = { 'Data messages currently enqueued': 10, 'Total data messages enqueued': 1000, 'Data message service minimum time': 5, 'Event latency minimum time': 3 };
  void src;
  s.sample(); s.sample();
  f(s);
  s.sample();
}

/**
 * Installs the built executables the way an operator does (scripts/install.sh) into a plugin
 * directory the scheduler's user can reach: the checkout itself may sit in a private directory.
 */
export function installPlugins(dir: string): string {
  chmodSync(dir, 0o755);
  const libexec = join(dir, 'libexec');
  execFileSync('bash', [join(ROOT, 'scripts', 'install.sh'), '--prefix', libexec], { stdio: 'ignore' });
  return libexec;
}

export function prepare(dir: string): Case[] {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  chmodSync(dir, 0o755);
  const p = (n: string) => join(dir, n);
  const w = (n: string, text: string) => { writeFileSync(p(n), text, { mode: 0o644 }); return p(n); };
  w('dump-ok', '');
  w('dump-warn', 'check_results a\nhost b\n');
  w('dump-crit', Array.from({ length: 1500 }, (_, i) => `check_results m${i}`).join('\n') + '\n');
  w('broker-ok', L.noise(1) + '\n');
  w('broker-warn', [L.noise(1), L.retried()].join('\n') + '\n');
  w('broker-crit', [L.noise(1), L.failed()].join('\n') + '\n');
  um(p('um-ok.log'), () => {});
  um(p('um-warn.log'), (s) => { s.bump(s.apps[1], 'NCFs received (shed)', 2); });
  um(p('um-crit.log'), (s) => { s.bump(s.apps[1], 'LBT-RM datagrams unrecoverable (window advance)', 12); });
  um(p('evq-ok.log'), () => {});
  um(p('evq-warn.log'), (s) => { s.apps[1].evq!['Data messages currently enqueued'] = 40000; });
  um(p('evq-crit.log'), (s) => { s.apps[1].evq!['Data messages currently enqueued'] = 70000; });
  w('um-none.log', 'Core-10403-150: nothing here\n');
  for (const f of ['um-ok.log', 'um-warn.log', 'um-crit.log', 'evq-ok.log', 'evq-warn.log', 'evq-crit.log']) chmodSync(p(f), 0o644);
  const c = (plugin: string, want: Want, file: string, extra = ''): Case => ({ plugin, want, file: p(file), extra });
  return [
    c('check_delayed_dump', 'OK', 'dump-ok'),
    c('check_delayed_dump', 'WARNING', 'dump-warn'),
    c('check_delayed_dump', 'CRITICAL', 'dump-crit'),
    c('check_delayed_dump', 'UNKNOWN', '.'),
    c('check_broker_command_timeouts', 'OK', 'broker-ok', '--from-start'),
    c('check_broker_command_timeouts', 'WARNING', 'broker-warn', '--from-start'),
    c('check_broker_command_timeouts', 'CRITICAL', 'broker-crit', '--from-start'),
    c('check_broker_command_timeouts', 'UNKNOWN', 'broker-missing'),
    c('check_um_naks', 'OK', 'um-ok.log'),
    c('check_um_naks', 'WARNING', 'um-warn.log'),
    c('check_um_naks', 'CRITICAL', 'um-crit.log'),
    c('check_um_naks', 'UNKNOWN', 'um-none.log'),
    c('check_um_event_queue', 'OK', 'evq-ok.log'),
    c('check_um_event_queue', 'WARNING', 'evq-warn.log'),
    c('check_um_event_queue', 'CRITICAL', 'evq-crit.log'),
    c('check_um_event_queue', 'UNKNOWN', 'um-none.log'),
  ];
}

/** The newest PerfdataWriter record of each service in `dir`: state and perfdata as Icinga 2 parsed them. */
export function perfdataRecords(dir: string): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  if (!existsSync(dir)) return out;
  for (const f of readdirSync(dir).filter((n) => n.startsWith('service-perfdata')).sort()) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean)) {
      const rec = Object.fromEntries(line.split('\t').map((kv) => [kv.slice(0, kv.indexOf('::')), kv.slice(kv.indexOf('::') + 2)]));
      out.set(rec.SERVICEDESC, rec);
    }
  }
  return out;
}

/** A copy of examples/icinga2/NAME in `dir`, where the nagios user can read it (the checkout may be private). */
export function exampleCopy(dir: string, name: string): string {
  const to = join(dir, name);
  copyFileSync(join(ROOT, 'examples', 'icinga2', name), to);
  return to;
}
