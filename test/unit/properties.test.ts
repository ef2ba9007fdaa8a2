// Property-based tests of every pure parser: arbitrary bytes never throw, mutated valid samples
// parse the same however the bytes are split into reads, and rendered values parse back.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Scanner } from '../../src/checks/check_broker_command_timeouts/scan.js';
import type { Batch } from '../../src/checks/check_broker_command_timeouts/window.js';
import { countLine, countLines, countTooLong, malformedKind, newCounts, sortedQueues } from '../../src/dump/count.js';
import { getopt } from '../../src/lib/getopt.js';
import { UsageError } from '../../src/lib/errors.js';
import { STANDARD_OPTIONS } from '../../src/lib/cli.js';
import { formatPerfItem } from '../../src/lib/perfdata.js';
import { parseRange, alerts } from '../../src/lib/range.js';
import { LineAssembler, type LineSink } from '../../src/lib/tail/lines.js';
import { dumpLineBuffer, WasmNames } from '../../src/dump/names.js';
import { parseDuration, parseSize } from '../../src/lib/units.js';
import { parseHeader } from '../../src/um/header.js';
import { LABEL_ALIASES, type Block } from '../../src/um/model.js';
import { NAK_LABELS } from '../../src/checks/check_um_naks/series.js';
import { EVQ_LABELS } from '../../src/checks/check_um_event_queue/queues.js';
import { LbmmonParser } from '../../src/um/parse.js';
import { parseSent } from '../../src/um/sent.js';
import { answerCount, compileAnswer, DEFAULT_FETCH_PATTERN } from '../../src/checks/check_delayed_dump/answer.js';
import { parsePerf, ROOT } from '../helpers';

const RUNS = Number(process.env.MSGWATCH_PROPERTY_RUNS ?? 300);
const sample = (name: string) => readFileSync(join(ROOT, 'examples', 'data', name));

/** Feeds `bytes` to a sink through the reader's line assembler, cut into reads at `cuts`. */
function feed(sink: LineSink, bytes: Buffer, cuts: number[], maxLine = 1 << 16, buffer?: (size: number) => Buffer): void {
  const asm = new LineAssembler(sink, 0, maxLine, buffer);
  let prev = 0;
  for (const c of [...new Set(cuts.map((x) => x % (bytes.length + 1)))].sort((a, b) => a - b)) {
    asm.push(bytes.subarray(prev, c));
    prev = c;
  }
  asm.push(bytes.subarray(prev));
}

/** A valid sample with a few bytes flipped, inserted, deleted, or cut short. */
const mutated = (base: Buffer) => fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 255 })), { maxLength: 12 })
  .map((edits) => {
    let b = Buffer.from(base);
    for (const [at, op, byte] of edits) {
      const i = at % (b.length + 1);
      if (op === 0 && i < b.length) b[i] = byte;
      else if (op === 1) b = Buffer.concat([b.subarray(0, i), Buffer.from([byte]), b.subarray(i)]);
      else if (op === 2) b = Buffer.concat([b.subarray(0, i), b.subarray(Math.min(b.length, i + 1 + (byte % 40)))]);
      else b = b.subarray(0, i);
    }
    return b;
  });

const bytesOrMutated = (base: Buffer) => fc.oneof(fc.uint8Array({ maxLength: 2000 }).map((a) => Buffer.from(a)), mutated(base));
const cuts = fc.array(fc.nat(), { maxLength: 8 });

