/**
 * The --gearman import's journal of acknowledged lines, beside the archived copy: written a batch
 * at a time, read back by a later run to skip what an interrupted import already submitted, and
 * marked settled once those lines have left the dump.
 */
import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readdirSync, readSync, statSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import { crypto } from '../../lib/builtins.js';
import { errnoText } from '../../lib/errors.js';
import { readAt } from '../../lib/files.js';
import type { Copy } from './archive.js';
import type { Journal } from './journal.js';
import { LineSet } from './lineset.js';
import { lines } from './lines.js';

/**
 * The journal of acknowledged lines. Acknowledgements are written and fsynced a batch at a time
 * (one write per batch, not per job: 200,000 write calls were a tenth of an import). What a
 * crash or kill loses is the batch not yet written: at most --journal-batch lines submitted twice,
 * as before, and never a line lost.
 */
export interface AckJournal { fd: number; unsynced: number; text: string; /** bytes written whole: each line with its LF */ bytes: number }

/**
 * Writes the batch whole or not at all. A write cut short (a full disk writes what fits and
 * returns) left half a line number, which a later run read as another line's: "12345" cut to
 * "123" acknowledged line 123, maybe a held line, which the settle would then take out of the
 * dump unsubmitted. So a short write is written on, and a failed one cut back to the last whole
 * line (the reader also ignores a last line without its LF: a crash mid-write).
 */
export function flushJournal(jf: AckJournal): void {
  if (jf.text) {
    const b = Buffer.from(jf.text, 'latin1');
    let off = 0;
    try {
      while (off < b.length) off += writeSync(jf.fd, b, off, b.length - off);
    } catch (e) {
      try { ftruncateSync(jf.fd, jf.bytes); } catch { /* the reader ignores the torn line */ }
      throw e;
    }
    jf.bytes += b.length;
    jf.text = '';
  }
  fsyncSync(jf.fd);
  jf.unsynced = 0;
}

const journalOf = (copyPath: string) => `${copyPath}.gearman-journal`;

/**
 * How a journal ends: `settled` (its last line says so), or `torn` (a last line without its LF:
 * cut short by a crash or a full disk mid-write).
 */
function ending(p: string): { settled: boolean; torn: boolean } {
  const size = statSync(p).size;
  const tail = readAt(p, Math.min(size, 8), Math.max(0, size - 8));
  return { settled: tail.toString('latin1') === 'settled\n', torn: tail.length > 0 && tail[tail.length - 1] !== 10 };
}
export function journalPath(copy: Copy): string { return journalOf(copy.path); }

/** `<dump's name>.<YYYYMMDD-HHMMSS>.<pid>`: the archived copies of one dump (archive.ts) */
const COPY_SUFFIX = /\.\d{8}-\d{6}\.\d+$/;

/**
 * Acknowledged lines of earlier, unsettled imports of the same dump that apply to `copy` (see the
 * file comment). Journals are read a line at a time, and a settled one (its last line says so)
 * not at all: the archive keeps every journal, and a million-line one must not cost memory on
 * every later run.
 *
 * `byContent`: for copies the new one does not begin with, how many lines of each content were
 * acknowledged, the most any one journal says. An import that resumes from a journal journals
 * the lines it skipped again, so a later journal repeats an earlier one's: added up, the same
 * acknowledgement counted twice skipped a message OpMon had written again, which then left the
 * dump unsubmitted. Skipped are the first that many lines of that content in the new copy
 * (`resumedBy`), counted whether or not `byLine` skips them.
 */
export interface Resumable { byLine: LineSet; byContent: Map<string, number>; /** the earlier copies whose journals count */ from: string[] }

export function resumable(copy: Copy, archiveDir: string, j: Journal): Resumable {
  const byLine = new LineSet();
  const byContent = new Map<string, number>();
  const from: string[] = [];
  // only this dump's: another dump archived in the same directory is not this one's history
  const dumpName = basename(copy.path).replace(COPY_SUFFIX, '');
  const ours = (n: string) => n.endsWith('.gearman-journal') && n.startsWith(`${dumpName}.`) && COPY_SUFFIX.test(n.slice(dumpName.length, -'.gearman-journal'.length));
  let names: string[] = [];
  try { names = readdirSync(archiveDir).filter(ours); } catch { return { byLine, byContent, from }; }
  for (const n of names) {
    const jp = join(archiveDir, n);
    const old = jp.slice(0, -'.gearman-journal'.length);
    if (old === copy.path || !existsSync(old)) continue;
    let header: string[] | null;
    const acked = new LineSet();
    try {
      const { settled, torn } = ending(jp);
      if (settled) continue;
      // a torn last line is half a number naming another line: it is not taken (its job may be
      // submitted twice, never lost)
      header = null;
      let last = -1; // the last number read, taken once another line follows it or the file ends whole
      for (const [line, i] of lines(jp)) {
        const t = line.toString('latin1');
        if (i === 0) { header = t.startsWith('copy ') ? t.split(' ') : null; if (!header) break; continue; }
        if (last >= 0) { acked.add(last); last = -1; }
        if (t === 'settled') { header = null; break; }
        if (/^\d+$/.test(t)) last = Number(t);
      }
      if (last >= 0 && !torn) acked.add(last);
    } catch (e) {
      j.log(`cannot read ${jp} (${errnoText(e)}): its acknowledged lines cannot be skipped and may be submitted again`);
      continue;
    }
    if (!header || acked.size === 0) continue;
    const [, bytes, sha] = header;
    from.push(old);
    const oldBytes = Number(bytes);
    const prefix = oldBytes <= copy.bytes && sha === hashOf(copy.path, oldBytes);
    if (prefix) { acked.forEach((i) => byLine.add(i)); continue; }
    const counts = new Map<string, number>();
    for (const [line, i] of lines(old)) if (acked.has(i)) { const k = line.toString('latin1'); counts.set(k, (counts.get(k) ?? 0) + 1); }
    for (const [k, n] of counts) if (n > (byContent.get(k) ?? 0)) byContent.set(k, n);
  }
  return { byLine, byContent, from };
}

/**
 * Whether line `i` (its bytes `line`) was acknowledged by an earlier import: by its number, or
 * as one of the first `byContent` lines of its content. Call once per line, in order.
 */
export function resumedBy(r: Resumable): (i: number, line: Buffer) => boolean {
  const seen = new Map<string, number>();
  return (i, line) => {
    let content = false;
    if (r.byContent.size) {
      const k = line.toString('latin1');
      const n = seen.get(k) ?? 0;
      seen.set(k, n + 1);
      content = n < (r.byContent.get(k) ?? 0);
    }
    return r.byLine.has(i) || content;
  };
}

function hashOf(path: string, bytes: number): string {
  const h = crypto().createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    let off = 0;
    while (off < bytes) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, bytes - off), off);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
      off += n;
    }
  } finally { closeSync(fd); }
  return h.digest('hex');
}

/**
 * Marks the journal of the copy at `copyPath`, if it has one, as settled: its acknowledged lines
 * have left the dump. Once is enough (a settle finished again after a kill marks it again).
 */
export function settleJournalOf(copyPath: string): void {
  const p = journalOf(copyPath);
  if (!existsSync(p)) return;
  const { settled, torn } = ending(p);
  if (settled) return;
  const fd = openSync(p, 'a');
  try {
    // after a torn last line, on a line of its own
    const b = Buffer.from(torn ? '\nsettled\n' : 'settled\n');
    for (let off = 0; off < b.length;) off += writeSync(fd, b, off, b.length - off);
    fsyncSync(fd);
  } finally { closeSync(fd); }
}
