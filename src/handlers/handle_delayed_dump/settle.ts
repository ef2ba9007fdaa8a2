/**
 * Step 6, after a successful import: take out of the dump exactly what was imported.
 *
 * The dump is first renamed aside (atomic), so anything OpMon writes meanwhile lands in a new
 * dump and is never removed. If the aside file still starts with the imported bytes, only what
 * follows them is kept; if it was rewritten, the lines not in the imported copy are kept (a
 * multiset difference). What is kept is put back at the dump path, merged with any new dump.
 *
 * Every step leaves files from which the next run can finish the job exactly once, whatever
 * moment a kill strikes (recover()):
 *
 *   1. <dump>.settle-PID.json    the intent: the verified copy, and the lines of it that were
 *      <dump>.settle-PID.held    not imported (a partial Gearman import), both fsynced
 *   2. <dump>.importing-PID      the dump renamed aside
 *   3. <dump>.settle-PID.keep    what goes back (fsynced), computed from 1 and 2
 *   4. aside removed; keep linked to the dump path (or appended to a dump written meanwhile,
 *      renamed .appending first so that a repeat can tell it was done)
 *   5. the settle files removed
 */
import { crypto } from '../../lib/builtins.js';
import { closeSync, constants, existsSync, linkSync, openSync, readdirSync, readFileSync, readSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { adoptOwner, countFileLines, processAlive, readAt } from '../../lib/files.js';
import { faultPoint } from '../../lib/state/faults.js';
import { hashPrefix, type Copy } from './archive.js';
import { ChunkWriter, lines } from './lines.js';
import { settleJournalOf } from './ack-journal.js';

export interface Settled {
  removed: boolean;
  kept: number; // lines put back
  how: 'absent' | 'unchanged' | 'appended' | 'rewritten';
}

interface Intent {
  copy: string;
  bytes: number;
  sha256: string;
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
const NL = Buffer.from('\n');
const joined = (ls: Buffer[]) => (ls.length ? Buffer.concat(ls.flatMap((l) => [l, NL])) : Buffer.alloc(0));

/** The files of one settle, named after the process that made them. */
function files(dump: string, pid: number) {
  const base = `${dump}.settle-${pid}`;
  return { intent: `${base}.json`, held: `${base}.held`, keep: `${base}.keep`, appending: `${base}.appending`, aside: `${dump}.importing-${pid}` };
}

/** Writes a file at `path` durably from `fill`: a temp file, written in chunks, fsync, rename. */
function writeDurablyWith(path: string, owner: { uid: number; gid: number }, fill: (w: ChunkWriter) => void): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o644);
  try {
    const w = new ChunkWriter(fd);
    fill(w);
    w.done();
  } finally {
    closeSync(fd);
  }
  adoptOwner(tmp, owner); // the dump stays OpMon's, even after a run as root
  renameSync(tmp, path);
}

function writeDurably(path: string, data: Buffer, owner: { uid: number; gid: number }): void {
  writeDurablyWith(path, owner, (w) => w.write(data));
}

/** Do the bytes of `a` from `at` equal the whole of `b`? Compared a chunk at a time. */
function endsWithFile(a: string, at: number, b: string): boolean {
  const n = statSync(b).size;
  if (at < 0 || statSync(a).size - at !== n) return false;
  const fa = openSync(a, 'r');
  const fb = openSync(b, 'r');
  const ba = Buffer.allocUnsafe(1 << 20);
  const bb = Buffer.allocUnsafe(1 << 20);
  try {
    for (let off = 0; off < n;) {
      const len = Math.min(ba.length, n - off);
      const ga = readSync(fa, ba, 0, len, at + off);
      const gb = readSync(fb, bb, 0, len, off);
      if (ga !== len || gb !== len || !ba.subarray(0, len).equals(bb.subarray(0, len))) return false;
      off += len;
    }
    return true;
  } finally {
    closeSync(fa);
    closeSync(fb);
  }
}

