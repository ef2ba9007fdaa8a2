import { execa } from 'execa';
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers';
import { PROGRAM_NAMES } from '../../src/registry';

// every program the registry names
const PROGRAMS = [...PROGRAM_NAMES].sort();

for (const hard of [false, true]) {
  it(`scripts/install.sh installs one executable and a ${hard ? 'hardlink' : 'symlink'} per program, each runs as its name`, async () => {
    const { dir, cleanup } = tempDir();
    try {
      const prefix = join(dir, 'libexec');
      const r = await execa('bash', [join(ROOT, 'scripts', 'install.sh'), '--prefix', prefix, ...(hard ? ['--hardlinks'] : [])]);
      expect(r.exitCode).toBe(0);
      expect(readdirSync(prefix).sort()).toEqual([...PROGRAMS, 'msgwatch'].sort());
      expect(statSync(join(prefix, 'msgwatch')).mode & 0o777).toBe(0o755);
      for (const n of PROGRAMS) {
        expect(lstatSync(join(prefix, n)).isSymbolicLink()).toBe(!hard);
        const v = await execa(join(prefix, n), ['-V'], { reject: false, env: { PATH: '/nonexistent' }, extendEnv: false });
        expect(v.stdout, n).toMatch(new RegExp(`^${n} v`));
        expect(v.exitCode, n).toBe(n === 'handle_delayed_dump' ? 0 : 3);
      }
      // the whole install: one embedded Node
      const total = readdirSync(prefix).reduce((s, n) => s + (lstatSync(join(prefix, n)).isSymbolicLink() ? 0 : statSync(join(prefix, n)).size), 0);
      expect(total / 2 ** 20).toBeLessThan(hard ? 128 * (PROGRAMS.length + 1) : 128); // a hardlink is listed once per name but stored once
      // called by another name, through PATH, or as `msgwatch <program>`
      const p = await execa('check_delayed_dump', ['-V'], { reject: false, env: { PATH: prefix }, extendEnv: false });
      expect(p.stdout).toMatch(/^check_delayed_dump v/);
      const m = await execa(join(prefix, 'msgwatch'), ['check_um_naks', '-V'], { reject: false });
      expect(m.stdout).toMatch(/^check_um_naks v/);
      const list = await execa(join(prefix, 'msgwatch'), ['--help'], { reject: false });
      for (const n of PROGRAMS) expect(list.stdout).toContain(n);
      const bad = await execa(join(prefix, 'msgwatch'), ['check_nothing'], { reject: false });
      expect(bad.exitCode).toBe(3);
      expect(bad.stdout).toMatch(/^MSGWATCH UNKNOWN - "check_nothing" is not a msgwatch program \(it serves /);
    } finally {
      cleanup();
    }
  });
}
