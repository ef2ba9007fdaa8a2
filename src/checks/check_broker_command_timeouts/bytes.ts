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
import { ascii, at } from '../../lib/bytes.js';

/**
 * An executed line, as byte ranges of the buffer it was read from (the Scanner finds its group by
 * these bytes). One object, reused.
 */
export class Executed {
  readonly kind = 'executed';
  buf: Buffer = Buffer.alloc(0);
  /** each name's range, trimmed: nRanges numbers */
  ranges = new Int32Array(8);
  nRanges = 0;
  command0 = 0;
  command1 = 0;
  module0 = 0;
  module1 = 0;
  seconds = 0;
  /** where the reading stopped (the rest of the line does not change what it means) */
  next = 0;
}

/** "Executing command": never an event, and not an ERROR line, so never a continuation */
export const CHATTER = { kind: 'chatter' as const, next: 0 };

export type Fast = typeof CHATTER | Executed;

const RANGES = new Int32Array(8); // at most four names before [ COMMAND CALL ]
const EXECUTED = new Executed();

// texts as bytes (lib/bytes.ts ascii): compared with a buffer's bytes a typed array read costs less than charCodeAt
const COMMAND_CALL = ascii('COMMAND CALL');
const EXECUTING = ascii('Executing command [');
const THE_CALL = ascii('The command call [');
const EXECUTED_BY = ascii('] was executed by the module ');
const FOR_MODULE = ascii('] for module ');
const ANOTHER_ANSWER = ascii('] was sent but another answer was received');
const IN = ascii(' in ');
const CLEAN_AFTER_FORK = ascii('CLEAN AFTER FORK');

const sp = (c: number) => c === 32 || c === 9;
const digit = (c: number) => c >= 48 && c <= 57;
const word = (c: number) => digit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/**
 * First `byte` in [from, to) before the line's end (LF), or -1. A loop, not Buffer.indexOf: the
 * spans searched here are a few dozen bytes, and a native call costs more than that.
 */
function find(buf: Buffer, byte: number, from: number, to: number): number {
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
function nameEnd(buf: Buffer, from: number, to: number): number {
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
function findText(buf: Buffer, text: Uint8Array, from: number, to: number): number {
  const first = text[0]; // never a letter in the texts searched here
  for (let i = find(buf, first, from, to); i >= 0 && i + text.length <= to; i = find(buf, first, i + 1, to)) {
    let k = 1;
    while (k < text.length && lower(buf[i + k]) === text[k]) k++;
    if (k === text.length) return i;
  }
  return -1;
}

const lower = (c: number) => (c >= 65 && c <= 90 ? c | 32 : c);
/** `YYYY-MM-DD HH:MM:SS` as bytes, 0 where a digit goes */
const TIME_SHAPE = Uint8Array.from('dddd-dd-dd dd:dd:dd', (c) => (c === 'd' ? 0 : c.charCodeAt(0)));

function sameCase(buf: Buffer, a: number, b: number, text: Uint8Array): boolean {
  if (b - a !== text.length) return false;
  for (let k = 0; k < text.length; k++) if (lower(buf[a + k]) !== lower(text[k])) return false;
  return true;
}

/** buf[a, b) is printable ASCII or TAB (see nameEnd). */
function plain(buf: Buffer, a: number, b: number): boolean {
  for (let i = a; i < b; i++) if (buf[i] > 126 || (buf[i] < 32 && buf[i] !== 9)) return false;
  return true;
}

/** what readHead() found besides where it stopped (the names' ranges are in RANGES) */
const HEAD = { nr: 0 };

/**
 * `LEVEL : [ name ]... [ COMMAND CALL ]` from i (just after the stamp): where it ends, spaces after
 * it skipped, or -1 when the line is not of the usual shape. `le` bounds the reading; the line's
 * end (LF) stops it too.
 */
function readHead(buf: Buffer, i: number, le: number): number {
  while (i < le && sp(buf[i])) i++;
  const l0 = i;
  while (i < le && ((buf[i] | 32) >= 97 && (buf[i] | 32) <= 122)) i++;
  // DEBUG or INFO (where chatter and execution times are written): other levels are the events,
  // and an ERROR line may be a continuation, which only the general parser reads
  const lv = buf[l0] | 32;
  if (i === l0 || (lv !== 100 && lv !== 105)) return -1;
  while (i < le && sp(buf[i])) i++;
  if (buf[i] !== 58) return -1;
  i++;
  while (i < le && sp(buf[i])) i++;
  // names, then [ COMMAND CALL ]
  const ranges = RANGES;
  let nr = 0;
  let found = false;
  for (let k = 0; k < 4 && !found; k++) {
    if (buf[i] !== 91) return -1;
    const j = nameEnd(buf, i + 1, le);
    if (j < 0) return -1;
    let a = i + 1;
    let b = j;
    while (a < b && sp(buf[a])) a++;
    while (b > a && sp(buf[b - 1])) b--;
    if (b - a === COMMAND_CALL.length && at(buf, a, COMMAND_CALL)) found = true;
    else if (sameCase(buf, a, b, COMMAND_CALL) || sameCase(buf, a, b, CLEAN_AFTER_FORK)) return -1; // a category in another case
    else { ranges[nr++] = a; ranges[nr++] = b; }
    i = j + 1;
    while (i < le && sp(buf[i])) i++;
  }
  if (!found || nr === 0) return -1;
  HEAD.nr = nr;
  return i;
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
 * The command-call line starting at buf[ls], if it has the usual shape; null sends it to the
 * general parser. `le` bounds the reading (the chunk's end will do): the line's LF stops it, and
 * only as much of the line is read as its meaning needs. Where that reading stopped is `next`: a
 * chatter line's rest is never looked at. Every line is read afresh, with no cache: on a real
 * broker's logs (many brokers, modules, PIDs and threads) caches keyed on heads or bodies hit
 * rarely and cost more than they saved (issue 32).
 */
export function fastLine(buf: Buffer, ls: number, le: number): Fast | null {
  if (!stampAt(buf, ls, le)) return null;
  let i = readHead(buf, ls + 21, le);
  if (i < 0) return null;
  const nr = HEAD.nr;
  const ranges = RANGES;
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
    CHATTER.next = i + EXECUTING.length;
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
  // an empty or bracketed name: general parser
  if (a === b || nameEnd(buf, c0, e + 1) !== e) return null;
  const m0 = e + EXECUTED_BY.length;
  // the general parser would first try the other "The command call" forms: they need
  // "] for module " or "] was sent but another answer was received" after the name, so at a ']'
  // after c0; there is none before e (just checked), and e starts neither: only one after e could
  if (find(buf, 93, m0, le) >= 0
    && (findText(buf, FOR_MODULE, c0 + 1, le) >= 0 || findText(buf, ANOTHER_ANSWER, c0 + 1, le) >= 0)) return null;
  // the module is the shortest text followed by " in <digits and dots> [spaces] s" and a non-word byte
  for (let k = findText(buf, IN, m0 + 1, le); k >= 0; k = findText(buf, IN, k + 1, le)) {
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
    if (!plain(buf, ma, mb)) return null;
    const x = EXECUTED;
    x.buf = buf;
    x.ranges.set(ranges);
    x.nRanges = nr;
    x.command0 = a;
    x.command1 = b;
    x.module0 = ma;
    x.module1 = mb;
    x.seconds = decimal(buf, d0, d1);
    x.next = q + 1;
    return x;
  }
  return null;
}
