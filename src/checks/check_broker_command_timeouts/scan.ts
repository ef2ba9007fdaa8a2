/**
 * The line sink: finds candidate lines with a byte search over whole chunks (most broker lines
 * are noise), decodes and parses only those, and adds their events to this run's batch.
 */
import type { LineSink } from '../../lib/tail/lines.js';
import { commandEvent, parseLine, type Event, type Kind, type LogLine } from './parse.js';
import { at, fastLine, type Fast } from './fastpath.js';
import { getGroup, type Batch, type Group } from './window.js';

/**
 * Candidate lines are found by a byte search for a needle's tail that starts with a byte rare in
 * broker logs ('M', 'F'), then the bytes before the hit are checked: the native search stops at
 * every occurrence of a needle's first byte, and 'C' is everywhere (quiet 256 MiB log: 196 -> 28 ms).
 */
const NEEDLES = [
  { name: Buffer.from('COMMAND CALL'), tail: Buffer.from('MMAND CALL'), head: 'CO' },
  { name: Buffer.from('CLEAN AFTER FORK'), tail: Buffer.from('FORK'), head: 'CLEAN AFTER ' },
];

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
  /** fast-path lines' groups by their bytes (null: filtered out) */
  private readonly fastGroups = new Map<string, Group | null>();

  constructor(readonly batch: Batch, readonly filters: Filters, readonly carry: ScanCarry) {}

  lines(buf: Buffer, start: number, end: number): void {
    for (const [n, needle] of NEEDLES.entries()) {
      let pos = start;
      for (;;) {
        const t = buf.indexOf(needle.tail, pos);
        if (t < 0 || t >= end) break;
        const hit = t - needle.head.length;
        if (hit < start || !at(buf, hit, needle.head)) { pos = t + 1; continue; }
        const ls = Math.max(buf.lastIndexOf(10, hit) + 1, start);
        const nl = buf.indexOf(10, hit);
        const le = nl < 0 || nl >= end ? end : nl;
        const text = le > ls && buf[le - 1] === 13 ? le - 1 : le;
        pos = le + 1;
        if (n === 0) {
          const f = fastLine(buf, ls, text);
          if (f?.kind === 'chatter') continue;
          if (f?.kind === 'executed') { this.executed(f); continue; }
        } else if (buf.subarray(ls, le).indexOf(NEEDLES[0].name) >= 0) {
          // a line holding both needles is handled by the first search only (searched within the
          // line: a search to the chunk's end per line would be quadratic on a chunk of such lines)
          continue;
        }
        this.line(buf.toString('utf8', ls, text));
      }
    }
  }

  /** A "was executed by the module" line read from bytes: the slowest execution per group. */
  private executed(f: Extract<Fast, { kind: 'executed' }>): void {
    let g = this.fastGroups.get(f.key);
    if (g === undefined) {
      const names = f.names();
      const broker = names.length >= 2 ? names[0] : '';
      const module = f.module || names[names.length - 1];
      g = this.pass(broker, module, f.command) ? getGroup(this.batch, broker, module, f.command) : null;
      if (this.fastGroups.size > 10_000) this.fastGroups.clear();
      this.fastGroups.set(f.key, g);
    }
    this.lastError = null;
    if (g && Number.isFinite(f.seconds)) g.execMax = Math.max(g.execMax ?? 0, f.seconds);
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
      if (Number.isFinite(ev.seconds)) g.execMax = Math.max(g.execMax ?? 0, ev.seconds!); // "0.1.2s" is no time
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

