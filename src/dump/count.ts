import { lineEnd } from '../lib/tail/line-end.js';

/**
 * Pure counting of OpMon delayed-messages dump lines, `<queue> <message>` each, shared by the
 * check and the event handler so that both count one dump the same way. Works on byte ranges of
 * complete lines so that a multi-GiB dump is counted without decoding or copying each line.
 */

export type MalformedKind = 'no-space' | 'empty-queue' | 'empty-line' | 'binary' | 'too-long' | 'empty-message';

export interface DumpCounts {
  messages: number;
  malformed: number;
  trie: QueueTrie;
  /** queues beyond the trie's capacity */
  overflow: Map<string, number>;
  malformedKinds: Partial<Record<MalformedKind, number>>;
  /** the first few malformed lines, for the long output */
  samples: { line: number; kind: MalformedKind }[];
  lines: number;
}

const MAX_QUEUES = 10_000;
const MAX_QUEUE_NAME = 255;
const OTHER = '(other queues)';
/** trie nodes at most: 256 edges of 4 bytes each, so 4 MiB; more names go to the overflow map */
const MAX_NODES = 4096;

/**
 * Known queue names as a byte trie, so that counting a line needs no string and no hash
 * lookup: its queue bytes are walked to a node that holds the queue's counter, one array read a
 * byte (a node's edges are indexed by the byte itself: no range check, no subtraction). Only
 * valid names seen before are in it; anything else takes the slow path once.
 */
export class QueueTrie {
  next = new Int32Array(256 * 64);
  slot = new Int32Array(64).fill(-1); // node -> counter index, -1 when no name ends here
  nodes = 1;
  names: string[] = [];
  counts: number[] = [];
  /** where the last find() stopped: the space after the name, or the byte it could not follow */
  stop = 0;

  /**
   * Walks a queue name from `start` up to the first space or `end`. Returns the counter index of
   * the known name that ends there, or -1. A byte no name holds (LF, CR, NUL, non-ASCII) has no
   * edge, so the walk never passes a line's end.
   */
  find(buf: Buffer, start: number, end: number): number {
    const next = this.next;
    let node = 0;
    let i = start;
    for (; i < end; i++) {
      const b = buf[i];
      if (b === 32) break;
      node = next[(node << 8) | b];
      if (node === 0) { this.stop = i; return -1; }
    }
    this.stop = i;
    return this.slot[node];
  }

  /** Adds a valid name (printable ASCII, no space); -1 when the trie is full. */
  insert(buf: Buffer, start: number, end: number): number {
    let node = 0;
    for (let i = start; i < end; i++) {
      const idx = (node << 8) | buf[i];
      let n = this.next[idx];
      if (n === 0) {
        if (this.nodes >= MAX_NODES) return -1;
        n = this.nodes++;
        if (n >= this.slot.length) this.grow();
        this.next[idx] = n;
      }
      node = n;
    }
    if (this.slot[node] < 0) {
      this.slot[node] = this.names.length;
      this.names.push(buf.toString('latin1', start, end));
      this.counts.push(0);
    }
    return this.slot[node];
  }

  private grow(): void {
    const next = new Int32Array(this.next.length * 2);
    next.set(this.next);
    this.next = next;
    const slot = new Int32Array(this.slot.length * 2).fill(-1);
    slot.set(this.slot);
    this.slot = slot;
  }
}

export function newCounts(): DumpCounts {
  return { messages: 0, malformed: 0, trie: new QueueTrie(), overflow: new Map(), malformedKinds: {}, samples: [], lines: 0 };
}

function bad(c: DumpCounts, kind: MalformedKind): void {
  c.malformed++;
  c.malformedKinds[kind] = (c.malformedKinds[kind] ?? 0) + 1;
  if (c.samples.length < 5) c.samples.push({ line: c.lines, kind });
}

/** Queue names are Gearman function names: printable ASCII, no spaces. */
function validQueue(buf: Buffer, start: number, end: number): boolean {
  if (end - start > MAX_QUEUE_NAME) return false;
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (b < 0x21 || b > 0x7e) return false;
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
  // queues known: those in the trie, and those beyond its capacity counted by name
  const known = () => c.trie.names.length + c.overflow.size - (c.overflow.has(OTHER) ? 1 : 0);
  let k = c.trie.find(buf, start, sp);
  if (k < 0 && known() < MAX_QUEUES) k = c.trie.insert(buf, start, sp);
  if (k >= 0) c.trie.counts[k]++;
  else {
    const name = buf.toString('latin1', start, sp);
    const q = c.overflow.has(name) || known() < MAX_QUEUES ? name : OTHER;
    c.overflow.set(q, (c.overflow.get(q) ?? 0) + 1);
  }
}

/** buf[start, end) holds complete lines, each ending in LF. */
export function countLines(c: DumpCounts, buf: Buffer, start: number, end: number): void {
  const nul = buf.indexOf(0, start);
  const checkBinary = nul >= 0 && nul < end;
  const trie = c.trie;
  let pos = start;
  while (pos < end) {
    let nl: number;
    // fast path: a known queue, a space, a message, no CR, no NUL in the chunk. The name is
    // walked once: the line's end is searched from where the name stopped
    if (!checkBinary) {
      const k = trie.find(buf, pos, end);
      const sp = trie.stop;
      nl = lineEnd(buf, sp, end);
      if (k >= 0 && sp + 1 < nl && buf[nl - 1] !== 13) {
        c.lines++;
        c.messages++;
        trie.counts[k]++;
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
  const all = new Map(c.overflow);
  c.trie.names.forEach((n, i) => all.set(n, (all.get(n) ?? 0) + c.trie.counts[i]));
  return [...all.entries()].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}