describe('lbmmon parser', () => {
  const base = sample('lbmmon.log').subarray(0, 60_000);
  const blocksOf = (bytes: Buffer, at: number[]) => {
    const out: unknown[] = [];
    const p = new LbmmonParser(new Set(['source', 'receiver', 'context', 'event-queue']), (b: Block) => out.push({ h: b.header.title, s: b.source, f: [...b.fields] }));
    feed(p, bytes, at);
    p.finish?.();
    return out;
  };
  it('never throws, and gives the same blocks however the bytes are split into reads', () => {
    fc.assert(fc.property(bytesOrMutated(base), cuts, (bytes, at) => {
      expect(blocksOf(bytes, at)).toEqual(blocksOf(bytes, []));
    }), { numRuns: RUNS, seed: 11 });
  });
  it('reading only the wanted labels (byte matcher) gives the general path\'s fields for those labels, on mutated samples and near-miss labels', () => {
    const labels = new Set([...NAK_LABELS, ...EVQ_LABELS]);
    const canon = new Set([...labels, ...[...LABEL_ALIASES].filter(([, c]) => labels.has(c)).map(([a]) => a)]);
    const kinds = new Set(['source', 'receiver', 'im-source', 'im-receiver', 'context', 'event-queue'] as const);
    const run = (bytes: Buffer, wanted?: Set<string>) => {
      const out: [string, [string, number | null][]][] = [];
      const p = new LbmmonParser(kinds, (b: Block) => out.push([b.header.title, [...b.fields].filter(([l]) => labels.has(l)).sort()]), wanted);
      feed(p, bytes, []);
      p.finish();
      return out;
    };
    // field lines whose label is a wanted one, one cut short or lengthened, in other case, with a
    // colon inside, padded differently: only exact labels may be read
    const label = fc.constantFrom(...canon).chain((l) => fc.oneof(
      fc.constant(l), fc.constant(l.slice(0, -1)), fc.constant(`${l}x`), fc.constant(`x${l}`), fc.constant(l.toUpperCase()),
      fc.constant(`${l.slice(0, 3)}:${l.slice(3)}`), fc.constant(`${l} `), fc.constant(` ${l}`)));
    const line = fc.tuple(label, fc.integer({ min: 0, max: 40 }), fc.nat({ max: 99999 })).map(([l, pad, v]) => `\t${l}${' '.repeat(pad)}: ${v}\n`);
    const block = fc.array(line, { maxLength: 30 }).map((ls) => `Receiver statistics received from app1 at 10.0.0.1, process ID=1, object ID=2, context instance=0000000000000001, domain ID=0, sent Fri Nov 20 00:00:30 2026\nSource: LBTRM:1\nTransport: LBT-RM\n${ls.join('')}\n`);
    fc.assert(fc.property(fc.oneof(bytesOrMutated(base), block.map((t) => Buffer.from(t, 'latin1'))), (bytes) => {
      expect(run(bytes, labels)).toEqual(run(bytes));
    }), { numRuns: RUNS * 2, seed: 13 });
  });
  it('header and stamp parsers never throw on any text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (t) => {
      parseHeader(t);
      parseHeader(`Source statistics received from ${t}`);
      parseSent(t);
    }), { numRuns: RUNS * 10, seed: 12 });
  });
});

