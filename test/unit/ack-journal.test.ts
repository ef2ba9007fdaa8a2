// The --gearman import's journal read back by a later run: a last line without its LF is half a
// line number (a crash or a full disk mid-write) and must not acknowledge the line it happens to
// name, which the settle would then take out of the dump unsubmitted.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resumable } from '../../src/handlers/handle_delayed_dump/ack-journal.js';
import type { Copy } from '../../src/handlers/handle_delayed_dump/archive.js';
import type { Journal } from '../../src/handlers/handle_delayed_dump/journal.js';
import { tempDir } from '../helpers';

let cleanup = () => {};
afterEach(() => cleanup());

const silent = { log: () => {} } as unknown as Journal;

/** an archive holding an earlier copy of `dump` and its journal `text`; the new copy is the same dump */
function archive(dump: string, journal: string): { copy: Copy; dir: string } {
  const t = tempDir('msgwatch-ackjournal-');
  cleanup = t.cleanup;
  const dir = join(t.dir, 'archive');
  mkdirSync(dir);
  const bytes = Buffer.byteLength(dump);
  const sha = createHash('sha256').update(dump).digest('hex');
  writeFileSync(join(dir, 'dump.1'), dump);
  writeFileSync(join(dir, 'dump.1.gearman-journal'), `copy ${bytes} ${sha}\n${journal}`);
  writeFileSync(join(dir, 'dump.2'), dump);
  return { copy: { path: join(dir, 'dump.2'), bytes, sha256: sha, lines: 20, messages: 20, malformed: 0 }, dir };
}

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

  it('a journal with nothing whole after its header acknowledges nothing', () => {
    const { copy, dir } = archive(DUMP, '1');
    const r = resumable(copy, dir, silent);
    expect(acked(r)).toEqual([]);
    expect(r.from).toEqual([]);
  });
});
