/**
 * A group's tally of the lines read from bytes in one scan (scan.ts): their counts, and where the
 * last one's line is, so that it is decoded once, at the end, not once a chunk.
 */
import { KINDS } from './parse.js';
import type { Group } from './window.js';

/**
 * What lines read from bytes added to a group (Scanner.call), added to it by finish(): their
 * counts, and the last one's line, by its place in the chunk being scanned, then (settle) as a
 * copy of its bytes. A group's last event is decoded once at the end, not once a chunk: on a log
 * where a broker in trouble writes events on most lines that was a tenth of the scan.
 */
export interface Tally {
  group: Group;
  /** by KINDS index */
  counts: Int32Array;
  /** the last event's kind (KINDS index), -1 for none since the group's last was set */
  last: number;
  /** where the last event's line starts, and its text, in `copy` once settled, in the chunk before */
  lineStart: number;
  text0: number;
  text1: number;
  copy: Buffer | null;
  /** in the chunk being scanned */
  touched: boolean;
}

/** A last event's line longer than this is decoded when its chunk is done with, not copied. */
const COPY_BYTES = 2048;

export function newTally(group: Group): Tally {
  return { group, counts: new Int32Array(KINDS.length), last: -1, lineStart: 0, text0: 0, text1: 0, copy: null, touched: false };
}

/** Before the chunk's bytes are reused: the tally's last event copied out of them (or decoded, when long). */
export function settleTally(t: Tally, buf: Buffer): void {
  t.touched = false;
  if (t.last < 0) return;
  const n = t.text1 - t.lineStart;
  if (n > COPY_BYTES) { decodeLast(t, buf); return; }
  // sized to the line (a 2 KiB copy for each of hundreds of groups was half a MiB)
  if (t.copy === null || t.copy.length < n) t.copy = Buffer.allocUnsafeSlow(Math.max(n, 256));
  buf.copy(t.copy, 0, t.lineStart, t.text1);
  t.text0 -= t.lineStart;
  t.text1 = n;
  t.lineStart = 0;
}

/** The group's last event from its tally (its line in `bytes`): its time and text, as the general parser reads them. */
export function decodeLast(t: Tally, bytes: Buffer): void {
  t.group.last = { kind: KINDS[t.last], time: bytes.toString('latin1', t.lineStart + 1, t.lineStart + 20), text: bytes.toString('utf8', t.text0, t.text1).trimEnd().slice(0, 300) };
  t.last = -1;
}
