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
    const chunk = Buffer.allocUnsafe(CHUNK);
    let rest = Buffer.alloc(0);
    let index = 0;
    let read = 0;
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      // a big dump makes garbage per line: V8's young generation grows to a few MiB, then no more
      if ((read += n) >= SCAN_BYTES) holdYoungGenerationFrom(YOUNG_BYTES);
      const buf = Buffer.concat([rest, chunk.subarray(0, n)]);
      let pos = 0;
      for (let nl = buf.indexOf(10, pos); nl >= 0; nl = buf.indexOf(10, pos)) {
        yield [Buffer.from(buf.subarray(pos, !keepCr && nl > pos && buf[nl - 1] === 13 ? nl - 1 : nl)), index++];
        pos = nl + 1;
      }
      rest = Buffer.from(buf.subarray(pos));
    }
    if (rest.length) yield [rest, index];
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
