/**
 * The line sink: finds candidate lines with a byte search over whole chunks (most broker lines
 * are noise), decodes and parses only those, and adds their events to this run's batch.
 */
import type { LineSink } from '../../lib/tail/lines.js';
import { commandEvent, parseLine, type Event, type Kind, type LogLine } from './parse.js';
import { ascii, at } from '../../lib/bytes.js';
import { fastLine, type Executed } from './bytes.js';
import { RangeKeys } from '../../lib/range-keys.js';
import { needleSearch, type NeedleSearch } from '../../lib/tail/line-end.js';
import { getGroup, type Batch, type Group } from './window.js';

/**
 * Candidate lines are found by a native byte search for a short part of each needle that starts
 * with a byte rare in broker logs, then the whole needle is checked around the hit. The search
 * stops at every occurrence of the part's first byte, and parts of 7 bytes or more take a slower
 * search: on the varied quiet log of bench/varied.mjs the search for 'MMAND CALL' cost 135 ms a
 * 256 MiB and 'MMAND' nothing over the read. 'F' is in every INFO line, so the fork needle is
 * found by its 'K', a one-byte search (memchr) with no stops but the K's (BENCHMARKS.md).
 */
const COMMAND = { name: ascii('COMMAND CALL'), part: Buffer.from('MMAND'), at: 2 };
const FORK = { name: ascii('CLEAN AFTER FORK'), part: 'K'.charCodeAt(0), at: 15 };

/**
 * In a line buffer in WebAssembly memory (the reader's: lineBuffer), candidates are found by the
 * kernel's needle search instead: a needle's first and last bytes at their distance and a
 * category's end (space, TAB or `]`) after it, 16 places a step, whatever letters the lines hold
 * (issue 44: every INFO line with a K made the one-byte search stop on each line). It returns where
 * `part` would be, as the native search does, so the rest of each loop is the same either way.
 */
function candidate(pair: NeedleSearch | undefined, buf: Buffer, needle: { name: Uint8Array; part: Buffer | number; at: number }, pos: number, end: number): number {
  if (pair === undefined) return buf.indexOf(needle.part, pos);
  const n = needle.name;
  const h = pair(Math.max(0, pos - needle.at), end, n[0], n[n.length - 1], n.length - 1);
  return h >= end ? -1 : h + needle.at;
}

/**
 * Does a category end at `i` (spaces or TABs, then its `]`)? The general parser takes a line for
 * its category only when the bracket holds exactly the needle: "[ COMMAND CALLS ]" or
 * "[ CLEAN AFTER FORK TASK ]" are other categories, and reading every such line cost a log made of
 * them more than mawk's whole scan (issue 44's prefix logs).
 */
function closes(buf: Buffer, i: number, end: number): boolean {
  while (i < end && (buf[i] === 32 || buf[i] === 9)) i++;
  return i < end && buf[i] === 93;
}

export interface Filters {
  broker: string[];
  module: string[];
  command: string[];
}

/** Carried across runs so a fork-cleanup ERROR block split by a run boundary counts once. */
export interface ScanCarry {
  forkBlock: string | null;
}

export class Scanner implements LineSink {
  private lastError: { group: Group; pid: string; extra: string } | null = null;
  /** executed lines' groups (null: filtered out) by their key bytes */
  private readonly groups = new RangeKeys<Group | null>();
  private readonly key = new Int32Array(6);
  /** the kernel's needle search for the buffer being read (undefined: not a lineBuffer) */
  private pair: NeedleSearch | undefined;

  constructor(readonly batch: Batch, readonly filters: Filters, readonly carry: ScanCarry) {}

  lines(buf: Buffer, start: number, end: number): void {
    // the searches run to the end of the buffer they are given: past `end` is the last read's
    // rest or bytes never written, which a search for a needle that is not there would walk
    const b = end < buf.length ? buf.subarray(0, end) : buf;
    this.pair = needleSearch(buf);
    this.commandCalls(b, start, end);
    this.forkLines(b, start, end);
  }

  /**
   * Lines holding COMMAND CALL. Most are read from bytes only as far as their meaning needs
   * (bytes.ts), and the search resumes there: a hit before the next LF is the rest of a line
   * read already. Each byte is walked at most once, whatever the lines hold.
   */
  private commandCalls(buf: Buffer, start: number, end: number): void {
    const { at: off, name } = COMMAND;
    let pos = start;
    let done = start; // where the last line handled was left: before it, no line starts
    for (;;) {
      const t = candidate(this.pair, buf, COMMAND, pos, end);
      if (t < 0 || t >= end) return;
      const hit = t - off;
      pos = t + 1;
      if (hit < start || !at(buf, hit, name) || !closes(buf, hit + name.length, end)) continue;
      let ls = hit;
      while (ls > done && buf[ls - 1] !== 10) ls--;
      if (ls === done && ls > start && buf[ls - 1] !== 10) continue; // the rest of a line handled
      const f = fastLine(buf, ls, end);
      if (f !== null) {
        if (f.kind === 'executed') this.executed(f);
        pos = done = f.next;
        continue;
      }
      let le = hit + name.length;
      while (le < end && buf[le] !== 10) le++;
      pos = done = le + 1;
      this.line(buf.toString('utf8', ls, le > ls && buf[le - 1] === 13 ? le - 1 : le));
    }
  }

