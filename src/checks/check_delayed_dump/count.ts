/**
 * Pure counting of dump lines, `<queue> <message>` each. Works on byte ranges of complete lines
 * so that a multi-GiB dump is counted without decoding or copying each line.
 */

export type MalformedKind = 'no-space' | 'empty-queue' | 'empty-line' | 'binary' | 'too-long' | 'empty-message';

export interface DumpCounts {
  messages: number;
  malformed: number;
  queues: Map<string, number>;
  malformedKinds: Partial<Record<MalformedKind, number>>;
  /** the first few malformed lines, for the long output */
  samples: { line: number; kind: MalformedKind }[];
  lines: number;
}

const MAX_QUEUES = 10_000;
const MAX_QUEUE_NAME = 255;
const OTHER = '(other queues)';

export function newCounts(): DumpCounts {
  return { messages: 0, malformed: 0, queues: new Map(), malformedKinds: {}, samples: [], lines: 0 };
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

/** One line, without its LF (a trailing CR is ignored). */
export function countLine(c: DumpCounts, buf: Buffer, start: number, end: number, checkBinary: boolean): void {
  c.lines++;
  if (end > start && buf[end - 1] === 13) end--;
  if (end === start) return bad(c, 'empty-line');
  const sp = buf.indexOf(32, start);
  if (sp < 0 || sp >= end) return bad(c, 'no-space');
  if (sp === start) return bad(c, 'empty-queue');
  if (sp + 1 >= end) return bad(c, 'empty-message');
  if (!validQueue(buf, start, sp)) return bad(c, 'binary');
  if (checkBinary) {
    const nul = buf.indexOf(0, sp);
    if (nul >= 0 && nul < end) return bad(c, 'binary');
  }
  const q = buf.toString('latin1', start, sp);
  const n = c.queues.get(q);
  if (n !== undefined) c.queues.set(q, n + 1);
  else if (c.queues.size < MAX_QUEUES) c.queues.set(q, 1);
  else c.queues.set(OTHER, (c.queues.get(OTHER) ?? 0) + 1);
  c.messages++;
}

/** buf[start, end) holds complete lines, each ending in LF. */
export function countLines(c: DumpCounts, buf: Buffer, start: number, end: number): void {
  const nul = buf.indexOf(0, start);
  const checkBinary = nul >= 0 && nul < end;
  let pos = start;
  while (pos < end) {
    const nl = buf.indexOf(10, pos);
    const stop = nl < 0 || nl >= end ? end : nl;
    countLine(c, buf, pos, stop, checkBinary);
    pos = stop + 1;
  }
}

export function countTooLong(c: DumpCounts): void {
  c.lines++;
  bad(c, 'too-long');
}

export function sortedQueues(c: DumpCounts): [string, number][] {
  return [...c.queues.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}
