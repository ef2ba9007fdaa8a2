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

export type Fast =
  | { kind: 'chatter' } // "Executing command": never an event; not an ERROR line, so never a continuation
  | { kind: 'executed'; key: string; names: () => string[]; command: string; module: string; seconds: number };

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

/** First `byte` in [from, to), or -1. */
function find(buf: Buffer, byte: number, from: number, to: number): number {
  const i = buf.indexOf(byte, from);
  return i < 0 || i >= to ? -1 : i;
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
const TIME_SHAPE = 'dddd-dd-dd dd:dd:dd';

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

/**
 * The line buf[ls, le) (no LF, no CR), if it has the usual shape. Strings are made only for what
 * an executed line needs (its key; its names once per key): the rest is compared as bytes.
 */
export function fastLine(buf: Buffer, ls: number, le: number): Fast | null {
  // [YYYY-MM-DD HH:MM:SS] LEVEL :
  if (le - ls < 30 || buf[ls] !== 91 || buf[ls + 20] !== 93) return null;
  for (let k = 0; k < 19; k++) if (TIME_SHAPE[k] === 'd' ? !digit(buf[ls + 1 + k]) : buf[ls + 1 + k] !== TIME_SHAPE.charCodeAt(k)) return null;
  let i = ls + 21;
  while (i < le && sp(buf[i])) i++;
  const l0 = i;
  while (i < le && ((buf[i] | 32) >= 97 && (buf[i] | 32) <= 122)) i++;
  if (i === l0 || (buf[l0] | 32) === 101) return null; // no level, or an ERROR-like one: general parser
  while (i < le && sp(buf[i])) i++;
  if (buf[i] !== 58) return null;
  i++;
  while (i < le && sp(buf[i])) i++;
  // names, then [ COMMAND CALL ]
  const ranges: number[] = [];
  const namesFrom = i;
  let found = false;
  for (let k = 0; k < 4 && !found; k++) {
    if (buf[i] !== 91) return null;
    const j = find(buf, 93, i + 1, le);
    if (j < 0) return null;
    let a = i + 1;
    let b = j;
    while (a < b && sp(buf[a])) a++;
    while (b > a && sp(buf[b - 1])) b--;
    if (b - a === COMMAND_CALL.length && at(buf, a, COMMAND_CALL)) found = true;
    else if (sameCase(buf, a, b, COMMAND_CALL) || sameCase(buf, a, b, 'CLEAN AFTER FORK')) return null; // a category in another case
    else ranges.push(a, b);
    i = j + 1;
    while (i < le && sp(buf[i])) i++;
  }
  if (!found || ranges.length === 0) return null;
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

  if (at(buf, i, EXECUTING)) return { kind: 'chatter' };
  if (!at(buf, i, THE_CALL)) return null;
  // [c] was executed by the module M in N s: the name ends at the first "] was executed by the module "
  const c0 = i + THE_CALL.length;
  const e = findText(buf, EXECUTED_BY, c0 + 1, le);
  if (e < 0) return null;
  // the general parser would first try the other "The command call" forms: they need
  // "] for module " or "] was sent but another answer was received" after the name
  if (findText(buf, '] for module ', c0 + 1, le) >= 0 || findText(buf, '] was sent but another answer was received', c0 + 1, le) >= 0) return null;
  let a = c0;
  let b = e;
  while (a < b && sp(buf[a])) a++;
  while (b > a && sp(buf[b - 1])) b--;
  if (a === b || find(buf, 93, c0, e) >= 0) return null; // an empty or bracketed name: general parser
  const m0 = e + EXECUTED_BY.length;
  // the module is the shortest text followed by " in <digits and dots> [spaces] s" and a non-word byte
  for (let k = findText(buf, ' in ', m0 + 1, le); k >= 0; k = findText(buf, ' in ', k + 1, le)) {
    let q = k + 4;
    const d0 = q;
    while (q < le && (digit(buf[q]) || buf[q] === 46)) q++;
    if (q === d0) continue;
    const num = buf.toString('latin1', d0, q);
    while (q < le && sp(buf[q])) q++;
    if (lower(buf[q]) !== 115 || (q + 1 < le && word(buf[q + 1]))) continue;
    let ma = m0;
    let mb = k;
    while (ma < mb && sp(buf[ma])) ma++;
    while (mb > ma && sp(buf[mb - 1])) mb--;
    if (!plain(buf, namesFrom, namesTo) || !plain(buf, a, b) || !plain(buf, ma, mb)) return null;
    const command = buf.toString('latin1', a, b);
    const module = buf.toString('latin1', ma, mb);
    const names = () => { const out: string[] = []; for (let r = 0; r < ranges.length; r += 2) out.push(buf.toString('latin1', ranges[r], ranges[r + 1])); return out; };
    return { kind: 'executed', key: `${buf.toString('latin1', namesFrom, namesTo)}\u0001${command}\u0001${module}`, names, command, module, seconds: Number(num) };
  }
  return null;
}
