/**
 * Where a log's rotated copies are, and whether a file is the one a saved position points to:
 * the candidates beside the log and in the --rotated-dir directories, and the hashes of first
 * bytes that tell them apart.
 */
import { constants, readdirSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { hashBytes, headBytes, isGzip, sameInode, type FilePosition } from './identity.js';

export interface Candidate {
  path: string;
  st: Stats;
}

const ROTATED_SUFFIX = /^[._-]/;

/**
 * A copy may carry its original's time cut to the second (gzip's header holds seconds) or to
 * the millisecond (utimes from a Date): a time that looks cut is compared up to that precision.
 */
export function timeSlack(mtimeMs: number): number {
  if (mtimeMs % 1000 === 0) return 1000;
  return Math.abs(mtimeMs - Math.round(mtimeMs)) < 0.01 ? 1 : 0;
}
/** O_NONBLOCK: opening a FIFO put at a log path must not block a thread (Node cannot exit then). */
export const READ_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

/**
 * Rotated copies of `path`: files named like it plus a suffix (.1, .1.gz, -20261203), beside it
 * and in each of `dirs` (logrotate's olddir keeps the name; there the bare name counts too).
 */
export function siblings(path: string, current: Stats | null, ignoreDev: boolean, dirs: string[] = []): Candidate[] {
  const own = dirname(path);
  const base = basename(path);
  const out: Candidate[] = [];
  for (const dir of [own, ...dirs.filter((d) => d !== own)]) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!name.startsWith(base) || (name === base ? dir === own : !ROTATED_SUFFIX.test(name.slice(base.length)))) continue;
      const p = join(dir, name);
      try {
        const st = statSync(p);
        if (!st.isFile()) continue;
        if (current && sameInode(current, st, ignoreDev)) continue;
        out.push({ path: p, st });
      } catch { /* vanished meanwhile */ }
    }
  }
  return out;
}

/** The live log is read through one descriptor (its identity is what was opened); rotated files by path. */
export type Src = string | number;

export async function fingerprintOf(path: Src, len: number): Promise<{ fp: string; gz: boolean; have: number }> {
  const { bytes, gz } = await headBytes(path, len);
  return { fp: hashBytes(bytes), gz, have: bytes.length };
}

/** Does candidate hold the same content start as the saved position? */
export async function matchesFp(path: Src, pos: FilePosition): Promise<{ ok: boolean; gz: boolean }> {
  if (pos.fpLen === 0) {
    try { return { ok: true, gz: isGzip(path) }; } catch { return { ok: false, gz: false }; }
  }
  try {
    const f = await fingerprintOf(path, pos.fpLen);
    return { ok: f.have === pos.fpLen && f.fp === pos.fp, gz: f.gz };
  } catch {
    return { ok: false, gz: false };
  }
}
