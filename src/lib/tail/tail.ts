/**
 * Incremental reading of a growing, rotating log: every complete line is delivered exactly once
 * across runs, whatever happened to the file between two runs:
 *
 *   grew / unchanged      same dev+inode, same first bytes: read on from the saved offset
 *   rotated (rename)      inode changed: find the old file among the siblings by dev+inode (or,
 *                         for a .gz, by its first bytes), read its unread tail, then any files
 *                         rotated after it, then the new file from 0
 *   copytruncate          same inode but shorter, or different first bytes: read the copy's
 *                         tail (found by first bytes) from the saved offset, then the file from 0
 *   truncated / replaced  no copy found: the file from 0, with a note
 *   look-alike            inode changed, old file not found, same first bytes: read on from the
 *                         saved offset, and reported as possibly lost (`lost`)
 *   missing               nothing to read from it; an unread rotated tail is still read
 *
 * A short fingerprint (the file held less than 1 KiB at the previous run: empty, a partial first
 * line, a few lines) cannot identify a file by itself: every file of a log may begin with the same
 * date. The old file is then the oldest sibling written to since that run (mtime not before the
 * saved one) whose first bytes agree, excluding files already read on the way here (`drained`);
 * two such siblings with the same mtime cannot be ordered, and the output says so.
 *
 * Reading stops at the run's deadline; the position reached is returned so the next run goes
 * on from there (it may lie in a rotated file, which is then found again by inode).
 */
