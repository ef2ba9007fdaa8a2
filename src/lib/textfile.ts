/**
 * --textfile DIR: the run's OpenMetrics written for node_exporter's textfile collector, which
 * reads every `*.prom` in its directory on each scrape. Atomic (a temp file in DIR, fsync, rename)
 * so that a scrape never sees half a file, and never left half-written when writing fails. The
 * name is `msgwatch_<program>_<instance>.prom`: the instance comes from what is watched, with a
 * hash of it, so two checks on two logs never write the same file.
 */
import { closeSync, constants, fsyncSync, lstatSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { errnoText } from './errors.js';
import { fnv64 } from './fnv.js';
import { omPart } from './openmetrics.js';

/** `msgwatch_<program>_<instance>.prom`; a derived instance gets a hash of the whole (paths can share their ends). */
export function textfileName(program: string, instance: string, explicit: boolean): string {
  const slug = omPart(instance.slice(-48)).replace(/_+/g, '_').replace(/^_|_$/g, '') || 'default';
  return `msgwatch_${program}_${slug}${explicit ? '' : `_${fnv64(instance).slice(0, 8)}`}.prom`;
}

/** Writes `text` to DIR/name atomically; null when done, else why not (nothing is left behind). */
export function writeTextfile(dir: string, name: string, text: string): string | null {
  try {
    const st = lstatSync(dir);
    if (!st.isDirectory()) return `${dir} is not a directory`;
  } catch (e) {
    return `cannot use ${dir}: ${errnoText(e)}`;
  }
  const path = join(dir, name);
  const tmp = join(dir, `.${name}.tmp-${process.pid}`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    const b = Buffer.from(text, 'utf8');
    let off = 0;
    while (off < b.length) off += writeSync(fd, b, off, b.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
    return null;
  } catch (e) {
    if (fd !== undefined) try { closeSync(fd); } catch { /* ignore */ }
    try { unlinkSync(tmp); } catch { /* not made */ }
    return `cannot write ${path}: ${errnoText(e)}`;
  }
}
