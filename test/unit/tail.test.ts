import { appendFileSync, copyFileSync, readFileSync, renameSync, truncateSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FilePosition } from '../../src/lib/tail/identity';
import { tailFile, type TailOptions, type TailResult } from '../../src/lib/tail/tail';
import { tempDir } from '../helpers';

/** Runs the reader like consecutive plugin runs, keeping the position between them. */
class Runs {
  pos: FilePosition | undefined;
  lines: string[] = [];
  long: number[] = [];
  constructor(readonly path: string, readonly opts: TailOptions = {}) {}
  async run(extra: TailOptions = {}): Promise<TailResult> {
    const r = await tailFile(this.path, this.pos, {
      lines: (b, s, e) => {
        for (const l of b.toString('latin1', s, e - 1).split('\n')) this.lines.push(l);
      },
      longLine: (_h, len) => { this.long.push(len); },
    }, { ...this.opts, ...extra });
    this.pos = r.position;
    return r;
  }
}

let dir: string;
let cleanup: () => void;
let log: string;
let n = 0;
const line = () => `line ${++n} ${'x'.repeat(n % 37)}`;
const write = (path: string, count: number) => {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(line());
  appendFileSync(path, out.map((l) => l + '\n').join(''));
  return out;
};
const setMtime = (path: string, secondsAgo: number) => {
  const t = Date.now() / 1000 - secondsAgo;
  utimesSync(path, t, t);
};

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  log = join(dir, 'brokerd.log');
  n = 0;
});
afterEach(() => cleanup());

