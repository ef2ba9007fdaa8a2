// The broker scanner (needle search, byte-level reading of the usual command-call lines) against
// a straightforward reference on generated logs: quiet, DEBUG level, storms of events, needles in
// messages, and garbage-laden. The reference hands every line holding a needle to the general
// parser, one line at a time.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs module without types
import { brokerLog } from '../../bench/generate.mjs';
// @ts-expect-error: a plain .mjs module without types
import { adversarialBrokerLog, variedBrokerLog } from '../../bench/varied.mjs';
import { Scanner } from '../../src/checks/check_broker_command_timeouts/scan.js';
import { KINDS } from '../../src/checks/check_broker_command_timeouts/parse.js';
import { newBatch, type Batch, type Group } from '../../src/checks/check_broker_command_timeouts/window.js';
import { LineAssembler } from '../../src/lib/tail/lines.js';
import { lineBuffer } from '../../src/lib/tail/line-end.js';
import { brokerLineBuffer } from '../../src/checks/check_broker_command_timeouts/line-kernel.js';
import { broker as L } from '../fixtures';
import { ROOT } from '../helpers';
import { rng } from '../fuzz/fuzz';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'msgwatch-scan-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FILTERS = { broker: [], module: [], command: [] };

/** A scanner that also lists every execution time it reads, in order, and counts the lines it leaves to the general parser. */
class Recording extends Scanner {
  readonly times: string[] = [];
  parsed = 0;
  protected slowest(g: Group, seconds: number): void {
    this.times.push(`${g.module}/${g.command}/${seconds}`);
    super.slowest(g, seconds);
  }
  line(text: string): void {
    this.parsed++;
    super.line(text);
  }
}

/**
 * `mode`: 'kernel', the line buffer in WebAssembly memory, where the scan finds candidates with
 * the kernel's two-needle search; 'head', the same with room for the line kernel, which reads the
 * lines in WebAssembly (line-kernel.ts); 'plain', a Buffer, searched and read in JavaScript
 */
type Mode = 'plain' | 'kernel' | 'head';
const MODES: [Mode, string][] = [['plain', ''], ['kernel', ', searched by the kernel'], ['head', ', searched by the kernel, lines read in WebAssembly']];
let lastParsed = 0;
function scanned(bytes: Buffer, times: string[] = [], mode: Mode = 'plain', lineByLine = false): Record<string, Group> {
  const batch: Batch = newBatch(0); // as a run makes it (the reference's is an object literal)
  const s = new Recording(batch, FILTERS, { forkBlock: null });
  lastParsed = 0;
  const asm = new LineAssembler(s, 0, 1 << 20, mode === 'kernel' ? lineBuffer : mode === 'head' ? brokerLineBuffer : undefined);
  if (lineByLine) {
    // each line its own read: the scan is handed each line alone, in the same bytes of its buffer
    for (let i = 0; i < bytes.length;) { const e = bytes.indexOf(10, i); const j = e < 0 ? bytes.length : e + 1; asm.push(bytes.subarray(i, j)); i = j; }
  } else for (let i = 0; i < bytes.length; i += 65536) asm.push(bytes.subarray(i, i + 65536));
  s.finish();
  lastParsed = s.parsed;
  times.push(...s.times);
  return batch.groups;
}

const NEEDLE = /(?:COMMAND CALL|CLEAN AFTER FORK)[ \t]*\]/;

