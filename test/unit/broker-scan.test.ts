// The broker scanner (needle search, byte-level fast path for DEBUG chatter) against a
// straightforward reference on generated logs: quiet, DEBUG level, and garbage-laden. The
// reference hands every line holding a needle to the general parser, one line at a time.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs module without types
import { brokerLog } from '../../bench/generate.mjs';
import { Scanner } from '../../src/checks/check_broker_command_timeouts/scan.js';
import { KINDS } from '../../src/checks/check_broker_command_timeouts/parse.js';
import type { Batch, Group } from '../../src/checks/check_broker_command_timeouts/window.js';
import { LineAssembler } from '../../src/lib/tail/lines.js';
import { broker as L } from '../fixtures';
import { ROOT } from '../helpers';
import { rng } from '../fuzz/fuzz';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'msgwatch-scan-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FILTERS = { broker: [], module: [], command: [] };

function scanned(bytes: Buffer): Record<string, Group> {
  const batch: Batch = { seenAt: 0, groups: {} };
  const asm = new LineAssembler(new Scanner(batch, FILTERS, { forkBlock: null }), 0, 1 << 20);
  for (let i = 0; i < bytes.length; i += 65536) asm.push(bytes.subarray(i, i + 65536));
  return batch.groups;
}

function reference(bytes: Buffer): Record<string, Group> {
  const batch: Batch = { seenAt: 0, groups: {} };
  const s = new Scanner(batch, FILTERS, { forkBlock: null });
  const lines = bytes.toString('utf8').split('\n');
  lines.pop(); // a last line without LF is not complete
  // the scanner handles a chunk's command calls before its fork-cleanup lines; one chunk here
  for (const l of lines) if (l.includes('COMMAND CALL')) s.line(l.endsWith('\r') ? l.slice(0, -1) : l);
  for (const l of lines) if (l.includes('CLEAN AFTER FORK') && !l.includes('COMMAND CALL')) s.line(l.endsWith('\r') ? l.slice(0, -1) : l);
  return batch.groups;
}

function garbage(base: Buffer, seed: number): Buffer {
  const r = rng(seed);
  const out = Buffer.from(base);
  for (let i = 0; i < 3000; i++) {
    const at = Math.floor(r() * out.length);
    out[at] = [0, 9, 11, 13, 32, 93, 91, 0xc3, 0xa9, 0xff, 75, 101][Math.floor(r() * 12)];
  }
  return out;
}

describe('broker scanner against the reference', () => {
  const logs: [string, () => Buffer][] = [
    ['quiet', () => { brokerLog(join(dir, 'q.log'), 2 << 20, 5); return readFileSync(join(dir, 'q.log')); }],
    ['DEBUG', () => { brokerLog(join(dir, 'd.log'), 2 << 20, 6, { debug: true }); return readFileSync(join(dir, 'd.log')); }],
    ['DEBUG with garbage', () => { brokerLog(join(dir, 'g.log'), 1 << 20, 7, { debug: true }); return garbage(readFileSync(join(dir, 'g.log')), 8); }],
    ['every kind, odd spacing and case', () => Buffer.from([
      L.retried(), L.wrong(), L.failed(), L.sendError(), L.executed('0.5'), L.unknown(), L.executing(), ...L.execError(), ...L.forkCleanupError(),
      '[2026-11-22 10:00:00] debug\t:[ b ][ m ][ COMMAND CALL ][ pid : 7 ][ t ] The command call [ x ] was executed by the module  M  in 2.5 S',
      '[2026-11-22 10:00:00] DEBUG : [ b ] [ m ] [ command call ] [ PID:7 ] [ t ] The command call [x] was executed by the module M in 9.5s',
      '[2026-11-22 10:00:00] DEBUG : [ b ] [ m ] [ COMMAND CALL ] [ PID:7 ] [ t ] The command call [x] for module y was executed by the module M in 3s',
      '[2026-11-22 10:00:00] DEBUG : [ b ] [ m ] [ COMMAND CALL ] [ PID:7 ] [ t ] The command call [x] was executed by the module M in 1.2.3s',
      '[2026-11-22 10:00:00] DEBUG : [ b ] [ m ] [ COMMAND CALL ] [ PID:7 ] [ t ] The command call [x] was executed by the module M in 4sec',
      '[2026-11-22 10:00:00] ERROR : [ b ] [ m ] [ COMMAND CALL ] [ PID:7 ] [ t ] Executing command [x] with param []',
      '[2026-11-22 10:00:00] DEBUG : [ b ] [ m\u000b ] [ COMMAND CALL ] [ PID:7 ] [ t ] The command call [x] was executed by the module M in 5s',
    ].join('\r\n') + '\n')],
  ];
  for (const [name, make] of logs) {
    it(`${name}: the same groups, counts and slowest executions`, () => {
      const bytes = make();
      const got = scanned(bytes);
      expect(got).toEqual(reference(bytes));
      expect(Object.keys(got).length).toBeGreaterThan(0);
    });
  }

  it.skipIf(spawnSync('mawk', ['-W', 'version']).error)('agrees with the awk classification the benchmark runs beside it', () => {
    for (const [f, debug] of [['q2.log', false], ['d2.log', true]] as const) {
      brokerLog(join(dir, f), 1 << 20, 9, { debug });
      const groups = Object.values(scanned(readFileSync(join(dir, f))));
      const ours: Record<string, number> = {};
      for (const k of KINDS) ours[k] = groups.reduce((s, g) => s + (g.counts[k] ?? 0), 0);
      const awk = String(spawnSync('mawk', ['-f', join(ROOT, 'bench', 'broker-classify.awk'), join(dir, f)]).stdout);
      const theirs = Object.fromEntries(awk.trim().split('\n').map((l) => l.split(' ')).filter(([k]) => k !== 'exec_time_max').map(([k, v]) => [k, Number(v)]));
      expect(ours).toEqual(theirs);
      const max = Math.max(...groups.map((g) => g.execMax ?? 0));
      expect(max).toBe(Number(/exec_time_max (\S+)/.exec(awk)![1]));
    }
  });
});