describe('incremental reader', () => {
  it('first run starts at the end, then reads what was appended', async () => {
    write(log, 10);
    const r = new Runs(log);
    expect((await r.run()).status).toBe('first-run');
    expect(r.lines).toEqual([]);
    const b = write(log, 5);
    expect((await r.run()).status).toBe('grew');
    expect(r.lines).toEqual(b);
    expect((await r.run()).status).toBe('unchanged');
    expect(r.lines).toEqual(b);
  });

  it('first run can start from the beginning, or from a byte offset aligned to a line', async () => {
    const a = write(log, 10);
    const r = new Runs(log, { firstRun: 'start' });
    await r.run();
    expect(r.lines).toEqual(a);
    const r2 = new Runs(log, { firstRun: 5 });
    await r2.run();
    expect(r2.lines).toEqual(a.slice(1));
  });

  it('leaves a partial last line for the next run', async () => {
    const r = new Runs(log, { firstRun: 'start' });
    appendFileSync(log, 'complete one\npartial');
    await r.run();
    expect(r.lines).toEqual(['complete one']);
    appendFileSync(log, ' now complete\n');
    await r.run();
    expect(r.lines).toEqual(['complete one', 'partial now complete']);
  });

  it('first run from the end does not start in the middle of a line', async () => {
    appendFileSync(log, 'old\nhalf-writ');
    const r = new Runs(log);
    await r.run();
    appendFileSync(log, 'ten line\nnext\n');
    await r.run();
    expect(r.lines).toEqual(['half-written line', 'next']);
  });

  it('keeps CR of CRLF lines for the consumer, one line each', async () => {
    const r = new Runs(log, { firstRun: 'start' });
    appendFileSync(log, 'a\r\nb\r\n');
    await r.run();
    expect(r.lines).toEqual(['a\r', 'b\r']);
  });

  it('passes binary bytes through untouched', async () => {
    const r = new Runs(log, { firstRun: 'start' });
    appendFileSync(log, Buffer.from([0x00, 0xff, 0xfe, 0x41, 0x0a, 0x42, 0x0a]));
    await r.run();
    expect(r.lines).toEqual(['\x00\xff\xfeA', 'B']);
  });

  it('cuts a 5 MiB line, counts it once, and keeps the lines around it', async () => {
    const r = new Runs(log, { firstRun: 'start', maxLine: 1 << 20 });
    appendFileSync(log, 'before\n' + 'z'.repeat(5 << 20));
    await r.run();
    expect(r.lines).toEqual(['before']);
    expect(r.long).toEqual([]); // not finished yet: not consumed, not counted
    appendFileSync(log, '\nafter\n');
    await r.run();
    expect(r.long).toEqual([5 << 20]);
    expect(r.lines).toEqual(['before', 'after']);
    await r.run();
    expect(r.long).toHaveLength(1);
  });

  it('rotation by rename: reads the old file tail, then the new file', async () => {
    const r = new Runs(log);
    write(log, 3);
    await r.run();
    const tail = write(log, 4);
    renameSync(log, `${log}.2026-11-20`);
    const fresh = write(log, 2);
    const res = await r.run();
    expect(res.status).toBe('rotated');
    expect(r.lines).toEqual([...tail, ...fresh]);
    const more = write(log, 2);
    await r.run();
    expect(r.lines).toEqual([...tail, ...fresh, ...more]);
  });

  it('rotation by rename then gzip: finds the compressed file by its first bytes', async () => {
    const r = new Runs(log);
    write(log, 3);
    await r.run();
    const tail = write(log, 4);
    renameSync(log, `${log}.1`);
    writeFileSync(`${log}.1.gz`, gzipSync(readFileSync(`${log}.1`)));
    unlinkSync(`${log}.1`);
    const fresh = write(log, 2);
    await r.run();
    expect(r.lines).toEqual([...tail, ...fresh]);
  });

  it('several rotations between two runs: old tail, every rotated file, new file, in order', async () => {
    const r = new Runs(log);
    write(log, 2);
    await r.run();
    const a = write(log, 3);
    renameSync(log, `${log}.1`);
    setMtime(`${log}.1`, -1); // written after the previous run, oldest rotation first
    const b = write(log, 3);
    renameSync(`${log}.1`, `${log}.2`);
    renameSync(log, `${log}.1`);
    setMtime(`${log}.1`, -2);
    const c = write(log, 3);
    renameSync(`${log}.2`, `${log}.3`);
    renameSync(`${log}.1`, `${log}.2`);
    renameSync(log, `${log}.1`);
    setMtime(`${log}.1`, -3);
    // like gzip(1) and logrotate's compress: the .gz keeps the original's mtime
    writeFileSync(`${log}.2.gz`, gzipSync(readFileSync(`${log}.2`)));
    setMtime(`${log}.2.gz`, -2);
    unlinkSync(`${log}.2`);
    const d = write(log, 3);
    await r.run();
    expect(r.lines).toEqual([...a, ...b, ...c, ...d]);
  });

  it('copytruncate: reads the copy from the saved offset, then the truncated file from 0', async () => {
    const r = new Runs(log);
    write(log, 3);
    await r.run();
    const tail = write(log, 4);
    copyFileSync(log, `${log}.1`);
    truncateSync(log, 0);
    const fresh = write(log, 2);
    const res = await r.run();
    expect(res.status).toBe('copytruncate');
    expect(r.lines).toEqual([...tail, ...fresh]);
  });

  it('copytruncate where the file grew past the old offset again', async () => {
    const r = new Runs(log);
    write(log, 3);
    await r.run();
    const tail = write(log, 2);
    copyFileSync(log, `${log}.1`);
    truncateSync(log, 0);
    const fresh = write(log, 40);
    await r.run();
    expect(r.lines).toEqual([...tail, ...fresh]);
  });

  it('truncation without a copy: reads from 0 and says so', async () => {
    const r = new Runs(log);
    write(log, 5);
    await r.run();
    truncateSync(log, 0);
    const fresh = write(log, 1);
    const res = await r.run();
    expect(res.status).toBe('truncated');
    expect(res.lost).toMatch(/shrank .*no copy of it was found.*may be lost/);
    expect(r.lines).toEqual(fresh);
  });

  it('replaced in place with the same inode: reads the new content from 0', async () => {
    const r = new Runs(log);
    write(log, 2);
    await r.run();
    writeFileSync(log, 'completely\ndifferent content that is longer than before\n'.repeat(3));
    const res = await r.run();
    expect(res.status).toBe('replaced');
    expect(r.lines).toHaveLength(6);
  });

  it('deleted then recreated: the new file from 0, with a note about the lost tail', async () => {
    const r = new Runs(log);
    write(log, 2);
    await r.run();
    unlinkSync(log);
    expect((await r.run()).status).toBe('missing');
    const fresh = write(log, 3);
    const res = await r.run();
    // file systems reuse a freed inode at once, so this is 'rotated' or 'replaced'
    expect(['rotated', 'replaced']).toContain(res.status);
    expect(r.lines).toEqual(fresh);
  });

  it('rotated away and not yet recreated: reads the tail now, and not again later', async () => {
    const r = new Runs(log);
    write(log, 2);
    await r.run();
    const tail = write(log, 3);
    renameSync(log, `${log}.1`);
    expect((await r.run()).status).toBe('missing');
    expect(r.lines).toEqual(tail);
    const fresh = write(log, 2);
    await r.run();
    expect(r.lines).toEqual([...tail, ...fresh]);
  });

  it('a missing file on a first run', async () => {
    const r = new Runs(log);
    const res = await r.run();
    expect(res.status).toBe('missing');
    expect(res.position).toBeUndefined();
  });

  it('stops at the deadline, saves the offset reached, and the next run continues', async () => {
    const r = new Runs(log, { firstRun: 'start', maxLine: 65536 });
    const all = write(log, 200_000);
    const first = await r.run({ deadline: Date.now() - 1 });
    expect(first.behind).toBe(true);
    expect(r.lines.length).toBeLessThan(all.length);
    for (let i = 0; i < 1000 && r.lines.length < all.length; i++) await r.run({ deadline: Date.now() - 1 });
    expect(r.lines).toEqual(all);
  });

  it('stops at the deadline inside a rotated file and resumes there', async () => {
    const r = new Runs(log, { maxLine: 65536 });
    write(log, 1);
    await r.run();
    const tail = write(log, 50_000);
    renameSync(log, `${log}.1`);
    const fresh = write(log, 50_000);
    const first = await r.run({ deadline: Date.now() - 1 });
    expect(first.behind).toBe(true);
    for (let i = 0; i < 1000 && r.lines.length < tail.length + fresh.length; i++) await r.run({ deadline: Date.now() - 1 });
    expect(r.lines).toEqual([...tail, ...fresh]);
  });

  it('ignores the device number when asked (it changes across reboots on some storage)', async () => {
    const r = new Runs(log, { ignoreDev: true });
    write(log, 1);
    await r.run();
    r.pos = { ...r.pos!, dev: r.pos!.dev + 12345 };
    const b = write(log, 2);
    expect((await r.run()).status).toBe('grew');
    expect(r.lines).toEqual(b);
  });
});

describe('copytruncate with identical lines', () => {
  it('a file regrown to the same first bytes and size is still recognised as truncated', async () => {
    const same = 'same line, same second\n';
    const r = new Runs(log, { firstRun: 'start' });
    appendFileSync(log, same);
    await r.run();
    appendFileSync(log, same.repeat(4));
    copyFileSync(log, `${log}.1`);
    truncateSync(log, 0);
    appendFileSync(log, same);
    const res = await r.run();
    expect(res.status).toBe('copytruncate');
    expect(r.lines).toHaveLength(1 + 4 + 1);
  });

  it('a backup copy made by hand is not mistaken for a copytruncate', async () => {
    const r = new Runs(log, { firstRun: 'start' });
    write(log, 3);
    await r.run();
    const more = write(log, 2);
    copyFileSync(log, `${log}.bak`);
    const after = write(log, 1);
    const res = await r.run();
    expect(res.status).toBe('grew');
    expect(r.lines.slice(3)).toEqual([...more, ...after]);
  });
});
