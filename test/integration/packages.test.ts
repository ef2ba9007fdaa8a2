// The packages, with the real tools: `npm run package` builds the .deb and the .rpm; the .deb is
// installed on this machine with dpkg, every program runs from /usr/lib/nagios/plugins as the
// nagios user, dpkg -r leaves only the state directory; the .rpm goes into a scratch root
// (rpm --root --initdb, rpm -i --nodeps) and runs from there; lintian finds no errors.
import { execa } from 'execa';
import { existsSync, lstatSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir, validatePerfdata } from '../helpers';
import { PROGRAM_NAMES } from '../../src/registry';
import { CODES, prepare, type Case } from './inputs';

const root = process.getuid?.() === 0;
const tools = ['dpkg-deb', 'rpmbuild', 'lintian', 'dpkg-shlibdeps'].every((t) => ['/usr/bin', '/usr/sbin'].some((d) => existsSync(join(d, t))));
const available = root && tools;
if (!available && process.env.CI) throw new Error('CI must run as root with dpkg-dev, rpm and lintian installed');

// as the example commands pass them (examples/commands.cfg with the Nagios test's $ARGn$)
const EXAMPLE_ARGS: Record<string, string[]> = {
  check_delayed_dump: ['-c', 'messages=1000', '-c', 'age=1800'], check_broker_command_timeouts: ['--window', '15m'],
  check_um_naks: ['--consecutive', '2'], check_um_event_queue: ['--max-rate', '30000', '--message-size', '200'],
};
// every program the registry names
const PROGRAMS = [...PROGRAM_NAMES].sort();
let dir: string;
let cleanup: () => void;
let deb: string;
let rpm: string;
let cases: Case[];

const asNagios = (cmd: string, args: string[], env: Record<string, string> = {}) => execa('setpriv', ['--reuid=nagios', '--regid=nagios', '--init-groups', cmd, ...args], { reject: false, env: { PATH: '/usr/bin:/bin', ...env }, extendEnv: false });

