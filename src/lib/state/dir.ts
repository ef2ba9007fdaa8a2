/**
 * The state directory: one per effective user, mode 0700, owned by that user. Anything else at
 * the path (a symlink, a file, a directory someone else made or can write) is refused rather
 * than used, because state there could be read, replaced or turned into a symlink attack.
 */
import { lstatSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { errnoText, PluginError } from '../errors.js';
import { os } from '../builtins.js';
import { ownerOf, userName } from '../files.js';

/**
 * $MSGWATCH_STATE_DIR, else /var/lib/msgwatch/<user> where the packages created it for this user
 * (persistent, outside NRPE's PrivateTmp), else /var/tmp/msgwatch-<uid>.
 */
export function defaultStateDir(): string {
  const env = process.env.MSGWATCH_STATE_DIR;
  if (env) return env;
  const uid = typeof process.geteuid === 'function' ? process.geteuid() : 0;
  try {
    const packaged = `/var/lib/msgwatch/${os().userInfo().username}`;
    if (statSync(packaged).isDirectory()) return packaged;
  } catch { /* not a packaged install, or no such user name */ }
  return `/var/tmp/msgwatch-${uid}`;
}

export function ensureStateDir(dir: string): void {
  const euid = typeof process.geteuid === 'function' ? process.geteuid() : 0;
  // only error messages name the user: reading /etc/passwd on every run would cost start-up time
  const me = () => userName(euid);
  const createOnce = () => `create it once as root: install -d -o ${me().split(' ')[0]} -m 0700 ${dir} (or choose another with --state-dir)`;
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      try {
        mkdirSync(dir, { mode: 0o700, recursive: true });
      } catch (e2) {
        throw new PluginError(`cannot create state directory ${dir}: ${errnoText(e2)}; ${createOnce()}`);
      }
    } else if (code !== 'EEXIST') {
      const parent = dirname(dir);
      const who = code === 'EACCES' || code === 'EPERM' ? ` (${parent} is owned by ${ownerOf(parent)}; this run is ${me()})` : '';
      throw new PluginError(`cannot create state directory ${dir}: ${errnoText(e)}${who}; ${createOnce()}`);
    }
  }
  let st;
  try {
    st = lstatSync(dir);
  } catch (e) {
    throw new PluginError(`cannot inspect state directory ${dir}: ${errnoText(e)}`);
  }
  const fix = `remove it or choose another with --state-dir`;
  if (st.isSymbolicLink()) throw new PluginError(`state directory ${dir} is a symbolic link, refused (possible attack); ${fix}`);
  if (!st.isDirectory()) throw new PluginError(`state directory ${dir} is not a directory; ${fix}`);
  if (st.uid !== euid) {
    // most often a manual run as another user than the scheduler's: that state is not ours to touch
    throw new PluginError(`state directory ${dir} belongs to ${userName(st.uid)}, not to this run (${me()}), refused; it holds that user's state: run as that user (e.g. sudo -u ${userName(st.uid).split(' ')[0]} ...), or give this run its own with --state-dir`);
  }
  if ((st.mode & 0o022) !== 0) {
    throw new PluginError(`state directory ${dir} is writable by group or others (mode ${(st.mode & 0o777).toString(8)}), refused; run chmod 700 ${dir} or choose another with --state-dir`);
  }
}
