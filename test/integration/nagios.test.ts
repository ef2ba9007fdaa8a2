// Real Nagios Core 4 (Debian's nagios4) with a private configuration generated from
// examples/commands.cfg: every plugin in every state, then the delayed-dump service turns
// CRITICAL and its event handler (handle_delayed_dump) re-imports the dump.
import { execa } from 'execa';
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir, until, validatePerfdata } from '../helpers';
import { CODES, fromExample, installPlugins, prepare, type Case } from './inputs';

const NAGIOS = '/usr/sbin/nagios4';
const available = existsSync(NAGIOS) && process.getuid?.() === 0;
if (!available && process.env.CI) throw new Error('CI must install nagios4 and run as root');

const ARGS: Record<string, string[]> = {
  check_delayed_dump: ['1000', '1800'], check_broker_command_timeouts: ['15m'], check_um_naks: ['2'], check_um_event_queue: ['30000', '200'],
};

let dir: string;
let cleanup: () => void;
let nagios: ChildProcess | undefined;
let opmon: ChildProcess | undefined;
let gearmand: ChildProcess | undefined;
let gworker: ChildProcess | undefined;
let gport = 0;
let gdump = '';
let cases: Case[];
let hdump: string;
let record: string;

function exampleCommands(): Record<string, string> {
  const text = readFileSync(join(ROOT, 'examples', 'commands.cfg'), 'utf8');
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/define command \{\s*command_name\s+(\S+)\s+command_line\s+([^\n]+)\n/g)) out[m[1]] = m[2].trim();
  return out;
}

function serviceStatus(): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  const path = join(dir, 'status.dat');
  if (!existsSync(path)) return out;
  for (const block of readFileSync(path, 'utf8').split(/\n(?=servicestatus \{)/).filter((b) => b.startsWith('servicestatus {'))) {
    const rec: Record<string, string> = {};
    for (const line of block.split('\n')) {
      const m = /^\s+([a-z_]+)=(.*)$/.exec(line);
      if (m) rec[m[1]] = m[2];
    }
    out.set(rec.service_description, rec);
  }
  return out;
}


const svc = (c: Case) => `${c.plugin}_${c.want.toLowerCase()}`;

