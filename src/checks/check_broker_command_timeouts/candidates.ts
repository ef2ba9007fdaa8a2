/**
 * Where the scan looks: the places a category needle may stand, by the WebAssembly kernel or,
 * without it, by native searches; and whether a category closes after a needle.
 */
import { ascii } from '../../lib/bytes.js';

/**
 * Candidate lines are found by the WebAssembly kernel's two-needle search over the reader's
 * buffer (lib/tail/line-end.ts: needles): each needle's first and last bytes at their distance
 * and its category closed after it (spaces or TABs, then `]`), both needles in one pass, 64
 * places a step, whatever letters the lines hold (issue 44: a one-byte search for a needle's
 * rarest byte stopped on every line of a log whose every line held it, and a pass per needle cost
 * a second walk). The kernel checks neither needle's middle: the scan does (scan.ts).
 */
export const COMMAND = ascii('COMMAND CALL');
export const FORK = ascii('CLEAN AFTER FORK');
/**
 * The kernel's needles(p, end, ...ARGS): the first byte both needles begin with (`C`: the kernel
 * compares it once for both; the broker-scan tests, which count fork-cleanup lines, fail if a
 * needle changes that), then each one's last byte and its distance.
 */
export const ARGS = [COMMAND[0], COMMAND[COMMAND.length - 1], COMMAND.length - 1, FORK[FORK.length - 1], FORK.length - 1] as const;

/**
 * Without the kernel (a buffer outside WebAssembly memory, or no WebAssembly), native searches for
 * a part of each needle, the nearer hit first: 'MMAND' for the command needle, the fork needle's
 * 'K' (BENCHMARKS.md: 'F' is in every INFO line). Both return where a needle would begin.
 */
export class NativeCandidates {
  private nc = -2;
  private nf = -2;
  constructor(private readonly buf: Buffer) {}
  next(pos: number): number {
    if (this.nc !== -1 && this.nc < pos) { const t = this.buf.indexOf(MMAND, pos + 2); this.nc = t < 0 ? -1 : t - 2; }
    if (this.nf !== -1 && this.nf < pos) { const t = this.buf.indexOf(75, pos + 15); this.nf = t < 0 ? -1 : t - 15; }
    return this.nc < 0 ? this.nf : this.nf < 0 ? this.nc : Math.min(this.nc, this.nf);
  }
}
const MMAND = Buffer.from('MMAND');

/**
 * Does a category end at `i` (spaces or TABs, then its `]`)? The general parser takes a line for
 * its category only when the bracket holds exactly the needle: "[ COMMAND CALLS ]" or
 * "[ CLEAN AFTER FORK TASK ]" are other categories, and reading every such line cost a log made of
 * them more than mawk's whole scan (issue 44's prefix logs).
 */
export function closes(buf: Buffer, i: number, end: number): boolean {
  while (i < end && (buf[i] === 32 || buf[i] === 9)) i++;
  return i < end && buf[i] === 93;
}
