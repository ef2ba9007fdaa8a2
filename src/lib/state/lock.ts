/**
 * A lock file next to the state file, created with O_EXCL. It records the holder's PID and the
 * kernel's start time of that process, so a lock left by a killed run is recognised as stale
 * even if the PID was reused. Breaking a stale lock happens under a short-lived guard file, so
 * two waiters cannot both break it and end up both holding the lock.
 */
import { dirname } from 'node:path';
import { closeSync, constants, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { errnoText, PluginError } from '../errors.js';
import { processAlive } from '../files.js';
import { faultPoint } from './faults.js';

interface LockInfo {
  pid: number;
  start: string;
  since: number;
}

function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // field 22 (starttime) comes after the parenthesised command name, which may hold spaces
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19] ?? null;
  } catch {
    return null;
  }
}

function alive(info: LockInfo): boolean {
  if (!processAlive(info.pid)) return false;
  const start = processStartTime(info.pid);
  return start === null || info.start === '' || start === info.start;
}

function readLock(path: string): LockInfo | null {
  try {
    const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const text = readFileSync(fd, 'utf8');
      const v = JSON.parse(text) as LockInfo;
      if (typeof v.pid !== 'number') return { pid: -1, start: '', since: 0 };
      return v;
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    // unreadable or half-written lock: judge it by age below
    return { pid: -1, start: '', since: 0 };
  }
}

/** A lock that could not be taken: `busy` when another live process holds it, else `reason` says what failed. */
export class LockError extends PluginError {
  constructor(message: string, readonly busy: boolean, readonly reason: string, readonly holder: number | null = null) {
    super(message);
  }
}

const FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

function tryCreate(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, FLAGS, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new LockError(`cannot lock state in ${dirname(path)}: ${errnoText(e)}; the previous state is kept`, false, errnoText(e));
  }
  try {
    faultPoint('lock-created');
    const info: LockInfo = { pid: process.pid, start: processStartTime(process.pid) ?? '', since: Date.now() };
    writeSync(fd, JSON.stringify(info));
  } catch (e) {
    closeSync(fd);
    try { unlinkSync(path); } catch { /* ignore */ }
    throw new LockError(`cannot lock state in ${dirname(path)}: ${errnoText(e)}; the previous state is kept`, false, errnoText(e));
  }
  closeSync(fd);
  return true;
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** Removes the lock at `path` if it is stale. Returns true when it did. */
function breakIfStale(path: string): boolean {
  const info = readLock(path);
  if (info === null) return true;
  const stale = info.pid === -1 ? ageMs(path) > 2000 : !alive(info);
  if (!stale) return false;
  const guard = `${path}.break`;
  if (!tryCreate(guard)) {
    if (ageMs(guard) > 10_000) {
      try { unlinkSync(guard); } catch { /* another waiter removed it */ }
    }
    return false;
  }
  try {
    const again = readLock(path);
    if (again && again.pid === info.pid && again.since === info.since) {
      try { unlinkSync(path); } catch { /* already gone */ }
    }
  } finally {
    try { unlinkSync(guard); } catch { /* ignore */ }
  }
  return true;
}

export class Lock {
  private held = false;
  constructor(readonly path: string) {}

  /** Waits at most `waitMs` for the lock. */
  async acquire(waitMs: number): Promise<void> {
    const until = Date.now() + waitMs;
    let delay = 5;
    for (;;) {
      if (tryCreate(this.path)) {
        this.held = true;
        return;
      }
      if (breakIfStale(this.path)) continue;
      if (Date.now() >= until) {
        const info = readLock(this.path);
        const who = info && info.pid > 0 ? ` (pid ${info.pid}, for ${Math.round((Date.now() - info.since) / 1000)}s)` : '';
        throw new LockError(`another run holds the state lock ${this.path}${who}; gave up after ${(waitMs / 1000).toFixed(1)}s`, true, 'held by another run', info && info.pid > 0 ? info.pid : null);
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(50, delay * 2);
    }
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    const info = readLock(this.path);
    if (info && info.pid === process.pid) {
      try { unlinkSync(this.path); } catch { /* ignore */ }
    }
  }
}
