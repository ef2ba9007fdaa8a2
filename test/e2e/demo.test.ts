// What a new user runs first: `npm run demo` in a fresh clone (committed files only: .gitignore
// once hid the demo's data). The clone borrows this checkout's node_modules and builds itself.
import { execa } from 'execa';
import { readdirSync, symlinkSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

it('a fresh clone runs the demo: every program on the bundled data, twice, expected states, exit 0', async () => {
  const clone = join(dir, 'clone');
  await execa('git', ['clone', '-q', ROOT, clone]);
  symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'));
  // a checkout older than the age rule's 30 minutes: the demo must not depend on when it was cloned
  const old = Date.now() / 1000 - 3 * 3600;
  for (const f of readdirSync(join(clone, 'examples', 'data'))) utimesSync(join(clone, 'examples', 'data', f), old, old);
  const r = await execa('bash', ['scripts/demo.sh'], { cwd: clone, reject: false, timeout: 120_000, env: { NODE_EXTRA_CA_CERTS: '', NODE_OPTIONS: '' } });
  expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
  for (const name of ['DELAYED_DUMP WARNING', 'DELAYED_DUMP CRITICAL', 'BROKER_COMMANDS CRITICAL', 'UM_NAKS OK', 'UM_EVENT_QUEUE OK', 'UM_STORE OK', 'UM_DRO OK', 'GEARMAN CRITICAL']) {
    expect(r.stdout.split('\n').filter((l) => l.startsWith(name))).toHaveLength(2);
  }
  expect(r.stdout).toMatch(/no new samples since the last check/);
  expect(r.stdout).not.toMatch(/UNKNOWN/);
}, 180_000);
