// Real Icinga 2 (Debian's icinga2) with a private configuration on this machine, started by the
// test and stopped by PID: every CheckCommand of examples/icinga2/commands.conf on every state's
// input, states and perfdata read back from Icinga's own PerfdataWriter (so Icinga parsed them),
// the example apply rules, and the EventCommand re-importing a dump when its service turns CRITICAL.
import { execa } from 'execa';
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir, until } from '../helpers';
import { exampleCopy, installPlugins, perfdataRecords, prepare, type Case } from './inputs';

const ICINGA = '/usr/sbin/icinga2';
const available = existsSync(ICINGA) && process.getuid?.() === 0;
if (!available && process.env.CI) throw new Error('CI must install icinga2 and run as root');

const COMMAND: Record<string, string> = {
  check_delayed_dump: 'msgwatch_delayed_dump', check_broker_command_timeouts: 'msgwatch_broker_command_timeouts',
  check_um_naks: 'msgwatch_um_naks', check_um_event_queue: 'msgwatch_um_event_queue',
};
/** The custom variables a service of each case sets (the file, and what the Nagios test passes as $ARGn$). */
function vars(c: Case): string[] {
  const q = (s: string) => JSON.stringify(s);
  switch (c.plugin) {
    case 'check_delayed_dump': return [`vars.delayed_dump_file = ${q(c.file)}`, 'vars.delayed_dump_critical = [ "messages=1000", "age=1800" ]'];
    case 'check_broker_command_timeouts': return [`vars.broker_commands_file = [ ${q(c.file)} ]`, `vars.broker_commands_from_start = ${c.extra.includes('--from-start')}`, 'vars.broker_commands_stale_log = "0"'];
    case 'check_um_naks': return [`vars.um_naks_file = ${q(c.file)}`, 'vars.um_naks_consecutive = 2'];
    default: return [`vars.um_event_queue_file = ${q(c.file)}`, 'vars.um_event_queue_max_rate = 30000', 'vars.um_event_queue_message_size = "200"'];
  }
}
const PREFIX: Record<string, string> = {
  check_delayed_dump: 'delayed_dump', check_broker_command_timeouts: 'broker_commands', check_um_naks: 'um_naks', check_um_event_queue: 'um_event_queue',
};
const svc = (c: Case) => `${c.plugin}_${c.want.toLowerCase()}`;

let dir: string;
let cleanup: () => void;
let icinga: ChildProcess | undefined;
let cases: Case[];
let hdump: string;
let record: string;
let nagiosUid = 0;
let nagiosGid = 0;

/** The newest PerfdataWriter record of each service (on the master). */
const latest = () => perfdataRecords(join(dir, 'spool', 'perfdata'));


