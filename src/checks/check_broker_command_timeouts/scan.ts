/**
 * The line sink: finds candidate lines with a byte search over whole chunks (most broker lines
 * are noise), reads those of the usual shape from their bytes (in WebAssembly where the line
 * buffer keeps the line kernel's room, line-kernel.ts; else bytes.ts), decodes and parses the
 * others, and adds their events to this run's batch.
 */
import type { LineSink } from '../../lib/tail/lines.js';
import { commandEvent, KINDS, parseLine, type Event, type Kind, type LogLine } from './parse.js';
import { at } from '../../lib/bytes.js';
import { ARGS, closes, COMMAND, FORK, NativeCandidates } from './candidates.js';
import { fastLine } from './bytes.js';
import { EXEC_ERRORS, EXEC_TIME, SEND_ERRORS, type CallLine } from './call-line.js';
import { KEY_LONG, LineKernel } from './line-kernel.js';
import { RangeKeys } from '../../lib/range-keys.js';
import { scanKernel } from '../../lib/tail/line-end.js';
import { getGroup, type Batch, type Group } from './window.js';
import { decodeLast, newTally, settleTally, type Tally } from './tally.js';

export interface Filters {
  broker: string[];
  module: string[];
  command: string[];
}

/** Carried across runs so a fork-cleanup ERROR block split by a run boundary counts once. */
export interface ScanCarry {
  forkBlock: string | null;
}

/** keys in the line kernel's table at most, then forgotten at once (as lib/range-keys.ts does) */
const MAX_KERNEL_KEYS = 10_000;

export class Scanner implements LineSink {
  private lastError: { group: Group; pid: string; extra: string } | null = null;
  /**
   * A send or execution error read from bytes in this chunk: its group, and where its PID and
   * thread are (errorAt). Made lastError, with strings, only when a line for the general parser
   * comes or the chunk ends (pendingError): two strings and an object for each error was a
   * twentieth of the scan of a broker in trouble.
   */
  private errorGroup: Group | null = null;
  private readonly errorAt = new Int32Array(4);
  /** the tallies of lines read from bytes (null: filtered out) by their key bytes */
  private readonly groups = new RangeKeys<Tally | null>();
  private readonly key = new Int32Array(6);
  /** each group's tally, made when a line read from bytes first names it */
  private readonly tallies = new Map<Group, Tally>();
  /** the tallies with something read in this chunk */
  private readonly touched: Tally[] = [];
  /** the chunk being scanned (a tally's positions are in it) */
  private chunk: Buffer = Buffer.alloc(0);
  /** the line kernel of the line buffer read last (none for a buffer without its room) */
  private lineKernel: LineKernel | undefined;
  private lineOf: ArrayBufferLike | null = null;
  /** the tallies by the line kernel's group index (null: filtered out) */
  private byIndex: (Tally | null)[] = [];

  constructor(readonly batch: Batch, readonly filters: Filters, readonly carry: ScanCarry) {}

