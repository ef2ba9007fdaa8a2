import { lineEnd } from '../lib/tail/line-end.js';
import { dataView } from '../lib/views.js';
import { MAX_NAMES, WasmNames } from './names.js';

/**
 * Pure counting of OpMon delayed-messages dump lines, `<queue> <message>` each, shared by the
 * check and the event handler so that both count one dump the same way. Works on byte ranges of
 * complete lines so that a multi-GiB dump is counted without decoding or copying each line.
 */

export type MalformedKind = 'no-space' | 'empty-queue' | 'empty-line' | 'binary' | 'too-long' | 'empty-message';

export interface DumpCounts {
  messages: number;
  malformed: number;
  queues: QueueTable;
  /** messages of queues beyond the first MAX_QUEUES */
  other: number;
  malformedKinds: Partial<Record<MalformedKind, number>>;
  /** the first few malformed lines, for the long output */
  samples: { line: number; kind: MalformedKind }[];
  lines: number;
}

const MAX_QUEUES = MAX_NAMES;
const MAX_QUEUE_NAME = 255;
const OTHER = '(other queues)';
/** table slots: a power of two, well above MAX_QUEUES so that probes stay short */
const SLOTS = 1 << 15;
const HIGHS = 0x80808080;

/** A table of queue names, found from a line's bytes: what QueueTable keeps its names in. */
export interface NameTable {
  /** where the last find() stopped: the first byte below '!' after the name, or `end` */
  stop: number;
  /** the index of the known name at buf[start, ...) up to the first byte below '!' (or `end`), -1 for one not known, -2 for one longer than any valid name */
  find(buf: Buffer, start: number, end: number): number;
  /** adds the valid name buf[start, end), just missed by find(), as `index` */
  insert(buf: Buffer, start: number, end: number, index: number): void;
}

/**
 * The queue names in JavaScript, without a string: the name is read a 32-bit word at a time up
 * to the first byte below '!' (the space after it, or a LF, CR, TAB, NUL: never past a line's
 * end), hashed as it is read, and compared word by word with the one name its hash slot holds.
 * The byte trie it replaced walked one dependent load a byte and needed a node cap with an
 * overflow map beyond it; this is a few percent faster (issue 32) and holds every queue up to
 * MAX_QUEUES. The dump readers' line buffers hold the same table in WebAssembly (names.ts, three
 * times as fast on long names); this one is for any other buffer.
 */
class JsNames implements NameTable {
  /** each name's words (the last one zero-padded) and byte length */
  private words: Int32Array[] = [];
  private lens: number[] = [];
  /** hash slot -> name index + 1; 0: empty */
  private readonly table = new Int32Array(SLOTS);
  /** the words of the name find() read last */
  private readonly seen = new Int32Array((MAX_QUEUE_NAME >> 2) + 2);
  private seenWords = 0;
  private seenHash = 0;
  stop = 0;

  find(buf: Buffer, start: number, end: number): number {
    const dv = dataView(buf);
    const seen = this.seen;
    let h = 0x811c9dc5;
    let i = start;
    let k = 0;
    let stopped = false;
    for (; i + 4 <= end && k < seen.length - 1; i += 4) {
      const w = dv.getInt32(i, true);
      // bytes below 0x21: the SWAR "has less than" test; its lowest hit is exact
      const m = (w - 0x21212121) & ~w & HIGHS;
      if (m !== 0) {
        const n = (31 - Math.clz32(m & -m)) >> 3;
        if (n > 0) {
          const part = w & ((1 << (8 * n)) - 1);
          seen[k++] = part;
          h = Math.imul(h ^ part, 16777619);
        }
        i += n;
        stopped = true;
        break;
      }
      seen[k++] = w;
      h = Math.imul(h ^ w, 16777619);
    }
    if (!stopped) {
      // the last bytes before `end`, one at a time, into a last word
      let part = 0;
      let n = 0;
      while (i < end && buf[i] > 32 && n < 4) { part |= buf[i] << (8 * n); i++; n++; }
      if (n > 0) { seen[k++] = part; h = Math.imul(h ^ part, 16777619); }
      if (n === 4 && i < end && buf[i] > 32) { this.stop = i; return -2; } // longer than any valid name
    }
    this.stop = i;
    const len = i - start;
    h = Math.imul(h ^ len, 16777619);
    this.seenWords = k;
    this.seenHash = h;
    const mask = SLOTS - 1;
    for (let slot = (h ^ (h >>> 15)) & mask; ; slot = (slot + 1) & mask) {
      const q = this.table[slot] - 1;
      if (q < 0) return -1;
      if (this.lens[q] !== len) continue;
      const ws = this.words[q];
      let j = 0;
      while (j < k && ws[j] === seen[j]) j++;
      if (j === k) return q;
    }
  }

  insert(_buf: Buffer, start: number, end: number, index: number): void {
    this.words[index] = this.seen.slice(0, this.seenWords);
    this.lens[index] = end - start;
    const mask = SLOTS - 1;
    let slot = (this.seenHash ^ (this.seenHash >>> 15)) & mask;
    while (this.table[slot] !== 0) slot = (slot + 1) & mask;
    this.table[slot] = index + 1;
  }
}

/**
 * The queues seen and their counts. Their names are looked up in WebAssembly where the first
 * buffer read is a dump reader's line buffer with room for the table, else in JavaScript. Only
 * valid names are inserted; anything else takes the slow path.
 */
