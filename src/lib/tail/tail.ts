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
import { closeSync, constants, createReadStream, fstatSync, openSync, readdirSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { zlib } from '../builtins.js';
import { describeError, PluginError } from '../errors.js';
import { readAt } from '../files.js';
import { faultPoint } from '../state/faults.js';
import { FP_MAX, hashBytes, headBytes, isGzip, sameInode, type FilePosition } from './identity.js';
import { LineAssembler, pump, type LineSink } from './lines.js';

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

interface Candidate {
  path: string;
  st: Stats;
}

const ROTATED_SUFFIX = /^[._-]/;

/**
 * A copy may carry its original's time cut to the second (gzip's header holds seconds) or to
 * the millisecond (utimes from a Date): a time that looks cut is compared up to that precision.
 */
function timeSlack(mtimeMs: number): number {
  if (mtimeMs % 1000 === 0) return 1000;
  return Math.abs(mtimeMs - Math.round(mtimeMs)) < 0.01 ? 1 : 0;
}
/** O_NONBLOCK: opening a FIFO put at a log path must not block a thread (Node cannot exit then). */
const READ_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

/**
 * Rotated copies of `path`: files named like it plus a suffix (.1, .1.gz, -20261203), beside it
 * and in each of `dirs` (logrotate's olddir keeps the name; there the bare name counts too).
 */
function siblings(path: string, current: Stats | null, ignoreDev: boolean, dirs: string[] = []): Candidate[] {
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
type Src = string | number;

async function fingerprintOf(path: Src, len: number): Promise<{ fp: string; gz: boolean; have: number }> {
  const { bytes, gz } = await headBytes(path, len);
  return { fp: hashBytes(bytes), gz, have: bytes.length };
}

/** Does candidate hold the same content start as the saved position? */
async function matchesFp(path: Src, pos: FilePosition): Promise<{ ok: boolean; gz: boolean }> {
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

export class Tailer {
  private bytesRead = 0;
  private cutLines = 0;
  private behind = false;
  private readonly sources: string[] = [];
  private readonly notes: string[] = [];
  private readonly maxLine: number;
  private readonly ignoreDev: boolean;

  constructor(readonly path: string, readonly sink: LineSink, readonly opts: TailOptions = {}) {
    this.maxLine = opts.maxLine ?? 1 << 20;
    this.ignoreDev = opts.ignoreDev ?? false;
  }

  private pastDeadline(): boolean {
    return this.opts.deadline !== undefined && Date.now() >= this.opts.deadline;
  }

  /** Reads complete lines of a plain file from `from` to its current end. Returns the offset consumed. */
  private async readPlain(src: Src, from: number): Promise<number> {
    const path = this.nameOf(src);
    this.opts.onPhase?.(`reading ${path}`);
    const fd = typeof src === 'number' ? src : openSync(src, READ_FLAGS);
    const asm = new LineAssembler(this.sink, from, this.maxLine);
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
    const asm = new LineAssembler(this.sink, from, this.maxLine);
    let skip = from;
    await new Promise<void>((resolve, reject) => {
      const src = createReadStream(path, { highWaterMark: 1 << 20 });
      const gun = zlib().createGunzip({ chunkSize: 1 << 18 });
      const stop = () => { src.unpipe(gun); src.destroy(); gun.destroy(); resolve(); };
      gun.on('data', (chunk: Buffer) => {
        if (skip > 0) {
          if (chunk.length <= skip) { skip -= chunk.length; return; }
          chunk = chunk.subarray(skip);
          skip = 0;
        }
        this.bytesRead += chunk.length;
        asm.push(chunk);
        if (this.pastDeadline()) { this.behind = true; stop(); }
      });
      gun.on('end', () => resolve());
      gun.on('error', (e) => {
        this.notes.push(`${path}: gzip data is damaged (${e.message}); read what could be decompressed`);
        stop();
      });
      src.on('error', reject);
      src.pipe(gun);
    });
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

  /** A file's head as `drained` keeps it: `<n>:<SHA-1 of its first n bytes>` ('' when empty or unreadable). */
  private async headHash(path: string): Promise<string> {
    try {
      const f = await fingerprintOf(path, FP_MAX);
      return f.have > 0 ? `${f.have}:${f.fp}` : '';
    } catch { return ''; }
  }

  /** Was `path` read on the way to the saved position (it starts with a drained head)? */
  private async wasDrained(prev: FilePosition, path: string): Promise<boolean> {
    for (const d of prev.drained ?? []) {
      const [n, fp] = d.split(':');
      try {
        const f = await fingerprintOf(path, Number(n));
        if (f.have === Number(n) && f.fp === fp) return true;
      } catch { /* unreadable: not evidence */ }
    }
    return false;
  }

  /** A line-aligned offset at or before the end, so a first run starts on a line boundary. */
  private alignedEnd(path: Src, size: number): number {
    if (size === 0) return 0;
    const window = Math.min(size, 1 << 20);
    const b = readAt(path, window, size - window);
    const nl = b.lastIndexOf(10);
    return nl < 0 ? (window === size ? 0 : size) : size - window + nl + 1;
  }

  /** The first line start at or after `offset`. */
  private alignedForward(path: Src, offset: number, size: number): number {
    if (offset <= 0) return 0;
    if (offset >= size) return this.alignedEnd(path, size);
    const b = readAt(path, Math.min(1 << 20, size - offset + 1), offset - 1);
    const nl = b.indexOf(10);
    return nl < 0 ? size : offset + nl;
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

  /** Where the saved position now lives among the rotated siblings, if anywhere. */
  private async findOld(prev: FilePosition, cands: Candidate[]): Promise<{ c: Candidate; gz: boolean } | null> {
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
  private async writtenSince(prev: FilePosition, c: Candidate): Promise<boolean> {
    if (c.st.mtimeMs < prev.mtimeMs - timeSlack(c.st.mtimeMs)) return false;
    return !(await this.wasDrained(prev, c.path));
  }

  /**
   * A sibling written since the last run that starts with our first bytes and reaches our
   * offset: the copy of a copytruncate. A backup copy (`cp log log.bak`) is told apart because
   * the current file still holds the copy's last bytes at the same place.
   */
  private async freshCopy(prev: FilePosition, cur: Stats, live: number): Promise<boolean> {
    const cands = siblings(this.path, cur, this.ignoreDev, this.opts.rotatedDirs).filter((c) => c.st.mtimeMs > prev.mtimeMs);
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
  private async newer(old: Candidate, prev: FilePosition, cands: Candidate[]): Promise<{ c: Candidate; gz: boolean }[]> {
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

  /**
   * Reads the old file's tail and later rotations. `last` is the position at the end of the
   * last file read (or where the deadline stopped it); `stopped` says the deadline did.
   */
  private async drainRotated(prev: FilePosition, cur: Stats | null): Promise<{ last: FilePosition | null; stopped: boolean; found: boolean; drained: string[] }> {
    const cands = siblings(this.path, cur, this.ignoreDev, this.opts.rotatedDirs);
    const old = await this.findOld(prev, cands);
    const drained = [...(prev.drained ?? [])];
    if (!old) return { last: null, stopped: false, found: false, drained };
    const chain = [{ ...old, from: prev.offset }, ...(await this.newer(old.c, prev, cands)).map((n) => ({ ...n, from: 0 }))];
    let last: FilePosition | null = null;
    for (const item of chain) {
      const end = await this.readAny(item.c.path, item.from, item.gz);
      last = await this.positionFor(item.c.path, item.c.st, end, drained);
      if (this.behind) return { last, stopped: true, found: true, drained };
      // a plain file's position already hashes its head; a .gz one's covers only as many bytes
      // as the file is compressed, too few to tell files apart, so its head is hashed in full
      const h = item.gz ? await this.headHash(item.c.path) : last.fpLen > 0 ? `${last.fpLen}:${last.fp}` : '';
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
      const start = fr === 'start' ? 0 : fr === 'end' ? this.alignedEnd(fd, cur.size) : this.alignedForward(fd, fr, cur.size);
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
      const copied = m.ok && cur.size >= prev.offset && cur.mtimeMs !== prev.mtimeMs && (await this.freshCopy(prev, cur, fd));
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
        // same content under a new inode (copied back, or moved across file systems)
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