  lines(buf: Buffer, start: number, end: number): void {
    // the searches run to the end of the buffer they are given: past `end` is the last read's
    // rest or bytes never written, which a search for a needle that is not there would walk
    const b = end < buf.length ? buf.subarray(0, end) : buf;
    this.chunk = b;
    const k = scanKernel(buf);
    const kernel = k?.needles;
    const back = k?.lfback;
    const native = k === undefined ? new NativeCandidates(b) : undefined;
    if (buf.buffer !== this.lineOf) { // a reader keeps one buffer: once a file
      this.lineOf = buf.buffer;
      this.lineKernel = k !== undefined ? LineKernel.in(buf) : undefined;
      this.byIndex = [];
    }
    const lk = this.lineKernel;
    const [a, b1, d1, b2, d2] = ARGS;
    let pos = start;
    let done = start; // where the last line handled was left: before it, no line starts
    for (;;) {
      const hit = kernel !== undefined ? kernel(pos, end, a, b1, d1, b2, d2) : native!.next(pos);
      if (hit < 0 || hit >= end) break;
      pos = hit + 1;
      if (hit < start) continue;
      const command = at(b, hit, COMMAND) && closes(b, hit + COMMAND.length, end);
      if (!command && !(at(b, hit, FORK) && closes(b, hit + FORK.length, end))) continue;
      // the line's start: after the last LF before the hit, not before `done`
      let ls = hit;
      if (back !== undefined) ls = back(hit, done) + 1;
      else while (ls > done && b[ls - 1] !== 10) ls--;
      if (ls === done && ls > start && b[ls - 1] !== 10) {
        // the rest of a line handled. No LF lies between `done` and the hit: the next hit's walk
        // stops here (walking back to `done` from each of the 40,000 needles a 680 KB line can
        // hold took 6 s, past -t)
        done = hit;
        continue;
      }
      // most are read from bytes only as far as their meaning needs (bytes.ts), and the search
      // resumes there: a hit before the next LF is the rest of a line read already. A needle that
      // is no category (`[ QUEUE ] forwarded [ COMMAND CALL ]`) is read there as nothing
      const f = fastLine(b, ls, end, lk);
      if (f !== null) {
        if (f.kind === 'call') this.call(f);
        // past the hit: a line read as no command-call line may stop before its needle
        pos = done = f.next > hit ? f.next : hit + 1;
        continue;
      }
      let le = hit + (command ? COMMAND.length : FORK.length);
      while (le < end && b[le] !== 10) le++;
      pos = done = le + 1; // a line is handled once, whichever needle it holds first
      this.line(b.toString('utf8', ls, le > ls && b[le - 1] === 13 ? le - 1 : le));
    }
    this.pendingError();
    if (this.touched.length > 0) this.settle(b);
  }

  /** Every execution time read goes through here (protected: a test records them all). */
  protected slowest(g: Group, seconds: number): void {
    if (Number.isFinite(seconds)) g.execMax = Math.max(g.execMax ?? 0, seconds); // "0.1.2s" is no time
  }

  /**
   * A command-call line read from bytes: its group's tally found by the index the line kernel's
   * table gave it (remember), or, read in JavaScript or with a key too long for that table, by
   * the bytes of the line's broker, module and command (lib/range-keys.ts); counted there: what
   * the general parser's add() would do, added to the group once the scan is over (finish).
   */
  private call(f: CallLine): void {
    let t = f.key >= 0 ? this.byIndex[f.key] : undefined;
    if (t === undefined) {
      const r = this.key;
      // the broker is the first name when there are two or more; the module the one the line names
      if (f.nRanges >= 4) { r[0] = f.ranges[0]; r[1] = f.ranges[1]; } else { r[0] = 0; r[1] = 0; }
      if (f.module1 > f.module0) { r[2] = f.module0; r[3] = f.module1; } else { r[2] = f.ranges[f.nRanges - 2]; r[3] = f.ranges[f.nRanges - 1]; }
      r[4] = f.command0;
      r[5] = f.command1;
      if (f.key === KEY_LONG) t = this.groups.get(f.buf, r);
      if (t === undefined) {
        const text = (k: number) => f.buf.toString('latin1', r[k], r[k + 1]);
        const [broker, module, command] = [text(0), text(2), text(4)];
        t = this.pass(broker, module, command) ? this.tallyOf(getGroup(this.batch, broker, module, command)) : null;
        if (f.key === KEY_LONG) this.groups.set(f.buf, r, t);
        else this.remember(t);
      }
    }
    this.lastError = null;
    this.errorGroup = null;
    if (t === null) return;
    if (f.event === EXEC_TIME) { this.slowest(t.group, f.seconds); return; }
    if (f.event === SEND_ERRORS || f.event === EXEC_ERRORS) {
      const e = this.errorAt;
      e[0] = f.pid0; e[1] = f.pid1; e[2] = f.thread0; e[3] = f.thread1;
      this.errorGroup = t.group;
    }
    if (!t.touched) { t.touched = true; this.touched.push(t); }
    t.counts[f.event]++;
    t.last = f.event;
    t.lineStart = f.lineStart;
    t.text0 = f.text0;
    t.text1 = f.text1;
  }

