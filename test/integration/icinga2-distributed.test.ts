// Icinga 2 as sites run it when they outgrow one machine: a master and an agent, two icinga2
// daemons on 127.0.0.1 with their own ports, directories and certificates (made with
// `icinga2 pki`: a CA, a key and a signed certificate per node), started by the test and stopped
// by PID. The master schedules; every msgwatch check runs on the agent (command_endpoint), with
// the generated CheckCommands; states and perfdata are read on the master's PerfdataWriter; the
// dump service's EventCommand runs on the agent and re-imports its dump there.
import { execa } from 'execa';
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, until } from '../helpers';
import { exampleCopy, installPlugins, perfdataRecords, prepare, type Case } from './inputs';

const ICINGA = '/usr/sbin/icinga2';
const available = existsSync(ICINGA) && process.getuid?.() === 0;
if (!available && process.env.CI) throw new Error('CI must install icinga2 and run as root');

const COMMAND: Record<string, [string, string]> = {
  check_delayed_dump: ['msgwatch_delayed_dump', 'delayed_dump'], check_broker_command_timeouts: ['msgwatch_broker_command_timeouts', 'broker_commands'],
  check_um_naks: ['msgwatch_um_naks', 'um_naks'], check_um_event_queue: ['msgwatch_um_event_queue', 'um_event_queue'],
};

let dir: string;
let cleanup: () => void;
const daemons: ChildProcess[] = [];
let cases: Case[];
let hdump: string;
let record: string;
let agentLog: string;

const q = (s: string) => JSON.stringify(s);
const port = 20000 + Math.floor(Math.random() * 20000);

function defines(node: string): string[] {
  const d = join(dir, node);
  return ['DataDir=lib', 'LogDir=log', 'CacheDir=cache', 'SpoolDir=spool', 'InitRunDir=run', 'PidPath=run/icinga2.pid',
    'StatePath=lib/icinga2.state', 'ObjectsPath=cache/icinga2.debug', 'VarsPath=cache/icinga2.vars']
    .map((x) => `-D${x.split('=')[0]}=${join(d, x.split('=')[1])}`).concat(['-DRunAsUser=nagios', '-DRunAsGroup=nagios']);
}

/** The newest PerfdataWriter record of each service (on the master). */
const latest = () => perfdataRecords(join(dir, 'master', 'spool', 'perfdata'));

