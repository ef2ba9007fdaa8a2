/**
 * Byte-level reading of the two kinds of line that make half of a DEBUG-level broker log:
 *
 *   [t] DEBUG : [ b ] [ m ] [ COMMAND CALL ] [ PID:n ] [ thread ] Executing command [c] with param [...]
 *   [t] DEBUG : [ b ] [ m ] [ COMMAND CALL ] [ PID:n ] [ thread ] The command call [c] was executed by the module M in 0.006s
 *
 * Decoding each as a string and running the general parser cost most of such a scan. Here only
 * lines of exactly the usual shape (ASCII, single spaces or tabs, `PID:` digits, the wording
 * above) are read from bytes; anything else returns `null` and goes to the general parser, which
 * stays the reference: test/unit/broker-scan.test.ts checks both agree on generated and mutated logs.
 */

import { Chatter, Executed, type Fast } from './fast.js';

export type { Executed, Fast };

const CHATTER = new Chatter();
const RANGES = new Int32Array(8); // at most four names before [ COMMAND CALL ]
const EXECUTED = new Executed();

const COMMAND_CALL = 'COMMAND CALL';
const EXECUTING = 'Executing command [';
const THE_CALL = 'The command call [';
const EXECUTED_BY = '] was executed by the module ';

/** The ASCII `text` is at buf[i]. */
export function at(buf: Buffer, i: number, text: string): boolean {
  if (i + text.length > buf.length) return false;
  for (let k = 0; k < text.length; k++) if (buf[i + k] !== text.charCodeAt(k)) return false;
  return true;
}

const sp = (c: number) => c === 32 || c === 9;
const digit = (c: number) => c >= 48 && c <= 57;
const word = (c: number) => digit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/**
 * First `byte` in [from, to), or -1. A loop, not Buffer.indexOf: the spans searched here are a
 * few dozen bytes, and a native call costs more than that (DEBUG scan, BENCHMARKS.md).
 */
