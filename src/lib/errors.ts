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

/** Node's system errors carry a code; turn them into something an operator can act on. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const e = err as NodeJS.ErrnoException;
    if (e.code && e.path) {
      const why: Record<string, string> = {
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
      return `${e.path}: ${why[e.code] ?? e.code}`;
    }
    return e.message || String(e);
  }
  return String(err);
}