describe.skipIf(!available)('Icinga 2 distributed: a master and an agent, checks on the agent', () => {
  beforeAll(async () => {
    ({ dir, cleanup } = tempDir('msgwatch-icinga2-dist-'));
    const libexec = installPlugins(dir);
    cases = prepare(join(dir, 'inputs'));
    for (const node of ['master', 'agent']) {
      for (const d of ['lib/certs', 'log', 'cache', 'run', 'spool/tmp', 'spool/perfdata', 'state']) mkdirSync(join(dir, node, d), { recursive: true });
    }
    mkdirSync(join(dir, 'handler'));
    hdump = join(dir, 'handler', 'delayed-messages.dump');
    record = join(dir, 'handler', 'imported.txt');
    writeFileSync(hdump, 'check_results a\n');
    const importer = join(dir, 'handler', 'import-standin');
    // the importer records which node ran it: the agent's environment names it
    writeFileSync(importer, `#!/bin/sh\ncat "$1" >> "${record}"\necho "ran on $MSGWATCH_NODE" >> "${record}.where"\necho "imported successfully"\n`, { mode: 0o755 });
    await execa('chown', ['-R', 'nagios:nagios', dir]);
    await execa('chmod', ['755', dir]);

    // certificates: a CA (in the master's DataDir), a key and a signed certificate for each node
    const ca = defines('master').find((d) => d.startsWith('-DDataDir='))!;
    await execa(ICINGA, ['pki', 'new-ca', ca]);
    for (const node of ['master', 'agent']) {
      const certs = join(dir, node, 'lib', 'certs');
      await execa(ICINGA, ['pki', 'new-cert', '--cn', node, '--key', join(certs, `${node}.key`), '--csr', join(certs, `${node}.csr`)]);
      await execa(ICINGA, ['pki', 'sign-csr', '--csr', join(certs, `${node}.csr`), '--cert', join(certs, `${node}.crt`), ca]);
      copyFileSync(join(dir, 'master', 'lib', 'ca', 'ca.crt'), join(certs, 'ca.crt'));
    }
    await execa('chown', ['-R', 'nagios:nagios', dir]);

    const zones = (self: string) => [
      `object Endpoint "master" { ${self === 'agent' ? '' : ''}}`,
      `object Endpoint "agent" { ${self === 'master' ? `host = "127.0.0.1"\n  port = ${port + 1}` : ''} }`,
      'object Zone "master" { endpoints = [ "master" ] }',
      'object Zone "agent" { endpoints = [ "agent" ]\n  parent = "master" }',
    ];
    const common = (self: string) => [
      `const PluginDir = ${q(libexec)}`, `const NodeName = ${q(self)}`, `const ZoneName = ${q(self)}`, 'include <itl>',
      `include ${q(exampleCopy(join(dir, self), 'commands.conf'))}`,
      `object ApiListener "api" {\n  bind_host = "127.0.0.1"\n  bind_port = ${self === 'master' ? port : port + 1}\n  accept_commands = true\n  accept_config = true\n}`,
      ...zones(self),
    ];
    const services = cases.map((c) => {
      const [cmd, prefix] = COMMAND[c.plugin];
      const v = c.plugin === 'check_delayed_dump' ? [`vars.delayed_dump_file = ${q(c.file)}`, 'vars.delayed_dump_critical = [ "messages=1000", "age=1800" ]']
        : c.plugin === 'check_broker_command_timeouts' ? [`vars.broker_commands_file = [ ${q(c.file)} ]`, `vars.broker_commands_from_start = ${c.extra.includes('--from-start')}`, 'vars.broker_commands_stale_log = "0"']
          : c.plugin === 'check_um_naks' ? [`vars.um_naks_file = ${q(c.file)}`, 'vars.um_naks_consecutive = 2']
            : [`vars.um_event_queue_file = ${q(c.file)}`, 'vars.um_event_queue_max_rate = 30000', 'vars.um_event_queue_message_size = "200"'];
      return `object Service ${q(`${c.plugin}_${c.want.toLowerCase()}`)} {
  host_name = "agent"
  zone = "master"
  check_command = ${q(cmd)}
  command_endpoint = "agent"
  ${v.join('\n  ')}
  vars.${prefix}_state_dir = ${q(join(dir, 'agent', 'state'))}
  check_interval = 2s
  retry_interval = 1s
  max_check_attempts = 1
}`;
    });
    services.push(`object Service "dump_with_handler" {
  host_name = "agent"
  zone = "master"
  check_command = "msgwatch_delayed_dump"
  command_endpoint = "agent"
  vars.delayed_dump_file = ${q(hdump)}
  vars.delayed_dump_critical = [ "messages=1000", "age=1800" ]
  vars.delayed_dump_state_dir = ${q(join(dir, 'agent', 'state'))}
  vars.handle_delayed_dump_import_command = ${q(`${importer} {file}`)}
  vars.handle_delayed_dump_archive_dir = ${q(join(dir, 'handler', 'archive'))}
  event_command = "msgwatch_handle_delayed_dump"
  check_interval = 1s
  retry_interval = 1s
  max_check_attempts = 1
}`);
    writeFileSync(join(dir, 'master', 'icinga2.conf'), [
      ...common('master'),
      `object PerfdataWriter "perfdata" {
  service_perfdata_path = ${q(join(dir, 'master', 'spool/perfdata/service-perfdata'))}
  service_temp_path = ${q(join(dir, 'master', 'spool/tmp/service-perfdata'))}
  host_perfdata_path = ${q(join(dir, 'master', 'spool/perfdata/host-perfdata'))}
  host_temp_path = ${q(join(dir, 'master', 'spool/tmp/host-perfdata'))}
  rotation_interval = 1s
}`,
      'object CheckerComponent "checker" { }',
      'object Host "agent" {\n  zone = "master"\n  check_command = "dummy"\n  check_interval = 1h\n  enable_active_checks = false\n}',
      ...services, '',
    ].join('\n\n'));
    writeFileSync(join(dir, 'agent', 'icinga2.conf'), [...common('agent'), ''].join('\n\n'));
    await execa('chown', ['-R', 'nagios:nagios', dir]);
    for (const node of ['agent', 'master']) {
      const check = await execa(ICINGA, ['daemon', '-C', '-c', join(dir, node, 'icinga2.conf'), ...defines(node)], { reject: false });
      if (check.exitCode !== 0) throw new Error(`icinga2 -C (${node}) failed:\n${check.stdout}`);
      const d = spawn(ICINGA, ['daemon', '-c', join(dir, node, 'icinga2.conf'), ...defines(node)], {
        stdio: 'ignore', detached: true, env: { ...process.env, MSGWATCH_NODE: node },
      });
      daemons.push(d);
    }
    agentLog = join(dir, 'agent', 'log', 'icinga2.log');
  }, 90_000);

  afterAll(async () => {
    for (const d of daemons) if (d.pid) { try { process.kill(-d.pid, 'SIGTERM'); } catch { /* gone */ } }
    await new Promise((r) => setTimeout(r, 500));
    for (const d of daemons) if (d.pid) { try { process.kill(-d.pid, 'SIGKILL'); } catch { /* gone */ } }
    cleanup?.();
  });

  it('every check runs on the agent; the master sees each state and the perfdata', async () => {
    const all = await until('every service checked through the agent', () => {
      const l = latest();
      return cases.every((c) => l.has(`${c.plugin}_${c.want.toLowerCase()}`)) ? l : undefined;
    }, 120_000);
    for (const c of cases) {
      const r = all.get(`${c.plugin}_${c.want.toLowerCase()}`)!;
      expect(r.SERVICESTATE, `${c.plugin} ${c.want}: ${JSON.stringify(r)}`).toBe(c.want);
      if (c.want !== 'UNKNOWN') expect(r.SERVICEPERFDATA.trim().length, c.plugin).toBeGreaterThan(0);
    }
    expect(all.get('check_delayed_dump_critical')!.SERVICEPERFDATA).toMatch(/messages=1500;0;1000;0/);
    // the master ran none of them itself: a command_endpoint that is not connected would be
    // UNKNOWN "Remote Icinga instance 'agent' is not connected", never these states
    expect(readdirSync(join(dir, 'agent', 'state')).length).toBeGreaterThan(0);
  });

  it('the dump EventCommand runs on the agent and re-imports its dump', async () => {
    await until('the handler service checked', () => latest().get('dump_with_handler')?.SERVICESTATE === 'WARNING', 120_000);
    const lines = Array.from({ length: 1200 }, (_, i) => `check_results payload-${i}`);
    writeFileSync(hdump, lines.join('\n') + '\n');
    chownSync(hdump, Number((await execa('id', ['-u', 'nagios'])).stdout), Number((await execa('id', ['-g', 'nagios'])).stdout));
    await until('the dump removed by the handler', () => !existsSync(hdump), 120_000);
    expect(readFileSync(record, 'utf8').split('\n').filter(Boolean)).toEqual(lines);
    expect(readFileSync(`${record}.where`, 'utf8')).toMatch(/^ran on agent$/m);
    expect(readFileSync(`${record}.where`, 'utf8')).not.toMatch(/master/);
    await until('the service OK again', () => latest().get('dump_with_handler')?.SERVICESTATE === 'OK', 120_000);
    expect(existsSync(agentLog) ? readFileSync(agentLog, 'utf8') : '').not.toMatch(/critical\/.*msgwatch/);
  });
});