describe.skipIf(!available)('packages', () => {
  beforeAll(async () => {
    ({ dir, cleanup } = tempDir('msgwatch-pkg-'));
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    delete env.NODE_EXTRA_CA_CERTS;
    await execa('node', [join(ROOT, 'scripts', 'package.mjs')], { env, extendEnv: false });
    const pkgs = readdirSync(join(ROOT, 'dist', 'pkg'));
    deb = join(ROOT, 'dist', 'pkg', pkgs.find((p) => p.endsWith('.deb'))!);
    rpm = join(ROOT, 'dist', 'pkg', pkgs.find((p) => p.endsWith('.rpm'))!);
    cases = prepare(join(dir, 'inputs'));
    await execa('chmod', ['755', dir]);
    await execa('dpkg', ['--purge', 'msgwatch'], { reject: false });
  }, 400_000);
  afterAll(async () => {
    await execa('dpkg', ['--purge', 'msgwatch'], { reject: false });
    cleanup?.();
  });

  it('lintian finds no errors in the .deb', async () => {
    const r = await execa('lintian', [deb], { reject: false });
    expect(r.stdout.split('\n').filter((l) => l.startsWith('E:'))).toEqual([]);
  }, 120_000);

  it('the .deb installs with dpkg, every program runs from /usr/lib/nagios/plugins as nagios, dpkg -r leaves only the state', async () => {
    const i = await execa('dpkg', ['-i', deb], { reject: false });
    expect(i.exitCode, i.stderr).toBe(0);
    const plugins = '/usr/lib/nagios/plugins';
    expect(statSync(join(plugins, 'msgwatch')).mode & 0o777).toBe(0o755);
    for (const p of PROGRAMS) expect(lstatSync(join(plugins, p)).isSymbolicLink()).toBe(true);
    // installed size: one executable
    const size = Number((await execa('dpkg-query', ['-W', '-f=${Installed-Size}', 'msgwatch'])).stdout) / 1024;
    expect(size).toBeLessThan(128);
    // the state directory, for the scheduler's user, used by default
    const sd = statSync('/var/lib/msgwatch/nagios');
    expect([sd.mode & 0o777, sd.uid]).toEqual([0o700, Number((await execa('id', ['-u', 'nagios'])).stdout)]);
    for (const c of cases) {
      const args = ['-f', c.file, ...(EXAMPLE_ARGS[c.plugin] ?? []), ...c.extra.split(' ').filter(Boolean), '--dry-run'];
      const r = await asNagios(join(plugins, c.plugin), args);
      expect(r.exitCode, `${c.plugin} ${c.want}: ${r.stdout}`).toBe(CODES[c.want]);
      if (c.want !== 'UNKNOWN') expect(validatePerfdata(r.stdout.split('\n')[0].split('|')[1] ?? '').length).toBeGreaterThan(0);
    }
    // without --dry-run the state lands in the package's directory, not in /var/tmp
    const wrote = await asNagios(join(plugins, 'check_delayed_dump'), ['-f', cases.find((c) => c.plugin === 'check_delayed_dump')!.file]);
    expect(wrote.exitCode).toBeLessThan(3);
    expect(readdirSync('/var/lib/msgwatch/nagios').some((n) => n.startsWith('check_delayed_dump-'))).toBe(true);
    const h = await asNagios(join(plugins, 'handle_delayed_dump'), ['-V']);
    expect(h.stdout).toMatch(/^handle_delayed_dump v/);
    expect(existsSync('/usr/share/man/man1/check_um_naks.1.gz')).toBe(true);
    expect((await execa('man', ['-w', 'check_um_naks'], { reject: false })).stdout).toMatch(/\/man1\/check_um_naks\.1\.gz$/);
    // a page per program, opening at that program, with every section, and no troff warning
    for (const p of [...PROGRAMS, 'msgwatch']) {
      const m = await execa('man', ['--warnings', p], { reject: false, env: { MANWIDTH: '100', MANPAGER: 'cat', PAGER: 'cat', LC_ALL: 'C.UTF-8', PATH: '/usr/bin:/bin' } });
      expect(m.exitCode, p).toBe(0);
      expect(m.stderr, p).toBe('');
      expect(m.stdout, p).toMatch(new RegExp(`^NAME\\n\\s+${p} - `, 'm'));
      const sections = p === 'msgwatch' ? ['SYNOPSIS', 'PROGRAMS', 'OPTIONS', 'EXIT STATUS'] : ['SYNOPSIS', 'OPTIONS', 'EXIT STATUS', 'ENVIRONMENT', 'FILES', 'EXAMPLES'];
      for (const s of sections) expect(m.stdout, `${p} ${s}`).toMatch(new RegExp(`^${s}$`, 'm'));
      if (p !== 'msgwatch') {
        expect(m.stdout, p).toMatch(/MSGWATCH_STATE_DIR/);
        expect(m.stdout, p).toMatch(/--extra-opts/);
      }
    }

    const r = await execa('dpkg', ['-r', 'msgwatch'], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    const left = (await execa('dpkg', ['-L', 'msgwatch'], { reject: false })).stdout;
    expect(left).not.toMatch(/\/usr\/lib\/nagios\/plugins\/msgwatch/);
    for (const p of ['msgwatch', ...PROGRAMS]) expect(existsSync(join(plugins, p)), p).toBe(false);
    expect(existsSync('/usr/share/doc/msgwatch')).toBe(false);
    expect(existsSync('/var/lib/msgwatch/nagios')).toBe(true); // kept on remove; purge removes it
    await execa('dpkg', ['--purge', 'msgwatch']);
    expect(existsSync('/var/lib/msgwatch')).toBe(false);
  }, 120_000);

  it('the .rpm installs into a scratch root (EPEL layout) and its programs run from there', async () => {
    const r = join(dir, 'rpmroot');
    mkdirSync(r);
    await execa('rpm', ['--root', r, '--initdb']);
    const i = await execa('rpm', ['-i', '--nodeps', '--noscripts', '--root', r, rpm], { reject: false });
    expect(i.exitCode, i.stderr).toBe(0);
    const q = await execa('rpm', ['--root', r, '-qR', 'msgwatch']);
    expect(q.stdout).toMatch(/libstdc\+\+\.so\.6\(GLIBCXX_[0-9.]+\)\(64bit\)/);
    expect(q.stdout).toMatch(/libc\.so\.6\(GLIBC_[0-9.]+\)\(64bit\)/);
    const plugins = join(r, 'usr/lib64/nagios/plugins');
    for (const p of PROGRAMS) {
      const v = await execa(join(plugins, p), ['-V'], { reject: false });
      expect(v.stdout, p).toMatch(new RegExp(`^${p} v`));
    }
    const c = cases.find((x) => x.plugin === 'check_um_naks' && x.want === 'CRITICAL')!;
    const run = await execa(join(plugins, 'check_um_naks'), ['-f', c.file, ...EXAMPLE_ARGS.check_um_naks, '--state-dir', join(dir, 'rpm-state')], { reject: false });
    expect(run.exitCode, run.stdout).toBe(2);
    expect(existsSync(join(r, 'usr/share/msgwatch/opmon-links'))).toBe(true);
    const libexec = join(dir, 'opmon-libexec');
    mkdirSync(libexec);
    await execa(join(r, 'usr/share/msgwatch/opmon-links'), [libexec]);
    expect(readdirSync(libexec).sort()).toEqual(PROGRAMS);
  }, 120_000);
});
