import { execa } from 'execa';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers';

it('scripts/install.sh copies every executable into --prefix with mode 0755, and they run from there', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const prefix = join(dir, 'libexec');
    const r = await execa('bash', [join(ROOT, 'scripts', 'install.sh'), '--prefix', prefix]);
    expect(r.exitCode).toBe(0);
    const names = readdirSync(prefix).sort();
    expect(names).toEqual(['check_broker_command_timeouts', 'check_delayed_dump', 'check_um_event_queue', 'check_um_naks', 'handle_delayed_dump']);
    for (const n of names) expect(statSync(join(prefix, n)).mode & 0o777).toBe(0o755);
    const v = await execa(join(prefix, 'check_um_naks'), ['-V'], { reject: false, env: { PATH: '/nonexistent' }, extendEnv: false });
    expect(v.exitCode).toBe(3);
    expect(v.stdout).toMatch(/^check_um_naks v/);
  } finally {
    cleanup();
  }
});