function unlinkIfThere(path: string): void {
  try { unlinkSync(path); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e; }
}

/**
 * Writes what of the aside file goes back (the keep file): the lines not imported (held) and
 * what follows the imported bytes, copied in chunks; or, when the dump was rewritten during the
 * import, the lines not in the imported copy (a multiset difference: that rare path holds both
 * files in memory).
 */
function writeKeep(f: ReturnType<typeof files>, intent: Intent, owner: { uid: number; gid: number }): Settled['how'] {
  const size = statSync(f.aside).size;
  const prefix = size >= intent.bytes ? hashPrefix(f.aside, intent.bytes) : null;
  const heldSize = existsSync(f.held) ? statSync(f.held).size : 0;
  if (prefix && prefix.got === intent.bytes && prefix.sha256 === intent.sha256) {
    writeDurablyWith(f.keep, owner, (w) => {
      if (heldSize) w.copyRange(f.held, 0, heldSize);
      w.copyRange(f.aside, intent.bytes, size);
    });
    return heldSize + size - intent.bytes ? 'appended' : 'unchanged';
  }
  const held = heldSize ? readFileSync(f.held) : Buffer.alloc(0);
  const importedCounts = new Map<string, number>();
  for (const l of linesOf(readFileSync(intent.copy))) importedCounts.set(key(l), (importedCounts.get(key(l)) ?? 0) + 1);
  for (const l of linesOf(held)) importedCounts.set(key(l), (importedCounts.get(key(l)) ?? 0) - 1);
  const kept: Buffer[] = [];
  for (const l of linesOf(readFileSync(f.aside))) {
    const k = key(l);
    const n = importedCounts.get(k) ?? 0;
    if (n > 0) importedCounts.set(k, n - 1);
    else kept.push(l);
  }
  writeDurably(f.keep, joined(kept), owner);
  return 'rewritten';
}

/** Puts the keep file back at the dump path without clobbering a dump written meanwhile. */
function putBack(dump: string, f: ReturnType<typeof files>): void {
  if (existsSync(f.keep)) {
    if (statSync(f.keep).size === 0) return unlinkSync(f.keep);
    try {
      linkSync(f.keep, dump); // fails if a new dump appeared meanwhile
      faultPoint('settle-linked');
      return unlinkSync(f.keep);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // the dump path may already be the keep file (killed after the link): nothing to add
      const a = statSync(f.keep);
      const b = statSync(dump);
      if (a.ino === b.ino && a.dev === b.dev) return unlinkSync(f.keep);
    }
    renameSync(f.keep, f.appending);
  }
  if (!existsSync(f.appending)) return;
  const keepSize = statSync(f.appending).size;
  const curSize = existsSync(dump) ? statSync(dump).size : 0;
  // killed after the append: the dump ends with it already
  if (!endsWithFile(dump, curSize - keepSize, f.appending)) {
    const sep = curSize && readAt(dump, 1, curSize - 1)[0] !== 10;
    const fd = openSync(dump, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o644);
    try {
      const w = new ChunkWriter(fd);
      if (sep) w.write(Buffer.from('\n'));
      w.copyRange(f.appending, 0, keepSize);
      w.done();
    } finally {
      closeSync(fd);
    }
    faultPoint('settle-appended');
  }
  unlinkSync(f.appending);
}