describe.skipIf(!available)('Icinga 2', () => {
  beforeAll(async () => {
    ({ dir, cleanup } = tempDir('msgwatch-icinga2-'));
    nagiosUid = Number((await execa('id', ['-u', 'nagios'])).stdout);
    nagiosGid = Number((await execa('id', ['-g', 'nagios'])).stdout);
    const libexec = installPlugins(dir);
    cases = prepare(join(dir, 'inputs'));
    for (const d of ['lib', 'log', 'cache', 'run', 'spool/tmp', 'spool/perfdata', 'handler', 'state']) mkdirSync(join(dir, d), { recursive: true });
    hdump = join(dir, 'handler', 'delayed-messages.dump');
    record = join(dir, 'handler', 'imported.txt');
    writeFileSync(hdump, 'check_results a\nhost b\n');
    const importer = join(dir, 'handler', 'import-standin');
    writeFileSync(importer, `#!/bin/sh\ncat "$1" >> "${record}"\necho "imported successfully"\n`, { mode: 0o755 });

    const services = cases.map((c) => `object Service ${JSON.stringify(svc(c))} {
  host_name = "msgwatch-test"
  check_command = ${JSON.stringify(COMMAND[c.plugin])}
  ${vars(c).join('\n  ')}
  vars.${PREFIX[c.plugin]}_state_dir = ${JSON.stringify(join(dir, 'state'))}
  // a threshold meant for the dump check, set on every service (as vars += host.vars does): it
  // must reach no other command (each reads its own prefix)
  vars.delayed_dump_warning = [ "messages=0" ]
  check_interval = 2s
  retry_interval = 1s
  max_check_attempts = 1
}`);
    // the dump service with the example EventCommand, checked every second
    services.push(`object Service "dump_with_handler" {
  host_name = "msgwatch-test"
  check_command = "msgwatch_delayed_dump"
  vars.delayed_dump_file = ${JSON.stringify(hdump)}
  vars.delayed_dump_critical = [ "messages=1000", "age=1800" ]
  vars.delayed_dump_state_dir = ${JSON.stringify(join(dir, 'state'))}
  vars.handle_delayed_dump_import_command = ${JSON.stringify(`${importer} {file}`)}
  vars.handle_delayed_dump_archive_dir = ${JSON.stringify(join(dir, 'handler', 'archive'))}
  event_command = "msgwatch_handle_delayed_dump"
  check_interval = 1s
  retry_interval = 1s
  max_check_attempts = 1
}`);
    writeFileSync(join(dir, 'icinga2.conf'), [
      `const PluginDir = ${JSON.stringify(libexec)}`, 'const NodeName = "localhost"', 'const ZoneName = "localhost"',
      'include <itl>',
      // copies in the test's own directory: Icinga runs as nagios, who may not reach the checkout
      `include ${JSON.stringify(exampleCopy(dir, 'commands.conf'))}`,
      `include ${JSON.stringify(exampleCopy(dir, 'services.conf'))}`,
      `object PerfdataWriter "perfdata" {
  service_perfdata_path = ${JSON.stringify(join(dir, 'spool/perfdata/service-perfdata'))}
  service_temp_path = ${JSON.stringify(join(dir, 'spool/tmp/service-perfdata'))}
  host_perfdata_path = ${JSON.stringify(join(dir, 'spool/perfdata/host-perfdata'))}
  host_temp_path = ${JSON.stringify(join(dir, 'spool/tmp/host-perfdata'))}
  rotation_interval = 1s
}`,
      'object CheckerComponent "checker" { }',
      'object Host "msgwatch-test" {\n  check_command = "dummy"\n  check_interval = 1m\n}',
      // a host the example apply rules give every service to (their intervals are too long to wait for here)
      `object Host "example-host" {\n  check_command = "dummy"\n  check_interval = 1h\n  enable_active_checks = false\n  vars.msgwatch_opmon = true\n  vars.msgwatch_shinken = true\n  vars.msgwatch_lbmmon = true\n}`,
      ...services, '',
    ].join('\n\n'));
    await execa('chown', ['-R', 'nagios:nagios', dir]);
    await execa('chmod', ['755', dir]);
    const defines = ['DataDir=lib', 'LogDir=log', 'CacheDir=cache', 'SpoolDir=spool', 'InitRunDir=run', 'PidPath=run/icinga2.pid',
      'StatePath=lib/icinga2.state', 'ObjectsPath=cache/icinga2.debug', 'VarsPath=cache/icinga2.vars']
      .map((d) => `-D${d.split('=')[0]}=${join(dir, d.split('=')[1])}`).concat(['-DRunAsUser=nagios', '-DRunAsGroup=nagios']);
    const check = await execa(ICINGA, ['daemon', '-C', '-c', join(dir, 'icinga2.conf'), ...defines], { reject: false });
    if (check.exitCode !== 0) throw new Error(`icinga2 -C failed:\n${check.stdout}`);
    icinga = spawn(ICINGA, ['daemon', '-c', join(dir, 'icinga2.conf'), ...defines], { stdio: 'ignore', detached: true });
    writeFileSync(join(dir, 'defines'), defines.join('\n'));
  }, 60_000);

  afterAll(async () => {
    if (icinga?.pid) { try { process.kill(-icinga.pid, 'SIGTERM'); } catch { /* gone */ } }
    await new Promise((r) => setTimeout(r, 500));
    if (icinga?.pid) { try { process.kill(-icinga.pid, 'SIGKILL'); } catch { /* gone */ } }
    cleanup?.();
  });

  it('every CheckCommand reaches its state, with the perfdata Icinga parsed', async () => {
    const all = await until('every service checked', () => {
      const l = latest();
      return cases.every((c) => l.has(svc(c))) ? l : undefined;
    });
    for (const c of cases) {
      const r = all.get(svc(c))!;
      expect(r.SERVICESTATE, `${svc(c)}: ${JSON.stringify(r)}`).toBe(c.want);
      if (c.want !== 'UNKNOWN') {
        // Icinga re-serialises what it parsed: label=value[uom];warn;crit;min;max, space separated
        const items = r.SERVICEPERFDATA.trim().split(/\s+(?=(?:'[^']*'|[^'=\s]+)=)/);
        expect(items.length, svc(c)).toBeGreaterThan(3);
        for (const it of items) expect(it, svc(c)).toMatch(/^('[^']+'|[^'=\s]+)=(-?[0-9.]+[a-zA-Z%]*|U)(;[^;\s]*){0,4}$/);
      }
    }
    expect(all.get('check_delayed_dump_critical')!.SERVICEPERFDATA).toMatch(/messages=1500;0;1000;0/);
  });

  it('the example apply rules give a host its services', async () => {
    const defines = readFileSync(join(dir, 'defines'), 'utf8').split('\n');
    const list = await execa(ICINGA, ['object', 'list', '--type', 'Service', '--name', 'example-host!*', ...defines], { reject: false });
    for (const s of ['opmon-delayed-messages', 'shinken-broker-command-calls', 'um-naks', 'um-event-queues']) expect(list.stdout).toContain(`example-host!${s}`);
    expect(list.stdout).toMatch(/event_command = "msgwatch_handle_delayed_dump"/);
  });

  it('the EventCommand re-imports the dump when its service turns CRITICAL', async () => {
    await until('the handler service checked', () => latest().get('dump_with_handler')?.SERVICESTATE === 'WARNING');
    const lines = Array.from({ length: 1200 }, (_, i) => `check_results payload-${i}`);
    writeFileSync(hdump, lines.join('\n') + '\n');
    chownSync(hdump, nagiosUid, nagiosGid);
    await until('the dump removed by the handler', () => !existsSync(hdump));
    expect(readFileSync(record, 'utf8').split('\n').filter(Boolean)).toEqual(lines);
    expect(readFileSync(join(dir, 'handler', 'handle_delayed_dump.log'), 'utf8')).toMatch(/triggered by CRITICAL HARD/);
    await until('the service OK again', () => latest().get('dump_with_handler')?.SERVICESTATE === 'OK');
  });
});

