/**
 * Command-call lines read before, by their bytes after the stamp. At DEBUG level a broker logs the
 * same few lines over and over ("Executing command [c] with param []", "The command call [c] was
 * executed by the module M in 0.006s"), differing only in the stamp and the seconds. Reading each
 * one again from bytes cost ~500 ns a line (BENCHMARKS.md); hashing its body and comparing it
 * with a body read before costs a fraction of that.
 *
 * A body is the line from after the stamp up to, for a line ending in `<digits and dots> [spaces] s`,
 * the start of those digits, else to its end. What the fast path makes of a line depends only on
 * its bytes, and for an executed line the bytes after the module's " in " are only the seconds
 * (the scanner checks that before it remembers a body as executed): two lines with equal bodies
 * read the same, but for the seconds, which are parsed from each line.
 */

import { decimal } from './fastpath.js';

/** What a body was read as: chatter, or an executed line's group (null: filtered out). */
export type ShapeValue<G> = { chatter: true } | { chatter: false; group: G | null };

/**
 * A remembered body: its bytes as the 32-bit words of the line buffer that held it, so that a
 * line at the same offset modulo 4 is compared (and hashed) a word at a time. Bytes outside the
 * body in its first and last words are masked off.
 */
interface Shape<G> {
  align: number;
  length: number;
  words: Int32Array;
  value: ShapeValue<G>;
}

/** remembered bodies at most, then forgotten at once (a log of ever-new lines must not grow it) */
const MAX_SHAPES = 4096;

const sp = (c: number) => c === 32 || c === 9;
const secondsByte = (c: number) => (c >= 48 && c <= 57) || c === 46;

/**
 * Where the body of buf[s, e) ends: the start of trailing `<digits and dots> [spaces] s|S`, or `e`.
 * Read backwards over a few bytes, so no line is read twice.
 */
export function bodyEnd(buf: Buffer, s: number, e: number): number {
  let q = e - 1;
  if (q <= s || (buf[q] | 32) !== 115) return e;
  q--;
  while (q > s && sp(buf[q])) q--;
  const d1 = q + 1;
  while (q >= s && secondsByte(buf[q])) q--;
  return q + 1 < d1 ? q + 1 : e;
}

type Hash = (w: Int32Array, s: number, b: number) => number;

/** The seconds of a line whose body ends at `b`: the digits and dots from there, as a number. */
export function secondsAt(buf: Buffer, b: number, e: number): number {
  let d1 = b;
  while (d1 < e && secondsByte(buf[d1])) d1++;
  return decimal(buf, b, d1);
}

export class Shapes<G> {
  /** `hash` is replaced only by a test, to make every body collide */
  constructor(private readonly hash: Hash = fnv) {}

  private readonly byHash = new Map<number, Shape<G>[]>();
  private count = 0;
  private buf: Buffer | null = null;
  /** buf as 32-bit words, or null when it does not start at a multiple of 4 (then nothing is cached) */
  private words: Int32Array | null = null;

  private view(buf: Buffer): Int32Array | null {
    if (buf !== this.buf) {
      this.buf = buf;
      this.words = buf.byteOffset % 4 === 0 ? new Int32Array(buf.buffer, buf.byteOffset, buf.length >> 2) : null;
    }
    return this.words;
  }

  /** The value of a body equal to buf[s, b), if one was remembered. */
  find(buf: Buffer, s: number, b: number): ShapeValue<G> | undefined {
    const w = this.view(buf);
    if (w === null || b >> 2 >= w.length) return undefined;
    const list = this.byHash.get(this.hash(w, s, b));
    if (list === undefined) return undefined;
    for (let i = 0; i < list.length; i++) {
      const shape = list[i];
      if (shape.length === b - s && shape.align === (s & 3) && same(w, s, b, shape.words)) return shape.value;
    }
    return undefined;
  }

  remember(buf: Buffer, s: number, b: number, value: ShapeValue<G>): void {
    const w = this.view(buf);
    if (w === null || b >> 2 >= w.length) return;
    if (++this.count > MAX_SHAPES) { this.byHash.clear(); this.count = 1; }
    const h = this.hash(w, s, b);
    let list = this.byHash.get(h);
    if (list === undefined) this.byHash.set(h, list = []);
    list.push({ align: s & 3, length: b - s, words: w.slice(s >> 2, (b >> 2) + 1), value });
  }
}

/** The word holding byte `k` of buf[s, b), with the bytes outside it cleared (little-endian words). */
function masked(word: number, k: number, s: number, b: number): number {
  const lo = k === s >> 2 ? (s & 3) * 8 : 0;
  const hi = k === b >> 2 ? (b & 3) * 8 : 32;
  if (hi <= lo) return 0;
  return hi === 32 ? word & (-1 << lo) : word & (-1 << lo) & ((1 << hi) - 1);
}

/**
 * FNV-1a over the words of buf[s, b) (the single-lane byte hash took 30% of a DEBUG scan; a word at
 * a time is four times less work and no native call).
 */
function fnv(w: Int32Array, s: number, b: number): number {
  const first = s >> 2;
  const last = b >> 2;
  let h = Math.imul(0x811c9dc5 ^ (b - s), 16777619);
  h = Math.imul(h ^ masked(w[first], first, s, b), 16777619);
  for (let k = first + 1; k < last; k++) h = Math.imul(h ^ w[k], 16777619);
  if (last > first) h = Math.imul(h ^ masked(w[last], last, s, b), 16777619);
  return h;
}

/** Whether the words of buf[s, b) equal `words` (taken from a body at the same offset modulo 4). */
function same(w: Int32Array, s: number, b: number, words: Int32Array): boolean {
  const first = s >> 2;
  const last = b >> 2;
  if (masked(w[first], first, s, b) !== masked(words[0], first, s, b)) return false;
  for (let k = first + 1; k < last; k++) if (w[k] !== words[k - first]) return false;
  return last === first || masked(w[last], last, s, b) === masked(words[last - first], last, s, b);
}