export class QueueTable {
  names: string[] = [];
  counts: number[] = [];
  /** where the last find() stopped: the first byte below '!' after the name, or `end` */
  stop = 0;
  /** chosen at the first find() */
  private table: NameTable | undefined;

  /** The index of the known name at buf[start, ...) up to the first byte below '!', or -1. */
  find(buf: Buffer, start: number, end: number): number {
    const t = (this.table ??= WasmNames.in(buf) ?? new JsNames());
    const k = t.find(buf, start, end);
    this.stop = t.stop;
    return k < 0 ? -1 : k;
  }

  /** Adds the valid name buf[start, end) (validQueue: no space) that find() just missed; names are kept as their bytes, one latin1 character a byte (gearman/names.ts shows them). */
  insert(buf: Buffer, start: number, end: number): number {
    this.table ??= WasmNames.in(buf) ?? new JsNames();
    if (this.table.find(buf, start, end) !== -1) throw new Error('insert: a known or unread name');
    const q = this.names.length;
    this.names.push(buf.toString('latin1', start, end));
    this.counts.push(0);
    this.table.insert(buf, start, end, q);
    return q;
  }
}

export function newCounts(): DumpCounts {
  return { messages: 0, malformed: 0, queues: new QueueTable(), other: 0, malformedKinds: {}, samples: [], lines: 0 };
}

function bad(c: DumpCounts, kind: MalformedKind): void {
  c.malformed++;
  c.malformedKinds[kind] = (c.malformedKinds[kind] ?? 0) + 1;
  if (c.samples.length < 5) c.samples.push({ line: c.lines, kind });
}

/**
 * Queue names are Gearman function names, made by mod_gearman and OpMon from the site's own names
 * (`servicegroup_<group>`): printable ASCII without spaces, and UTF-8 of characters from U+00A0 on
 * (a group named in the site's language: `servicegroup_são-paulo`). Anything else (a control
 * byte, a byte that is no UTF-8, an overlong form, a surrogate) is what a binary file holds.
 */
function validQueue(buf: Buffer, start: number, end: number): boolean {
  if (end - start > MAX_QUEUE_NAME) return false;
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (b >= 0x21 && b <= 0x7e) continue;
    let n: number, min: number;
    if (b >= 0xc2 && b <= 0xdf) { n = 1; min = 0xa0; } else if (b >= 0xe0 && b <= 0xef) { n = 2; min = 0x800; } else if (b >= 0xf0 && b <= 0xf4) { n = 3; min = 0x10000; } else return false;
    if (i + n >= end) return false;
    let cp = b & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const c = buf[i + k];
      if ((c & 0xc0) !== 0x80) return false;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n;
  }
  return true;
}

/**
 * What is wrong with the line buf[start, end) (no LF; a trailing CR is ignored), or null for a
 * message: the one rule the check's count and the handler's Gearman import share.
 */
export function malformedKind(buf: Buffer, start: number, end: number, checkBinary = true): MalformedKind | null {
  if (end > start && buf[end - 1] === 13) end--;
  if (end === start) return 'empty-line';
  const sp = buf.indexOf(32, start);
  if (sp < 0 || sp >= end) return 'no-space';
  if (sp === start) return 'empty-queue';
  if (sp + 1 >= end) return 'empty-message';
  if (!validQueue(buf, start, sp)) return 'binary';
  if (checkBinary) {
    const nul = buf.indexOf(0, sp);
    if (nul >= 0 && nul < end) return 'binary';
  }
  return null;
}

/** One line, without its LF (a trailing CR is ignored). The slow, general path. */
export function countLine(c: DumpCounts, buf: Buffer, start: number, end: number, checkBinary: boolean): void {
  c.lines++;
  const kind = malformedKind(buf, start, end, checkBinary);
  if (kind) return bad(c, kind);
  const sp = buf.indexOf(32, start);
  c.messages++;
  const queues = c.queues;
  let k = queues.find(buf, start, sp);
  if (k < 0 && queues.names.length < MAX_QUEUES) k = queues.insert(buf, start, sp);
  if (k >= 0) queues.counts[k]++;
  else c.other++;
}

/** buf[start, end) holds complete lines, each ending in LF. */
export function countLines(c: DumpCounts, buf: Buffer, start: number, end: number): void {
  const nul = buf.indexOf(0, start);
  const checkBinary = nul >= 0 && nul < end;
  const queues = c.queues;
  let pos = start;
  while (pos < end) {
    let nl: number;
    // fast path: a known queue, a space, a message (before a CR that ends the line, as the slow
    // path reads it: a CRLF dump took the slow path on every line, 1.3x mawk), no NUL in the
    // chunk. The name is walked once: the line's end is searched from where the name stopped
    if (!checkBinary) {
      const k = queues.find(buf, pos, end);
      const sp = queues.stop;
      nl = lineEnd(buf, sp, end);
      if (k >= 0 && buf[sp] === 32 && sp + 1 < (buf[nl - 1] === 13 ? nl - 1 : nl)) {
        c.lines++;
        c.messages++;
        queues.counts[k]++;
        pos = nl + 1;
        continue;
      }
    } else nl = lineEnd(buf, pos, end);
    countLine(c, buf, pos, nl, checkBinary);
    pos = nl + 1;
  }
}

export function countTooLong(c: DumpCounts): void {
  c.lines++;
  bad(c, 'too-long');
}

export function sortedQueues(c: DumpCounts): [string, number][] {
  const all: [string, number][] = c.queues.names.map((n, i) => [n, c.queues.counts[i]]);
  if (c.other > 0) all.push([OTHER, c.other]);
  return all.filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}