describe('the Icinga 2 commands are generated from the option tables', () => {
  it('examples/icinga2/commands.conf is current, and every option of every program is an argument with its own prefix', async () => {
    const check = await execa(process.execPath, [join(ROOT, 'scripts', 'icinga2.mjs'), '--check'], { reject: false });
    expect(check.stderr).toBe('');
    expect(check.exitCode).toBe(0);
    const d = JSON.parse((await execa(join(ROOT, 'dist', 'bin', 'msgwatch'), ['--describe'])).stdout);
    const conf = readFileSync(join(ROOT, 'examples', 'icinga2', 'commands.conf'), 'utf8');
    for (const p of d.programs) {
      const body = conf.slice(conf.indexOf(`"${p.icinga.object}" {`), conf.indexOf('\n}\n', conf.indexOf(`"${p.icinga.object}" {`)));
      for (const key of Object.keys(p.options)) expect(body, `${p.name} --${key}`).toContain(`$${p.icinga.prefix}_${key.replace(/-/g, '_')}$`);
      // no variable of another command's prefix
      const others = d.programs.filter((o: { name: string }) => o.name !== p.name).map((o: { icinga: { prefix: string } }) => o.icinga.prefix);
      for (const m of body.matchAll(/\$([a-z_]+)\$/g)) {
        if (p.kind === 'handler' && m[1] === 'delayed_dump_file') continue; // its default: the dump the service's check reads
        expect(others.some((o: string) => m[1].startsWith(`${o}_`) && !m[1].startsWith(`${p.icinga.prefix}_`)), `${p.name}: ${m[1]}`).toBe(false);
      }
    }
  });
});