describe('dump counter', () => {
  const base = sample('delayed-messages.dump');
  const count = (bytes: Buffer, at: number[]) => {
    const c = newCounts();
    feed({ lines: (b, s, e) => countLines(c, b, s, e), longLine: () => countTooLong(c) }, bytes, at, 4096, dumpLineBuffer); // as the dump readers do: the name table in WebAssembly
    return { messages: c.messages, malformed: c.malformed, lines: c.lines, queues: sortedQueues(c) };
  };
  it('never throws; every complete line is a message or malformed, the same for any split', () => {
    fc.assert(fc.property(bytesOrMutated(base), cuts, (bytes, at) => {
      const whole = count(bytes, []);
      expect(count(bytes, at)).toEqual(whole);
      const complete = bytes.lastIndexOf(10) + 1;
      let lf = 0;
      for (let i = 0; i < complete; i++) if (bytes[i] === 10) lf++;
      expect(whole.lines).toBe(lf);
      expect(whole.messages + whole.malformed).toBe(lf);
    }), { numRuns: RUNS, seed: 13 });
  });
  it('counts as the general path does, one line at a time (the trie and the word-wise line ends are only faster)', () => {
    fc.assert(fc.property(bytesOrMutated(base), (bytes) => {
      const complete = bytes.subarray(0, bytes.lastIndexOf(10) + 1);
      const c = newCounts();
      let p = 0;
      for (let nl = complete.indexOf(10); nl >= 0; p = nl + 1, nl = complete.indexOf(10, p)) countLine(c, complete, p, nl, true);
      const general = { messages: c.messages, malformed: c.malformed, lines: c.lines, queues: sortedQueues(c) };
      expect(count(complete, [])).toEqual(general);
    }), { numRuns: RUNS, seed: 14 });
  });
  it('counts by name as a Map of strings does, on names of any length and bytes, short and long lines (the word-wise name table and the native search of long lines)', () => {
    const name = fc.oneof(
      fc.constantFrom('host', 'service', 'check_results', 'hostgroup_linux0', 'hostgroup_linux1', 'h', 'ho', 'hos', 'hostx', 'worker_poller-11.example.net', 'a'.repeat(255), 'a'.repeat(256), 'b'.repeat(300)),
      fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 20 }),
      fc.constantFrom('ho\tst', 'hö', 'ho\x00st', ''),
      // UTF-8 (as its bytes, one latin1 character a byte) and what is no UTF-8: a lone lead or
      // continuation byte, an overlong '/', a surrogate, past U+10FFFF, a C1 control
      fc.constantFrom('servicegroup_são-paulo', 'hostgroup_東京', 'g_😀', 'x\u00a0y').map((t) => Buffer.from(t, 'utf8').toString('latin1')),
      fc.constantFrom('s\xc3o', 's\xa3o', '\xc0\xaf', '\xed\xa0\x80', '\xf4\x90\x80\x80', '\xc2\x85', 'a\xe6\x9d'),
    );
    const line = fc.record({ name, sep: fc.constantFrom(' ', ' ', ' ', '\t', ''), payload: fc.nat(600), cr: fc.constantFrom('', '', '\r') })
      .map((l) => `${l.name}${l.sep}${'Qx9+/'.repeat(Math.ceil(l.payload / 5)).slice(0, l.payload)}${l.cr}\n`);
    // enough lines that a chunk of long ones makes the next chunk's ends be searched natively
    fc.assert(fc.property(fc.array(line, { minLength: 20, maxLength: 200 }), cuts, (ls, at) => {
      const bytes = Buffer.from(ls.join(''), 'latin1');
      const byName = new Map<string, number>();
      let p = 0;
      for (let nl = bytes.indexOf(10); nl >= 0; p = nl + 1, nl = bytes.indexOf(10, p)) {
        if (nl - p > 4096 || malformedKind(bytes, p, nl)) continue;
        const q = bytes.toString('latin1', p, bytes.indexOf(32, p));
        byName.set(q, (byName.get(q) ?? 0) + 1);
      }
      const expected = [...byName].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
      expect(count(bytes, at).queues).toEqual(expected);
    }), { numRuns: RUNS, seed: 15 });
  });
  it('a queue name is printable ASCII and UTF-8 of characters from U+00A0 on: as Node\'s UTF-8 decoder reads it', () => {
    const ref = (b: Buffer) => {
      if (b.length > 255) return false;
      const t = b.toString('utf8');
      if (!Buffer.from(t, 'utf8').equals(b)) return false; // no UTF-8: decoded with U+FFFD
      for (const ch of t) { const cp = ch.codePointAt(0)!; if (!((cp >= 0x21 && cp <= 0x7e) || cp >= 0xa0)) return false; }
      return true;
    };
    const byte = fc.oneof(fc.integer({ min: 0x21, max: 0x7f }), fc.integer({ min: 0x80, max: 0xff }));
    const utf8 = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }).map((t) => [...Buffer.from(t, 'utf8')]);
    // the edges: surrogates and the last code point before them, overlong forms, C1 controls and
    // the first character after them, U+10FFFF and past it
    const edge = fc.constantFrom([0xed, 0xa0, 0x80], [0xed, 0x9f, 0xbf], [0xc0, 0xaf], [0xc1, 0xbf], [0xc2, 0x80], [0xc2, 0x9f], [0xc2, 0xa0], [0xe0, 0x9f, 0xbf],
      [0xe0, 0xa0, 0x80], [0xf0, 0x8f, 0xbf, 0xbf], [0xf0, 0x90, 0x80, 0x80], [0xf4, 0x8f, 0xbf, 0xbf], [0xf4, 0x90, 0x80, 0x80], [0xf5, 0x80, 0x80, 0x80], [0xef, 0xbf, 0xbf], [0xe2, 0x82]);
    const name = fc.array(fc.oneof(byte.map((b) => [b]), utf8, edge), { minLength: 1, maxLength: 30 }).map((parts) => Buffer.from(parts.flat()).filter((b) => b > 0x20));
    fc.assert(fc.property(name, (n) => {
      fc.pre(n.length > 0);
      const line = Buffer.concat([n, Buffer.from(' message')]);
      expect(malformedKind(line, 0, line.length) === null, Buffer.from(n).toString('latin1')).toBe(ref(Buffer.from(n)));
    }), { numRuns: 3000, seed: 44 });
  });

  it('keeps its name table in WebAssembly where the dump readers read (the JavaScript table is what the other tests compare it with)', () => {
    expect(WasmNames.in(dumpLineBuffer(4096))).toBeDefined();
    expect(WasmNames.in(Buffer.alloc(4096))).toBeUndefined();
    const b = dumpLineBuffer(4096);
    expect(WasmNames.in(b)).toBeDefined();
    expect(WasmNames.in(b)).toBeUndefined(); // one table a buffer
  });
  it('a table in WebAssembly reads names from any other buffer too (a last line without LF), as a Map of strings counts', () => {
    const names = ['host', 'a'.repeat(255), 'hostgroup_linux0', `${'x'.repeat(200)}-1`, 'a'.repeat(254)];
    fc.assert(fc.property(fc.array(fc.constantFrom(...names, 'a'.repeat(256), 'b'.repeat(300), 'h\u00f6st'), { minLength: 1, maxLength: 40 }), fc.nat(3), (later, split) => {
      const c = newCounts();
      const first = names.slice(0, split + 1).map((n) => `${n} m\n`).join('');
      feed({ lines: (b, s, e) => countLines(c, b, s, e), longLine: () => countTooLong(c) }, Buffer.from(first, 'latin1'), [], 4096, dumpLineBuffer);
      const byName = new Map<string, number>(names.slice(0, split + 1).map((n) => [n, 1]));
      for (const n of later) {
        const b = Buffer.from(`${n} m`, 'latin1'); // a plain buffer, as pending() would not be
        countLine(c, b, 0, b.length, false);
        if (n.length <= 255 && !/[^\x21-\x7e]/.test(n)) byName.set(n, (byName.get(n) ?? 0) + 1);
      }
      expect(sortedQueues(c)).toEqual([...byName].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));
    }), { numRuns: 300, seed: 16 });
  });
  it('holds thousands of long names: each counted as a Map of strings does', () => {
    const names = Array.from({ length: 3000 }, (_, i) => `${'q'.repeat(60 + (i * 7919) % 196)}-${i}`.slice(-(60 + (i % 196))));
    const byName = new Map<string, number>();
    const lines: string[] = [];
    for (let r = 0; r < 3; r++) for (let i = r; i < names.length; i += 1 + r) { lines.push(`${names[i]} m\n`); byName.set(names[i], (byName.get(names[i]) ?? 0) + 1); }
    const expected = [...byName].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    expect(count(Buffer.from(lines.join(''), 'latin1'), [])).toEqual({ messages: lines.length, malformed: 0, lines: lines.length, queues: expected });
  });
});