function find(buf: Buffer, byte: number, from: number, to: number): number {
  for (let i = from; i < to; i++) if (buf[i] === byte) return i;
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
function findText(buf: Buffer, text: string, from: number, to: number): number {
  const first = text.charCodeAt(0); // never a letter in the texts searched here
  for (let i = find(buf, first, from, to); i >= 0 && i + text.length <= to; i = find(buf, first, i + 1, to)) {
    let k = 1;
    while (k < text.length && lower(buf[i + k]) === text.charCodeAt(k)) k++;
    if (k === text.length) return i;
  }
  return -1;
}

const lower = (c: number) => (c >= 65 && c <= 90 ? c | 32 : c);
/** `YYYY-MM-DD HH:MM:SS` as bytes, 0 where a digit goes */
const TIME_SHAPE = Uint8Array.from('dddd-dd-dd dd:dd:dd', (c) => (c === 'd' ? 0 : c.charCodeAt(0)));

function sameCase(buf: Buffer, a: number, b: number, text: string): boolean {
  if (b - a !== text.length) return false;
  for (let k = 0; k < text.length; k++) if (lower(buf[a + k]) !== lower(text.charCodeAt(k))) return false;
  return true;
}

/** buf[a, b) is printable ASCII or TAB: a byte is a character, and trimming ' ' and TAB is trimming. */
function plain(buf: Buffer, a: number, b: number): boolean {
  for (let i = a; i < b; i++) if (buf[i] > 126 || (buf[i] < 32 && buf[i] !== 9)) return false;
  return true;
}

/** what readHead() found besides where it stopped (the names' ranges are in RANGES) */
const HEAD = { namesFrom: 0, nr: 0 };

/**
 * `LEVEL : [ name ]... [ COMMAND CALL ]` from i (just after the stamp): where it ends, spaces after
 * it skipped, or -1 when the line is not of the usual shape.
 */
function readHead(buf: Buffer, i: number, le: number): number {
  while (i < le && sp(buf[i])) i++;
  const l0 = i;
  while (i < le && ((buf[i] | 32) >= 97 && (buf[i] | 32) <= 122)) i++;
  if (i === l0 || (buf[l0] | 32) === 101) return -1; // no level, or an ERROR-like one: general parser
  while (i < le && sp(buf[i])) i++;
  if (buf[i] !== 58) return -1;
  i++;
  while (i < le && sp(buf[i])) i++;
  // names, then [ COMMAND CALL ]
  const ranges = RANGES;
  let nr = 0;
  const namesFrom = i;
  let found = false;
  for (let k = 0; k < 4 && !found; k++) {
    if (buf[i] !== 91) return -1;
    const j = find(buf, 93, i + 1, le);
    if (j < 0) return -1;
    let a = i + 1;
    let b = j;
    while (a < b && sp(buf[a])) a++;
    while (b > a && sp(buf[b - 1])) b--;
    if (b - a === COMMAND_CALL.length && at(buf, a, COMMAND_CALL)) found = true;
    else if (sameCase(buf, a, b, COMMAND_CALL) || sameCase(buf, a, b, 'CLEAN AFTER FORK')) return -1; // a category in another case
    else { ranges[nr++] = a; ranges[nr++] = b; }
    i = j + 1;
    while (i < le && sp(buf[i])) i++;
  }
  if (!found || nr === 0) return -1;
  HEAD.namesFrom = namesFrom;
  HEAD.nr = nr;
  return i;
}

/**
 * Heads (from after the stamp to after `[ COMMAND CALL ]`) read before, with what readHead()
 * found. In a DEBUG log a few heads repeat on every command line; readHead()'s result depends on
 * a head's bytes alone, so a line whose bytes there equal a cached head's is not read again.
 * Keyed by where `COMMAND CALL` starts in the head, as the scan's needle search found it.
 */
interface Head {
  bytes: Buffer;
  namesFrom: number;
  ranges: Int32Array;
  nr: number;
}
const heads = new Map<number, Head[]>();
let headCount = 0;

function cachedHead(buf: Buffer, s: number, le: number, hitOff: number): Head | null {
  const list = heads.get(hitOff);
  if (list === undefined) return null;
  for (let h = 0; h < list.length; h++) {
    const bytes = list[h].bytes;
    const n = bytes.length;
    if (s + n > le) continue;
    let k = 0;
    while (k < n && buf[s + k] === bytes[k]) k++;
    if (k === n) return list[h];
  }
  return null;
}

function rememberHead(buf: Buffer, s: number, end: number, hitOff: number): void {
  if (++headCount > 256) { heads.clear(); headCount = 1; }
  // the head's bytes without the spaces readHead() skipped after it (a line may have more)
  let e = end;
  while (e > s && sp(buf[e - 1])) e--;
  const ranges = new Int32Array(HEAD.nr);
  for (let k = 0; k < HEAD.nr; k++) ranges[k] = RANGES[k] - s;
  const list = heads.get(hitOff) ?? [];
  list.push({ bytes: Buffer.from(buf.subarray(s, e)), namesFrom: HEAD.namesFrom - s, ranges, nr: HEAD.nr });
  heads.set(hitOff, list);
}

/** The line buf[ls, le) starts with `[YYYY-MM-DD HH:MM:SS]` and is long enough to be read here. */
export function stamped(buf: Buffer, ls: number, le: number): boolean {
  return le - ls >= 30 && stampAt(buf, ls, le);
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

/**
 * The line buf[ls, le) (no LF, no CR), if it has the usual shape. `hit`, when known, is where the
 * scan found `COMMAND CALL` in it. Strings are made only for what an executed line needs (its
 * key; its names once per key): the rest is compared as bytes.
 */
export function fastLine(buf: Buffer, ls: number, le: number, hit = -1): Fast | null {
  if (!stamped(buf, ls, le)) return null;
  const s = ls + 21;
  const ranges = RANGES;
  let nr: number;
  let namesFrom: number;
  let i: number;
  const cached = hit > s ? cachedHead(buf, s, le, hit - s) : null;
  if (cached !== null) {
    namesFrom = s + cached.namesFrom;
    nr = cached.nr;
    for (let k = 0; k < nr; k++) ranges[k] = cached.ranges[k] + s;
    i = s + cached.bytes.length;
    while (i < le && sp(buf[i])) i++;
  } else {
    i = readHead(buf, s, le);
    if (i < 0) return null;
    namesFrom = HEAD.namesFrom;
    nr = HEAD.nr;
    if (hit > s && hit < i) rememberHead(buf, s, i, hit - s);
  }
  const namesTo = i;
  // [ PID:n ]
  if (buf[i] !== 91) return null;
  let j = find(buf, 93, i + 1, le);
  if (j < 0) return null;
  let p = i + 1;
  while (p < j && sp(buf[p])) p++;
  if (!((buf[p] | 32) === 112 && (buf[p + 1] | 32) === 105 && (buf[p + 2] | 32) === 100)) return null;
  p += 3;
  while (p < j && sp(buf[p])) p++;
  if (buf[p] !== 58) return null;
  p++;
  while (p < j && sp(buf[p])) p++;
  if (!digit(buf[p])) return null;
  while (p < j && digit(buf[p])) p++;
  while (p < j && sp(buf[p])) p++;
  if (p !== j) return null;
  i = j + 1;
  while (i < le && sp(buf[i])) i++;
  // [ thread ]
  if (buf[i] !== 91) return null;
  j = find(buf, 93, i + 1, le);
  if (j < 0) return null;
  i = j + 1;
  while (i < le && sp(buf[i])) i++;

  if (at(buf, i, EXECUTING)) {
    CHATTER.readTo = i + EXECUTING.length;
    return CHATTER;
  }
  if (!at(buf, i, THE_CALL)) return null;
  // [c] was executed by the module M in N s: the name ends at the first "] was executed by the module "
  const c0 = i + THE_CALL.length;
  const e = findText(buf, EXECUTED_BY, c0 + 1, le);
  if (e < 0) return null;
  let a = c0;
  let b = e;
  while (a < b && sp(buf[a])) a++;
  while (b > a && sp(buf[b - 1])) b--;
  if (a === b || find(buf, 93, c0, e) >= 0) return null; // an empty or bracketed name: general parser
  const m0 = e + EXECUTED_BY.length;
  // the general parser would first try the other "The command call" forms: they need
  // "] for module " or "] was sent but another answer was received" after the name, so at a ']'
  // after c0; there is none before e (just checked), and e starts neither: only one after e could
  if (find(buf, 93, m0, le) >= 0
    && (findText(buf, '] for module ', c0 + 1, le) >= 0 || findText(buf, '] was sent but another answer was received', c0 + 1, le) >= 0)) return null;
  // the module is the shortest text followed by " in <digits and dots> [spaces] s" and a non-word byte
  for (let k = findText(buf, ' in ', m0 + 1, le); k >= 0; k = findText(buf, ' in ', k + 1, le)) {
    let q = k + 4;
    const d0 = q;
    while (q < le && (digit(buf[q]) || buf[q] === 46)) q++;
    if (q === d0) continue;
    const d1 = q;
    while (q < le && sp(buf[q])) q++;
    if (lower(buf[q]) !== 115 || (q + 1 < le && word(buf[q + 1]))) continue;
    let ma = m0;
    let mb = k;
    while (ma < mb && sp(buf[ma])) ma++;
    while (mb > ma && sp(buf[mb - 1])) mb--;
    if (!plain(buf, namesFrom, namesTo) || !plain(buf, a, b) || !plain(buf, ma, mb)) return null;
    const x = EXECUTED;
    x.buf = buf;
    x.namesFrom = namesFrom;
    x.namesTo = namesTo;
    x.ranges.set(ranges);
    x.nRanges = nr;
    x.command0 = a;
    x.command1 = b;
    x.module0 = ma;
    x.module1 = mb;
    x.seconds = decimal(buf, d0, d1);
    x.seconds0 = d0;
    return x;
  }
  return null;
}
