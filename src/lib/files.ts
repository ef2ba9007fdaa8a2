/** Small file and process helpers shared by the readers, the state store and the handler. */
import { chownSync, closeSync, constants, openSync, readFileSync, readSync, statSync } from 'node:fs';

/**
 * Up to `len` bytes of a file (a path, or a descriptor already open) from `pos`. Synchronous on
 * purpose: the first asynchronous fs call starts libuv's thread pool, several milliseconds on
 * every run. The open is O_NONBLOCK, so a FIFO put where a file belongs cannot block it.
 */
export function readAt(file: string | number, len: number, pos: number): Buffer {
  const fd = typeof file === 'number' ? file : openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
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
    if (fd !== file) closeSync(fd);
  }
}

/**
 * Lines in a file, read 1 MiB at a time: its LFs, and one more for a last line without one. Opened
 * without following a link and non-blocking, like every file a run reads by name.
 */
export function countFileLines(path: string): number {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  const buf = Buffer.allocUnsafe(1 << 20);
  let n = 0;
  let last = 10;
  try {
    for (let got; (got = readSync(fd, buf, 0, buf.length, null)) > 0;) {
      for (let i = buf.indexOf(10); i >= 0 && i < got; i = buf.indexOf(10, i + 1)) n++;
      last = buf[got - 1];
    }
  } finally {
    closeSync(fd);
  }
  return n + (last === 10 ? 0 : 1);
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

/** Who owns `path`, in words: `root`, `nagios (uid 110)`; a name from /etc/passwd when there is one. */
export function ownerOf(path: string): string {
  let uid: number;
  try { uid = statSync(path).uid; } catch { return 'unknown'; }
  return userName(uid);
}

export function userName(uid: number): string {
  try {
    for (const line of readFileSync('/etc/passwd', 'latin1').split('\n')) {
      const f = line.split(':');
      if (f.length > 2 && Number(f[2]) === uid) return uid === 0 ? f[0] : `${f[0]} (uid ${uid})`;
    }
  } catch { /* no passwd file */ }
  return `uid ${uid}`;
}

/**
 * Run as root, give what we just created to the owner of `like` (the dump's directory): one
 * manual run as root must not leave files the scheduler's user cannot write next time.
 */
export function adoptOwner(path: string, like: { uid: number; gid: number }): void {
  if (typeof process.geteuid !== 'function' || process.geteuid() !== 0) return;
  try { chownSync(path, like.uid, like.gid); } catch { /* best effort: the run's result does not depend on it */ }
}