  /** The line kernel's table: the key of the line it read last is group `byIndex.length` now. */
  private remember(t: Tally | null): void {
    const k = this.lineKernel!;
    if (this.byIndex.length >= MAX_KERNEL_KEYS || !k.insert(this.byIndex.length)) {
      // full: forgotten at once, as RangeKeys forgets (a log of ever-new names must not grow it)
      k.clear();
      this.byIndex.length = 0;
      k.insert(0);
    }
    this.byIndex.push(t);
  }

  private tallyOf(g: Group): Tally {
    let t = this.tallies.get(g);
    if (t === undefined) this.tallies.set(g, t = newTally(g));
    return t;
  }

  /** Before the chunk's bytes are reused: the last events read in it, copied (or decoded, when long). */
  private settle(buf: Buffer): void {
    for (const t of this.touched) settleTally(t, buf);
    this.touched.length = 0;
  }

  /** The tally's last event, made now (for a traceback's line that changes it). */
  private lastNow(t: Tally): void {
    if (t.last >= 0) decodeLast(t, t.touched ? this.chunk : t.copy!);
  }

  /**
   * Adds what lines read from bytes counted to their groups: once the scan is over, before the
   * groups are read (definition.ts).
   */
  finish(): void {
    for (const t of this.tallies.values()) {
      const g = t.group;
      for (let k = 0; k < KINDS.length; k++) {
        if (t.counts[k] !== 0) g.counts[KINDS[k]] = (g.counts[KINDS[k]] ?? 0) + t.counts[k];
      }
      t.counts.fill(0);
      this.lastNow(t);
    }
  }

  /** A group's last event, from the general parser: later than any its tally holds. */
  private setLast(g: Group, last: NonNullable<Group['last']>): void {
    const t = this.tallies.get(g);
    if (t !== undefined) t.last = -1;
    g.last = last;
  }

  private pass(broker: string, module: string, command: string): boolean {
    const f = this.filters;
    return (f.broker.length === 0 || broker === '' || f.broker.includes(broker))
      && (f.module.length === 0 || f.module.includes(module))
      && (f.command.length === 0 || command === '' || f.command.includes(command));
  }

  /** The error read from bytes last, as lastError (its bytes are in the chunk being scanned). */
  private pendingError(): void {
    const g = this.errorGroup;
    if (g === null) return;
    const e = this.errorAt;
    this.lastError = { group: g, pid: this.chunk.toString('latin1', e[0], e[1]), extra: this.chunk.toString('latin1', e[2], e[3]) };
    this.errorGroup = null;
  }

  line(text: string): void {
    this.pendingError();
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
    this.setLast(g, { kind: ev.kind, time: l.time, text: l.text.slice(0, 300) });
    this.lastError = ev.kind === 'exec_errors' || ev.kind === 'send_errors' ? { group: g, pid: l.pid, extra: l.extra } : null;
  }

  /** Traceback lines carry the same prefix: keep the last one (the exception) with the event. */
  private continuation(l: LogLine): void {
    const e = this.lastError;
    if (!e || l.level !== 'ERROR' || l.pid !== e.pid || l.extra !== e.extra) return;
    // an error read from bytes: its last event is still in its tally
    const t = this.tallies.get(e.group);
    if (t !== undefined) this.lastNow(t);
    if (!e.group.last) return;
    const base = e.group.last.text.split(' -- ')[0];
    this.setLast(e.group, { ...e.group.last, text: `${base} -- ${l.text.slice(0, 200)}` });
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
    this.setLast(g, { kind, time: l.time, text: l.text.slice(0, 300) });
  }
}
