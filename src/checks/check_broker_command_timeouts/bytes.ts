/**
 * Byte-level reading of the command-call lines a broker writes most:
 *
 *   [t] DEBUG : [ b ] [ m ] [ COMMAND CALL ] [ PID:n ] [ thread ] Executing command [c] with param [...]
 *   [t] DEBUG : [ b ] [ m ] [ COMMAND CALL ] [ PID:n ] [ thread ] The command call [c] was executed by the module M in 0.006s
 *   [t] WARNING : [ b ] [ m ] [ COMMAND CALL ] [ PID:n ] [ thread ] The command call [c] for module M was sent but the call timed out (1s). ...
 *   [t] ERROR : [ b ] [ m ] [ COMMAND CALL ] [ PID:n ] [ thread ] Failed to send command call [c] for module M because of timeout (1s).
 *   [t] WARNING : [ b ] [ m ] [ COMMAND CALL ] [ PID:n ] [ thread ] The command call [c] was sent but another answer was received. ...
 *   [t] WARNING : [ b ] [ m ] [ COMMAND CALL ] [ PID:n ] [ thread ] Received unknown command [c] to execute
 *   (and the send and execution errors: ... because of error: ..., Failed to execute received command [c] with error)
 *
 * and of lines that hold a needle but are no command-call line at all (the brackets after the
 * level end before a category: `[ QUEUE ] forwarded [ COMMAND CALL ] ...`). Decoding each as a
 * string and running the general parser cost most of a DEBUG scan, and 2-3x mawk's whole time on
 * a log where a broker in trouble writes events on most lines (bench/NOTES.md, issue 44). Here only
 * lines of exactly the usual shape (ASCII names, single spaces or tabs, `PID:` digits, the wording
 * above) are read from bytes; anything else returns `null` and goes to the general parser, which
 * stays the reference: test/unit/broker-scan.test.ts checks both agree on generated and mutated
 * logs. A send or execution error carries its PID and thread: the lines of the traceback after it
 * go to the general parser, which matches them by both. Where the line buffer keeps its room, the
 * line kernel reads the same in WebAssembly (line-kernel.ts, fromKernel below); this JavaScript
 * is its reference, and reads any other buffer.
 */
import { ascii, at, digit } from '../../lib/bytes.js';
import { lineEnd } from '../../lib/tail/line-end.js';
import { bounded, decimal, find, findText, findWord, lower, nameEnd, plain, sp, stampAt, textAt, word } from './line-bytes.js';
import { HEAD, NO_CATEGORY, readHead } from './head.js';
import { KEY_LONG, LINE_PARSER, LINE_TIME, OUT, type LineKernel } from './line-kernel.js';
import { CallLine, EXEC_ERRORS, EXEC_TIME, NOTHING, SEND_ERRORS, TIMEOUTS_FAILED, TIMEOUTS_RETRIED, UNKNOWN_COMMANDS, WRONG_ANSWERS, type Fast } from './call-line.js';

const CALL = new CallLine();
/** readHead() writes the names' ranges where a line read from bytes carries them: at most four names before [ COMMAND CALL ] */
const RANGES = CALL.ranges;

// texts as bytes (lib/bytes.ts ascii): compared with a buffer's bytes a typed array read costs less than charCodeAt
const EXECUTING = ascii('Executing command [');
const THE_CALL = ascii('The command call [');
const EXECUTED_BY = ascii('] was executed by the module ');
const FOR_MODULE = ascii('] for module ');
const ANOTHER_ANSWER = ascii('] was sent but another answer was received');
const FAILED_TO_SEND = ascii('Failed to send command call [');
const RECEIVED_UNKNOWN = ascii('Received unknown command [');
const TO_EXECUTE = ascii('] to execute');
const TIMED_OUT = ascii(' was sent but the call timed out');
const TIMED_OUT_COMMA = ascii(' was sent, but the call timed out');
const BECAUSE_OF_TIMEOUT = ascii(' because of timeout');
const BECAUSE_OF_ERROR = ascii(' because of error');
const FAILED_TO_EXECUTE = ascii('Failed to execute received command [');
const WITH_ERROR = ascii('] with error');
const IN = ascii(' in ');

/**
 * The command-call line starting at buf[ls], if it has the usual shape; null sends it to the
 * general parser. `le` bounds the reading (the chunk's end will do): the line's LF stops it, and
 * only as much of the line is read as its meaning needs. Where that reading stopped is `next`: a
 * chatter line's rest is never looked at. Every line is read afresh, with no cache: on a real
 * broker's logs (many brokers, modules, PIDs and threads) caches keyed on heads or bodies hit
 * rarely and cost more than they saved (issue 32).
 */