import { closeSync, fstatSync, openSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { describeError, PluginError } from '../errors.js';
import { faultPoint } from '../state/faults.js';
import { FP_MAX, sameInode, type FilePosition } from './identity.js';
import { readGzLines } from './gz.js';
import { RotationSearch } from './rotation.js';
import { fingerprintOf, matchesFp, READ_FLAGS, type Src } from './siblings.js';
import { LineAssembler, pump, type LineSink } from './lines.js';
import { alignedEnd, alignedForward } from './align.js';

export type TailStatus =
  | 'first-run' | 'grew' | 'unchanged' | 'rotated' | 'copytruncate' | 'truncated' | 'replaced' | 'missing';

export interface TailOptions {
  /** where a first run (no saved position) starts: 'end' (default), 'start', or a byte offset
   *  (moved forward to the next line start) */
  firstRun?: 'end' | 'start' | number;
  ignoreDev?: boolean;
  /** other directories where rotated files go (logrotate's olddir), searched like the log's own */
  rotatedDirs?: string[];
  maxLine?: number;
  /** makes the line buffer (lines.ts): lineBuffer for a sink that searches it with the kernel */
  buffer?: (size: number) => Buffer;
  /** the saved state was there and unusable: a first run's start is where lines went unread */
  stateLost?: boolean;
  deadline?: number;
  onPhase?: (text: string) => void;
}

export interface TailResult {
  status: TailStatus;
  /** the position to save; undefined when the file has never been seen */
  position: FilePosition | undefined;
  /** files read from, in order */
  sources: string[];
  bytesRead: number;
  cutLines: number;
  /** stopped at the deadline with data left */
  behind: boolean;
  bytesLeft: number;
  notes: string[];
  /**
   * Bytes existed that this run could not read (rotated and the old file not found, shrunk or
   * replaced with no copy found): what and where it looked. The checks raise their state on it.
   */
  lost?: string;
  /** the live log's modification time when it was opened (null: no live log) */
  mtimeMs: number | null;
}


export class Tailer {
  private bytesRead = 0;
  private cutLines = 0;
  private behind = false;
  private readonly sources: string[] = [];
  private readonly notes: string[] = [];
  private readonly maxLine: number;
  private readonly ignoreDev: boolean;

  private readonly search: RotationSearch;

  constructor(readonly path: string, readonly sink: LineSink, readonly opts: TailOptions = {}) {
    this.maxLine = opts.maxLine ?? 1 << 20;
    this.ignoreDev = opts.ignoreDev ?? false;
    this.search = new RotationSearch(path, this.ignoreDev, opts.rotatedDirs ?? [], this.notes);
  }

  private pastDeadline(): boolean {
    return this.opts.deadline !== undefined && Date.now() >= this.opts.deadline;
  }

  /** Reads complete lines of a plain file from `from` to its current end. Returns the offset consumed. */
  private async readPlain(src: Src, from: number): Promise<number> {
    const path = this.nameOf(src);
    this.opts.onPhase?.(`reading ${path}`);
    const fd = typeof src === 'number' ? src : openSync(src, READ_FLAGS);
    const asm = new LineAssembler(this.sink, from, this.maxLine, this.opts.buffer);
    try {
      const r = pump(fd, asm, () => this.pastDeadline() && fstatSync(fd).size > asm.nextOffset);
      this.bytesRead += r.bytes;
      if (r.stopped) this.behind = true;
    } finally {
      if (fd !== src) closeSync(fd);
      this.cutLines += asm.cutLines;
    }
    if (!this.sources.includes(path)) this.sources.push(path);
    return asm.consumed;
  }

  private nameOf(src: Src): string {
    return typeof src === 'number' ? this.path : src;
  }

  /** Where this run looked for rotated files, in words. */
  private lookedIn(): string {
    const dirs = [dirname(this.path), ...(this.opts.rotatedDirs ?? [])];
    return [...new Set(dirs)].join(', ');
  }

  /** Same for a gzip file; `from` is an uncompressed offset. */
  private async readGz(path: string, from: number): Promise<number> {
    this.opts.onPhase?.(`reading ${path} (gzip)`);
    const asm = new LineAssembler(this.sink, from, this.maxLine, this.opts.buffer);
    const r = await readGzLines(path, from, asm, () => this.pastDeadline());
    this.bytesRead += r.bytes;
    if (r.stopped) this.behind = true;
    if (r.damage) this.notes.push(`${path}: gzip data is damaged (${r.damage}); read what could be decompressed`);
    this.cutLines += asm.cutLines;
    if (!this.sources.includes(path)) this.sources.push(path);
    return asm.consumed;
  }

  private async readAny(path: string, from: number, gz: boolean): Promise<number> {
    return gz ? this.readGz(path, from) : this.readPlain(path, from);
  }

  private async positionFor(path: Src, st: Stats, offset: number, drained?: string[]): Promise<FilePosition> {
    const len = Math.min(FP_MAX, st.size);
    const f = await fingerprintOf(path, len);
    const pos: FilePosition = { dev: st.dev, ino: st.ino, offset, size: st.size, mtimeMs: st.mtimeMs, fp: f.fp, fpLen: f.have };
    if (drained?.length) pos.drained = drained.slice(-4);
    return pos;
  }

  private lost: string | undefined;
  private liveMtime: number | null = null;

  private result(status: TailStatus, position: FilePosition | undefined, bytesLeft = 0): TailResult {
    return {
      status, position, sources: this.sources, bytesRead: this.bytesRead, cutLines: this.cutLines,
      behind: this.behind, bytesLeft: this.behind ? bytesLeft : 0, notes: this.notes,
      ...(this.lost ? { lost: this.lost } : {}),
      mtimeMs: this.liveMtime,
    };
  }

  /**
   * Reads the old file's tail and later rotations. `last` is the position at the end of the
   * last file read (or where the deadline stopped it); `stopped` says the deadline did.
   */
  private async drainRotated(prev: FilePosition, cur: Stats | null): Promise<{ last: FilePosition | null; stopped: boolean; found: boolean; drained: string[] }> {
    const cands = this.search.candidates(cur);
    const old = await this.search.findOld(prev, cands);
    const drained = [...(prev.drained ?? [])];
    if (!old) return { last: null, stopped: false, found: false, drained };
    const chain = [{ ...old, from: prev.offset }, ...(await this.search.newer(old.c, prev, cands)).map((n) => ({ ...n, from: 0 }))];
    let last: FilePosition | null = null;
    for (const item of chain) {
      const end = await this.readAny(item.c.path, item.from, item.gz);
      last = await this.positionFor(item.c.path, item.c.st, end, drained);
      if (this.behind) return { last, stopped: true, found: true, drained };
      // a plain file's position already hashes its head; a .gz one's covers only as many bytes
      // as the file is compressed, too few to tell files apart, so its head is hashed in full
      const h = item.gz ? await this.search.headHash(item.c.path) : last.fpLen > 0 ? `${last.fpLen}:${last.fp}` : '';
      if (h && !drained.includes(h)) drained.push(h);
    }
    return { last, stopped: false, found: true, drained: drained.slice(-4) };
  }

  /**
   * Opens the live log once and takes its identity from the descriptor (fstat), then reads it
   * only through that descriptor: a rename at any moment is either read from the file opened or,
   * on the next run, found as the rotated one. (stat-then-open lost the old file's tail when the
   * rename fell between the two.)
   */
  async run(prev: FilePosition | undefined): Promise<TailResult> {
    let fd: number | null = null;
    faultPoint('tail-before-open');
    try {
      fd = openSync(this.path, READ_FLAGS);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    try {
      return await this.runOn(prev, fd);
    } finally {
      if (fd !== null) closeSync(fd);
    }
  }

  private async runOn(prev: FilePosition | undefined, fd: number | null): Promise<TailResult> {
    faultPoint('tail-opened');
    const cur = fd === null ? null : fstatSync(fd);
    if (cur && !cur.isFile()) throw new PluginError(`${this.path} is not a regular file`);
    this.liveMtime = cur ? cur.mtimeMs : null;

    if (!prev) {
      if (!cur || fd === null) return this.result('missing', undefined);
      const fr = this.opts.firstRun ?? 'end';
      const start = fr === 'start' ? 0 : fr === 'end' ? alignedEnd(fd, cur.size) : alignedForward(fd, fr, cur.size);
      if (this.opts.stateLost && start > 0) {
        this.lost = `the saved state was unusable, so ${this.path} was read from byte ${start} of ${cur.size} as on a first run: lines written before that point since the previous run were not read`;
      }
      const end = start < cur.size ? await this.readPlain(fd, start) : start;
      return this.result('first-run', await this.positionFor(fd, fstatSync(fd), end), cur.size - end);
    }

    if (!cur || fd === null) {
      // rotated away and not yet recreated: still read what was left in the old file
      // (the position stays in the last rotated file, so the next run finds it again by inode)
      const r = await this.drainRotated(prev, null);
      if (!r.found) this.lost = `${this.path} is gone and no rotated copy of it was found in ${this.lookedIn()}: lines written after byte ${prev.offset} may be lost`;
      return this.result('missing', r.last ?? prev);
    }

    if (sameInode(prev, cur, this.ignoreDev)) {
      // untouched since the last run (same size and mtime to the nanosecond): nothing to read,
      // nothing to hash (hashing loads OpenSSL: the most common run would pay for it)
      if (cur.size === prev.size && cur.mtimeMs === prev.mtimeMs && cur.size === prev.offset) {
        return this.result('unchanged', { ...prev }, 0);
      }
      const m = await matchesFp(fd, prev);
      // identical lines can regrow a copytruncated file to the same first bytes and size, so a
      // fresh copy of it among the siblings is the only reliable sign that it was truncated
      const copied = m.ok && cur.size >= prev.offset && cur.mtimeMs !== prev.mtimeMs && (await this.search.freshCopy(prev, cur, fd));
      if (m.ok && cur.size >= prev.offset && !copied) {
        const end = cur.size > prev.offset ? await this.readPlain(fd, prev.offset) : prev.offset;
        const pos = await this.positionFor(fd, fstatSync(fd), end, prev.drained);
        return this.result(end > prev.offset ? 'grew' : 'unchanged', pos, cur.size - end);
      }
      // shrunk or rewritten in place: was it copied away first (copytruncate)?
      const r = await this.drainRotated(prev, cur);
      if (r.stopped) return this.result('copytruncate', r.last!);
      const status: TailStatus = r.found ? 'copytruncate' : cur.size < prev.offset ? 'truncated' : 'replaced';
      if (!r.found) {
        this.lost = status === 'truncated'
          ? `${this.path} shrank (${prev.offset} -> ${cur.size} bytes) and no copy of it was found in ${this.lookedIn()}: lines written after byte ${prev.offset} may be lost`
          : `${this.path} was rewritten in place and no copy of it was found in ${this.lookedIn()}: lines written after byte ${prev.offset} may be lost`;
        this.notes.push(`${this.path} read from the start`);
      }
      const end = await this.readPlain(fd, 0);
      return this.result(status, await this.positionFor(fd, fstatSync(fd), end, r.drained), cur.size - end);
    }

    // a different file at the path: rotation by rename (or a move from elsewhere)
    const r = await this.drainRotated(prev, cur);
    if (r.stopped) return this.result('rotated', r.last!);
    if (!r.found) {
      const same = await matchesFp(fd, prev);
      if (same.ok && prev.fpLen > 0 && cur.size >= prev.offset) {
        // same first bytes under a new inode: the old file copied back or moved across file
        // systems, or a new log that begins like the old one (a daemon writing the same start-up
        // lines in the same second). Nothing tells the two apart, so it is read on from the old
        // offset, and never silently: if it is a new log, the old one's last lines were not read
        this.lost = `${this.path} has a new inode and the old file was not found in ${this.lookedIn()}; its first ${prev.fpLen} bytes match the old log's, so it was read on from byte ${prev.offset}: if it is a new log, lines the old one got after byte ${prev.offset} and this one's first ${prev.offset} bytes were not read (--rotated-dir names where rotated logs go)`;
        const end = await this.readPlain(fd, prev.offset);
        return this.result('grew', await this.positionFor(fd, fstatSync(fd), end), cur.size - end);
      }
      this.lost = `${this.path} was rotated and the old file was not found in ${this.lookedIn()}: lines written to it after byte ${prev.offset} may be lost (--rotated-dir names where rotated logs go)`;
    }
    const end = await this.readPlain(fd, 0);
    return this.result('rotated', await this.positionFor(fd, fstatSync(fd), end, r.drained), cur.size - end);
  }
}

/** Reads on from `prev`; a file that cannot be read is a PluginError naming it and the reason. */
export async function tailFile(path: string, prev: FilePosition | undefined, sink: LineSink, opts: TailOptions = {}): Promise<TailResult> {
  try {
    return await new Tailer(path, sink, opts).run(prev);
  } catch (e) {
    if (e instanceof PluginError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new PluginError(err.code && err.path ? `cannot read ${describeError(err)}` : `cannot read ${path}: ${err.message}`);
  }
}