function reference(bytes: Buffer, times: string[] = []): Record<string, Group> {
  const batch: Batch = { seenAt: 0, groups: {} };
  const s = new Recording(batch, FILTERS, { forkBlock: null });
  const lines = bytes.toString('utf8').split('\n');
  lines.pop(); // a last line without LF is not complete
  // every line where a needle closes a bracket, in order, read by the general parser (which takes
  // the line's category from its brackets, whichever needle it holds)
  for (const l of lines) if (NEEDLE.test(l)) s.line(l.endsWith('\r') ? l.slice(0, -1) : l);
  times.push(...s.times);
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

/** Messages and ends of line around what the byte reader accepts: the usual shape, then near misses. */
const MSGS = [
  'The command call [c] was executed by the module M in ',
  'The command call [c] was executed by the module M in 1s in ',
  'The command call [c] was executed by the module M In ',
  'The command call [c] for module y was executed by the module M in ',
  'The command call [c] was sent but another answer was received in ',
  'Executing command [c] with param [] in ',
  'Executing command [c',
  // the events read from bytes, and near them
  'The command call [c] for module M was sent but the call timed out (1s) in ',
  'The command call [c] for module M was sent, but the call timed out in ',
  'The command call [c] for module  M  was sent but the call timed outs, was sent but the call timed out ',
  'The command call [c] for module was sent but the call timed out ',
  'The command call [c] was sent but another answer was received. [x] for module M was sent but the call timed out ',
  'The command call [c] was sent but another answer was received ',
  'The command call [ c ] was sent but another answer was received, retrying ',
  'The command call [c] was sent but another answer was receivedx ',
  'Failed to send command call [c] for module M because of timeout (1s) ',
  'Failed to send command call [c] for module M because of error: because of timeout ',
  'Failed to send command call [c] for module M because of error: x ',
  'Failed to send command call [c] for module M because of errors ',
  'Failed to send command call [c] FOR MODULE M Because Of Timeout ',
  'Failed to send command call [c] for module  because of timeout ',
  'Failed to send command call [c [d]] for module M because of timeout ',
  'Received unknown command [c] to execute ',
  'Received unknown command [c] to execute! [d] to execute ',
  'Received unknown command [] to execute ',
  'Failed to execute received command [c] with error: Exception ',
  'Failed to execute received command [c] with errors ',
  'Failed to execute received command [c] with errors [d] with error ',
  'Traceback (most recent call last): ',
];
const TAILS = ['0.5s', '9s', '9 S', '9\ts', '9sx', '9s,', '9.9.9s', '99999999999999999.5s', '9', '', 's', '.s', '0000000000000000009s', '9s in 1s'];
const pre = (m: string, t: string, level = 'DEBUG', thread = `T-${t}`) => `[2026-11-22 10:00:0${t}] ${level} : [ b ] [ ${m} ] [ COMMAND CALL ] [ PID:7 ] [ ${thread} ] `;

describe('broker scanner against the reference', () => {
  const logs: [string, () => Buffer][] = [
    ['quiet', () => { brokerLog(join(dir, 'q.log'), 2 << 20, 5); return readFileSync(join(dir, 'q.log')); }],
    ['DEBUG', () => { brokerLog(join(dir, 'd.log'), 2 << 20, 6, { debug: true }); return readFileSync(join(dir, 'd.log')); }],
    ['INFO with a real site variety', () => { variedBrokerLog(join(dir, 'vi.log'), 2 << 20, 11); return readFileSync(join(dir, 'vi.log')); }],
    ['DEBUG with a real site variety', () => { variedBrokerLog(join(dir, 'vd.log'), 2 << 20, 12, { debug: true }); return readFileSync(join(dir, 'vd.log')); }],
    ['DEBUG, PIDs, threads and times at random', () => { variedBrokerLog(join(dir, 'vw.log'), 2 << 20, 13, { debug: true, worst: true }); return readFileSync(join(dir, 'vw.log')); }],
    ['varied DEBUG with garbage', () => { variedBrokerLog(join(dir, 'vg.log'), 1 << 20, 14, { debug: true }); return garbage(readFileSync(join(dir, 'vg.log')), 15); }],
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
      // both needles on one line, in either order, closing or not (one pass finds either first)
      '[2026-11-22 10:00:01] ERROR : [ b ] [ m ] [ CLEAN AFTER FORK ] [ PID:8 ] On linux, see the COMMAND CALL [x]',
      '[2026-11-22 10:00:01] ERROR : [ b ] [ m ] [ CLEAN AFTER FORK ] [ COMMAND CALL ] [ PID:7 ] [ t ] Failed to send command call [x] for module m because of timeout (1s).',
      '[2026-11-22 10:00:01] DEBUG : [ b ] [ m ] [ COMMAND CALL ] [ PID:7 ] [ CLEAN AFTER FORK ] The command call [x] was executed by the module M in 6s',
      '[2026-11-22 10:00:02] ERROR : [ b ] [ m ] [ CLEAN AFTER FORKS ] [ PID:9 ] [ COMMAND CALL ] Failed to execute received command [y] with error: E',
      '[2026-11-22 10:00:02] ERROR : [ b ] [ m ] [ CLEAN AFTER FORK ] [ PID:9 ] On linux, the fork left [ COMMAND CALLS ]',
    ].join('\r\n') + '\n')],
    ['each message with each end', () => Buffer.from(MSGS.flatMap((msg) => TAILS.flatMap((tail) => [
      pre('m', '1') + msg + '0.5s', pre('m', '1') + msg + tail,
    ])).join('\n') + '\n')],
    // each event its own group (the command named after the line), so that every last event is compared
    ['each message at each level, errors followed by their tracebacks', () => Buffer.from(['DEBUG', 'INFO', 'WARNING', 'ERROR', 'error'].flatMap((level, n) => MSGS.flatMap((msg, k) => [
      pre(`m${k % 3}`, String(k % 4), level) + msg.replace('[c]', `[c${n}-${k}]`) + '0.5s',
      pre(`m${k % 3}`, String(k % 4), 'ERROR') + 'Traceback (most recent call last):',
      pre(`m${k % 3}`, String((k + 1) % 4), 'ERROR') + 'File "x.py", line 117',
      pre(`m${k % 3}`, String(k % 4), 'ERROR') + `  raise Exception${k}  `,
    ])).join('\n') + '\n')],
    // each byte of the stamp changed, then the level's and the PID's near misses: each line its own group
    ['stamps, levels and PIDs near the usual shape', () => Buffer.from([
      ...Array.from({ length: 21 }, (_, k) => [':', 'x', '0', ' ', '-', '[', ']'].map((c, n) => {
        const l = `[2026-11-22 10:00:01] ERROR : [ b ] [ m ] [ COMMAND CALL ] [ PID:7 ] [ t ] Failed to send command call [s${k}-${n}] for module m because of timeout (1s).`;
        return l.slice(0, k) + c + l.slice(k + 1);
      })).flat(),
      ...['DEBUG', 'DE BUG', 'INFO1', '', 'ÉRROR', 'error', 'E', 'WARNING\t', 'DEBUG:'].map((lv, k) => `[2026-11-22 10:00:01] ${lv} : [ b ] [ m ] [ COMMAND CALL ] [ PID:7 ] [ t ] The command call [l${k}] was executed by the module m in ${k}.5s`),
      ...['PID:7', 'PID:7:', 'PID:7 7', 'PI D:7', 'PID 7', 'pid:07', 'PID:', 'PID::7', 'PID:\t7\t', 'PID7', 'PIDS:7', ' PID : 7 ', 'PID:7x', 'PID:-7'].flatMap((pid, k) => [
        `[2026-11-22 10:00:02] ERROR : [ b ] [ m ] [ COMMAND CALL ] [${pid}] [ t${k} ] Failed to send command call [p${k}] for module m because of error: x`,
        `[2026-11-22 10:00:02] ERROR : [ b ] [ m ] [ COMMAND CALL ] [${pid}] [ t${k} ] Exception ${k}`,
      ]),
    ].join('\n') + '\n')],
    ['needles in messages, not as categories', () => Buffer.from([
      '[2026-11-22 10:00:00] INFO : [ b ] [ m ] [ QUEUE ] forwarded [ COMMAND CALL ] get_hosts',
      '[2026-11-22 10:00:00] ERROR : [ b ] [ m ] [ QUEUE ] after [ CLEAN AFTER FORK ] x',
      '[2026-11-22 10:00:00] ERROR : [ b ] [ m ] [ x ] [ y ] [ COMMAND CALL ] [ PID:7 ] [ t ] Failed to send command call [c] for module m because of timeout',
      '[2026-11-22 10:00:00] ERROR : [ COMMAND CALL ] [ PID:7 ] [ t ] Failed to send command call [c] for module m because of timeout',
      '[2026-11-22 10:00:00] ERROR : [ b ] [ m ]\u000b[ COMMAND CALL ] [ PID:7 ] [ t ] Failed to send command call [c] for module m because of timeout',
      '[2026-11-22 10:00:00] ERROR : [ b ] [ m ]\r[ COMMAND CALL ] [ PID:7 ] [ t ] Failed to send command call [c] for module m because of timeout',
      '[2026-11-22 10:00:00] ERROR : [ b ] [ m ]\u00a0[ COMMAND CALL ] [ PID:7 ] [ t ] Failed to send command call [c] for module m because of timeout',
      '[2026-11-22 10:00:00] ERROR : [ b ] [ m ] x [ COMMAND CALL ] [ PID:7 ] [ t ] Failed to send command call [c] for module m because of timeout',
      '[2026-11-22 10:00:00] ERROR : [ b ] [ m ] [ COMMAND CALL ] [ PID:7 ] [ t ] Failed to send command call [c] for module m because of timeout',
    ].join('\n') + '\n')],
    // a group's last event is copied when its chunk is done with (decoded, when longer than 2 KiB),
    // and decoded once the scan is over: texts of every length, each group's last far behind
    ['events with texts of every length, the last of each group in an earlier read', () => Buffer.from([
      ...Array.from({ length: 60 }, (_, k) => `[2026-11-22 10:00:00] ERROR : [ b ] [ m ] [ COMMAND CALL ] [ PID:7 ] [ t ] Failed to send command call [c${k % 20}] for module m because of timeout ${'x\u00e9 '.repeat(k * 30)}  `),
      // spaces past the 300 characters kept, then a word past 2 KiB: the last 300 are spaces, not trimmed
      `[2026-11-22 10:00:00] ERROR : [ b ] [ m ] [ COMMAND CALL ] [ PID:7 ] [ t ] Failed to send command call [long] for module m because of timeout ${' '.repeat(3000)}x`,
      ...Array.from({ length: 900 }, (_, k) => `[2026-11-22 10:00:01] INFO : [ b ] [ m ] [ QUEUE ] filler line ${k} ${'y'.repeat(150)}`),
      L.failed('c3'),
    ].join('\n') + '\n')],
    // the general parser trims any space off a thread's name, and matches a traceback's lines by it
    ['errors whose thread holds other spaces, then their tracebacks', () => Buffer.from(['\u000b', '\u00a0', '\f', ' '].flatMap((space, k) => [
      // each its own group: a group keeps only its last event
      `[2026-11-22 10:00:00] ERROR : [ b ] [ m ] [ COMMAND CALL ] [ PID:7 ] [ T-1${space} ] Failed to send command call [c${k}] for module m because of error: x`,
      '[2026-11-22 10:00:00] ERROR : [ b ] [ m ] [ COMMAND CALL ] [ PID:7 ] [ T-1 ] Traceback (most recent call last):',
      `[2026-11-22 10:00:01] ERROR : [ b ] [ m ] [ COMMAND CALL ] [ PID:8 ] [${space}T-2 ] Failed to execute received command [d${k}] with error: E`,
      '[2026-11-22 10:00:01] ERROR : [ b ] [ m ] [ COMMAND CALL ] [ PID:8 ] [ T-2 ] Exception',
    ]).join('\n') + '\n')],
  ];
  logs.push(
    ['INFO, every category with a K (adversarial)', () => { adversarialBrokerLog(join(dir, 'ak.log'), 2 << 20, 16, 'k'); return readFileSync(join(dir, 'ak.log')); }],
    ['INFO, categories that begin like the needles (adversarial)', () => { adversarialBrokerLog(join(dir, 'ap.log'), 2 << 20, 17, 'prefix'); return readFileSync(join(dir, 'ap.log')); }],
    ['DEBUG, categories that begin like the needles (adversarial)', () => { adversarialBrokerLog(join(dir, 'apd.log'), 2 << 20, 18, 'prefix', { debug: true }); return readFileSync(join(dir, 'apd.log')); }],
    ['a storm: events on 40% of the lines (adversarial)', () => { adversarialBrokerLog(join(dir, 'as.log'), 2 << 20, 19, 'storm'); return readFileSync(join(dir, 'as.log')); }],
    ['needles named in messages (adversarial)', () => { adversarialBrokerLog(join(dir, 'am.log'), 2 << 20, 20, 'mention'); return readFileSync(join(dir, 'am.log')); }],
    ['a storm with garbage', () => { adversarialBrokerLog(join(dir, 'asg.log'), 1 << 20, 21, 'storm'); return garbage(readFileSync(join(dir, 'asg.log')), 22); }],
  );
  // the rest of a line read only in part (bytes.ts: "Executing command [" is read no further)
  // holding thousands of needles that close a bracket, then an event on the next line
  const crowded = (n: number) => Buffer.from(`[2026-11-22 10:00:00] DEBUG : [ b ] [ m ] [ COMMAND CALL ] [ PID:7 ] [ t ] Executing command [x] with param [ ${'[ COMMAND CALL ] [ CLEAN AFTER FORK ] '.repeat(n)}]\n${L.failed()}\n`);
  logs.push(['a partly read line crowded with needles, then an event', () => crowded(2000)]);
  logs.push(['a line of 24,000 needles (456 KB), then an event', () => crowded(12_000)]);
  for (const [name, make] of logs) {
    for (const [mode, how] of MODES) {
      it(`${name}${how}: the same groups, counts and slowest executions`, () => {
        const bytes = make();
        const [ours, theirs]: string[][] = [[], []];
        const got = scanned(bytes, ours, mode);
        expect(got).toEqual(reference(bytes, theirs));
        expect(ours).toEqual(theirs);
        expect(Object.keys(got).length).toBeGreaterThan(0);
      });
    }
  }

  // an error read from bytes keeps where its PID and thread are until a traceback's line needs
  // them: a read that ends between the two reuses those bytes
  for (const name of ['each message at each level, errors followed by their tracebacks', 'errors whose thread holds other spaces, then their tracebacks']) {
    it(`${name}, each line read alone: the same groups and last events`, () => {
      const bytes = logs.find(([n]) => n === name)![1]();
      const got = scanned(bytes, [], 'head', true);
      expect(got).toEqual(reference(bytes));
      expect(Object.values(got).filter((g) => g.last?.text.includes(' -- ')).length).toBeGreaterThan(3);
    });
  }

  // the byte reader declines what it is unsure of, which the comparisons above cannot see: on logs
  // of the usual shape it must read every line itself, whichever way it runs
  it('reads every line of a log of the usual shape from bytes, in each way it runs', () => {
    brokerLog(join(dir, 'u.log'), 1 << 20, 23, { debug: true });
    adversarialBrokerLog(join(dir, 'us.log'), 1 << 20, 24, 'storm');
    for (const f of ['u.log', 'us.log']) {
      const bytes = readFileSync(join(dir, f));
      for (const [mode] of MODES) {
        const times: string[] = [];
        const got = scanned(bytes, times, mode);
        const events = Object.values(got).reduce((n, g) => n + Object.values(g.counts).reduce((a, b) => a + b, 0), 0);
        expect(events + times.length, `${f} ${mode}`).toBeGreaterThan(1000);
        expect(lastParsed, `${f} ${mode}`).toBe(0);
      }
    }
  });

  it('walks the rest of a partly read line once, however many needles it holds (it was quadratic: 6 s for a 680 KB line)', () => {
    for (const [mode] of MODES) {
      const t0 = performance.now();
      const got = scanned(crowded(25_000), [], mode);
      expect(performance.now() - t0).toBeLessThan(1500); // quadratic: minutes
      expect(Object.values(got).reduce((n, g) => n + (g.counts.timeouts_failed ?? 0), 0)).toBe(1);
    }
  });

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

  // Lines near the usual shape, one byte changed anywhere or near either end of the message: every
  // execution time the byte reader (bytes.ts) reads is compared, in order, with the general parser's.
  it('lines near the usual shape read as the general parser reads them', () => {
    // names and threads of 1 to 40 bytes: the line kernel looks 16 bytes a step for a name's or a
    // thread's `]` (and a byte that ends the search), then byte by byte near the chunk's end
    const line = fc.record({ m: fc.constantFrom('m', 'mm', 'mmm', 'mmmm', 'module-of-15-by', 'module-of-16-byt', 'module-of-17-byte', 'm'.repeat(40)), t: fc.constantFrom('1', '22', '333'),
      thread: fc.constantFrom('T', 'CP Server Thread-12', 'thread-of-15-by', 'thread-of-16-byt', 't'.repeat(33)),
      level: fc.constantFrom('DEBUG', 'INFO', 'WARNING', 'ERROR'), msg: fc.constantFrom(...MSGS), tail: fc.constantFrom(...TAILS),
      // one byte changed: anywhere, in the stamp, or among the first or last bytes after the stamp or of the message
      flip: fc.option(fc.record({ from: fc.constantFrom('start', 'end', 'any', 'stamp'), k: fc.nat(200), byte: fc.constantFrom(32, 9, 77, 93, 115, 48, 10, 91, 58, 233, 0, 112, 127, 99) }), { freq: 2 }) });
    fc.assert(fc.property(fc.array(line, { minLength: 20, maxLength: 120 }), (ls) => {
      const text = ls.map(({ m, t, thread, level, msg, tail, flip }) => {
        const body = pre(m, t, level, thread) + msg;
        const l = Buffer.from(body + tail);
        if (flip) {
          const at = flip.from === 'start' ? 21 + (flip.k % 5) : flip.from === 'end' ? body.length - 1 - (flip.k % 5) : flip.from === 'stamp' ? flip.k % 21 : 21 + flip.k;
          if (at < l.length) l[at] = flip.byte;
        }
        return l.toString('latin1');
      }).join('\n') + '\n';
      const bytes = Buffer.from(text, 'latin1');
      const [ours, theirs]: string[][] = [[], []];
      expect(scanned(bytes, ours)).toEqual(reference(bytes, theirs));
      expect(ours).toEqual(theirs);
      for (const mode of ['kernel', 'head'] as const) {
        const viaKernel: string[] = [];
        expect(scanned(bytes, viaKernel, mode)).toEqual(reference(bytes, []));
        expect(viaKernel).toEqual(theirs);
      }
    }), { numRuns: Number(process.env.MSGWATCH_PROPERTY_RUNS ?? 300), seed: 21 });
  });
});

