/**
 * Turns a byte stream into complete lines with bounded memory. The consumer gets ranges of a
 * shared buffer holding only whole lines (each ending in LF), so no per-line allocation is
 * needed. A line longer than `maxLine` is never held: its head is kept for the report, the rest
 * is skipped, and it counts as consumed only once its LF arrives. A trailing partial line is
 * never consumed, so a writer caught mid-line is read whole on the next run.
 */

export interface LineSink {
  /** buf[start, end) holds one or more complete lines, each ending in '\n' (CR is left in place). */
  lines(buf: Buffer, start: number, end: number): void;
  /** A line longer than the limit: its first bytes and its full length (without the LF). */
  longLine?(head: Buffer, length: number): void;
}

import { readSync } from 'node:fs';

const LONG_HEAD = 4096;
/**
 * Bytes a read asks for: 1 MiB, the whole line buffer (it holds a line of up to maxLine bytes,
 * 1 MiB by default). Each read() costs the kernel ~16 us besides its copy on this machine: a plain
 * loop of 256 KiB reads took 64 ms over a 256 MiB log, of 1 MiB reads 53 (system time 48 -> 35
 * ms), and the searches walk a longer chunk a call. In interleaved rounds each scan compared was
 * as fast within the noise or up to 20% faster (most where the reads are most of the work);
 * the buffer's whole MiB is then touched, +0.7 MiB of peak RSS (bench/NOTES.md, issue 44,
 * fourteenth round).
 * A larger --max-line does not read more at once. bench/line-floor.cjs reads the same 1 MiB
 * (a CommonJS script cannot import this constant): change both together.
 */
const READ_BYTES = 1 << 20;

export class LineAssembler {
  readonly buf: Buffer;
  private len = 0;
  /** absolute offset of buf[0] */
  private base: number;
  /** absolute offset just after the last complete line delivered */
  consumed: number;
  private skipping = false;
  private longHead: Buffer | null = null;
  private longLen = 0;
  cutLines = 0;

  /**
   * `buffer` makes the line buffer: a lineBuffer (line-end.ts) for a reader with a WebAssembly
   * kernel in the room after it (the dump count, the broker scan, the lbmmon blocks), so that
   * lineEnd runs its SIMD kernel there too; a plain Buffer for the others. WebAssembly costs a
   * reader ~2.7 MiB of peak RSS (V8's code for it, mapped from the executable): it pays where a
   * kernel takes the per-line work out of JavaScript, not for the line search alone (+7-8% of a
   * scan: bench/NOTES.md, tenth and eleventh rounds).
   */
  constructor(readonly sink: LineSink, start: number, maxLine: number, buffer: (size: number) => Buffer = Buffer.allocUnsafe) {
    // lines of up to maxLine bytes plus their LF fit whole; anything longer is cut
    this.buf = buffer(maxLine + 1);
    this.base = start;
    this.consumed = start;
  }

  /** Where the next read should write, and how much room there is. */
  get writeOffset(): number { return this.len; }
  get room(): number { return this.buf.length - this.len; }
  /** absolute offset of the next byte expected from the source */
  get nextOffset(): number { return this.base + this.len; }

  push(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length) {
      const n = Math.min(this.room, chunk.length - off);
      chunk.copy(this.buf, this.len, off, off + n);
      off += n;
      this.commit(n);
    }
  }

  /** `n` new bytes were written at writeOffset. */
  commit(n: number): void {
    this.len += n;
    if (this.skipping) {
      const nl = this.buf.indexOf(10, 0);
      if (nl < 0 || nl >= this.len) {
        this.longLen += this.len;
        this.base += this.len;
        this.len = 0;
        return;
      }
      this.longLen += nl;
      this.skipping = false;
      this.cutLines++;
      this.sink.longLine?.(this.longHead!, this.longLen);
      this.longHead = null;
      this.shift(nl + 1);
      this.consumed = this.base;
    }
    if (this.len === 0) return;
    const last = this.buf.lastIndexOf(10, this.len - 1);
    if (last >= 0) {
      this.sink.lines(this.buf, 0, last + 1);
      this.shift(last + 1);
      this.consumed = this.base;
    } else if (this.len === this.buf.length) {
      this.skipping = true;
      this.longHead = Buffer.from(this.buf.subarray(0, Math.min(LONG_HEAD, this.len)));
      this.longLen = this.len;
      this.base += this.len;
      this.len = 0;
    }
  }

  /** The unterminated last line held so far, or null while an over-long line is being skipped. */
  pending(): Buffer | null {
    return this.skipping ? null : this.buf.subarray(0, this.len);
  }

  private shift(k: number): void {
    if (k < this.len) this.buf.copyWithin(0, k, this.len);
    this.len -= k;
    this.base += k;
  }
}

/**
 * Feeds a file through an assembler, from its next offset to the end, one synchronous read per
 * chunk (an async read per chunk leaves the thread idle for about half of a page-cached scan).
 * `stop` is asked after each chunk, so every call makes progress.
 */
export function pump(fd: number, asm: LineAssembler, stop?: () => boolean): { bytes: number; stopped: boolean } {
  let bytes = 0;
  for (;;) {
    const n = readSync(fd, asm.buf, asm.writeOffset, Math.min(asm.room, READ_BYTES), asm.nextOffset);
    if (n === 0) return { bytes, stopped: false };
    bytes += n;
    asm.commit(n);
    if (stop?.()) return { bytes, stopped: true };
  }
}