export function fastLine(buf: Buffer, ls: number, le: number, kernel?: LineKernel): Fast | null {
  if (kernel !== undefined) return fromKernel(kernel, buf, ls, le);
  if (!stampAt(buf, ls, le)) return null;
  let i = readHead(buf, ls + 21, le, RANGES);
  if (i === NO_CATEGORY) {
    NOTHING.next = HEAD.stop;
    return NOTHING;
  }
  if (i < 0) return null;
  const nr = HEAD.nr;
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
  const pid0 = p;
  while (p < j && digit(buf[p])) p++;
  const pid1 = p;
  while (p < j && sp(buf[p])) p++;
  if (p !== j) return null;
  i = j + 1;
  while (i < le && sp(buf[i])) i++;
  // [ thread ]
  if (buf[i] !== 91) return null;
  const thread = i + 1;
  j = find(buf, 93, thread, le);
  if (j < 0) return null;
  const threadEnd = j;
  i = j + 1;
  while (i < le && sp(buf[i])) i++;

  if (at(buf, i, EXECUTING)) {
    if (!HEAD.quiet) return null;
    NOTHING.next = i + EXECUTING.length;
    return NOTHING;
  }
  CALL.ranges = RANGES;
  CALL.key = KEY_LONG;
  return message(buf, ls, le, i, nr, pid0, pid1, thread, threadEnd);
}

/** The kernel's events (line-kernel.ts: 0-5) as KINDS indexes. */
const KERNEL_EVENTS = [TIMEOUTS_FAILED, SEND_ERRORS, EXEC_ERRORS, UNKNOWN_COMMANDS, TIMEOUTS_RETRIED, WRONG_ANSWERS];

/** The same line read by the line kernel, in WebAssembly: what it found, as a CallLine. */
function fromKernel(kernel: LineKernel, buf: Buffer, ls: number, le: number): Fast | null {
  const r = kernel.line(ls, le);
  const o = kernel.out;
  if (r < 0) {
    if (r === LINE_PARSER) return null;
    NOTHING.next = o[OUT.stop];
    return NOTHING;
  }
  const x = CALL;
  x.buf = buf;
  x.nRanges = o[OUT.nr];
  x.ranges = kernel.ranges;
  x.command0 = o[OUT.command0];
  x.command1 = o[OUT.command1];
  x.module0 = o[OUT.module0];
  x.module1 = o[OUT.module1];
  x.lineStart = ls;
  x.next = o[OUT.next];
  x.key = o[OUT.key];
  if (r === LINE_TIME) {
    x.event = EXEC_TIME;
    x.seconds = decimal(buf, o[OUT.digits0], o[OUT.digits1]);
    return x;
  }
  x.event = KERNEL_EVENTS[r];
  x.text0 = o[OUT.text0];
  x.text1 = o[OUT.text1];
  x.pid0 = o[OUT.pid0];
  x.pid1 = o[OUT.pid1];
  x.thread0 = o[OUT.thread0];
  x.thread1 = o[OUT.thread1];
  return x;
}

/**
 * The message after the thread, at i: which event it is, if it has the usual wording. A function
 * of its own: compiled inside fastLine, the optimising compiler's memory for the whole grew a
 * long scan's anonymous memory by 1-2 MiB (test/e2e/memory.test.ts).
 */