describe('the group cap', () => {
  for (const [mode, how] of MODES) {
    // a run's batch keeps its groups in an object without a prototype (window.ts newBatch): names
    // an object's prototype has are groups like any other, and saved as an object literal's are
    it(`names of an object's prototype are groups like any other, saved as the reference's${how}`, () => {
      const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];
      const lines = names.flatMap((n) => [L.failed(n), L.unknown(n)].map((l) => l.replace('[ broker-master ]', `[ ${n} ]`)));
      const bytes = Buffer.from([...lines, ...lines].join('\n') + '\n');
      const groups = scanned(bytes, [], mode);
      const theirs = reference(bytes);
      expect(Object.keys(groups).sort()).toEqual(Object.keys(theirs).sort());
      expect(Object.keys(groups)).toHaveLength(names.length);
      for (const g of Object.values(groups)) expect(g.counts).toEqual({ timeouts_failed: 2, unknown_commands: 2 });
      expect(JSON.stringify(groups)).toBe(JSON.stringify(Object.fromEntries(Object.keys(groups).map((k) => [k, theirs[k]]))));
    });

    it(`keeps 500 named groups a run and counts the rest under (other), each event once${how}`, () => {
      const lines = Array.from({ length: 650 }, (_, k) => L.failed(`cmd_${k}`));
      const groups = scanned(Buffer.from([...lines, ...lines.slice(0, 3), L.failed('cmd_640')].join('\n') + '\n'), [], mode);
      const all = Object.values(groups);
      expect(all).toHaveLength(501);
      const other = all.find((g) => g.module === '(other)')!;
      expect(other.counts.timeouts_failed).toBe(151); // cmd_500..cmd_649, and cmd_640 again
      expect(all.find((g) => g.command === 'cmd_0')!.counts.timeouts_failed).toBe(2);
      expect(all.reduce((s, g) => s + (g.counts.timeouts_failed ?? 0), 0)).toBe(654);
    });
  }

  // the line kernel's table of group keys (line-kernel.ts): forgotten at 10,000 keys or when its
  // records are full, keys over 1 KiB never kept (looked up in JavaScript): counts as the parser's
  it('counts as the general parser does past 10,000 keys, with keys too long for the line kernel\'s table', () => {
    const many = Array.from({ length: 12_000 }, (_, k) => L.failed(`cmd_${k}`));
    const long = Array.from({ length: 40 }, (_, k) => L.failed(`long_${k % 4}_${'x'.repeat(1100)}`));
    const bytes = Buffer.from([...many, ...long, ...many.slice(0, 600), ...long].join('\n') + '\n');
    const [ours, theirs]: string[][] = [[], []];
    const got = scanned(bytes, ours, 'head');
    expect(got).toEqual(reference(bytes, theirs));
    expect(got['\u0001(other)\u0001(other)'].counts.timeouts_failed).toBe(12_000 + 600 + 80 - 2 * 500);
  });
  it('counts as the general parser does when the line kernel\'s records fill up (keys of 1 KiB)', () => {
    // 4 MiB of records: ~4,000 keys of 1 KiB, then the table is cleared and filled again
    const names = Array.from({ length: 9_000 }, (_, k) => L.failed(`${String(k).padStart(6, '0')}_${'y'.repeat(900)}`));
    const bytes = Buffer.from([...names, ...names.slice(0, 50)].join('\n') + '\n');
    const got = scanned(bytes, [], 'head');
    expect(got).toEqual(reference(bytes));
  });
});
