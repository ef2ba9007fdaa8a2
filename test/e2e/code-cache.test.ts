import { execa } from 'execa';
import { linkSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { BIN, tempDir } from '../helpers';

// The executable starts from a code cache made per program at build time (src/sea-main.ts). V8
// drops a cache it cannot use without a word, and every run would then be ~3.5 ms slower: so
// this asserts that each program's cache is the one taken and accepted.
const PROGRAMS = ['check_broker_command_timeouts', 'check_delayed_dump', 'check_um_event_queue', 'check_um_naks', 'handle_delayed_dump'];
const env = { MSGWATCH_CODE_CACHE_CHECK: '1' };
const report = (stderr: string) => /^msgwatch code cache for (\S+): (\w+)$/m.exec(stderr)?.slice(1);

it('each program runs from its own code cache, and V8 accepts it', async () => {
  for (const p of PROGRAMS) {
    const link = await execa(join(BIN, p), ['--version'], { env, reject: false });
    expect(report(link.stderr), p).toEqual([p, 'accepted']);
    expect(link.stdout).toMatch(new RegExp(`^${p} v`));
    const sub = await execa(join(BIN, 'msgwatch'), [p, '--version'], { env, reject: false });
    expect(report(sub.stderr), `msgwatch ${p}`).toEqual([p, 'accepted']);
  }
});

it('a name without a cache of its own (msgwatch itself, a link renamed by the operator) runs from the general one', async () => {
  const own = await execa(join(BIN, 'msgwatch'), ['--version'], { env, reject: false });
  expect(report(own.stderr)).toEqual(['msgwatch', 'accepted']);
  expect(own.stdout).toMatch(/^msgwatch v/);
  const { dir, cleanup } = tempDir();
  try {
    linkSync(join(BIN, 'msgwatch'), join(dir, 'check_opmon_dump'));
    const renamed = await execa(join(dir, 'check_opmon_dump'), [], { env, reject: false });
    expect(report(renamed.stderr)).toEqual(['msgwatch', 'accepted']);
    expect(renamed.stdout).toMatch(/Programs \(each has --help\)/);
  } finally {
    cleanup();
  }
});
