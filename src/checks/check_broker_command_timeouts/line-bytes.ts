/**
 * Bytes of a broker log's line read as the general parser reads its text (parse.ts): searches
 * bounded by the line's LF, ASCII letters compared in any case, word bounds, and the stamp's shape.
 * The byte reader (bytes.ts, head.ts) and the check's log recognition (format.ts) use them.
 */

import { digit } from '../../lib/bytes.js';

export const sp = (c: number) => c === 32 || c === 9;
export const word = (c: number) => digit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/**
 * First `byte` in [from, to) before the line's end (LF), or -1. A loop, not Buffer.indexOf: the
 * spans searched here are a few dozen bytes, and a native call costs more than that.
 */
export function find(buf: Buffer, byte: number, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    const c = buf[i];
    if (c === byte) return i;
    if (c === 10) return -1;
  }
  return -1;
}

/**
 * The `]` closing a name that starts at `from`, or -1 when a byte before it is not printable
 * ASCII or TAB (or it is not on this line): within such a name a byte is a character, and
 * trimming ' ' and TAB is what the general parser's trim does.
 */
export function nameEnd(buf: Buffer, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    const c = buf[i];
    if (c === 93) return i;
    if (c > 126 || (c < 32 && c !== 9)) return -1;
  }
  return -1;
}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * Number(buf[a, b) as text) for digits and dots: with at most 15 digits, an integer divided by an
 * exact power of ten is the correctly rounded value, as Number() gives; longer ones take Number().
 */
export function decimal(buf: Buffer, a: number, b: number): number {
  let v = 0;
  let dot = -1;
  for (let i = a; i < b; i++) {
    const c = buf[i];
    if (c === 46) {
      if (dot >= 0) return NaN; // "0.1.2"
      dot = i;
    } else v = v * 10 + (c - 48);
  }
  const digits = b - a - (dot >= 0 ? 1 : 0);
  if (digits > 15 || (dot >= 0 && digits === 0)) return Number(buf.toString('latin1', a, b));
  return dot < 0 ? v : v / POW10[b - dot - 1];
}

/** Lowercase `text` in [from, to), ASCII letters in any case (as the general parser matches), or -1. */
export function findText(buf: Buffer, text: Uint8Array, from: number, to: number): number {
  const first = text[0]; // never a letter in the texts searched here
  for (let i = find(buf, first, from, to); i >= 0 && i + text.length <= to; i = find(buf, first, i + 1, to)) {
    let k = 1;
    while (k < text.length && lower(buf[i + k]) === text[k]) k++;
    if (k === text.length) return i;
  }
  return -1;
}

export const lower = (c: number) => (c >= 65 && c <= 90 ? c | 32 : c);
/** `YYYY-MM-DD HH:MM:SS` as bytes, 0 where a digit goes */
const TIME_SHAPE = Uint8Array.from('dddd-dd-dd dd:dd:dd', (c) => (c === 'd' ? 0 : c.charCodeAt(0)));

export function sameCase(buf: Buffer, a: number, b: number, text: Uint8Array): boolean {
  if (b - a !== text.length) return false;
  for (let k = 0; k < text.length; k++) if (lower(buf[a + k]) !== lower(text[k])) return false;
  return true;
}

/** buf[a, b) is printable ASCII or TAB (see nameEnd). */
export function plain(buf: Buffer, a: number, b: number): boolean {
  for (let i = a; i < b; i++) if (buf[i] > 126 || (buf[i] < 32 && buf[i] !== 9)) return false;
  return true;
}

/** The line buf[ls, le) starts with `[YYYY-MM-DD HH:MM:SS]`. */
export function stampAt(buf: Buffer, ls: number, le: number): boolean {
  if (le - ls < 21 || buf[ls] !== 91 || buf[ls + 20] !== 93) return false;
  for (let k = 0; k < 19; k++) {
    const want = TIME_SHAPE[k];
    const c = buf[ls + 1 + k];
    if (want === 0 ? !digit(c) : c !== want) return false;
  }
  return true;
}

/** `text` (lowercase) at buf[i], ASCII letters in any case, as the general parser compares. */
export function textAt(buf: Buffer, i: number, text: Uint8Array): boolean {
  if (i + text.length > buf.length) return false;
  for (let k = 0; k < text.length; k++) if (lower(buf[i + k]) !== text[k]) return false;
  return true;
}

/**
 * The first place from `from` where `text` (or `or`: both start with a space) stands, in any case
 * of ASCII letters, and no word character follows it (the general parser's bounded match), or -1.
 */
export function findWord(buf: Buffer, text: Uint8Array, from: number, le: number, or?: Uint8Array): number {
  for (let k = find(buf, 32, from, le); k >= 0; k = find(buf, 32, k + 1, le)) {
    if (bounded(buf, k, text, le) || (or !== undefined && bounded(buf, k, or, le))) return k;
  }
  return -1;
}

export function bounded(buf: Buffer, k: number, text: Uint8Array, le: number): boolean {
  return k + text.length <= le && textAt(buf, k, text) && !(k + text.length < le && word(buf[k + text.length]));
}
