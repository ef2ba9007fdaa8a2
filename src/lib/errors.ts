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
};

/** The operator-readable reason of a system error ("no space left on device"). */
export function errnoText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return (e?.code && ERRNO_TEXT[e.code]) || e?.code || (err instanceof Error ? err.message : String(err));
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