/** Steps 3 to 5 for the settle files of `pid`, from wherever a kill left them. */
function finish(dump: string, pid: number, owner: { uid: number; gid: number }): Settled {
  const f = files(dump, pid);
  // settle() wrote it, recover() comes here only with it; written whole (temp file, rename)
  const intent = JSON.parse(readFileSync(f.intent, 'utf8')) as Intent;
  let how: Settled['how'] = 'unchanged';
  if (existsSync(f.aside) && !existsSync(f.keep) && !existsSync(f.appending)) {
    how = writeKeep(f, intent, statSync(f.aside));
    faultPoint('settle-kept');
  }
  unlinkIfThere(f.aside);
  const kept = existsSync(f.keep) && statSync(f.keep).size ? countFileLines(f.keep) : existsSync(f.appending) ? countFileLines(f.appending) : 0;
  putBack(dump, f);
  unlinkIfThere(f.held);
  // A --gearman import's journal is marked settled before the intent goes: killed after the
  // intent was gone and before the mark, the next run read the journal as an interrupted import
  // and skipped its lines in the new dump, where OpMon may have written the same messages again.
  settleJournalOf(intent.copy);
  unlinkIfThere(f.intent);
  return { removed: kept === 0, kept, how };
}

/**
 * `imported(i)`, when given, says which lines of the copy (0-based) were imported; the others
 * stay in the dump in their order, before what was appended (a partial Gearman import).
 */
export function settle(dump: string, copy: Copy, imported?: (line: number) => boolean): Settled {
  if (!existsSync(dump)) return { removed: true, kept: 0, how: 'absent' };
  const owner = statSync(dump);
  const f = files(dump, process.pid);
  // the lines a partial import did not take, streamed from the copy (a million-line dump is never in memory)
  if (imported) {
    writeDurablyWith(f.held, owner, (w) => {
      for (const [line, i] of lines(copy.path, true)) if (!imported(i)) { w.write(line); w.write(NL); }
    });
  }
  writeDurably(f.intent, Buffer.from(JSON.stringify({ copy: copy.path, bytes: copy.bytes, sha256: copy.sha256 } satisfies Intent)), owner);
  faultPoint('settle-intent');
  renameSync(dump, f.aside);
  faultPoint('settle-aside');
  return finish(dump, process.pid, owner);
}

/**
 * Orphans: settle files and aside dumps left by a handler that is gone. Each is finished as its
 * owner would have (its lines returned to the dump, in order, exactly once). An aside file with
 * no intent (left by a version before 0.3) goes back whole: its imported lines may then be
 * imported twice, never lost. Returns what it did, for the action log.
 */
export function recover(dump: string): string[] {
  const dir = dirname(dump);
  const base = basename(dump);
  const done: string[] = [];
  const pids = new Set<number>();
  for (const n of readdirSync(dir)) {
    const m = n.startsWith(base) ? /^\.(?:importing|settle)-(\d+)(?:\.(?:json|held|keep|appending)(?:\.tmp)?)?$/.exec(n.slice(base.length)) : null;
    if (m) pids.add(Number(m[1]));
  }
  for (const pid of pids) {
    if (pid === process.pid || processAlive(pid)) continue;
    const f = files(dump, pid);
    for (const t of [f.intent, f.held, f.keep]) unlinkIfThere(`${t}.tmp`);
    const owner = existsSync(f.aside) ? statSync(f.aside) : statSync(dir);
    if (existsSync(f.intent)) {
      // killed between the intent and the rename: the dump still holds the imported lines
      if (!existsSync(f.aside) && !existsSync(f.keep) && !existsSync(f.appending) && existsSync(dump)) renameSync(dump, f.aside);
      const s = finish(dump, pid, owner);
      done.push(`finished the settle of interrupted run pid ${pid}: ${s.kept} line(s) returned to ${dump}`);
    } else {
      if (existsSync(f.aside)) {
        writeDurablyWith(f.keep, owner, (w) => w.copyRange(f.aside, 0, statSync(f.aside).size));
        unlinkSync(f.aside);
      }
      const kept = existsSync(f.keep) && statSync(f.keep).size ? countFileLines(f.keep) : 0;
      putBack(dump, f);
      unlinkIfThere(f.held);
      if (kept) done.push(`returned ${kept} line(s) of ${f.aside}, left by interrupted run pid ${pid}, to ${dump}`);
    }
  }
  return done;
}
