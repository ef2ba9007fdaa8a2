// Real NRPE (Debian's nagios-nrpe-server) started by the test on 127.0.0.1, a private config
// built from examples/nrpe.cfg, and check_nrpe for every plugin in every state, with v4 and v2
// packets. NRPE drops to the nagios user, so state must land in that user's state directory.
import { execa } from 'execa';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allPerfdata, ROOT, tempDir, validatePerfdata } from '../helpers';
import { CODES, fromExample, installPlugins, prepare, type Case } from './inputs';

const NRPE = '/usr/sbin/nrpe';
const CHECK_NRPE = '/usr/lib/nagios/plugins/check_nrpe';
const available = existsSync(NRPE) && existsSync(CHECK_NRPE) && process.getuid?.() === 0;
if (!available && process.env.CI) throw new Error('CI must install nagios-nrpe-server and nagios-nrpe-plugin and run as root');

const PORT = 15666 + (process.pid % 1000);
let dir: string;
let cleanup: () => void;
let nrpe: ChildProcess | undefined;
let cases: Case[];
const nagiosUid = Number(execaSyncId('nagios'));

function execaSyncId(user: string): string {
  try { return readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${user}:`))!.split(':')[2]; } catch { return '-1'; }
}

const name = (c: Case) => `${c.plugin}_${c.want.toLowerCase()}`;

async function checkNrpe(command: string, v2 = false) {
  const r = await execa(CHECK_NRPE, ['-H', '127.0.0.1', '-p', String(PORT), '-t', '30', ...(v2 ? ['-2'] : []), '-c', command], { reject: false });
  return { code: r.exitCode, out: String(r.stdout) };
}

describe.skipIf(!available)('NRPE', () => {
  beforeAll(async () => {
    ({ dir, cleanup } = tempDir('msgwatch-nrpe-'));
    const libexec = installPlugins(dir);
    cases = prepare(join(dir, 'inputs'));
    const examples = Object.fromEntries(readFileSync(join(ROOT, 'examples', 'nrpe.cfg'), 'utf8').split('\n')
      .filter((l) => l.startsWith('command[')).map((l) => [l.slice(8, l.indexOf(']')), l.slice(l.indexOf('=') + 1)]));
    const commands = cases.map((c) => `command[${name(c)}]=${fromExample(examples[c.plugin], libexec, c)}`);
    // a deliberately broken plugin, to show the assertions bite
    const broken = join(dir, 'broken_plugin');
    writeFileSync(broken, "#!/bin/sh\necho \"BROKEN OK - fine | 'bad'label'=1\"\n", { mode: 0o755 });
    commands.push(`command[broken]=${broken}`);
    const cfg = join(dir, 'nrpe.cfg');
    writeFileSync(cfg, [
      `pid_file=${join(dir, 'nrpe.pid')}`, `server_port=${PORT}`, 'server_address=127.0.0.1', 'nrpe_user=nagios', 'nrpe_group=nagios',
      'allowed_hosts=127.0.0.1', 'dont_blame_nrpe=0', 'allow_bash_command_substitution=0', 'command_timeout=60', 'connection_timeout=300', 'debug=0',
      ...commands, '',
    ].join('\n'));
    nrpe = spawn(NRPE, ['-c', cfg, '-f'], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      const r = await execa(CHECK_NRPE, ['-H', '127.0.0.1', '-p', String(PORT)], { reject: false });
      if (r.exitCode === 0) break;
      await new Promise((res) => setTimeout(res, 100));
    }
  });
  afterAll(() => {
    if (nrpe?.pid) { try { process.kill(nrpe.pid, 'SIGTERM'); } catch { /* gone */ } }
    cleanup?.();
  });

  it('the daemon answers', async () => {
    const r = await execa(CHECK_NRPE, ['-H', '127.0.0.1', '-p', String(PORT)], { reject: false });
    expect(r.stdout).toMatch(/NRPE v4/);
  });

  it('every plugin in every state: exit code, summary and perfdata arrive intact (v4 and v2 packets)', async () => {
    expect(cases).toHaveLength(16);
    for (const c of cases) {
      const v4 = await checkNrpe(name(c));
      expect(v4.code, `${name(c)}: ${v4.out}`).toBe(CODES[c.want]);
      const label = v4.out.split(' ')[0];
      expect(v4.out, name(c)).toMatch(new RegExp(`^${label} ${c.want} - `));
      const perf = allPerfdata(v4.out);
      if (c.want !== 'UNKNOWN') expect(validatePerfdata(perf).length, name(c)).toBeGreaterThan(3);
      const v2 = await checkNrpe(name(c), true);
      expect(v2.code, name(c)).toBe(CODES[c.want]);
      expect(Buffer.byteLength(v2.out)).toBeLessThanOrEqual(1024);
      // line 1 and its perfdata survive the 1 KiB v2 packet whole
      const line1v2 = v2.out.split('\n')[0];
      // the second run's summary may differ (a second older, no longer a first run); label, state and perfdata labels may not
      const head = (t: string) => t.split(' - ')[0];
      expect(head(line1v2), name(c)).toBe(head(v4.out));
      const labels = (t: string) => (t.split('\n')[0].includes('|') ? validatePerfdata(t.split('\n')[0].split('|')[1]) : []);
      expect(labels(line1v2), name(c)).toEqual(labels(v4.out));
      if (c.want !== 'UNKNOWN') expect(validatePerfdata(line1v2.split('|')[1] ?? '').length).toBeGreaterThan(3);
    }
  });

  it('state written as the nagios user lands in its own state directory', () => {
    // /var/tmp/msgwatch-<uid>, or /var/lib/msgwatch/nagios while the package test has the .deb installed
    const dirs = [`/var/tmp/msgwatch-${nagiosUid}`, '/var/lib/msgwatch/nagios'].filter((d) => existsSync(d)
      && readdirSync(d).some((f) => f.startsWith('check_delayed_dump-') && f.includes('dump-warn')));
    expect(dirs.length).toBeGreaterThan(0);
    for (const sd of dirs) {
      const st = statSync(sd);
      expect(st.uid).toBe(nagiosUid);
      expect(st.mode & 0o777).toBe(0o700);
    }
    expect(userInfo().uid).not.toBe(nagiosUid);
  });

  it('the assertions bite: a broken perfdata label is caught', async () => {
    const r = await checkNrpe('broken');
    expect(r.code).toBe(0);
    expect(() => validatePerfdata(allPerfdata(r.out))).toThrow(/invalid perfdata/);
  });

  afterAll(() => {
    // leave no state of the test inputs behind in the nagios user's directory
    const sd = `/var/tmp/msgwatch-${nagiosUid}`;
    if (existsSync(sd)) for (const f of readdirSync(sd)) if (f.includes('inputs') || f.includes('dump-') || f.includes('broker-') || f.includes('.log-')) rmSync(join(sd, f), { force: true });
  });
});