describe('broker scanner', () => {
  const base = sample('brokerd.log');
  const scan = (bytes: Buffer, at: number[]) => {
    const batch: Batch = { seenAt: 0, groups: {} };
    const s = new Scanner(batch, { broker: [], module: [], command: [] }, { forkBlock: null });
    feed(s, bytes, at);
    s.finish();
    return batch.groups;
  };
  it('never throws, and counts the same however the bytes are split into reads', () => {
    fc.assert(fc.property(bytesOrMutated(base), cuts, (bytes, at) => {
      expect(scan(bytes, at)).toEqual(scan(bytes, []));
    }), { numRuns: RUNS, seed: 14 });
  });
});

describe('range grammar and perfdata', () => {
  const num = fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((x) => Math.round(x * 1000) / 1000));
  it('a range written back into perfdata parses to the same range', () => {
    fc.assert(fc.property(fc.boolean(), fc.option(fc.oneof(num, fc.constant(-Infinity))), fc.option(num), (at, start, end) => {
      const s = start === null ? 0 : start;
      const e = end === null ? Infinity : end;
      fc.pre(s <= e && (start !== null || end !== null));
      const text = `${at ? '@' : ''}${start === null ? '' : start === -Infinity ? '~:' : `${start}:`}${end === null ? '' : end}`;
      const r = parseRange(text);
      const perf = formatPerfItem({ label: 'm', value: 1, warn: r });
      const back = parseRange(parsePerf(`X OK - s | ${perf}`).m.split(';')[1]);
      expect([back.start, back.end, back.inside]).toEqual([r.start, r.end, r.inside]);
      for (const v of [s - 1, s, e, (s + e) / 2, e + 1]) if (Number.isFinite(v)) expect(alerts(back, v)).toBe(alerts(r, v));
    }), { numRuns: RUNS * 10, seed: 15 });
  });
  it('range, duration and size parsers refuse or accept any text without throwing anything else', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (t) => {
      for (const f of [parseRange, parseDuration, parseSize]) {
        try { f(t); } catch (e) { expect(e).toBeInstanceOf(Error); expect((e as Error).message.length).toBeLessThan(400); }
      }
    }), { numRuns: RUNS * 10, seed: 16 });
  });
  it('a rendered perfdata value parses back to the same number', () => {
    fc.assert(fc.property(fc.double({ min: -1e12, max: 1e12, noNaN: true }), (v) => {
      const text = formatPerfItem({ label: 'x', value: v });
      const back = Number(parsePerf(`X OK - s | ${text}`).x);
      expect(Math.abs(back - v)).toBeLessThanOrEqual(Math.max(1e-6, Math.abs(v) * 1e-12));
    }), { numRuns: RUNS * 10, seed: 17 });
  });
});

