/**
 * How the reader recognises "its" file across runs: device + inode, plus a hash of the first
 * bytes (up to 1 KiB) so that a reused inode or a copy (copytruncate, compression) is told
 * apart from, or matched to, the file it was.
 */
import { createReadStream, type Stats } from 'node:fs';
import { zlib } from '../builtins.js';
import { sha1Hex } from '../sha.js';
import { readAt } from '../files.js';
import { array, count, num, obj, optional, str, where, type Schema } from '../state/schema.js';

export const FP_MAX = 1024;

export interface FilePosition {
  dev: number;
  ino: number;
  /** bytes consumed (uncompressed offset for .gz files) */
  offset: number;
  size: number;
  mtimeMs: number;
  fp: string;
  fpLen: number;
  /**
   * The rotated files read on the way to this file (at most 4), each as `<n>:<SHA-1 of its first
   * n bytes>` (n up to 1 KiB, what it held when read): such a file is never taken for this one
   * later, even when it was written to after it was rotated (a writer that reopens its log late).
   */
  drained?: string[];
}

export const FILE_POSITION: Schema<FilePosition> = where(obj<FilePosition>({
  dev: count, ino: count, offset: count, size: count,
  mtimeMs: num({ min: 0 }), // the file system's clock, not ours: any time
  fp: str(40), fpLen: num({ min: 0, max: FP_MAX, int: true }),
  drained: optional(array(str(45), 4)),
}), (p) => (!/^[0-9a-f]{40}$/.test(p.fp) ? 'fp is not a SHA-1 in hex'
  : (p.drained ?? []).every((d) => /^\d{1,4}:[0-9a-f]{40}$/.test(d)) ? null : 'drained is not <length>:<SHA-1>'));

/** SHA-1 in hex, computed here: node:crypto's start-up would cost more than the hash (sha.ts) */
export function hashBytes(b: Buffer): string {
  return sha1Hex(b);
}

export function isGzip(path: string | number): boolean {
  const b = readAt(path, 2, 0);
  return b.length === 2 && b[0] === 0x1f && b[1] === 0x8b;
}

/**
 * First `len` bytes of a file (decompressed when it is gzip), or fewer if it is shorter. A
 * descriptor is the live log, read as it is: never decompressed.
 */
export async function headBytes(path: string | number, len: number): Promise<{ bytes: Buffer; gz: boolean }> {
  if (typeof path === 'string' && isGzip(path)) {
    const bytes = await new Promise<Buffer>((resolve) => {
      const parts: Buffer[] = [];
      let got = 0;
      const src = createReadStream(path);
      const gun = zlib().createGunzip();
      const done = () => { src.destroy(); gun.destroy(); resolve(Buffer.concat(parts).subarray(0, len)); };
      gun.on('data', (c: Buffer) => { parts.push(c); got += c.length; if (got >= len) done(); });
      gun.on('end', done);
      gun.on('error', done);
      src.on('error', done);
      src.pipe(gun);
    });
    return { bytes, gz: true };
  }
  return { bytes: readAt(path, len, 0), gz: false };
}

export function sameInode(a: { dev: number; ino: number }, b: Stats | { dev: number; ino: number }, ignoreDev: boolean): boolean {
  return a.ino === b.ino && (ignoreDev || a.dev === b.dev);
}
