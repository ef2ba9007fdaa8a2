// Exactly-once delivery across rotation, for every combination of what the log held at the
// previous run (nothing, a partial line, one line, many lines) and how it was rotated. Every file
// of this log starts with the same date prefix, and older rotations lie beside it, so a short
// fingerprint alone would match the wrong file.
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, truncateSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FilePosition } from '../../src/lib/tail/identity';
import { tailFile, type TailResult } from '../../src/lib/tail/tail';
import { tempDir } from '../helpers';

type Before = 'empty' | 'partial line' | 'one line' | 'many lines';
type Rotation = 'rename' | 'rename+gzip' | 'copytruncate' | 'truncate' | 'delete+recreate' | 'two rotations';

let dir: string;
let cleanup: () => void;
let log: string;
let k = 0;
beforeEach(() => { ({ dir, cleanup } = tempDir()); log = join(dir, 'brokerd.log'); k = 0; });
afterEach(() => cleanup());

const ev = () => `[2026-11-22 10:00:${String(++k % 60).padStart(2, '0')}] event ${k}`;
const pause = () => new Promise((r) => setTimeout(r, 15)); // file times have a clock-tick resolution

function gzipInPlace(path: string): void {
  const st = statSync(path);
  writeFileSync(`${path}.gz`, gzipSync(readFileSync(path)));
  utimesSync(`${path}.gz`, st.atime, st.mtime); // gzip keeps the time
  unlinkSync(path);
}

/** logrotate's numbering: log.N[.gz] -> log.N+1[.gz], highest first */
function shift(): void {
  const nums = readdirSync(dir).map((n) => /^brokerd\.log\.(\d+)(\.gz)?$/.exec(n)).filter((m): m is RegExpExecArray => !!m)
    .sort((a, b) => Number(b[1]) - Number(a[1]));
  for (const m of nums) renameSync(join(dir, m[0]), join(dir, `brokerd.log.${Number(m[1]) + 1}${m[2] ?? ''}`));
}

class Reader {
  pos: FilePosition | undefined;
  got: string[] = [];
  notes: string[] = [];
  lost: string[] = [];
  async run(): Promise<TailResult> {
    const r = await tailFile(log, this.pos, { lines: (b, s, e) => { for (const l of b.toString('latin1', s, e - 1).split('\n')) this.got.push(l); } }, { firstRun: 'start' });
    this.pos = r.position;
    this.notes.push(...r.notes);
    if (r.lost) this.lost.push(r.lost);
    return r;
  }
}

async function scenario(before: Before, rotation: Rotation): Promise<{ reader: Reader; expected: string[]; lost: boolean }> {
  // older rotations of the same log, long ago, with the same first bytes
  for (const [name, hoursAgo] of [['brokerd.log.1', 30], ['brokerd.log.2', 54]] as const) {
    writeFileSync(join(dir, name), [ev(), ev()].join('\n') + '\n');
    const t = Date.now() / 1000 - hoursAgo * 3600;
    utimesSync(join(dir, name), t, t);
    if (name === 'brokerd.log.2') gzipInPlace(join(dir, name));
  }
  const written: string[] = [];
  const add = (lines: string[]) => { appendFileSync(log, lines.map((l) => `${l}\n`).join('')); written.push(...lines); };
  writeFileSync(log, '');
  if (before === 'partial line') appendFileSync(log, '[2026-11-2');
  if (before === 'one line') add([ev()]);
  if (before === 'many lines') add(Array.from({ length: 40 }, ev)); // over 1 KiB: a full fingerprint

  const reader = new Reader();
  await reader.run();
  await pause();

  // between the two runs: three events, then the rotation, then one more
  let between: string[] = [];
  if (before === 'partial line') { const rest = `2 10:00:00] event completing the partial line`; appendFileSync(log, `${rest}\n`); between.push(`[2026-11-2${rest}`); }
  const three = [ev(), ev(), ev()];
  appendFileSync(log, three.map((l) => `${l}\n`).join(''));
  between.push(...three);
  await pause();
  let lost = false;
  switch (rotation) {
    case 'rename': shift(); renameSync(log, `${log}.1`); writeFileSync(log, ''); break;
    case 'rename+gzip': shift(); renameSync(log, `${log}.1`); gzipInPlace(`${log}.1`); writeFileSync(log, ''); break;
    case 'copytruncate': shift(); copyFileSync(log, `${log}.1`); truncateSync(log, 0); break;
    case 'truncate': truncateSync(log, 0); lost = true; break;
    case 'delete+recreate': unlinkSync(log); writeFileSync(log, ''); lost = true; break;
    case 'two rotations': {
      shift(); renameSync(log, `${log}.1`); gzipInPlace(`${log}.1`); writeFileSync(log, '');
      await pause();
      const two = [ev(), ev()];
      appendFileSync(log, two.map((l) => `${l}\n`).join(''));
      between.push(...two);
      await pause();
      shift(); renameSync(log, `${log}.1`); writeFileSync(log, '');
      break;
    }
  }
  if (lost) between = []; // gone from the disk before the run: nobody can deliver them
  written.push(...between);
  await pause();
  add([ev()]);
  await reader.run();
  return { reader, expected: written, lost };
}