describe('command line', () => {
  it('any argument vector parses or is a usage error, never anything else', () => {
    const arg = fc.oneof(fc.constantFrom('-w', '-c', '-t', '-v', '-vvv', '--warning', '--timeout=', '--', '-', '--dry-run', '-h', '--state-dir', '-f'), fc.string({ maxLength: 12 }));
    fc.assert(fc.property(fc.array(arg, { maxLength: 8 }), (argv) => {
      try { getopt(argv, { file: { alias: 'f', type: 'string' }, ...STANDARD_OPTIONS }); } catch (e) { expect(e).toBeInstanceOf(UsageError); }
    }), { numRuns: RUNS * 10, seed: 18 });
  });
});

describe('the --fetch answer', () => {
  const re = compileAnswer(DEFAULT_FETCH_PATTERN);
  it('takes the count near "delayed", never the log time or the echo of the command', () => {
    expect(answerCount('[1732252800] Delayed messages: 42', re)).toBe(42);
    expect(answerCount('[1732252800] 42 messages in delayed_messages', re)).toBe(42);
    expect(answerCount('[1732252800] EXTERNAL COMMAND: _OPDB_FETCH_DELAYED;', re)).toBeNull();
    expect(answerCount('[1732252800] SERVICE ALERT: h;s;OK;HARD;1;fine', re)).toBeNull();
  });
  it('does bounded work on any line, with the default or any accepted pattern', () => {
    fc.assert(fc.property(fc.string({ maxLength: 3000 }), (t) => { answerCount(t, re); }), { numRuns: RUNS * 3, seed: 19 });
    const long = `delayed ${'x'.repeat(1 << 20)}`;
    const t0 = performance.now();
    expect(answerCount(long, re)).toBeNull();
    expect(performance.now() - t0).toBeLessThan(1000); // cut at 1024 characters: not 1 MiB of backtracking
    expect(() => compileAnswer('(a*)*(\\d+)')).toThrow(/exponential/);
    expect(() => compileAnswer('(?:x+)+(\\d+)')).toThrow(/exponential/);
    expect(() => compileAnswer('((\\d+))')).not.toThrow();
  });
});

