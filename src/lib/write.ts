/**
 * Writes all of a string to a file descriptor synchronously. `process.stdout.write` followed by
 * `process.exit()` can lose the tail of the output on a pipe; a loop over `writeSync` cannot,
 * and it copes with a non-blocking descriptor (EAGAIN) left by the parent.
 */
import { writeSync } from 'node:fs';

let sleeper: Int32Array | null = null;

export function sleepSync(ms: number): void {
  Atomics.wait((sleeper ??= new Int32Array(new SharedArrayBuffer(4))), 0, 0, ms);
}

export function writeAllSync(fd: number, text: string): void {
  const buf = Buffer.from(text, 'utf8');
  let off = 0;
  let stalls = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off, buf.length - off);
      stalls = 0;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN' && stalls++ < 5000) {
        sleepSync(2);
        continue;
      }
      return; // EPIPE: the reader is gone; nothing useful left to do
    }
  }
}