const BEFORE: Before[] = ['empty', 'partial line', 'one line', 'many lines'];
const ROTATIONS: Rotation[] = ['rename', 'rename+gzip', 'copytruncate', 'truncate', 'delete+recreate', 'two rotations'];

describe('rotation matrix: every line on disk is delivered exactly once', () => {
  for (const before of BEFORE) {
    for (const rotation of ROTATIONS) {
      it(`${before} at the previous run, then ${rotation}`, async () => {
        const { reader, expected, lost } = await scenario(before, rotation);
        expect(reader.got).toEqual(expected);
        // lines destroyed before the run: said, where the reader can know it (a file that held
        // whole lines); an empty file or a partial line that was truncated, or deleted and
        // recreated on the same inode, looks like one that grew (README: what the reader cannot decide)
        if (lost && (before === 'one line' || before === 'many lines')) {
          expect(reader.lost.join('\n')).toMatch(/may be lost/);
        }
        expect(reader.notes.join('\n')).not.toMatch(/could both hold/);
      });
    }
  }

  it('rotated into a directory nobody named, and a new log that begins like the old one: read on, never silently', async () => {
    const head = Array.from({ length: 40 }, (_, i) => `[2026-11-22 10:00:00] start-up line ${i}`); // over 1 KiB, same second
    writeFileSync(log, head.map((l) => `${l}\n`).join(''));
    const reader = new Reader();
    await reader.run();
    appendFileSync(log, `${ev()}\n${ev()}\n`); // the old log's last lines
    await pause();
    const elsewhere = join(dir, 'archive');
    mkdirSync(elsewhere);
    renameSync(log, join(elsewhere, 'brokerd.log-old'));
    writeFileSync(log, [...head, ev(), ev(), ev(), ev()].map((l) => `${l}\n`).join('')); // the daemon's same start-up, then more
    const r = await reader.run();
    expect(r.lost, 'an inode change whose old file was not found is never silent').toMatch(/has a new inode and the old file was not found in .*; its first 1024 bytes match the old log's, so it was read on from byte \d+: if it is a new log/);
  });

  it('a writer that kept writing to the rotated file is not mistaken for the new one when that is rotated too', async () => {
    writeFileSync(log, `${ev()}\n`);
    const reader = new Reader();
    await reader.run();
    await pause();
    renameSync(log, `${log}.1`);
    writeFileSync(log, '');
    await reader.run(); // reads nothing new, moves onto the new (empty) file
    await pause();
    appendFileSync(`${log}.1`, `${ev()}\n`); // the writer had not reopened yet: a late line in the old file
    await pause();
    const fresh = [ev(), ev()];
    appendFileSync(log, fresh.map((l) => `${l}\n`).join(''));
    await pause();
    shift(); renameSync(log, `${log}.1`); gzipInPlace(`${log}.1`); gzipInPlace(`${log}.2`); writeFileSync(log, '');
    const before = reader.got.length;
    await reader.run();
    expect(reader.got.slice(before)).toEqual(fresh); // not the whole old file again
    expect(existsSync(`${log}.2.gz`)).toBe(true);
  });
});
