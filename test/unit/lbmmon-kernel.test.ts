/**
 * The lbmmon reader's block kernel (src/um/block-kernel.ts, .wat) against the JavaScript that
 * reads the same lines a line at a time (parse.ts without the kernel: a plain Buffer): blocks,
 * their fields, line counts, carried blocks and stats must be the same, whatever the text, the
 * wanted kinds and labels, and where the chunks end.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BlockKernel, lbmmonLineBuffer, MAX_HITS } from '../../src/um/block-kernel';
import type { Block, BlockKind } from '../../src/um/model';
import { LbmmonParser } from '../../src/um/parse';
import { LabelMatcher } from '../../src/um/labels';
import { NAK_LABELS } from '../../src/checks/check_um_naks/series';
import { EVQ_LABELS } from '../../src/checks/check_um_event_queue/queues';
import { HAVE_REAL, keptBlock, REAL } from '../helpers';
// @ts-expect-error plain JS generator shared with the benchmark
import { contextBlock, eventQueueBlock, receiverBlock, sourceBlock } from '../gen/lbmmon.mjs';

const ALL: BlockKind[] = ['source', 'receiver', 'im-source', 'im-receiver', 'event-queue', 'context'];
const NAKS: BlockKind[] = ['source', 'receiver', 'im-source', 'im-receiver', 'context'];
const app = { appid: 'riskcalc', ip: '10.20.1.5', pid: 0x5b9, oid: 0x1c1c7c0, ctx: '0a1b2c3d4e5f6071', domain: 0 };
const T = Date.UTC(2025, 2, 4, 9, 30, 5);
const SRC = 'LBTRM:10.0.0.2:14390:f8475f26:224.10.10.21:14401';

/**
 * `text` read by a parser: with the kernel (the text in an lbmmon line buffer, handed over in
 * chunks ending at the line ends `cuts` picks) or without it (a plain Buffer, at once).
 */
function read(text: string, wanted: BlockKind[], labels: Set<string> | undefined, kernel: boolean, cuts: number[] = []) {
  const out: Block[] = [];
  const p = new LbmmonParser(new Set(wanted), (b) => out.push(keptBlock(b)), labels);
  const bytes = Buffer.from(text, 'latin1');
  if (kernel) {
    const buf = lbmmonLineBuffer(Math.max(bytes.length, 1));
    bytes.copy(buf);
    const ends: number[] = [];
    for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) ends.push(i + 1);
    const at = [...new Set(cuts.map((c) => ends[c % Math.max(ends.length, 1)]).filter((e) => e !== undefined))].sort((a, b) => a - b);
    let s = 0;
    for (const e of [...at, bytes.length]) if (e > s) { p.lines(buf, s, e); s = e; }
  } else {
    p.lines(bytes, 0, bytes.length);
  }
  const carry = p.finish();
  return { blocks: out.map((b) => [b.header, b.source, b.transport, b.lines, b.legacy === true, [...b.fields].sort()]), carry, stats: p.stats };
}

