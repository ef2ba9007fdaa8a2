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
  /** by KINDS index (an array: an Int32Array made for each of hundreds of new groups cost more) */
  counts: number[];
  /** the last event's kind (KINDS index), -1 for none since the group's last was set */
  last: number;
  /** where the last event's line starts, and its text, in `copy` once settled, in the chunk before */
  lineStart: number;
  text0: number;
  text1: number;
  /** where settled copies go: a slot of a shared slab (at `slot`, `room` bytes), or a buffer of its own for a longer line */
  copy: Buffer | null;
  slot: number;
  room: number;
  /** in the chunk being scanned */
  touched: boolean;
}

/** A last event's line longer than this is decoded when its chunk is done with, not copied. */
const COPY_BYTES = 2048;

/**
 * A group's copy takes a SLOT-byte slot of a shared slab, or a buffer of its own when its line is
 * longer: a buffer allocated for each of the ~350 groups of a quiet INFO log was ~1 ms of its scan
 * (allocUnsafeSlow is a native call each). A slab is freed when no tally holds a slot of it.
 */
const SLOT = 256;
const SLAB_SLOTS = 64;
let slab: Buffer | null = null;
let slabUsed = SLAB_SLOTS;
const none = (): number => 0;

export function newTally(group: Group): Tally {
  return { group, counts: KINDS.map(none), last: -1, lineStart: 0, text0: 0, text1: 0, copy: null, slot: 0, room: 0, touched: false };
}

/** Room for n bytes of the tally's copy: its slot or buffer, or a new one. */
function roomFor(t: Tally, n: number): void {
  if (t.copy !== null && t.room >= n) return;
  if (n > SLOT) {
    t.copy = Buffer.allocUnsafeSlow(n);
    t.slot = 0;
    t.room = n;
    return;
  }
  if (slabUsed === SLAB_SLOTS) { slab = Buffer.allocUnsafeSlow(SLOT * SLAB_SLOTS); slabUsed = 0; }
  t.copy = slab;
  t.slot = SLOT * slabUsed++;
  t.room = SLOT;
}

/** Before the chunk's bytes are reused: the tally's last event copied out of them (or decoded, when long). */
export function settleTally(t: Tally, buf: Buffer): void {
  t.touched = false;
  if (t.last < 0) return;
  const n = t.text1 - t.lineStart;
  if (n > COPY_BYTES) { decodeLast(t, buf); return; }
  // sized to the line (a 2 KiB copy for each of hundreds of groups was half a MiB)
  roomFor(t, n);
  buf.copy(t.copy!, t.slot, t.lineStart, t.text1);
  t.text0 += t.slot - t.lineStart;
  t.text1 = t.slot + n;
  t.lineStart = t.slot;
}

/** The group's last event from its tally (its line in `bytes`): its time and text, as the general parser reads them. */
export function decodeLast(t: Tally, bytes: Buffer): void {
  t.group.last = { kind: KINDS[t.last], time: bytes.toString('latin1', t.lineStart + 1, t.lineStart + 20), text: bytes.toString('utf8', t.text0, t.text1).trimEnd().slice(0, 300) };
  t.last = -1;
}
