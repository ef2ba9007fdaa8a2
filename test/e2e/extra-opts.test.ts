// --extra-opts, side by side with Debian's C plugins (monitoring-plugins-basic's check_load) on
// the same ini files: the same files, sections, search order and failures, and our programs'
// answers where C and we agree on what the file means.
import { execa } from 'execa';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { BIN, perfValue, runBin, scratch } from '../helpers';

const CHECK_LOAD = '/usr/lib/nagios/plugins/check_load';
let dir: string;
let dump: string;
let env: Record<string, string>;

scratch('delayed-messages.dump', (s) => ({ dir, file: dump, env } = s));
beforeEach(() => {
  writeFileSync(dump, 'check_results a\ncheck_results b\nhost c\n');
});

const ini = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };
const c = (args: string[], more: Record<string, string> = {}) => execa(CHECK_LOAD, args, { reject: false, env: { PATH: '/usr/bin:/bin', ...more }, extendEnv: false });
const ours = (args: string[], more: Record<string, string> = {}) => runBin('check_delayed_dump', args, { ...env, ...more });

describe.skipIf(!existsSync(CHECK_LOAD))('--extra-opts, beside check_load', () => {
  it('the program\'s own section, comments, `key = value` with spaces and a trailing comment', async () => {
    const f = ini('plugins.ini', [
      '# a comment', '; another', '',
      '[check_load]', 'warning = 100,100,100', 'critical=200,200,200 # trailing comment', '',
      '[check_delayed_dump]', `file = ${dump}`, 'warning = messages=2   # over two waiting', 'critical=messages=10', '',
    ].join('\n'));
    const cl = await c([`--extra-opts=@${f}`]);
    expect(cl.exitCode).toBe(0);
    expect(cl.stdout).toMatch(/load1=[\d.]+;100\.000;200\.000/);
    const r = await ours([`--extra-opts=@${f}`]);
    expect(r.code).toBe(1);
    expect(r.perf.messages).toBe('3;2;10;0');
  });

  it('a named section; the command line wins over the file', async () => {
    const f = ini('p.ini', '[loose]\nwarning=100,100,100\ncritical=200,200,200\n[strict]\nwarning=messages=0\n');
    const cl = await c([`--extra-opts=loose@${f}`, '-w', '0,0,0']);
    expect(cl.exitCode).toBe(1); // the command line's -w won
    const r = await ours([`--extra-opts=strict@${f}`, '-f', dump, '-w', 'messages=100']);
    expect(r.code).toBe(0); // the command line's -w won over the file's
    expect(r.perf.messages).toBe('3;100;;0');
  });

  it('a missing file, a missing section, a line before any section, a line without =: both UNKNOWN (3), ours naming it', async () => {
    const none = join(dir, 'none.ini');
    const f = ini('p.ini', '[other]\nwarning=1\n');
    const cases: [string, RegExp][] = [
      [`--extra-opts=@${none}`, /cannot read config file .*none\.ini: no such file/],
      [`--extra-opts=@${f}`, /no section \[check_delayed_dump\] in .*p\.ini/],
      [`--extra-opts=@${ini('b.ini', 'warning=1\n[check_load]\n[check_delayed_dump]\n')}`, /b\.ini line 1: an option before the first \[section\]/],
      [`--extra-opts=@${ini('e.ini', '[check_load]\nnoequals\n[check_delayed_dump]\nnoequals\n')}`, /e\.ini line 4: expected key=value/],
    ];
    for (const [arg, msg] of cases) {
      expect((await c([arg])).exitCode, arg).toBe(3);
      const r = await ours([arg]);
      expect(r.code, arg).toBe(3);
      expect(r.line1, arg).toMatch(new RegExp(`^DELAYED_DUMP UNKNOWN - --extra-opts: .*${msg.source}`));
    }
  });

  it('the default file: $NAGIOS_CONFIG_PATH (plugins.ini in each directory), and none found at all', async () => {
    const sub = join(dir, 'conf');
    await execa('mkdir', [sub]);
    writeFileSync(join(sub, 'plugins.ini'), `[check_load]\nwarning=0,0,0\ncritical=200,200,200\n[check_delayed_dump]\nfile=${dump}\ncritical=messages=0\n`);
    const cl = await c(['--extra-opts'], { NAGIOS_CONFIG_PATH: `/nonexistent:${sub}` });
    expect(cl.exitCode).toBe(1);
    const r = await ours(['--extra-opts'], { NAGIOS_CONFIG_PATH: `/nonexistent:${sub}` });
    expect(r.code).toBe(2);
    // nothing anywhere (this host has none of the standard files)
    const nothing = await c(['--extra-opts'], { NAGIOS_CONFIG_PATH: '/nonexistent' });
    const ourNothing = await ours(['--extra-opts'], { NAGIOS_CONFIG_PATH: '/nonexistent' });
    expect(nothing.exitCode).toBe(3);
    expect(ourNothing.code).toBe(3);
    expect(ourNothing.line1).toMatch(/no config file in any standard location/);
  });

  it('a regex NRPE would refuse on a command line passes through the file; MP_CONFIG_FILE names the file', async () => {
    const f = ini('fetch.ini', `[fetch]\nfetch-pattern = waiting[^0-9]*(\\d+)|(\\d+) in queue\nfile=${dump}\n`);
    const r = await ours(['--extra-opts=fetch', '-v'], { MP_CONFIG_FILE: f });
    expect(r.code).toBe(1); // parsed (the pattern is a valid regex; --fetch is off): 3 messages, WARNING
    expect(perfValue(r, 'messages')).toBe(3);
  });

  it('a repeat within the file is still a usage error; so is a key that is no option', async () => {
    const f = ini('p.ini', `[check_delayed_dump]\nfile=${dump}\nfile=${dump}\n[bogus]\nno-such-option=1\n`);
    expect((await ours([`--extra-opts=@${f}`])).line1).toMatch(/-f\/--file given more than once/);
    expect((await ours([`--extra-opts=bogus@${f}`])).line1).toMatch(/UNKNOWN - .*no-such-option/);
  });

  it('every program takes it, the handler too', async () => {
    const f = ini('all.ini', [
      `[check_broker_command_timeouts]\nfile=${join(dir, 'none.log')}\nmissing=warning`,
      `[check_um_naks]\nfile=${join(dir, 'none.log')}\nmissing=warning`,
      `[check_um_event_queue]\nfile=${join(dir, 'none.log')}\nmissing=warning`,
      `[handle_delayed_dump]\nfile=${dump}\nservice-state=OK\nstate-type=HARD\nattempt=1`,
    ].join('\n'));
    for (const p of ['check_broker_command_timeouts', 'check_um_naks', 'check_um_event_queue']) {
      const r = await runBin(p, [`--extra-opts=@${f}`], env);
      expect(r.code, `${p}: ${r.stdout}`).toBe(1);
    }
    const h = await execa(join(BIN, 'handle_delayed_dump'), [`--extra-opts=@${f}`], { reject: false, env: { PATH: '/usr/bin:/bin' }, extendEnv: false });
    expect(h.exitCode).toBe(0);
    expect(h.stdout).toMatch(/nothing done/);
  });
});
