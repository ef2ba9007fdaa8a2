/**
 * The line sink: finds candidate lines with a byte search over whole chunks (most broker lines
 * are noise), decodes and parses only those, and adds their events to this run's batch.
 */
import type { LineSink } from '../../lib/tail/lines.js';
import { commandEvent, parseLine, type Event, type Kind, type LogLine } from './parse.js';
import { ascii, at } from '../../lib/bytes.js';
import { fastLine, type Executed } from './bytes.js';
import { RangeKeys } from '../../lib/range-keys.js';
import { needlesSearch } from '../../lib/tail/line-end.js';
import { getGroup, type Batch, type Group } from './window.js';

/**
 * Candidate lines are found by the WebAssembly kernel's two-needle search over the reader's
 * buffer (lib/tail/line-end.ts: needles): each needle's first and last bytes at their distance
 * and its category closed after it (spaces or TABs, then `]`), both needles in one pass, 32
 * places a step, whatever letters the lines hold (issue 44: a one-byte search for a needle's
 * rarest byte stopped on every line of a log whose every line held it, and a pass per needle cost
 * a second walk). The kernel checks neither needle's middle: `at` below does.
 */
const COMMAND = ascii('COMMAND CALL');
const FORK = ascii('CLEAN AFTER FORK');
const ARGS = [COMMAND[0], COMMAND[COMMAND.length - 1], COMMAND.length - 1, FORK[0], FORK[FORK.length - 1], FORK.length - 1] as const;

/**
 * Without the kernel (a buffer outside WebAssembly memory, or no WebAssembly), native searches for
 * a part of each needle, the nearer hit first: 'MMAND' for the command needle, the fork needle's
 * 'K' (BENCHMARKS.md: 'F' is in every INFO line). Both return where a needle would begin.
 */
class NativeCandidates {
  private nc = -2;
  private nf = -2;
  constructor(private readonly buf: Buffer) {}
  next(pos: number): number {
    if (this.nc !== -1 && this.nc < pos) { const t = this.buf.indexOf(MMAND, pos + 2); this.nc = t < 0 ? -1 : t - 2; }
    if (this.nf !== -1 && this.nf < pos) { const t = this.buf.indexOf(75, pos + 15); this.nf = t < 0 ? -1 : t - 15; }
    return this.nc < 0 ? this.nf : this.nf < 0 ? this.nc : Math.min(this.nc, this.nf);
  }
}
const MMAND = Buffer.from('MMAND');

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

  constructor(readonly batch: Batch, readonly filters: Filters, readonly carry: ScanCarry) {}

  lines(buf: Buffer, start: number, end: number): void {
    // the searches run to the end of the buffer they are given: past `end` is the last read's
    // rest or bytes never written, which a search for a needle that is not there would walk
    const b = end < buf.length ? buf.subarray(0, end) : buf;
    const kernel = needlesSearch(buf);
    const native = kernel === undefined ? new NativeCandidates(b) : undefined;
    const [a1, b1, d1, a2, b2, d2] = ARGS;
    let pos = start;
    let done = start; // where the last line handled was left: before it, no line starts
    for (;;) {
      const hit = kernel !== undefined ? kernel(pos, end, a1, b1, d1, a2, b2, d2) : native!.next(pos);
      if (hit < 0 || hit >= end) return;
      pos = hit + 1;
      if (hit < start) continue;
      const command = at(b, hit, COMMAND) && closes(b, hit + COMMAND.length, end);
      if (!command && !(at(b, hit, FORK) && closes(b, hit + FORK.length, end))) continue;
      let ls = hit;
      while (ls > done && b[ls - 1] !== 10) ls--;
      if (ls === done && ls > start && b[ls - 1] !== 10) {
        // the rest of a line handled. No LF lies between `done` and the hit: the next hit's walk
        // stops here (walking back to `done` from each of the 40,000 needles a 680 KB line can
        // hold took 6 s, past -t)
        done = hit;
        continue;
      }
      if (command) {
        // most are read from bytes only as far as their meaning needs (bytes.ts), and the search
        // resumes there: a hit before the next LF is the rest of a line read already
        const f = fastLine(b, ls, end);
        if (f !== null) {
          if (f.kind === 'executed') this.executed(f);
          pos = done = f.next;
          continue;
        }
      }
      let le = hit + (command ? COMMAND.length : FORK.length);
      while (le < end && b[le] !== 10) le++;
      pos = done = le + 1; // a line is handled once, whichever needle it holds first
      this.line(b.toString('utf8', ls, le > ls && b[le - 1] === 13 ? le - 1 : le));
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
