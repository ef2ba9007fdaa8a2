/**
 * Step 3: copy the dump into the archive directory, fsync, and verify the copy (size and
 * SHA-256) before anything else happens. Only complete lines are copied unless the last,
 * unterminated line has stopped changing (OpMon writes the dump in one go).
 */
import { crypto } from '../../lib/builtins.js';
import { closeSync, constants, existsSync, fsyncSync, mkdirSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { countLine, countLines, countTooLong, newCounts } from '../../dump/count.js';
import { dumpLineBuffer } from '../../dump/names.js';
import { adoptOwner, readAt } from '../../lib/files.js';
import { LineAssembler } from '../../lib/tail/lines.js';
import { basename, join } from 'node:path';
import { sleepSync } from '../../lib/write.js';

export interface Copy {
  path: string;
  bytes: number;
  sha256: string;
  lines: number;
  /** counted as check_delayed_dump counts (same code, same default 1 MiB line limit) */
  messages: number;
  malformed: number;
}

const CHUNK = 1 << 20;

function stamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** How many leading bytes to take: everything, or up to the last LF if the tail is still moving. */
function extent(dump: string): number {
  const s1 = statSync(dump).size;
  if (s1 === 0) return 0;
  if (readAt(dump, 1, s1 - 1)[0] === 10) return s1;
  sleepSync(1000);
  if (statSync(dump).size === s1) return s1; // a final line without LF that is not growing
  const window = Math.min(s1, 1 << 20);
  const nl = readAt(dump, window, s1 - window).lastIndexOf(10);
  return nl < 0 ? 0 : s1 - window + nl + 1;
}

/** Reads up to `bytes` from fd in chunks: hashes them, counts LFs, hands each chunk on. */
function scan(fd: number, bytes: number, each?: (chunk: Buffer) => void): { sha256: string; got: number; lines: number; lastByte: number } {
  const h = crypto().createHash('sha256');
  const buf = Buffer.allocUnsafe(CHUNK);
  let off = 0;
  let lines = 0;
  let lastByte = 10;
  while (off < bytes) {
    const n = readSync(fd, buf, 0, Math.min(CHUNK, bytes - off), off);
    if (n === 0) break;
    const chunk = buf.subarray(0, n);
    h.update(chunk);
    for (let i = chunk.indexOf(10, 0); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
    lastByte = chunk[n - 1];
    each?.(chunk);
    off += n;
  }
  return { sha256: h.digest('hex'), got: off, lines, lastByte };
}

export function hashPrefix(path: string, bytes: number): { sha256: string; got: number; lines: number } {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    return scan(fd, bytes);
  } finally {
    closeSync(fd);
  }
}

/** `owner`: who the files created here are given to when run as root (the dump directory's owner). */
export function archiveDump(dump: string, archiveDir: string, owner: { uid: number; gid: number }): Copy {
  if (!existsSync(archiveDir)) {
    mkdirSync(archiveDir, { recursive: true, mode: 0o700 });
    adoptOwner(archiveDir, owner);
  }
  const bytes = extent(dump);
  const path = join(archiveDir, `${basename(dump)}.${stamp()}.${process.pid}`);
  const out = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  adoptOwner(path, owner);
  const inp = openSync(dump, constants.O_RDONLY | constants.O_NONBLOCK);
  const counts = newCounts();
  const asm = new LineAssembler({ lines: (b, s, e) => countLines(counts, b, s, e), longLine: () => countTooLong(counts) }, 0, 1 << 20, dumpLineBuffer);
  let r;
  try {
    r = scan(inp, bytes, (chunk) => {
      let w = 0;
      while (w < chunk.length) w += writeSync(out, chunk, w, chunk.length - w);
      asm.push(chunk);
    });
    fsyncSync(out);
  } finally {
    closeSync(inp);
    closeSync(out);
  }
  if (asm.nextOffset > asm.consumed) { // the last line without LF, as the check counts it
    const last = asm.pending();
    if (last === null) countTooLong(counts);
    else countLine(counts, last, 0, last.length, last.indexOf(0) >= 0);
  }
  const dfd = openSync(archiveDir, constants.O_RDONLY | constants.O_DIRECTORY);
  try { fsyncSync(dfd); } catch { /* not supported everywhere */ } finally { closeSync(dfd); }
  if (r.got !== bytes) throw new Error(`the dump shrank while it was copied (${r.got} of ${bytes} bytes)`);
  const check = hashPrefix(path, Number.MAX_SAFE_INTEGER);
  if (check.got !== bytes || check.sha256 !== r.sha256) throw new Error(`verification of ${path} failed (size ${check.got}/${bytes}, hash mismatch)`);
  return { path, bytes, sha256: r.sha256, lines: r.lines + (r.lastByte !== 10 ? 1 : 0), messages: counts.messages, malformed: counts.malformed };
}
