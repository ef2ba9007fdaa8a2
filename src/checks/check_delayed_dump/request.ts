/**
 * Commands to OpMon through its external command pipe: --request-dump (_OPDB_DUMP_DELAYED, write
 * a fresh dump) and --fetch (_OPDB_FETCH_DELAYED, log the live count).
 *
 * `echo ... > opmon.cmd` hangs when OpMon is stopped but the FIFO remains, and creates a regular
 * file (which then stops OpMon from creating its pipe) when the FIFO is gone. So: the path must
 * already be a FIFO, it is opened write-only and non-blocking without O_CREAT (ENXIO = nobody
 * reads it = OpMon is not running), and the command goes out in one write() below PIPE_BUF,
 * which the kernel keeps atomic.
 */
import { closeSync, constants, lstatSync, openSync, statSync, writeSync } from 'node:fs';
import { errnoText } from '../../lib/errors.js';
import { State } from '../../lib/status.js';

export interface RequestOutcome {
  sent: boolean;
  /** set when something kept the request from reaching OpMon */
  problem?: { state: State; text: string };
}

/** Sends `[<epoch>] <command>` to OpMon's pipe, or says why it could not. */
export function sendCommand(commandFile: string, command: string, now: number): RequestOutcome {
  let st;
  try {
    st = lstatSync(commandFile);
  } catch {
    return { sent: false, problem: { state: State.WARNING, text: `command pipe ${commandFile} does not exist: OpMon is not running (or --command-file is wrong); reporting the dump on disk` } };
  }
  if (st.isSymbolicLink()) {
    try { st = statSync(commandFile); } catch { /* dangling: reported below as not a FIFO */ }
  }
  if (!st.isFIFO()) {
    return { sent: false, problem: { state: State.UNKNOWN, text: `${commandFile} is not a named pipe; not writing to it (a regular file there stops OpMon from creating its command pipe: remove it)` } };
  }
  let fd: number;
  try {
    fd = openSync(commandFile, constants.O_WRONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENXIO') return { sent: false, problem: { state: State.WARNING, text: `nobody reads the command pipe ${commandFile}: OpMon is not running; reporting the dump on disk` } };
    return { sent: false, problem: { state: State.UNKNOWN, text: `cannot open command pipe ${commandFile}: ${errnoText(e)}` } };
  }
  try {
    const cmd = Buffer.from(`[${Math.floor(now / 1000)}] ${command}\n`, 'ascii');
    const n = writeSync(fd, cmd, 0, cmd.length);
    if (n !== cmd.length) return { sent: false, problem: { state: State.UNKNOWN, text: `short write to ${commandFile}` } };
    return { sent: true };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'EAGAIN' ? 'the pipe is full (OpMon is not reading commands)' : code === 'EPIPE' ? 'the reader went away' : errnoText(e);
    return { sent: false, problem: { state: State.WARNING, text: `could not send ${command} to ${commandFile}: ${why}` } };
  } finally {
    closeSync(fd);
  }
}

export function requestDump(commandFile: string, now: number): RequestOutcome {
  return sendCommand(commandFile, '_OPDB_DUMP_DELAYED', now);
}

export interface FileStamp {
  ino: number;
  size: number;
  mtimeMs: number;
}

export function stamp(path: string): FileStamp | null {
  try {
    const s = statSync(path);
    return { ino: s.ino, size: s.size, mtimeMs: s.mtimeMs };
  } catch {
    return null;
  }
}

/** Polls until the dump differs from `before`, or the wait ends. Returns true if it changed. */
export async function waitForChange(path: string, before: FileStamp | null, untilMs: number): Promise<boolean> {
  for (;;) {
    const now = stamp(path);
    const changed = before === null ? now !== null
      : now === null ? false
      : now.ino !== before.ino || now.size !== before.size || now.mtimeMs !== before.mtimeMs;
    if (changed) {
      // let OpMon finish writing: wait until the size holds still for a moment
      let last = now!.size;
      for (let i = 0; i < 20 && Date.now() < untilMs; i++) {
        await new Promise((r) => setTimeout(r, 50));
        const again = stamp(path);
        if (!again || again.size === last) break;
        last = again.size;
      }
      return true;
    }
    if (Date.now() >= untilMs) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}
