import { State } from './status.js';

/** An error that ends the run with a chosen state and one clear line. */
export class PluginError extends Error {
  constructor(message: string, readonly state: State = State.UNKNOWN) {
    super(message);
    this.name = 'PluginError';
  }
}

/** Bad command line: UNKNOWN, with a hint to --help. */
export class UsageError extends PluginError {
  constructor(message: string) {
    super(message, State.UNKNOWN);
    this.name = 'UsageError';
  }
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'a path component is not a directory',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  ELOOP: 'is a symbolic link (refused)',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  ENAMETOOLONG: 'file name too long',
  EEXIST: 'already exists',
  ENOTEMPTY: 'directory not empty',
  EXDEV: 'on another file system',
  EBUSY: 'busy',
  EAGAIN: 'temporarily unavailable',
  EMFILE: 'too many open files in this process',
  ENFILE: 'too many open files on this system',
  EFBIG: 'file too large',
  EINVAL: 'invalid argument',
  ENXIO: 'no such device or address',
  ETXTBSY: 'text file busy',
};

/** Node's message without its errno prefix and path: "ENOSYS: function not implemented, open 'x'" -> "function not implemented". */
function wordsOf(message: string): string {
  const m = /^[A-Z][A-Z0-9_]+: ([^,]*)/.exec(message);
  return m ? m[1] : message;
}

/** The operator-readable reason of a system error ("no space left on device"). */
export function errnoText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return (e?.code && ERRNO_TEXT[e.code]) || (err instanceof Error ? wordsOf(err.message) : String(err));
}

/** Node's system errors carry a code; turn them into something an operator can act on. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const e = err as NodeJS.ErrnoException;
    if (e.code && e.path) return `${e.path}: ${errnoText(e)}`;
    return e.message || String(e);
  }
  return String(err);
}