  /** Lines holding CLEAN AFTER FORK and not COMMAND CALL (those were handled above). */
  private forkLines(buf: Buffer, start: number, end: number): void {
    const { at: off, name } = FORK;
    let pos = start;
    for (;;) {
      const t = candidate(this.pair, buf, FORK, pos, end);
      if (t < 0 || t >= end) return;
      const hit = t - off;
      if (hit < start || !at(buf, hit, name) || !closes(buf, hit + name.length, end)) { pos = t + 1; continue; }
      const ls = Math.max(buf.lastIndexOf(10, hit) + 1, start);
      const nl = buf.indexOf(10, hit);
      const le = nl < 0 || nl >= end ? end : nl;
      pos = le + 1;
      // searched within the line: a search to the chunk's end per line would be quadratic on a chunk of such lines
      if (buf.subarray(ls, le).indexOf(COMMAND.name) >= 0) continue;
      this.line(buf.toString('utf8', ls, le > ls && buf[le - 1] === 13 ? le - 1 : le));
    }
  }

  /** Every execution time read goes through here (protected: a test records them all). */
  protected slowest(g: Group, seconds: number): void {
    if (Number.isFinite(seconds)) g.execMax = Math.max(g.execMax ?? 0, seconds); // "0.1.2s" is no time
  }

  /**
   * A "was executed by the module" line read from bytes: the slowest execution per group, found
   * by the bytes of the line's broker, module and command (lib/range-keys.ts).
   */
  private executed(f: Executed): void {
    const r = this.key;
    // the broker is the first name when there are two or more; the module the one the line names
    if (f.nRanges >= 4) { r[0] = f.ranges[0]; r[1] = f.ranges[1]; } else { r[0] = 0; r[1] = 0; }
    if (f.module1 > f.module0) { r[2] = f.module0; r[3] = f.module1; } else { r[2] = f.ranges[f.nRanges - 2]; r[3] = f.ranges[f.nRanges - 1]; }
    r[4] = f.command0;
    r[5] = f.command1;
    let g = this.groups.get(f.buf, r);
    if (g === undefined) {
      const text = (k: number) => f.buf.toString('latin1', r[k], r[k + 1]);
      const [broker, module, command] = [text(0), text(2), text(4)];
      g = this.pass(broker, module, command) ? getGroup(this.batch, broker, module, command) : null;
      this.groups.set(f.buf, r, g);
    }
    this.lastError = null;
    if (g) this.slowest(g, f.seconds);
  }

  private pass(broker: string, module: string, command: string): boolean {
    const f = this.filters;
    return (f.broker.length === 0 || broker === '' || f.broker.includes(broker))
      && (f.module.length === 0 || f.module.includes(module))
      && (f.command.length === 0 || command === '' || f.command.includes(command));
  }

  line(text: string): void {
    const l = parseLine(text);
    if (!l) return;
    if (l.category === 'CLEAN AFTER FORK') return this.forkCleanup(l);
    const ev = commandEvent(l);
    if (!ev) return this.continuation(l);
    if (!this.pass(ev.broker, ev.module, ev.command)) { this.lastError = null; return; }
    this.add(ev, l);
  }

  private add(ev: Event, l: LogLine): void {
    const g = getGroup(this.batch, ev.broker, ev.module, ev.command);
    if (ev.kind === 'exec_time') {
      this.slowest(g, ev.seconds!);
      this.lastError = null;
      return;
    }
    g.counts[ev.kind] = (g.counts[ev.kind] ?? 0) + 1;
    g.last = { kind: ev.kind, time: l.time, text: l.text.slice(0, 300) };
    this.lastError = ev.kind === 'exec_errors' || ev.kind === 'send_errors' ? { group: g, pid: l.pid, extra: l.extra } : null;
  }

  /** Traceback lines carry the same prefix: keep the last one (the exception) with the event. */
  private continuation(l: LogLine): void {
    const e = this.lastError;
    if (!e || l.level !== 'ERROR' || l.pid !== e.pid || l.extra !== e.extra || !e.group.last) return;
    const base = e.group.last.text.split(' -- ')[0];
    e.group.last = { ...e.group.last, text: `${base} -- ${l.text.slice(0, 200)}` };
  }

  private forkCleanup(l: LogLine): void {
    if (l.level !== 'ERROR') return;
    const module = l.names[l.names.length - 1];
    if (!this.pass('', module, '')) return;
    // one block = consecutive ERROR lines of one module/pid/sub-module in the same second
    const key = `${module}\u0001${l.pid}\u0001${l.extra}\u0001${l.time}`;
    const starts = /^On linux/i.test(l.text);
    if (!starts && this.carry.forkBlock === key) return;
    this.carry.forkBlock = key;
    const g = getGroup(this.batch, '', module, l.extra ? `cleanup of ${l.extra}` : 'cleanup');
    const kind: Kind = 'fork_cleanup_errors';
    g.counts[kind] = (g.counts[kind] ?? 0) + 1;
    g.last = { kind, time: l.time, text: l.text.slice(0, 300) };
  }
}
