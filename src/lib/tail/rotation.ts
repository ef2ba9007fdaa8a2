/**
 * Finding a saved position's file among the rotated copies (rename, compression, copytruncate),
 * and the files rotated after it. See tail.ts for the whole picture; what identifies a file is
 * its device and inode, and a hash of its first bytes (identity.ts).
 */
import type { Stats } from 'node:fs';
import { readAt } from '../files.js';
import { FP_MAX, sameInode, type FilePosition } from './identity.js';
import { fingerprintOf, matchesFp, siblings, timeSlack, type Candidate } from './siblings.js';

export class RotationSearch {
  constructor(readonly path: string, readonly ignoreDev: boolean, readonly rotatedDirs: string[], readonly notes: string[]) {}

  /** The rotated copies of the log now (beside it and in the rotated dirs), less the live file. */
  candidates(cur: Stats | null): Candidate[] {
    return siblings(this.path, cur, this.ignoreDev, this.rotatedDirs);
  }

  /** A file's head as `drained` keeps it: `<n>:<SHA-1 of its first n bytes>` ('' when empty or unreadable). */
  async headHash(path: string): Promise<string> {
    try {
      const f = await fingerprintOf(path, FP_MAX);
      return f.have > 0 ? `${f.have}:${f.fp}` : '';
    } catch { return ''; }
  }

  /** Was `path` read on the way to the saved position (it starts with a drained head)? */
  async wasDrained(prev: FilePosition, path: string): Promise<boolean> {
    for (const d of prev.drained ?? []) {
      const [n, fp] = d.split(':');
      try {
        const f = await fingerprintOf(path, Number(n));
        if (f.have === Number(n) && f.fp === fp) return true;
      } catch { /* unreadable: not evidence */ }
    }
    return false;
  }


  /** Where the saved position now lives among the rotated siblings, if anywhere. */
  async findOld(prev: FilePosition, cands: Candidate[]): Promise<{ c: Candidate; gz: boolean } | null> {
    // A short fingerprint does not make the inode trustworthy either: a rotation that compresses
    // frees the inode, and the next file created may get it back. Then only order tells.
    const weak = prev.fpLen < FP_MAX;
    for (const c of weak ? [] : cands) {
      if (!sameInode(prev, c.st, this.ignoreDev)) continue;
      const m = await matchesFp(c.path, prev);
      if (m.ok) return { c, gz: m.gz };
    }
    // compressed or copied away: same first bytes, at least as long as what was read
    const found: { c: Candidate; gz: boolean }[] = [];
    for (const c of cands) {
      if (weak && !(await this.writtenSince(prev, c))) continue;
      const m = await matchesFp(c.path, prev);
      if (m.ok && (m.gz || c.st.size >= prev.offset)) {
        if (!weak) return { c, gz: m.gz };
        found.push({ c, gz: m.gz });
      }
    }
    if (found.length === 0) return null;
    found.sort((a, b) => a.c.st.mtimeMs - b.c.st.mtimeMs);
    if (found.length > 1 && found[0].c.st.mtimeMs === found[1].c.st.mtimeMs) {
      this.notes.push(`${this.path}: ${found[0].c.path} and ${found[1].c.path} could both hold the lines written since the previous run (it held only ${prev.fpLen} bytes then, and both were written at the same time); read ${found[0].c.path}, lines may be missed or counted twice`);
    }
    return found[0];
  }

  /**
   * Could sibling `c` hold lines written after the previous run? For a short fingerprint this
   * stands in for identity: written to since (mtime not before the saved one, which gzip and
   * cp -p keep), and not a file already read on the way to the saved position.
   */
  async writtenSince(prev: FilePosition, c: Candidate): Promise<boolean> {
    if (c.st.mtimeMs < prev.mtimeMs - timeSlack(c.st.mtimeMs)) return false;
    return !(await this.wasDrained(prev, c.path));
  }

  /**
   * A sibling written since the last run that starts with our first bytes and reaches our
   * offset: the copy of a copytruncate. A backup copy (`cp log log.bak`) is told apart because
   * the current file still holds the copy's last bytes at the same place.
   */
  async freshCopy(prev: FilePosition, cur: Stats, live: number): Promise<boolean> {
    const cands = siblings(this.path, cur, this.ignoreDev, this.rotatedDirs).filter((c) => c.st.mtimeMs > prev.mtimeMs);
    for (const c of cands) {
      if (prev.fpLen < FP_MAX && !(await this.writtenSince(prev, c))) continue;
      if (c.st.size === 0) continue; // an empty copy holds nothing to read
      const m = await matchesFp(c.path, prev);
      if (!m.ok) continue;
      if (m.gz) return true;
      if (c.st.size < prev.offset) continue;
      if (cur.size < c.st.size) return true;
      const len = Math.min(FP_MAX, c.st.size);
      if (!readAt(c.path, len, c.st.size - len).equals(readAt(live, len, c.st.size - len))) return true;
    }
    return false;
  }

  /** Files rotated after the old one, oldest first, skipping copies of the old one. */
  async newer(old: Candidate, prev: FilePosition, cands: Candidate[]): Promise<{ c: Candidate; gz: boolean }[]> {
    const later = cands.filter((c) => c !== old && !sameInode(old.st, c.st, this.ignoreDev) && c.st.mtimeMs > old.st.mtimeMs);
    later.sort((a, b) => a.st.mtimeMs - b.st.mtimeMs);
    const out: { c: Candidate; gz: boolean }[] = [];
    const seen = new Set<string>([prev.fp]);
    for (const c of later) {
      const f = await fingerprintOf(c.path, FP_MAX);
      if (f.have > 0 && seen.has(f.fp)) continue;
      seen.add(f.fp);
      out.push({ c, gz: f.gz });
    }
    return out;
  }

}