describe('the lbmmon block kernel (block-kernel.ts) reads as the parser does a line at a time', () => {
  it('is there: an lbmmon line buffer has it, a plain Buffer not; its table holds each check\'s labels', () => {
    expect(BlockKernel.in(lbmmonLineBuffer(4096))).toBeDefined();
    expect(BlockKernel.in(Buffer.alloc(4096))).toBeUndefined();
    // a table that cannot hold them leaves the wanted blocks to JavaScript: slower, and no test of the results would see it
    for (const labels of [NAK_LABELS, EVQ_LABELS]) expect(BlockKernel.in(lbmmonLineBuffer(4096))!.labels(new LabelMatcher(labels))).toBe(true);
    expect(BlockKernel.in(lbmmonLineBuffer(4096))!.labels(new LabelMatcher(new Set(['x'.repeat(125)])))).toBe(false);
  });

  it('the same blocks, fields, carried block and stats on any mix of blocks, daemon text and noise, any chunks', async () => {
    const fc = (await import('fast-check')).default;
    const piece = fc.constantFrom(
      receiverBlock(app, T, SRC), receiverBlock(app, T + 5000, SRC, { 'LBT-RM NAKs sent': 7, 'LBT-RM datagrams received': 18446744073709551615 }),
      sourceBlock(app, T, SRC), eventQueueBlock(app, T), eventQueueBlock(app, T, {}, { sentinel: 4294967295 }), contextBlock(app, T), contextBlock(app, T, {}, { legacy: true }),
      'SRS statistics received from srs1 at 10.29.4.101, process ID=ea9, domain ID=0, sent Mon Aug 28 17:01:12 CDT 2023\ninternal {\n  srs_otidmap_shards: "4"\n}\n',
      'Store statistics received from store1 at 10.29.4.101, process ID=ea9, sent Mon Aug 28 17:01:12 CDT 2023\n\tpatterns: 3\n\tx received: 4\n',
      'Receiver statistics received from umercv at 10.29.3.101, process ID=f77, object ID=2f51c00, context instance=842e3eb432121d7c, domain ID=2, sent Mon Aug 28 17:01:19 CDT 2023',
      'client_rir_received_count: 3', 'x received y', 'ends received', 'receive v received', ' received', 'r    v received',
      '\tLBT-RM NAKs sent : 9', '\tLBT-RM NAKs sent:9', '\tLBT-RM NAKs sent  :   12ms', '\tLBT-RM NAKs sent : x', '\tLBT-RM NAKs sent : 99999999999999999999',
      '\tLBT-RM datagrams received : 4\r', '\t: 5', '\t', '\tno colon here', '\ta:b: 3', '\tLBT-RM NAKs sent', '\t  LBT-RM NAKs sent : 3',
      'LBT-RM NAKs sent : 3', 'Source: LBTRM:1:2:3:4:5', 'Transport: LBT-RM', 'at 10.0.0.1, sent Wed May 11 14:15:07 2022',
      'Core-7911-1: Onload extensions', '', '\r', '  portals {', 'version: "1.0"',
      'Receiver statistics received from r at 10.0.0.1', 'Receiver statistics received from r at 10.0.0.1, sent 5/23/2022 3:11:19 PM',
      // a header of more than 1 KiB before its stamp: never kept in the kernel's header table
      receiverBlock({ ...app, appid: 'x'.repeat(1100) }, T, SRC), 'Receiver statistics received from r at 10.0.0.1, sent , sent Wed May 11 14:15:07 2022',
    );
    const sets: [BlockKind[], Set<string> | undefined][] = [[NAKS, NAK_LABELS], [['event-queue'], EVQ_LABELS], [ALL, undefined], [['receiver'], new Set(['LBT-RM NAKs sent'])]];
    fc.assert(fc.property(fc.array(piece, { minLength: 1, maxLength: 30 }), fc.nat(3), fc.array(fc.nat(1000), { maxLength: 6 }), (ps, which, cuts) => {
      const text = `${ps.join('\n')}\n`;
      const [wanted, labels] = sets[which];
      expect(read(text, wanted, labels, true, cuts)).toEqual(read(text, wanted, labels, false));
    }), { numRuns: 400, seed: 45 });
  });

  it(`a block with more than ${MAX_HITS} wanted fields: read on where the hits' room filled`, () => {
    const fields = Array.from({ length: 3 * MAX_HITS + 7 }, (_, i) => `\t${i % 2 ? 'LBT-RM NAKs sent' : 'LBT-RM datagrams received'}${' '.repeat(i % 9)}: ${i}`);
    const text = `Receiver statistics received from r at 10.0.0.1, process ID=1, object ID=2, sent Tue Mar  4 09:30:05 2025\n${fields.join('\n')}\n\n`;
    const k = read(text, NAKS, NAK_LABELS, true);
    expect(k).toEqual(read(text, NAKS, NAK_LABELS, false));
    expect(k.blocks[0][3]).toBe(fields.length);
    expect(k.blocks[0][5]).toContainEqual(['LBT-RM NAKs sent', 3 * MAX_HITS + 5]);
  });

  it('the header table: each header kept once, and forgotten all at once when full (8,192 keys), with the same blocks', () => {
    const apps = Array.from({ length: 9000 }, (_, i) => ({ ...app, appid: `app-${i}`, pid: 1000 + i }));
    const text = [...apps, ...apps.slice(8150, 8300), ...apps.slice(0, 50)].map((a) => receiverBlock(a, T, SRC)).join('\n');
    const k = read(text, NAKS, NAK_LABELS, true);
    expect(k).toEqual(read(text, NAKS, NAK_LABELS, false));
    expect(k.blocks.length).toBe(9200);
    // the table's own count: a second reading of 50 headers finds them (nothing added)
    const buf = lbmmonLineBuffer(1 << 16);
    const kernel = BlockKernel.in(buf)!;
    const h = Buffer.from('Receiver statistics received from a at 10.0.0.1, process ID=1, object ID=2, sent Tue Mar  4 09:30:05 2025', 'latin1');
    h.copy(buf);
    expect(kernel.header(0, h.length)).toBe(h.indexOf(', sent '));
    expect(kernel.out[2]).toBe(-1);
    kernel.remember('first');
    expect(kernel.header(0, h.length)).toBe(h.indexOf(', sent '));
    expect(kernel.heads[kernel.out[2]]).toBe('first');
  });

  it.skipIf(!HAVE_REAL)('the real lbmmon captures (../shared/real/lbmmon): the same with each check\'s kinds and labels, in chunks', () => {
    for (const f of ['mon_demo-lbmmon.log', 'mcs_demo-java-lbmmon.log', 'um_troubleshoot-lbmmon.log', 'umq536-design-monitoring-html-example.txt']) {
      const text = readFileSync(join(REAL, 'lbmmon', f), 'latin1');
      for (const [wanted, labels] of [[NAKS, NAK_LABELS], [['event-queue'], EVQ_LABELS]] as const) {
        const k = read(text, [...wanted], labels, true, [17, 400, 4001]);
        expect(k, f).toEqual(read(text, [...wanted], labels, false));
        if (f === 'mcs_demo-java-lbmmon.log') expect(k.blocks.length, f).toBeGreaterThan(20);
      }
    }
  });
});
