/** Small file and process helpers shared by the readers, the state store and the handler. */
import { closeSync, constants, openSync, readSync } from 'node:fs';

/**
 * Up to `len` bytes of a file from `pos`. Synchronous on purpose: the first asynchronous fs call
 * starts libuv's thread pool, several milliseconds on every run. The open is O_NONBLOCK, so a
 * FIFO put where a file belongs cannot block it.
 */
export function readAt(path: string, len: number, pos: number): Buffer {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const b = Buffer.alloc(len);
    let off = 0;
    while (off < len) {
      const n = readSync(fd, b, off, len - off, pos + off);
      if (n === 0) break;
      off += n;
    }
    return b.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}

/** Whether a process exists; one we may not signal (EPERM) exists too. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
