/**
 * What the byte reader (bytes.ts) and the line kernel (line-kernel.ts, read back in bytes.ts)
 * make of a command-call line: a CallLine (one object, reused), or NOTHING; the events as their
 * index in KINDS.
 */
import { KEY_LONG } from './line-kernel.js';
import { KINDS, type Kind } from './parse.js';

/**
 * A command-call line read from bytes: an event of one of the kinds above, or an execution time;
 * its group as byte ranges of the buffer it was read from (the Scanner finds its group by these
 * bytes). One object, reused.
 */
export class CallLine {
  readonly kind = 'call';
  /** the event's kind, as its index in KINDS, or EXEC_TIME */
  event = EXEC_TIME;
  buf: Buffer = Buffer.alloc(0);
  /** each name's range, trimmed: nRanges numbers (by head.ts in an array of its own, or by the line kernel in its room) */
  ranges: Int32Array<ArrayBufferLike> = new Int32Array(8);
  nRanges = 0;
  command0 = 0;
  command1 = 0;
  /** the module the message names (module0 === module1: none, the line's last name is the module) */
  module0 = 0;
  module1 = 0;
  /** exec_time */
  seconds = 0;
  /** SEND_ERRORS and EXEC_ERRORS: the PID's digits and the thread's name, trimmed */
  pid0 = 0;
  pid1 = 0;
  thread0 = 0;
  thread1 = 0;
  /** events: where the line starts, and its text (after the thread's bracket, without a final CR) */
  lineStart = 0;
  text0 = 0;
  text1 = 0;
  /** where the reading stopped (the rest of the line does not change what it means) */
  next = 0;
  /** the line kernel's group index (line-kernel.ts), KEY_MISSED, or KEY_LONG: read in JavaScript, no index */
  key = KEY_LONG;
}

export const EXEC_TIME = -1;
const at_ = (k: Kind) => KINDS.indexOf(k);
export const TIMEOUTS_FAILED = at_('timeouts_failed');
export const TIMEOUTS_RETRIED = at_('timeouts_retried');
export const WRONG_ANSWERS = at_('wrong_answers');
export const UNKNOWN_COMMANDS = at_('unknown_commands');
/** the kinds whose next lines (a traceback) are matched by PID and thread: their lines carry both */
export const SEND_ERRORS = at_('send_errors');
export const EXEC_ERRORS = at_('exec_errors');

/**
 * "Executing command" (never an event, and at DEBUG or INFO never a continuation), or a line the
 * general parser reads as no command-call line: nothing to count, nothing that changes what the
 * next line means.
 */
export const NOTHING = { kind: 'nothing' as const, next: 0 };

export type Fast = typeof NOTHING | CallLine;
