/**
 * Reading and writing a dump's bytes with flat memory, whatever its size: one 1 MiB chunk at a
 * time (the lines of a million-line dump are never all in memory).
 */
import { closeSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { holdYoungGenerationFrom, SCAN_BYTES, YOUNG_BYTES } from '../../lib/heap.js';

const CHUNK = 1 << 20;

/**
 * The lines of a file, each with its 0-based index, without the LF (and, unless `keepCr`, a
 * trailing CR: the bytes of a message; with it, the line's bytes exactly).
 */
export function* lines(path: string, keepCr = false): Generator<[Buffer, number]> {
  const fd = openSync(path, 'r');
  try {
    // one buffer for the whole file, doubled only for a line longer than it: a new one per chunk
    // lived as long as its lines took to submit and died old, a megabyte at a time (and a line of
    // many chunks was copied again with each)
    let buf = Buffer.allocUnsafe(2 * CHUNK);
    let rest = 0; // bytes of an unfinished line at the start of buf
    let index = 0;
    let read = 0;
    for (;;) {
      if (buf.length - rest < CHUNK) buf = Buffer.concat([buf.subarray(0, rest)], 2 * buf.length);
      const n = readSync(fd, buf, rest, CHUNK, null);
      if (n === 0) break;
      // a big dump makes garbage per line: V8's young generation grows to a few MiB, then no more
      if ((read += n) >= SCAN_BYTES) holdYoungGenerationFrom(YOUNG_BYTES);
      const end = rest + n;
      const filled = buf.subarray(0, end);
      let pos = 0;
      for (let nl = filled.indexOf(10, pos); nl >= 0; nl = filled.indexOf(10, pos)) {
        yield [Buffer.from(filled.subarray(pos, !keepCr && nl > pos && filled[nl - 1] === 13 ? nl - 1 : nl)), index++];
        pos = nl + 1;
      }
      rest = end - pos;
      buf.copyWithin(0, pos, end);
    }
    // a last line without its LF is read as any other, trailing CR and all
    if (rest) yield [Buffer.from(buf.subarray(0, !keepCr && buf[rest - 1] === 13 ? rest - 1 : rest)), index];
  } finally {
    closeSync(fd);
  }
}

/** A buffered, append-only writer to a file descriptor; `done()` flushes and fsyncs. */
export class ChunkWriter {
  private buf = Buffer.allocUnsafe(CHUNK);
  private len = 0;
  bytes = 0;

  constructor(readonly fd: number) {}

  write(b: Buffer): void {
    if (this.len + b.length > this.buf.length) this.flush();
    if (b.length >= this.buf.length) { this.writeOut(b); return; }
    b.copy(this.buf, this.len);
    this.len += b.length;
  }

  /** bytes [from, to) of `path`, in chunks */
  copyRange(path: string, from: number, to: number): void {
    this.flush();
    const fd = openSync(path, 'r');
    try {
      for (let off = from; off < to;) {
        const got = readSync(fd, this.buf, 0, Math.min(CHUNK, to - off), off);
        if (got === 0) break;
        this.writeOut(this.buf.subarray(0, got));
        off += got;
      }
    } finally {
      closeSync(fd);
    }
  }

  done(): void {
    this.flush();
    fsyncSync(this.fd);
  }

  private flush(): void {
    if (this.len) this.writeOut(this.buf.subarray(0, this.len));
    this.len = 0;
  }

  private writeOut(b: Buffer): void {
    for (let off = 0; off < b.length;) off += writeSync(this.fd, b, off, b.length - off);
    this.bytes += b.length;
  }
}