describe.skipIf(!available)('Nagios Core 4', () => {
  beforeAll(async () => {
    ({ dir, cleanup } = tempDir('msgwatch-nagios-'));
    const libexec = installPlugins(dir);
    cases = prepare(join(dir, 'inputs'));
    const ex = exampleCommands();
    const hdir = join(dir, 'handler');
    mkdirSync(hdir);
    hdump = join(hdir, 'delayed-messages.dump');
    record = join(hdir, 'imported.txt');
    writeFileSync(hdump, 'check_results a\nhost b\n');
    const importer = join(hdir, 'import-standin');
    writeFileSync(importer, `#!/bin/sh\ncat "$1" >> "${record}"\necho "imported successfully"\n`, { mode: 0o755 });
    for (const d of ['rw', 'tmp', 'checkresults']) mkdirSync(join(dir, d));

    const commands: string[] = [];
    const services: string[] = [];
    const service = (name: string, command: string, extra = '') => services.push(`define service {
  host_name msgwatch-test
  service_description ${name}
  check_command ${command}
  max_check_attempts 1
  check_interval 2
  retry_interval 1
  check_period 24x7
  notification_period 24x7
  notifications_enabled 0
  contacts nobody${extra}
}`);
    for (const c of cases) {
      commands.push(`define command {\n  command_name ${svc(c)}\n  command_line ${fromExample(ex[c.plugin], libexec, c, ARGS[c.plugin])}\n}`);
      service(svc(c), svc(c));
    }
    // the delayed-dump service with its event handler, from the examples
    const hc: Case = { plugin: 'check_delayed_dump', want: 'WARNING', file: hdump, extra: '' };
    commands.push(`define command {\n  command_name dump_with_handler\n  command_line ${fromExample(ex.check_delayed_dump, libexec, hc, ARGS.check_delayed_dump)}\n}`);
    const handlerLine = fromExample(ex.handle_delayed_dump, libexec, { ...hc, extra: `--archive-dir ${join(hdir, 'archive')}` })
      .replace("'/usr/local/opmon/bin/import_opmon_delayed_messages'", `'${importer} {file}'`);
    commands.push(`define command {\n  command_name handle_delayed_dump\n  command_line ${handlerLine}\n}`);
    service('dump_with_handler', 'dump_with_handler', '\n  event_handler handle_delayed_dump\n  event_handler_enabled 1');

    // the full loop with Gearman: a dump appears, CRITICAL HARD, the handler re-submits it to a
    // real gearmand (the example's Gearman variant), the check returns to OK
    gport = 20000 + Math.floor(Math.random() * 20000);
    gearmand = spawn('/usr/sbin/gearmand', ['-L', '127.0.0.1', '-p', String(gport), '-l', join(dir, 'gearmand.log')], { stdio: 'ignore' });
    const gdir = join(dir, 'gearman');
    mkdirSync(gdir);
    gdump = join(gdir, 'delayed-messages.dump');
    const gc: Case = { plugin: 'check_delayed_dump', want: 'OK', file: gdump, extra: '' };
    commands.push(`define command {\n  command_name dump_with_gearman\n  command_line ${fromExample(ex.check_delayed_dump, libexec, gc, ARGS.check_delayed_dump)}\n}`);
    const gLine = fromExample(ex.handle_delayed_dump_gearman, libexec, gc).replace('localhost:4730', `127.0.0.1:${gport}`);
    commands.push(`define command {\n  command_name handle_delayed_dump_gearman\n  command_line ${gLine}\n}`);
    service('dump_with_gearman', 'dump_with_gearman', '\n  event_handler handle_delayed_dump_gearman\n  event_handler_enabled 1');
    // the job server itself, from the example command: check_results must exist and have a worker
    commands.push(`define command {\n  command_name gearman_queues\n  command_line ${ex.check_gearman_queues.replace('$USER1$', libexec).replace('$ARG1$', `127.0.0.1:${gport} --include check_results --state-dir ${join(dir, 'gq-state')}`)}\n}`);
    service('gearman_queues', 'gearman_queues');

    // --fetch against a stand-in OpMon: its command pipe and log, from the example command
    const odir = join(dir, 'opmon');
    mkdirSync(odir);
    const fifo = join(odir, 'opmon.cmd');
    const olog = join(odir, 'opmon.log');
    await execa('mkfifo', ['-m', '0666', fifo]);
    writeFileSync(olog, '', { mode: 0o644 });
    const fetchLine = fromExample(ex.check_delayed_fetch, libexec, { plugin: 'check_delayed_dump', want: 'WARNING', file: join(odir, 'delayed-messages.dump'), extra: '' })
      .replace('/usr/local/opmon/var/rw/opmon.cmd', fifo).replace('/usr/local/opmon/var/opmon.log', olog);
    commands.push(`define command {\n  command_name check_delayed_fetch\n  command_line ${fetchLine}\n}`);
    service('delayed_fetch', 'check_delayed_fetch');
    opmon = spawn(process.execPath, [join(ROOT, 'test', 'stand-ins', 'fake-opmon.mjs'), JSON.stringify({ fifo, log: olog, count: 17, delayMs: 200 })], { stdio: 'ignore', env: {} });

    writeFileSync(join(dir, 'objects.cfg'), [
      'define timeperiod {\n  timeperiod_name 24x7\n  alias always\n' + ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'].map((d) => `  ${d} 00:00-24:00`).join('\n') + '\n}',
      'define contact {\n  contact_name nobody\n  host_notifications_enabled 0\n  service_notifications_enabled 0\n  host_notification_period 24x7\n  service_notification_period 24x7\n  host_notification_options n\n  service_notification_options n\n  host_notification_commands noop\n  service_notification_commands noop\n}',
      'define command {\n  command_name noop\n  command_line /bin/true\n}',
      'define host {\n  host_name msgwatch-test\n  address 127.0.0.1\n  max_check_attempts 1\n  active_checks_enabled 0\n  check_period 24x7\n  notification_period 24x7\n  notifications_enabled 0\n  contacts nobody\n}',
      ...commands, ...services, '',
    ].join('\n\n'));
    writeFileSync(join(dir, 'nagios.cfg'), [
      `log_file=${dir}/nagios.log`, `cfg_file=${dir}/objects.cfg`, `object_cache_file=${dir}/objects.cache`, `precached_object_file=${dir}/objects.precache`,
      `status_file=${dir}/status.dat`, 'status_update_interval=1', 'nagios_user=nagios', 'nagios_group=nagios', 'check_external_commands=0',
      `command_file=${dir}/rw/nagios.cmd`, `lock_file=${dir}/nagios.lock`, `temp_file=${dir}/nagios.tmp`, `temp_path=${dir}/tmp`,
      `check_result_path=${dir}/checkresults`, 'check_result_reaper_frequency=1', 'interval_length=1', 'enable_event_handlers=1',
      'log_event_handlers=1', 'event_handler_timeout=30', 'service_check_timeout=60', 'enable_notifications=0', 'retain_state_information=0',
      'use_syslog=0', 'enable_flap_detection=0', 'max_service_check_spread=1', 'service_inter_check_delay_method=n', 'use_retained_program_state=0', '',
    ].join('\n'));
    await execa('chown', ['-R', 'nagios:nagios', dir]);
    await execa('chmod', ['755', dir]);
    const verify = await execa(NAGIOS, ['-v', join(dir, 'nagios.cfg')], { reject: false });
    if (verify.exitCode !== 0) throw new Error(`nagios -v failed:\n${verify.stdout}`);
    nagios = spawn(NAGIOS, [join(dir, 'nagios.cfg')], { stdio: 'ignore' });
  }, 60_000);

  afterAll(() => {
    for (const p of [nagios, opmon, gearmand, gworker]) if (p?.pid) { try { process.kill(p.pid, 'SIGTERM'); } catch { /* gone */ } }
    cleanup?.();
  });

  it('status.dat shows every service in its expected state with valid performance data', async () => {
    const status = await until('every service checked', () => {
      const s = serviceStatus();
      return cases.every((c) => s.get(svc(c))?.has_been_checked === '1') && s.get('dump_with_handler')?.has_been_checked === '1' ? s : undefined;
    });
    for (const c of cases) {
      const s = status.get(svc(c))!;
      expect(Number(s.current_state), `${svc(c)}: ${s.plugin_output}`).toBe(CODES[c.want]);
      expect(s.plugin_output, svc(c)).toMatch(new RegExp(` ${c.want} - `));
      if (c.want !== 'UNKNOWN') expect(validatePerfdata(s.performance_data).length, svc(c)).toBeGreaterThan(3);
    }
    expect(status.get('check_delayed_dump_critical')!.performance_data).toMatch(/^'messages'=1500;0;1000;0 /);
  });

  it('the event handler re-imports the dump when it turns CRITICAL', async () => {
    await until('the handler service WARNING', () => serviceStatus().get('dump_with_handler')?.current_state === '1');
    const lines = Array.from({ length: 1200 }, (_, i) => `check_results payload-${i}`);
    writeFileSync(hdump, lines.join('\n') + '\n');
    chownSync(hdump, Number((await execa('id', ['-u', 'nagios'])).stdout), Number((await execa('id', ['-g', 'nagios'])).stdout));
    await until('the dump removed by the handler', () => !existsSync(hdump));
    const imported = readFileSync(record, 'utf8').split('\n').filter(Boolean);
    expect(imported).toEqual(lines);
    const archive = readdirSync(join(dir, 'handler', 'archive'));
    expect(archive).toHaveLength(1);
    expect(readFileSync(join(dir, 'handler', 'handle_delayed_dump.log'), 'utf8')).toMatch(/triggered by CRITICAL HARD/);
    expect(readFileSync(join(dir, 'nagios.log'), 'utf8')).toMatch(/SERVICE EVENT HANDLER: msgwatch-test;dump_with_handler;CRITICAL;HARD/);
    await until('the service OK again', () => serviceStatus().get('dump_with_handler')?.current_state === '0');
  });

  it('a service using --fetch goes WARNING when the stand-in OpMon reports waiting messages', async () => {
    const s = await until('the --fetch service checked', () => {
      const st = serviceStatus().get('delayed_fetch');
      return st?.has_been_checked === '1' ? st : undefined;
    });
    expect(s.current_state, s.plugin_output).toBe('1');
    expect(s.plugin_output).toMatch(/live count: 17 messages waiting in OpMon's memory \[WARNING\]/);
    expect(s.performance_data).toMatch(/'queued'=17;0;;0/);
  });

  it('the full loop with Gearman: a dump appears, CRITICAL HARD, the handler re-submits it to the worker that serves check_results, OK again', async () => {
    await until('the Gearman service checked OK', () => serviceStatus().get('dump_with_gearman')?.current_state === '0');
    // a real worker for check_results (gearman -w echoes each job back): the handler submits only
    // into a function a worker serves
    // before any worker: check_results is no queue on the server, and the Gearman check says so
    const before = await until('the Gearman queues service checked', () => { const x = serviceStatus().get('gearman_queues'); return x?.has_been_checked === '1' ? x : undefined; });
    expect(before.current_state, before.plugin_output).toBe('1');
    expect(before.plugin_output).toMatch(/check_results is not a queue on 127\.0\.0\.1:\d+/);
    gworker = spawn('gearman', ['-h', '127.0.0.1', '-p', String(gport), '-w', '-f', 'check_results'], { stdio: 'ignore' });
    await until('the worker registered', async () => /^check_results\t\d+\t\d+\t1$/m.test((await execa('gearadmin', ['-h', '127.0.0.1', '-p', String(gport), '--status'])).stdout));
    // mod_gearman results (base64 of host_name=...), and old jobs the default policy leaves in the dump
    const b64 = (t: string) => Buffer.from(t).toString('base64');
    const jobs = [...Array.from({ length: 5 }, (_, i) => `host ${b64(`type=host\nhost_name=h-${i}\n`)}`), `eventhandler ${b64('type=eventhandler\ncommand_line=/bin/true\n')}`];
    const lines = [...Array.from({ length: 1100 }, (_, i) => `check_results ${b64(`host_name=h-${i}\nreturn_code=0\noutput=OK ${i}\n`)}`), ...jobs];
    writeFileSync(gdump, lines.join('\n') + '\n');
    chownSync(gdump, Number((await execa('id', ['-u', 'nagios'])).stdout), Number((await execa('id', ['-g', 'nagios'])).stdout));
    await until('the re-submitted lines gone from the dump', () => existsSync(gdump) && readFileSync(gdump, 'utf8') === `${jobs.join('\n')}\n`, 120_000);
    const queued = async () => Object.fromEntries((await execa('gearadmin', ['-h', '127.0.0.1', '-p', String(gport), '--status'])).stdout.split('\n').map((l) => l.split('\t')).filter((f) => f.length >= 4).map((f) => [f[0], Number(f[1])]));
    await until('the worker took every job', async () => (await queued()).check_results === 0, 120_000);
    const q = await queued();
    expect(q.host ?? 0).toBe(0); // old jobs are not re-run: they stay in the dump
    expect(q.eventhandler ?? 0).toBe(0);
    expect(readFileSync(join(dir, 'gearman', 'handle_delayed_dump.log'), 'utf8')).toMatch(/queue check_results: 1100 submitted, 1100 acknowledged/);
    await until('the service back below CRITICAL', () => Number(serviceStatus().get('dump_with_gearman')?.current_state) < 2, 120_000);
    // and the job server: check_results has its worker and nothing waits
    const after = await until('the Gearman queues service OK', () => { const x = serviceStatus().get('gearman_queues'); return x?.current_state === '0' ? x : undefined; }, 60_000);
    expect(after.plugin_output).toMatch(/^GEARMAN OK - 1 queue on 127\.0\.0\.1:\d+: 0 waiting/);
    expect(after.performance_data).toMatch(/'check_results_workers'=1/);
  }, 180_000);
});
