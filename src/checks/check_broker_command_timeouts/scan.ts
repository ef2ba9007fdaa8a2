/**
 * The line sink: finds candidate lines with a byte search over whole chunks (most broker lines
 * are noise), decodes and parses only those, and adds their events to this run's batch.
 */
import type { LineSink } from '../../lib/tail/lines.js';
import { commandEvent, parseLine, type Event, type Kind, type LogLine } from './parse.js';
import { at, fastLine, stamped, type Executed } from './fastpath.js';
import { bodyEnd, secondsAt, Shapes } from './shapes.js';
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
  /** fast-path lines' groups (null: filtered out) by keyHash(), each with its key bytes */
  private readonly fastGroups = new Map<number, { key: Buffer; group: Group | null }[]>();
  private fastKeys = 0;
  private readonly shapes = new Shapes<Group>();

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
          if (this.known(buf, ls, text, hit)) continue;
        } else if (buf.subarray(ls, le).indexOf(NEEDLES[0].name) >= 0) {
          // a line holding both needles is handled by the first search only (searched within the
          // line: a search to the chunk's end per line would be quadratic on a chunk of such lines)
          continue;
        }
        this.line(buf.toString('utf8', ls, text));
      }
    }
  }

  /**
   * Whether the command-call line buf[ls, le) was read without the general parser: its body
   * (shapes.ts) seen before, or the fast path read it (and its body is remembered when the
   * reading depends on nothing else).
   */
  private known(buf: Buffer, ls: number, le: number, hit: number): boolean {
    if (!stamped(buf, ls, le)) return false;
    const s = ls + 21;
    const b = bodyEnd(buf, s, le);
    const v = this.shapes.find(buf, s, b);
    if (v !== undefined) {
      if (v.chatter) return true;
      if (b < le) { // an executed body is followed by its seconds
        this.lastError = null;
        if (v.group) this.slowest(v.group, secondsAt(buf, b, le));
        return true;
      }
    }
    const f = fastLine(buf, ls, le, hit);
    if (f === null) return false;
    if (f.kind === 'chatter') {
      if (f.readTo <= b) this.shapes.remember(buf, s, b, { chatter: true });
      return true;
    }
    const g = this.executed(f);
    if (f.seconds0 === b) this.shapes.remember(buf, s, b, { chatter: false, group: g });
    return true;
  }

  /** Every execution time read goes through here (protected: a test records them all). */
  protected slowest(g: Group, seconds: number): void {
    if (Number.isFinite(seconds)) g.execMax = Math.max(g.execMax ?? 0, seconds); // "0.1.2s" is no time
  }

  /**
   * A "was executed by the module" line read from bytes: the slowest execution per group. The
   * group is found by the line's name, command and module bytes, compared with the bytes of the
   * groups seen before: strings are made only for a new one.
   */
  private executed(f: Executed): Group | null {
    const h = keyHash(f);
    let list = this.fastGroups.get(h);
    let g: Group | null | undefined;
    if (list !== undefined) {
      for (let i = 0; i < list.length; i++) if (sameKey(list[i].key, f)) { g = list[i].group; break; }
    }
    if (g === undefined) {
      const names = f.names();
      const broker = names.length >= 2 ? names[0] : '';
      const module = f.module || names[names.length - 1];
      const command = f.command;
      g = this.pass(broker, module, command) ? getGroup(this.batch, broker, module, command) : null;
      if (this.fastKeys++ > 10_000) { this.fastGroups.clear(); this.fastKeys = 0; list = undefined; }
      if (list === undefined) this.fastGroups.set(h, list = []);
      list.push({ key: keyBytes(f), group: g });
    }
    this.lastError = null;
    if (g) this.slowest(g, f.seconds);
    return g;
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

/** A cheap hash of an executed line's key ranges (lengths and edge bytes); sameKey() decides. */
function keyHash(f: Executed): number {
  const b = f.buf;
  return ((((f.namesTo - f.namesFrom) * 977 + (f.command1 - f.command0)) * 977 + (f.module1 - f.module0)) * 31
    + b[f.command0] * 7 + b[f.command1 - 1] * 3 + b[f.module1 - 1]) | 0;
}

/** The names, command and module bytes of an executed line, each range ended by 0x01 (never in a line). */
function keyBytes(f: Executed): Buffer {
  const parts = [[f.namesFrom, f.namesTo], [f.command0, f.command1], [f.module0, f.module1]];
  return Buffer.concat(parts.map(([a, z]) => Buffer.concat([f.buf.subarray(a, z), Buffer.of(1)])));
}

function sameKey(key: Buffer, f: Executed): boolean {
  let k = sameRange(key, 0, f.buf, f.namesFrom, f.namesTo);
  if (k >= 0) k = sameRange(key, k, f.buf, f.command0, f.command1);
  if (k >= 0) k = sameRange(key, k, f.buf, f.module0, f.module1);
  return k === key.length;
}

/** Whether key[k...] is buf[a, z) then 0x01: the offset after it, or -1. */
function sameRange(key: Buffer, k: number, buf: Buffer, a: number, z: number): number {
  if (key[k + z - a] !== 1) return -1;
  for (let i = a; i < z; i++, k++) if (buf[i] !== key[k]) return -1;
  return k + 1;
}
