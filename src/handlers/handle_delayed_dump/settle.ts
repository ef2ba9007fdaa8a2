/**
 * Step 6, after a successful import: take out of the dump exactly what was imported.
 *
 * The dump is first renamed aside (atomic), so anything OpMon writes meanwhile lands in a new
 * dump and is never removed. If the aside file still starts with the imported bytes, only what
 * follows them is kept; if it was rewritten, the lines not in the imported copy are kept (a
 * multiset difference). What is kept is put back at the dump path, merged with any new dump.
 */
import { crypto } from '../../lib/builtins.js';
import { appendFileSync, existsSync, linkSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { adoptOwner, readAt } from '../../lib/files.js';
import { hashPrefix, type Copy } from './archive.js';

export interface Settled {
  removed: boolean;
  kept: number; // lines put back
  how: 'absent' | 'unchanged' | 'appended' | 'rewritten';
}

function linesOf(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const nl = buf.indexOf(10, pos);
    const end = nl < 0 ? buf.length : nl;
    out.push(buf.subarray(pos, end));
    pos = end + 1;
  }
  return out;
}

const key = (b: Buffer) => crypto().createHash('sha1').update(b).digest('base64');

/** Puts `keep` back at the dump path without clobbering a dump written meanwhile. */
function putBack(dump: string, keep: Buffer, owner: { uid: number; gid: number }): void {
  if (keep.length === 0) return;
  const tmp = `${dump}.keep-${process.pid}`;
  writeFileSync(tmp, keep, { mode: 0o644, flag: 'wx' });
  adoptOwner(tmp, owner); // the dump stays OpMon's, even after a run as root
  try {
    linkSync(tmp, dump); // fails if a new dump appeared meanwhile
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const cur = readFileSync(dump);
    const sep = cur.length && cur[cur.length - 1] !== 10 ? Buffer.from('\n') : Buffer.alloc(0);
    appendFileSync(dump, Buffer.concat([sep, keep]));
  } finally {
    unlinkSync(tmp);
  }
}

/**
 * `imported(i)`, when given, says which lines of the copy (0-based) were imported; the others
 * stay in the dump in their order, before what was appended (a partial Gearman import).
 */
export function settle(dump: string, copy: Copy, imported?: (line: number) => boolean): Settled {
  if (!existsSync(dump)) return { removed: true, kept: 0, how: 'absent' };
  const aside = `${dump}.importing-${process.pid}`;
  renameSync(dump, aside);
  const st = statSync(aside);
  const size = st.size;
  const prefix = size >= copy.bytes ? hashPrefix(aside, copy.bytes) : null;
  let keep: Buffer;
  let how: Settled['how'];
  const notImported = imported ? linesOf(readFileSync(copy.path)).filter((_, i) => !imported(i)) : [];
  if (prefix && prefix.got === copy.bytes && prefix.sha256 === copy.sha256) {
    const appended = readAt(aside, size - copy.bytes, copy.bytes);
    keep = notImported.length ? Buffer.concat([...notImported.flatMap((l) => [l, Buffer.from('\n')]), appended]) : appended;
    how = keep.length ? 'appended' : 'unchanged';
  } else {
    const importedCounts = new Map<string, number>();
    linesOf(readFileSync(copy.path)).forEach((l, i) => { if (!imported || imported(i)) importedCounts.set(key(l), (importedCounts.get(key(l)) ?? 0) + 1); });
    const kept: Buffer[] = [];
    for (const l of linesOf(readFileSync(aside))) {
      const k = key(l);
      const n = importedCounts.get(k) ?? 0;
      if (n > 0) importedCounts.set(k, n - 1);
      else kept.push(l);
    }
    keep = kept.length ? Buffer.concat(kept.flatMap((l) => [l, Buffer.from('\n')])) : Buffer.alloc(0);
    how = 'rewritten';
  }
  putBack(dump, keep, st);
  unlinkSync(aside);
  const kept = keep.length ? linesOf(keep).length : 0;
  return { removed: kept === 0, kept, how };
}
