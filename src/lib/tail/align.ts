/** Where a first run starts reading: on a line boundary, at or before the end or after an offset. */
import { readAt } from '../files.js';
import type { Src } from './siblings.js';

/** A line-aligned offset at or before the end, so a first run starts on a line boundary. */
export function alignedEnd(path: Src, size: number): number {
  if (size === 0) return 0;
  const window = Math.min(size, 1 << 20);
  const b = readAt(path, window, size - window);
  const nl = b.lastIndexOf(10);
  return nl < 0 ? (window === size ? 0 : size) : size - window + nl + 1;
}

/** The first line start at or after `offset`. */
export function alignedForward(path: Src, offset: number, size: number): number {
  if (offset <= 0) return 0;
  if (offset >= size) return alignedEnd(path, size);
  const b = readAt(path, Math.min(1 << 20, size - offset + 1), offset - 1);
  const nl = b.indexOf(10);
  return nl < 0 ? size : offset + nl;
}
