/**
 * The state directory: one per effective user, mode 0700, owned by that user. Anything else at
 * the path (a symlink, a file, a directory someone else made or can write) is refused rather
 * than used, because state there could be read, replaced or turned into a symlink attack.
 */
import { lstatSync, mkdirSync } from 'node:fs';
import { PluginError } from '../errors.js';

export function defaultStateDir(): string {
  const env = process.env.MSGWATCH_STATE_DIR;
  if (env) return env;
  const uid = typeof process.geteuid === 'function' ? process.geteuid() : 0;
  return `/var/tmp/msgwatch-${uid}`;
}

export function ensureStateDir(dir: string): void {
  const euid = typeof process.geteuid === 'function' ? process.geteuid() : 0;
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      try {
        mkdirSync(dir, { mode: 0o700, recursive: true });
      } catch (e2) {
        throw new PluginError(`cannot create state directory ${dir}: ${(e2 as Error).message}; use --state-dir`);
      }
    } else if (code !== 'EEXIST') {
      throw new PluginError(`cannot create state directory ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; use --state-dir or MSGWATCH_STATE_DIR`);
    }
  }
  let st;
  try {
    st = lstatSync(dir);
  } catch (e) {
    throw new PluginError(`cannot inspect state directory ${dir}: ${(e as Error).message}`);
  }
  const fix = `remove it or choose another with --state-dir`;
  if (st.isSymbolicLink()) throw new PluginError(`state directory ${dir} is a symbolic link, refused (possible attack); ${fix}`);
  if (!st.isDirectory()) throw new PluginError(`state directory ${dir} is not a directory; ${fix}`);
  if (st.uid !== euid) throw new PluginError(`state directory ${dir} is owned by uid ${st.uid}, not by this user (uid ${euid}), refused; ${fix}`);
  if ((st.mode & 0o022) !== 0) {
    throw new PluginError(`state directory ${dir} is writable by group or others (mode ${(st.mode & 0o777).toString(8)}), refused; run chmod 700 ${dir} or ${fix}`);
  }
}
