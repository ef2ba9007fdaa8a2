// Issue 34: nothing lost at any kill point, race or clock step. Each window is reproduced
// deterministically with the test-only fault points (src/lib/state/faults.ts: kill:<point>
// SIGKILLs the process there, pause:<point> holds it there) and, for the clock, libfaketime.
import { execa } from 'execa';
import { chmodSync, existsSync, readdirSync, readFileSync, renameSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { broker as L } from '../fixtures';
import { BIN, perfValue, runBin, scratch } from '../helpers';

const B = 'check_broker_command_timeouts';
let dir: string;
let log: string;
let env: Record<string, string>;

scratch('brokerd.log', (s) => ({ dir, file: log, env } = s));
beforeEach(() => {
  writeFileSync(log, `${L.noise(0)}\n`);
});

const failures = (n: number) => appendFileSync(log, Array.from({ length: n }, () => `${L.failed()}\n`).join(''));
const run = (extra: string[] = [], more: Record<string, string> = {}) => runBin(B, ['-f', log, '--window', '0', ...extra], { ...env, ...more });
const failed = (r: Awaited<ReturnType<typeof run>>) => perfValue(r, 'timeouts_failed') ?? 0;

describe('at-least-once reporting', () => {
  it('killed before the result is printed (state staged, not committed): the next run reports every event', async () => {
    await run();
    failures(1036);
    for (const point of ['state-synced', 'state-written']) {
      const k = await run([], { MSGWATCH_FAULT_INJECT: `kill:${point}` });
      expect(k.code).toBe(-1); // SIGKILLed: no exit code
      expect(k.stdout).toBe('');
    }
    const r = await run();
    expect(failed(r)).toBe(1036);
    expect(r.code).toBe(2);
    expect(failed(await run())).toBe(0);
  });

  it('killed after printing, before the state is committed: the events are reported again (a duplicate inside the window, never a loss)', async () => {
    await run();
    failures(7);
    const k = await run([], { MSGWATCH_FAULT_INJECT: 'kill:result-printed' });
    expect(k.line1).toMatch(/^BROKER_COMMANDS CRITICAL - 7 command calls failed/); // printed whole before the kill
    const again = await run();
    expect(failed(again)).toBe(7);
    expect(failed(await run())).toBe(0);
  });

  it('killed right after the rename of the state (the window of issue 34): the result was printed first', async () => {
    await run();
    failures(5);
    const k = await run([], { MSGWATCH_FAULT_INJECT: 'kill:state-renamed' });
    expect(failed(k)).toBe(5);
    expect(failed(await run())).toBe(0);
  });
});

describe('identity from the open file', () => {
  for (const point of ['tail-before-open', 'tail-opened']) {
    it(`the log renamed to .1 and recreated while the reader is held at ${point}: every event counted once`, async () => {
      await run();
      failures(256);
      const held = run([], { MSGWATCH_FAULT_INJECT: `pause:${point}`, MSGWATCH_FAULT_PAUSE_MS: '800' });
      await new Promise((r) => setTimeout(r, 300));
      renameSync(log, `${log}.1`);
      writeFileSync(log, '');
      failures(23);
      let total = failed(await held);
      total += failed(await run());
      total += failed(await run());
      expect(total).toBe(279);
    });
  }
});

describe('clock steps keep positions (libfaketime)', () => {
  const hasFaketime = existsSync('/usr/bin/faketime');
  it.skipIf(!hasFaketime)('back 1 hour, then forward 1 day: every event written between runs counted once', async () => {
    const faked = (offset: string, extra: string[] = []) => execa('/usr/bin/faketime', ['-f', offset, join(BIN, B), '-f', log, '--window', '0', ...extra], {
      env: { PATH: '/usr/bin:/bin', ...env }, extendEnv: false, reject: false,
    });
    await run();
    let total = 0;
    failures(15);
    const back = await faked('-1h');
    expect(back.stdout).toMatch(/note: the clock went back 3[56]\d\ds since the last run; read positions kept/);
    total += Number(/'timeouts_failed'=(\d+)/.exec(back.stdout)?.[1]);
    failures(12);
    const fwd = await faked('+1d');
    total += Number(/'timeouts_failed'=(\d+)/.exec(fwd.stdout)?.[1]);
    expect(total).toBe(27);
    // and the dump check's age restarts from now, never negative
    const dump = join(dir, 'd.dump');
    writeFileSync(dump, 'q a\n');
    await runBin('check_delayed_dump', ['-f', dump], env);
    const d = await execa('/usr/bin/faketime', ['-f', '-2h', join(BIN, 'check_delayed_dump'), '-f', dump], { env: { PATH: '/usr/bin:/bin', ...env }, extendEnv: false, reject: false });
    expect(Number(/'age'=(\d+)/.exec(d.stdout)?.[1])).toBeGreaterThanOrEqual(0);
    expect(Number(/'growth'=(-?\d+)/.exec(d.stdout)?.[1])).toBe(0); // the state was kept
  });
});

describe('no orphaned import (handle_delayed_dump killed at each step of the settle)', () => {
  const ORIGINAL = Array.from({ length: 50 }, (_, i) => `check_results payload-${i}`);
  const ADDED = Array.from({ length: 50 }, (_, i) => `check_results added-${i}`);
  const lines = (p: string) => (existsSync(p) ? readFileSync(p, 'utf8').split('\n').filter(Boolean) : []);

  for (const point of ['settle-intent', 'settle-aside', 'settle-kept', 'settle-linked']) {
    it(`killed at ${point}: the dump check counts what is aside, the next run returns it exactly once`, async () => {
      const dump = join(dir, 'delayed-messages.dump');
      const record = join(dir, 'imported.txt');
      writeFileSync(dump, `${ORIGINAL.join('\n')}\n`);
      const importer = join(dir, 'import');
      // OpMon appends 50 messages while the import runs
      writeFileSync(importer, `#!/bin/sh\ncat "$1" >> "${record}"\nprintf '${ADDED.join('\\n')}\\n' >> "${dump}"\necho ok\n`);
      chmodSync(importer, 0o755);
      const handler = (more: Record<string, string> = {}) => execa(join(BIN, 'handle_delayed_dump'), [
        '-f', dump, '--archive-dir', join(dir, 'archive'), '--service-state', 'CRITICAL', '--state-type', 'HARD', '--attempt', '3',
        '--import-command', `${importer} {file}`,
      ], { reject: false, env: { PATH: '/usr/bin:/bin', ...more }, extendEnv: false });
      const killed = await handler({ MSGWATCH_FAULT_INJECT: `kill:${point}` });
      expect(killed.exitCode).not.toBe(0);
      expect(lines(record)).toEqual(ORIGINAL);
      const aside = readdirSync(dir).filter((f) => /\.(importing-\d+|settle-\d+\.keep)$/.test(f));
      if (aside.length) {
        // while lines are aside, the dump check never says "no undelivered messages"
        const c = await runBin('check_delayed_dump', ['-f', dump], env);
        expect(c.code).not.toBe(0);
        expect(c.line1).toMatch(/left aside by an interrupted handle_delayed_dump/);
      }
      // the next run takes the orphan back before anything else, then imports what is there
      writeFileSync(importer, `#!/bin/sh\ncat "$1" >> "${record}"\necho ok\n`);
      const next = await handler();
      expect(next.exitCode).toBe(0);
      const imported = lines(record);
      expect(new Set(imported).size).toBe(imported.length); // nothing imported twice
      expect([...imported].sort()).toEqual([...ORIGINAL, ...ADDED].sort()); // nothing lost
      expect(lines(dump)).toEqual([]);
      expect(readdirSync(dir).filter((f) => /\.(importing|settle)-/.test(f))).toEqual([]);
      const c = await runBin('check_delayed_dump', ['-f', dump], env);
      expect(c.code).toBe(0);
    });
  }
});