function message(buf: Buffer, ls: number, le: number, i: number, nr: number, pid0: number, pid1: number, thread: number, threadEnd: number): Fast | null {
  // The general parser tries its matchers in this order (parse.ts commandEvent), each on the
  // text's lowercase: failed to send (timeout, then error), "the command call" for a module that
  // timed out, then another answer, unknown command, execution error, execution time. A command's
  // name ends at the first `]` that the matcher's words follow; here it is the first `]` of all,
  // and a line where a later `]` could make an earlier matcher take it goes to the general parser.
  const x = CALL;
  const form = at(buf, i, THE_CALL) ? THE_CALL : at(buf, i, FAILED_TO_SEND) ? FAILED_TO_SEND : at(buf, i, RECEIVED_UNKNOWN) ? RECEIVED_UNKNOWN
    : at(buf, i, FAILED_TO_EXECUTE) ? FAILED_TO_EXECUTE : null;
  if (form === null) return null;
  const c0 = i + form.length;
  const e = nameEnd(buf, c0, le);
  if (e < 0) return null;
  let a = c0;
  let b = e;
  while (a < b && sp(buf[a])) a++;
  while (b > a && sp(buf[b - 1])) b--;
  if (a === b) return null; // an empty name: general parser
  x.buf = buf;
  x.nRanges = nr;
  x.command0 = a;
  x.command1 = b;
  x.module0 = x.module1 = 0;
  x.lineStart = ls;
  x.text0 = i;

  if (form === FAILED_TO_SEND) { // Failed to send command call [c] for module M because of timeout (or error)
    if (!textAt(buf, e, FOR_MODULE)) return null;
    const m0 = e + FOR_MODULE.length;
    const k = findWord(buf, BECAUSE_OF_TIMEOUT, m0 + 1, le);
    if (k >= 0) return moduleNamed(x, buf, m0, k) ? event(x, TIMEOUTS_FAILED, buf, k, le) : null;
    const ke = findWord(buf, BECAUSE_OF_ERROR, m0 + 1, le);
    return ke >= 0 && moduleNamed(x, buf, m0, ke) && threadNamed(x, buf, pid0, pid1, thread, threadEnd) ? event(x, SEND_ERRORS, buf, ke, le) : null;
  }
  if (form === FAILED_TO_EXECUTE) { // Failed to execute received command [c] with error
    return bounded(buf, e, WITH_ERROR, le) && threadNamed(x, buf, pid0, pid1, thread, threadEnd) ? event(x, EXEC_ERRORS, buf, e, le) : null;
  }
  if (form === RECEIVED_UNKNOWN) { // Received unknown command [c] to execute
    return textAt(buf, e, TO_EXECUTE) ? event(x, UNKNOWN_COMMANDS, buf, e, le) : null;
  }
  // The command call [c] ...
  if (textAt(buf, e, FOR_MODULE)) { // ... for module M was sent but the call timed out
    const m0 = e + FOR_MODULE.length;
    const k = findWord(buf, TIMED_OUT, m0 + 1, le, TIMED_OUT_COMMA);
    if (k < 0 || !moduleNamed(x, buf, m0, k)) return null;
    return event(x, TIMEOUTS_RETRIED, buf, k, le);
  }
  if (textAt(buf, e, ANOTHER_ANSWER)) { // ... was sent but another answer was received
    // a "] for module " further on could make the timed-out matcher, tried first, take the line
    return findText(buf, FOR_MODULE, e + 1, le) < 0 ? event(x, WRONG_ANSWERS, buf, e, le) : null;
  }
  if (!textAt(buf, e, EXECUTED_BY)) return null;
  // ... was executed by the module M in N s. The general parser would first try the other "The
  // command call" forms: they need "] for module " or "] was sent but another answer was
  // received" after the name, so at a ']' after c0; e is the first, and starts neither: only one
  // after e could
  const m0 = e + EXECUTED_BY.length;
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
    if (!moduleNamed(x, buf, m0, k)) return null;
    x.event = EXEC_TIME;
    x.seconds = decimal(buf, d0, d1);
    x.next = q + 1;
    return x;
  }
  return null;
}

/** The module a message names, buf[m0, k) trimmed (none when empty: the line's last name is); false when not plain ASCII. */
function moduleNamed(x: CallLine, buf: Buffer, m0: number, k: number): boolean {
  let ma = m0;
  let mb = k;
  while (ma < mb && sp(buf[ma])) ma++;
  while (mb > ma && sp(buf[mb - 1])) mb--;
  if (!plain(buf, ma, mb)) return false;
  x.module0 = ma;
  x.module1 = mb;
  return true;
}

/** The PID's digits and the thread's name (trimmed), for an error event; false when the name is not plain ASCII. */
function threadNamed(x: CallLine, buf: Buffer, pid0: number, pid1: number, t0: number, t1: number): boolean {
  while (t0 < t1 && sp(buf[t0])) t0++;
  while (t1 > t0 && sp(buf[t1 - 1])) t1--;
  if (!plain(buf, t0, t1)) return false;
  x.pid0 = pid0;
  x.pid1 = pid1;
  x.thread0 = t0;
  x.thread1 = t1;
  return true;
}

/** An event line: its text runs to the line's end (the LF after `from`), without a final CR. */
function event(x: CallLine, kind: number, buf: Buffer, from: number, le: number): CallLine {
  const lf = lineEnd(buf, from, le);
  x.event = kind;
  x.text1 = lf > x.text0 && buf[lf - 1] === 13 ? lf - 1 : lf;
  x.next = lf + 1;
  return x;
}