// The kernel's two-needle search (lib/tail/line-end.ts) against a byte loop: anywhere in a
// two-page memory up to its last byte, at every distance a needle of the scan can have and beyond,
// either needle the longer, sharing a first byte or not.
describe('needles search kernel', () => {
  // one line buffer, its kernel's functions bound to its memory (none for a buffer off its start)
  const kernelBuffer = async () => {
    const { lineBuffer, scanKernel } = await import('../../src/lib/tail/line-end.js');
    const buf = lineBuffer(131072);
    const k = scanKernel(buf);
    expect(k).toBeDefined();
    expect(scanKernel(buf.subarray(1))).toBeUndefined();
    return { buf, k: k! };
  };

  it('finds the first place where either needle (one first byte, two last bytes at their distances) stands and a category closes after it (spaces or TABs, then ]), as a byte loop does', async () => {
    const { buf, k: { needles } } = await kernelBuffer();
    const alphabet = [67, 75, 76, 32, 9, 93, 0, 255, 77, 109];
    const stands = (i: number, end: number, a: number, b: number, d: number) => {
      if (!(i + d < end && buf[i] === a && buf[i + d] === b)) return false;
      let k = i + d + 1;
      while (k < end && (buf[k] === 32 || buf[k] === 9)) k++;
      return k < end && buf[k] === 93;
    };
    fc.assert(fc.property(
      fc.uint8Array({ minLength: 1, maxLength: 400 }), fc.nat(131072), fc.nat(400), fc.nat(400),
      fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }),
      fc.constantFrom(67, 75, 0), fc.constantFrom(76, 75, 255), fc.constantFrom(75, 109, 255),
      (bytes, where, from, to, d1, d2, a, b1, b2) => {
        const base = Math.min(where, 131072 - bytes.length);
        buf.set(bytes.map((x) => alphabet[x % alphabet.length]), base);
        const p = base + Math.min(from, bytes.length);
        const end = base + Math.min(to, bytes.length);
        let want = end;
        for (let i = p; i < end; i++) if (stands(i, end, a, b1, d1) || stands(i, end, a, b2, d2)) { want = i; break; }
        expect(needles(p, end, a, b1, d1, b2, d2)).toBe(want);
      }), { numRuns: 20000, seed: 45 });
  });

  it('lfback finds the last LF before p and not before lo (or lo - 1), as a byte loop does, anywhere in its memory', async () => {
    const { buf, k: { lfback: back } } = await kernelBuffer();
    fc.assert(fc.property(
      fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.nat(131072), fc.nat(300), fc.nat(300), fc.constantFrom(0.02, 0.2, 0.9),
      (bytes, where, a, b, density) => {
        const base = Math.min(where, 131072 - bytes.length);
        buf.set(bytes.map((x) => (x / 256 < density ? 10 : x === 10 ? 11 : x)), base);
        const lo = base + Math.min(a, b, bytes.length);
        const p = base + Math.min(Math.max(a, b), bytes.length);
        let want = lo - 1;
        for (let i = p - 1; i >= lo; i--) if (buf[i] === 10) { want = i; break; }
        expect(back(p, lo)).toBe(want);
      }), { numRuns: 20000, seed: 46 });
  });
});
