// The --gearman import's journal read back by a later run: a last line without its LF is half a
// line number (a crash or a full disk mid-write) and must not acknowledge the line it happens to
// name, which the settle would then take out of the dump unsubmitted.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resumable, resumedBy } from '../../src/handlers/handle_delayed_dump/ack-journal.js';
import type { Copy } from '../../src/handlers/handle_delayed_dump/archive.js';
import type { Journal } from '../../src/handlers/handle_delayed_dump/journal.js';
import { tempDir } from '../helpers';

let cleanup = () => {};
afterEach(() => cleanup());

const silent = { log: () => {} } as unknown as Journal;

const sha = (t: string) => createHash('sha256').update(t).digest('hex');
/** archived copies are named `<dump>.<YYYYMMDD-HHMMSS>.<pid>` (archive.ts) */
const named = (n: number, dump = 'delayed-messages.dump') => `${dump}.20261205-1200${String(n).padStart(2, '0')}.${100 + n}`;

/** an archive directory holding earlier copies and their journals; the new copy is `now` */
function archiveOf(earlier: { text: string; journal: string; name?: string }[], now: string): { copy: Copy; dir: string } {
  const t = tempDir('msgwatch-ackjournal-');
  cleanup = t.cleanup;
  const dir = join(t.dir, 'archive');
  mkdirSync(dir);
  earlier.forEach((e, n) => {
    const name = e.name ?? named(n);
    writeFileSync(join(dir, name), e.text);
    writeFileSync(join(dir, `${name}.gearman-journal`), `copy ${Buffer.byteLength(e.text)} ${sha(e.text)}\n${e.journal}`);
  });
  const path = join(dir, named(50));
  writeFileSync(path, now);
  return { copy: { path, bytes: Buffer.byteLength(now), sha256: sha(now), lines: now.split('\n').length - 1, messages: 0, malformed: 0 }, dir };
}
/** one earlier copy of `dump` with its journal; the new copy is the same dump */
const archive = (dump: string, journal: string) => archiveOf([{ text: dump, journal }], dump);

const DUMP = Array.from({ length: 20 }, (_, i) => `check_results m${i}`).join('\n') + '\n';
const acked = (r: ReturnType<typeof resumable>) => Array.from({ length: 20 }, (_, i) => i).filter((i) => r.byLine.has(i));

describe('the acknowledgement journal, read back', () => {
  it('takes every whole line', () => {
    const { copy, dir } = archive(DUMP, '0\n5\n12\n');
    expect(acked(resumable(copy, dir, silent))).toEqual([0, 5, 12]);
  });

  it('does not take a last line cut short: "12" written as "1" does not acknowledge line 1', () => {
    const { copy, dir } = archive(DUMP, '0\n5\n1');
    expect(acked(resumable(copy, dir, silent))).toEqual([0, 5]);
  });

  it('reads only the journals of this dump\'s copies: another dump archived in the same directory is not its history', () => {
    const other = 'host c\nhost d\n';
    const { copy, dir } = archiveOf([{ text: other, journal: '0\n', name: named(1, 'other.dump') }], 'host c\nhost x\n');
    const r = resumable(copy, dir, silent);
    expect([...r.byContent]).toEqual([]);
    expect(r.from).toEqual([]);
  });

  it('by content, the most any one journal says, not their sum: a resumed import journals again what it skipped', () => {
    // the first import acknowledged one "host c"; the second, on a rewritten dump, skipped it
    // (journaled again) and acknowledged a second one; the dump is rewritten once more
    const { copy, dir } = archiveOf([
      { text: 'host z\nhost c\n', journal: '1\n' },
      { text: 'host c\nhost y\nhost c\n', journal: '0\n2\n' },
    ], 'host q\nhost c\nhost c\nhost c\n');
    expect(resumable(copy, dir, silent).byContent.get('host c')).toBe(2);
  });

  it('skips the first lines of each content, counted with those skipped by number: a message written again after them is not skipped', () => {
    // the second import's copy begins the new one and acknowledged its "host c" (line 0), which
    // the first had acknowledged on a copy the new one does not begin with: one message, not two
    const now = 'host c\nhost x\nhost c\n';
    const { copy, dir } = archiveOf([
      { text: 'host z\nhost c\n', journal: '1\n' },
      { text: 'host c\nhost x\n', journal: '0\n' },
    ], now);
    const r = resumable(copy, dir, silent);
    const resumed = resumedBy(r);
    expect(now.split('\n').slice(0, -1).map((l, i) => resumed(i, Buffer.from(l)))).toEqual([true, false, false]);
  });

  it('a journal with nothing whole after its header acknowledges nothing', () => {
    const { copy, dir } = archive(DUMP, '1');
    const r = resumable(copy, dir, silent);
    expect(acked(r)).toEqual([]);
    expect(r.from).toEqual([]);
  });
});
