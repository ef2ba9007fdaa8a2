import { describe, expect, it, vi } from 'vitest';
import { counterDelta, seriesKey, type Block, type BlockKind } from '../../src/um/model';
import { parseSent } from '../../src/um/sent';
import { headerAt } from '../../src/um/header';
import { BlockKernel, lbmmonLineBuffer } from '../../src/um/block-kernel';
import { LbmmonParser, parseHeader } from '../../src/um/parse';
// @ts-expect-error plain JS generator shared with the benchmark
import { contextBlock, ctime, eventQueueBlock, receiverBlock, sourceBlock } from '../gen/lbmmon.mjs';
import { keptBlock } from '../helpers';

const ALL: BlockKind[] = ['source', 'receiver', 'im-source', 'im-receiver', 'event-queue', 'context'];
const app = { appid: 'riskcalc', ip: '10.20.1.5', pid: 0x5b9, oid: 0x1c1c7c0, ctx: '0a1b2c3d4e5f6071', domain: 0 };
const T = new Date(2025, 2, 4, 9, 30, 5).getTime();

function parse(text: string, wanted = ALL) {
  const blocks: Block[] = [];
  const p = new LbmmonParser(new Set(wanted), (b) => blocks.push(keptBlock(b)));
  const buf = Buffer.from(text, 'latin1');
  p.lines(buf, 0, buf.length);
  const carry = p.finish();
  return { blocks, carry, stats: p.stats };
}

describe('lbmmon header', () => {
  it('parses a 6.14+ header with every item, hex process ID, space-padded day', () => {
    const h = parseHeader('Receiver statistics received from riskcalc at 10.20.1.5, process ID=5b9, object ID=1c1c7c0, context instance=0a1b2c3d4e5f6071, domain ID=0, sent Tue Mar  4 09:30:05 2025')!;
    expect(h).toMatchObject({ kind: 'receiver', appid: 'riskcalc', ip: '10.20.1.5', pid: '5b9', oid: '1c1c7c0', ctxInst: '0a1b2c3d4e5f6071', domain: '0' });
    expect(h.sentMs).toBe(T);
    expect(ctime(T)).toBe('Tue Mar  4 09:30:05 2025');
  });
  it('parses legacy headers (no context instance), IM titles, appids with spaces, and no sent stamp', () => {
    expect(parseHeader('Context IM receiver statistics received from my app at 10.0.0.1, process ID=6424, object ID=2')).toMatchObject({ kind: 'im-receiver', appid: 'my app', pid: '6424', ctxInst: '', sentMs: null });
    expect(parseHeader('IM source statistics received from a at 10.0.0.1, process ID=1, object ID=2, sent Wed Nov 19 23:59:59 2026')!.kind).toBe('im-source');
    expect(parseHeader('Store statistics received from s at 10.0.0.1, process ID=1, object ID=2')!.kind).toBe('other');
    expect(parseHeader('Core-10403-150: Context (0x1c1c7c0) created with ContextID (1) and ContextName [x]')).toBeNull();
  });
  it('ctime parsing rejects nonsense', () => {
    expect(parseSent('Tue Foo  4 09:30:05 2025')).toBeNull();
    expect(parseSent('garbage')).toBeNull();
  });
});

describe('lbmmon blocks', () => {
  it('parses every block type with sentinels as no measurement', () => {
    const text = [
      sourceBlock(app, T, 'LBTRM:10.20.1.11:14390:8a2b3c4d:239.101.3.1:14400', { 'LBT-RM datagrams sent': 35045, 'LBT-RM NAKs received': 7 }),
      receiverBlock(app, T, 'LBTRM:10.20.1.11:14390:8a2b3c4d:239.101.3.1:14400', { 'LBT-RM NAKs sent': 12, 'Loss recovery mean time': 23 }),
      receiverBlock(app, T, 'LBT-RU:10.20.1.12:14391:11112222', { 'LBT-RU NAKs sent': 3 }, { transport: 'LBT-RU' }),
      receiverBlock(app, T, 'LBTRM:10.20.1.11:14390:8a2b3c4d:239.101.3.1:14400', {}, { title: 'IM receiver statistics received', sentinel: '4294967295' }),
      eventQueueBlock(app, T, { 'Data messages currently enqueued': 42, 'Data message service mean time': 412 }),
      contextBlock(app, T, { 'Unresolved topics in receiver topic map': 2 }),
    ].join('') + '\n';
    const { blocks, carry } = parse(text);
    expect(carry).toBeNull();
    expect(blocks.map((b) => b.header.kind)).toEqual(['source', 'receiver', 'receiver', 'im-receiver', 'event-queue', 'context']);
    expect(blocks[0].fields.get('LBT-RM NAKs received')).toBe(7);
    expect(blocks[0].transport).toBe('LBT-RM');
    expect(blocks[1].fields.get('Loss recovery mean time')).toBe(23);
    expect(blocks[1].fields.get('Loss recovery minimum time')).toBeNull();
    expect(blocks[2].fields.get('LBT-RU NAKs sent')).toBe(3);
    expect(blocks[3].fields.get('Loss recovery minimum time')).toBeNull(); // 32-bit sentinel
    expect(blocks[4].fields.get('Data messages currently enqueued')).toBe(42);
    expect(blocks[4].lines).toBe(57);
    expect(blocks[4].header.ctxInst).toBe('');
    expect(blocks[5].fields.get('Unresolved topics in receiver topic map')).toBe(2);
    expect(blocks[5].lines).toBe(24);
  });

  it('tolerates the legacy 19-line context block', () => {
    const { blocks } = parse(contextBlock(app, T, {}, { legacy: true }) + '\n');
    expect(blocks).toHaveLength(1);
    expect(blocks[0].lines).toBe(19);
  });

  it('two blocks with one header are two series', () => {
    const text = receiverBlock(app, T, 'LBTRM:a:1:1:g:1') + receiverBlock(app, T, 'LBTRM:b:2:2:g:2') + '\n';
    const { blocks } = parse(text);
    expect(blocks).toHaveLength(2);
    expect(seriesKey(blocks[0])).not.toBe(seriesKey(blocks[1]));
  });

  it('skips interleaved Core- and ERROR! lines, unknown blocks and their TAB lines', () => {
    const text = [
      receiverBlock(app, T, 'LBTRM:a:1:1:g:1'),
      '\nCore-10995-140: [LBMMON] Topic[/29west/statistics] Source[TCP:10.29.3.101:14371:b7894d48[2880347950]], Beginning of Transport Session\n',
      '\nStore statistics received from store1 at 10.0.0.9, process ID=77, object ID=1, sent Tue Mar  4 09:30:05 2025\n\tSomething : x\n\t\tnested : 3\n--- weird ---\n',
      'ERROR!  Deserialize function returned -1, bad\n',
      eventQueueBlock(app, T),
      '\n',
    ].join('');
    const { blocks, stats } = parse(text);
    expect(blocks.map((b) => b.header.kind)).toEqual(['receiver', 'event-queue']);
    expect(stats.headers).toBe(3);
    expect(stats.firstUnknown).toBe('--- weird ---');
  });

  it('a Core- line straight after the last field line closes the block', () => {
    const text = receiverBlock(app, T, 'LBTRM:a:1:1:g:1') + '\nCore-10995-141: [LBMMON] End of Transport Session\n';
    expect(parse(text).blocks).toHaveLength(1);
  });

  it('a cut-off block is dropped when closed, and carried when the input simply ends', () => {
    const full = receiverBlock(app, T, 'LBTRM:a:1:1:g:1');
    const cut = full.split('\n').slice(0, 10).join('\n');
    expect(parse(cut + '\n' + receiverBlock(app, T, 'LBTRM:b:1:1:g:1') + '\n').blocks).toHaveLength(1);
    const { blocks, carry } = parse(cut + '\n');
    expect(blocks).toHaveLength(0);
    expect(carry).not.toBeNull();
    // next run: the carried block (through JSON, as in the state), then the rest of it
    const out: Block[] = [];
    const p = new LbmmonParser(new Set(ALL), (b) => out.push(keptBlock(b)));
    p.restore(JSON.parse(JSON.stringify(carry)));
    const rest = Buffer.from(full.split('\n').slice(10).join('\n') + '\n', 'latin1');
    p.lines(rest, 0, rest.length);
    p.finish();
    expect(out).toHaveLength(1);
    expect(out[0].lines).toBe(27);
  });

  it('a label filter decodes only the wanted fields; sentinels survive the byte parser', () => {
    const out: Block[] = [];
    const p = new LbmmonParser(new Set(ALL), (b) => out.push(keptBlock(b)), new Set(['LBT-RM NAKs sent', 'Loss recovery minimum time']));
    p.line(receiverBlock(app, T, 'LBTRM:a:1:1:g:1', { 'LBT-RM NAKs sent': 12345678901 }).slice(1));
    p.finish();
    expect([...out[0].fields.keys()].sort()).toEqual(['LBT-RM NAKs sent', 'Loss recovery minimum time']);
    expect(out[0].fields.get('LBT-RM NAKs sent')).toBe(12345678901);
    expect(out[0].fields.get('Loss recovery minimum time')).toBeNull();
  });

  it('only wanted block types are decoded', () => {
    const text = receiverBlock(app, T, 'LBTRM:a:1:1:g:1') + eventQueueBlock(app, T) + '\n';
    expect(parse(text, ['event-queue']).blocks.map((b) => b.header.kind)).toEqual(['event-queue']);
  });
});

describe('counter deltas', () => {
  it('growth, reset and 32-bit wrap', () => {
    expect(counterDelta(10, 15)).toBe(5);
    expect(counterDelta(15, 3)).toBe(0); // reset: never negative, never an alert
    expect(counterDelta(4294967290, 4)).toBe(10); // wrap
    expect(counterDelta(null, 5)).toBe(0);
    expect(counterDelta(5, null)).toBe(0);
  });
});

describe('lbmmon dialects: headers and sent stamps', () => {
  it('Java: address with a leading slash, Date.toString() with a zone, Java titles', () => {
    const h = parseHeader('Event Queue statistics received from riskcalc at /10.20.1.5, sent Mon May 23 15:11:19 EDT 2022')!;
    expect(h).toMatchObject({ kind: 'event-queue', appid: 'riskcalc', ip: '10.20.1.5', pid: '', dialect: 'java' });
    expect(h.sentMs).toBe(new Date(2022, 4, 23, 15, 11, 19).getTime());
    expect(parseHeader('Immediate message receiver statistics received from a at host.example/10.0.0.1, sent Mon May 23 15:11:19 EDT 2022')!.kind).toBe('im-receiver');
  });
  it('.NET: locale-formatted stamps (en-US, ISO, German, day-first slash), IDs dropped from the key', () => {
    const t = new Date(2022, 4, 23, 15, 11, 19).getTime();
    expect(parseHeader('Receiver statistics received from r at 10.0.0.1, sent 5/23/2022 3:11:19 PM')).toMatchObject({ sentMs: t, dialect: 'dotnet', pid: '' });
    expect(parseHeader('Context statistics received from r at 10.0.0.1, process ID=5b9, object ID=2c, sent 2022-05-23 15:11:19')).toMatchObject({ sentMs: t, dialect: 'dotnet', pid: '', oid: '2c' });
    expect(parseSent('23.05.2022 15:11:19')!.ms).toBe(t);
    expect(parseSent('23/05/2022 15:11:19')!.ms).toBe(t);
    expect(parseSent('5/23/2022 13:11:19 PM')).toBeNull();
    expect(parseSent('13/13/2022 10:00:00')).toBeNull();
  });
  it('29West: appid with spaces and backslashes, zero-padded ctime day', () => {
    const h = parseHeader('Receiver statistics received from C:\\Program Files\\29West\\UME_1.2.1\\Win2k-i386\\bin\\lbmrcv.exe at 10.29.1.78, sent Wed Jan 09 14:25:49 2008')!;
    expect(h).toMatchObject({ appid: 'C:\\Program Files\\29West\\UME_1.2.1\\Win2k-i386\\bin\\lbmrcv.exe', ip: '10.29.1.78', dialect: 'c' });
    expect(h.sentMs).toBe(new Date(2008, 0, 9, 14, 25, 49).getTime());
  });
  it('29West untabbed fields and older labels are read under the C labels; stderr noise is not a field', () => {
    // lbmmon's stderr lines that look like fields: `Core-...` and `ERROR!...`
    for (const noise of ['Core-5402-1: 12', 'ERROR!: 12', 'ERROR!lbm: 3ms']) {
      const text = '\nReceiver statistics received from x at 10.0.0.1, sent Wed Jan 09 14:25:49 2008\nSource: LBTRM:1\nTransport: LBT-RM\n'
        + `LBT-RM NAKs sent                                         : 4\nLBT-RM messages unrecoverable (window advance)           : 2\n${noise}\n`;
      const { blocks, stats } = parse(text);
      expect(stats.legacy, noise).toBe(1);
      expect(blocks, noise).toHaveLength(0); // closed by the stderr line with 2 of its 21 lines: cut off, and counted as such
      expect(stats.cutBlocks, noise).toBe(1);
    }
    // a field whose label only begins like the noise is a field
    expect(parse('\nReceiver statistics received from x at 10.0.0.1, sent Wed Jan 09 14:25:49 2008\nSource: LBTRM:1\nTransport: LBT-RM\nERROR: 12\n').stats.legacy).toBe(1);
  });
  it('a skipped block leaves nothing to the next one (the parser reuses one object for blocks no check reads)', () => {
    // an unwanted 29West block (untabbed fields), then unwanted C blocks, one with a line that only
    // looks like an untabbed field after its first line, then a wanted block: the C block must not
    // inherit the 29West layout (the line is no field of it: the first unknown line), nor the
    // wanted one a line count or a source
    const legacySource = 'Source statistics received from x at 10.0.0.1, sent Wed Jan 09 14:25:49 2008\nSource: LBTRM:1\nTransport: LBT-RM\n'
      + 'LBT-RM datagrams sent                                    : 4\n\n';
    const cSource = `${sourceBlock(app, T, 'LBTRM:10.1.1.1:14400', { sent: 5 }).split('\n').slice(0, 5).join('\n')}\nLooks like a field: 12\n\n`;
    // and a skipped block's source must not stop the next one's header, wrapped before its address
    // (the 29West sample), from being joined
    const wrapped = `${sourceBlock(app, T, 'LBTRM:10.1.1.3:14402')}\n\nSource statistics received from y\nat 10.0.0.2, sent Wed Jan 09 14:25:49 2008\n\n`;
    const rcv = receiverBlock(app, T + 1000, 'LBTRM:10.1.1.2:14401', { naks: 3 });
    const { blocks, stats } = parse(legacySource + wrapped + cSource + rcv, ['receiver']);
    expect(stats.legacy).toBe(1);
    expect(stats.firstUnknown).toBe('Looks like a field: 12');
    expect(blocks).toHaveLength(1);
    expect(blocks[0]).toMatchObject({ source: 'LBTRM:10.1.1.2:14401', header: { kind: 'receiver', sentMs: T + 1000 } });
    expect(blocks[0].legacy).toBeUndefined();
    expect(blocks[0].lines).toBe(parse(rcv, ['receiver']).blocks[0].lines);
  });
  it('header parsing is linear: a 1 MiB line of near-matches takes milliseconds', () => {
    for (const piece of [' received from a at 1.2.3.', ', process ID=', ' at 10.0.0.1, sent ', 'statistics received, sent Mon ']) {
      const line = 'Receiver statistics received' + piece.repeat(Math.ceil(2 ** 20 / piece.length));
      const t0 = performance.now();
      parseHeader(line);
      parseSent(line);
      expect(performance.now() - t0).toBeLessThan(500);
    }
  });
});

describe('sent stamps in local time (sent.ts: an hour looked up once)', () => {
  it('match a local Date every 5 minutes over days with offset changes, in zones that change by an hour, by 30 minutes, or never', async () => {
    const saved = process.env.TZ;
    const days: [number, number, number][] = [[2025, 2, 9], [2025, 2, 30], [2025, 3, 6], [2025, 9, 5], [2025, 9, 26], [2025, 10, 2]];
    const two = (n: number) => String(n).padStart(2, '0');
    try {
      for (const tz of ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'UTC']) {
        process.env.TZ = tz;
        vi.resetModules();
        const { parseSent: fresh } = await import('../../src/um/sent.js');
        let checked = 0;
        for (const [y, mon, d0] of days) {
          for (let min = 0; min < 2 * 24 * 60; min += 5) {
            const d = d0 + Math.floor(min / 1440), h = Math.floor(min / 60) % 24, m = min % 60, s = (min * 7) % 60;
            const stamp = `Sun ${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][mon]} ${String(d).padStart(2)} ${two(h)}:${two(m)}:${two(s)} ${y}`;
            expect(fresh(stamp)?.ms, `${tz} ${stamp}`).toBe(new Date(y, mon, d, h, m, s).getTime());
            checked++;
          }
        }
        expect(checked).toBe(6 * 576);
      }
    } finally {
      if (saved === undefined) delete process.env.TZ; else process.env.TZ = saved;
      vi.resetModules();
    }
  });
});

describe('stamps read by position (sent.ts fixedLayout)', () => {
  it('read as their tokens read them: the same stamp with its first space doubled (no longer the fixed layout) gives the same', async () => {
    const fc = (await import('fast-check')).default;
    const two = (n: number) => String(n).padStart(2, '0');
    const part = fc.record({
      dow: fc.constantFrom('Mon', 'Sun', 'Xyz', 'mon'), mon: fc.constantFrom('Jan', 'Aug', 'Dec', 'Foo'),
      day: fc.constantFrom(' 1', '01', '28', '31', '32', ' 0', '00', 'x1', '1 '), h: fc.integer({ min: 0, max: 25 }), m: fc.integer({ min: 0, max: 61 }), s: fc.integer({ min: 0, max: 61 }),
      zone: fc.constantFrom('', 'CDT ', 'GMT+05:30 ', 'CEST ', 'a b ', '1AB ', 'ABCDEFGHIJK ', 'ABCDEFGHIJ ', 'A_B ', 'A/B ', 'z-9 ', ' '), y: fc.constantFrom('2023', '1969', '9999', '202x', '20233'),
    });
    fc.assert(fc.property(part, (p) => {
      const t = `${p.dow} ${p.mon} ${p.day} ${two(p.h)}:${two(p.m)}:${two(p.s)} ${p.zone}${p.y}`;
      expect(parseSent(t), t).toEqual(parseSent(t.replace(' ', '  ')));
    }), { numRuns: 3000, seed: 44 });
    expect(parseSent('Mon Aug 28 17:01:19 CDT 2023')).toEqual({ ms: new Date(2023, 7, 28, 17, 1, 19).getTime(), dialect: 'java' });
    expect(parseSent('Tue Mar  4 09:30:05 2025')).toEqual({ ms: new Date(2025, 2, 4, 9, 30, 5).getTime(), dialect: 'ctime' });
    // a zone is a letter, then up to 9 letters, digits, ':', '+' or '-', by position and by tokens alike
    const zoned = new Date(2023, 7, 28, 17, 1, 19).getTime();
    for (const [zone, ok] of [['GMT+05:30', true], ['ABCDEFGHIJ', true], ['z-9', true], ['ABCDEFGHIJK', false], ['A_B', false], ['A/B', false], ['1AB', false]] as const) {
      for (const t of [`Mon Aug 28 17:01:19 ${zone} 2023`, `Mon  Aug 28 17:01:19 ${zone} 2023`]) expect(parseSent(t), t).toEqual(ok ? { ms: zoned, dialect: 'java' } : null);
    }
  });
});

describe('headers read from their bytes (header.ts headerAt)', () => {
  it('give what parseHeader gives, or leave the line to it, with the block kernel or without', async () => {
    const kbuf = lbmmonLineBuffer(4096);
    const kernel = BlockKernel.in(kbuf)!;
    const fc = (await import('fast-check')).default;
    const title = fc.constantFrom('Receiver statistics received', 'Source statistics received', 'Context statistics received', 'Event Queue statistics received',
      'Source: x statistics received', 'at 10.0.0.1 statistics received', 'Receiver configuration received', ' Receiver statistics received', 'Receiver statistics', '');
    const body = fc.constantFrom(' from lbmrcv at 10.29.3.101, process ID=6421, object ID=2261270, context instance=21fea6bff8aaa771, domain ID=0',
      ' from a at 10.0.0.1, process ID=1, object ID=2', ' from a b at /10.0.0.1', ' at 10.0.0.1', ' from x at 1.2.3', ', process ID=zz', '', ', sent ');
    const stamp = fc.constantFrom('Wed May 11 14:15:07 2022', 'Wed May  1 14:15:07 2022', 'Mon May 23 15:11:19 EDT 2022', '5/23/2022 3:11:19 PM',
      'Wed May 11 14:15:07 20222', 'Wed May 11 14:15:07 202', ' Wed May 11 14:15:07 202', 'xxxxxxxxxxxxxxxxxxxxxxxx', '2022-05-23 15:11:19     ',
      // 24 characters (a ctime stamp's length) holding another `, sent `: the last one is the stamp's
      'ab, sent cdefghijklmnopq');
    fc.assert(fc.property(title, body, fc.constantFrom(', sent ', ',sent ', ', sent  '), stamp, (t, b, sep, st) => {
      const line = `${t}${b}${sep}${st}`;
      const buf = Buffer.from(`x\n${line}\n`, 'latin1');
      const fast = headerAt(buf, 2, buf.length - 1);
      if (fast !== undefined) {
        expect(fast.header).toEqual(parseHeader(line));
        expect(fast.text).toBe(line);
      }
      // the same with the stamp found and the cache looked up in the block kernel
      buf.copy(kbuf);
      expect(headerAt(kbuf, 2, buf.length - 1, undefined, kernel)).toEqual(fast);
    }), { numRuns: 2000, seed: 32 });
  });
});

describe('headers of every dialect read from their bytes (issue 44: a Java capture\'s headers each made a string)', () => {
  it('Java and .NET stamps, of any length up to 64 characters, take the byte path and give what parseHeader gives', () => {
    const lines = [
      'Receiver statistics received from umercv at 10.29.3.101, process ID=f77, object ID=2f51c00, context instance=842e3eb432121d7c, domain ID=2, sent Mon Aug 28 17:01:19 CDT 2023',
      'Event Queue statistics received from riskcalc at /10.20.1.5, sent Mon May 23 15:11:19 GMT+05:30 2022',
      'Context statistics received from r at 10.0.0.1, process ID=5b9, object ID=2c, sent 2022-05-23 15:11:19',
      'Receiver statistics received from r at 10.0.0.1, sent 5/23/2022 3:11:19 PM',
      'Source statistics received from s at 10.0.0.1, process ID=1, object ID=2, sent Tue Mar  4 09:30:05 2025',
      // a last ", sent " nearer the end than the first: both paths take the last
      'Receiver statistics received from a, sent x at 10.0.0.1, sent Mon Aug 28 17:01:19 CDT 2023',
    ];
    for (const line of lines) {
      const buf = Buffer.from(`x\n${line}\n`, 'latin1');
      const fast = headerAt(buf, 2, buf.length - 1);
      expect(fast, line).toBeDefined();
      expect(fast!.header).toEqual(parseHeader(line));
      expect(fast!.text).toBe(line);
    }
    // the same stamp bytes in a shorter or longer stamp are not taken for the last one read
    const a = Buffer.from('Receiver statistics received from r at 10.0.0.1, sent 5/23/2022 3:11:19 PM\n', 'latin1');
    const b = Buffer.from('Receiver statistics received from r at 10.0.0.1, sent 5/23/2022 3:11:19 PM EDT\n', 'latin1');
    expect(headerAt(a, 0, a.length - 1)!.header.sent).toBe('5/23/2022 3:11:19 PM');
    expect(headerAt(b, 0, b.length - 1)!.header.sent).toBe('5/23/2022 3:11:19 PM EDT');
    expect(headerAt(a, 0, a.length - 1)!.header.sent).toBe('5/23/2022 3:11:19 PM');
    // a stamp longer than any printer's is left to parseHeader
    const long = `Receiver statistics received from r at 10.0.0.1, sent ${'x'.repeat(70)}`;
    const c = Buffer.from(`${long}\n`, 'latin1');
    expect(headerAt(c, 0, c.length - 1)).toBeUndefined();
  });

  it('a line that cannot be a header counts as one other() reads as none: skipped, the first unknown named, noise not', () => {
    // each line alone, as other() reads it: a header opens a block, anything else is skipped and
    // (unless stderr noise) the first such line is named; the byte test (no " received", no "at ")
    // must never change which
    const pool = [
      '  srs_otidmap_shards: "4"', 'internal {', '}', 'daemon_monitor_lbm_attributes {', 'version: "1.0"',
      'client_rir_received_count: 3', 'things received here', ' received', 'received from x', 'Core-7911-1: Onload extensions API has been dynamically loaded',
      'ERROR! something', '   ', 'at 10.0.0.1, sent Wed May 11 14:15:07 2022', 'Source: LBTRM:10.0.0.1:1:2:3:4', 'Transport: LBT-RM',
      'Receiver statistics received from r at 10.0.0.1, process ID=1, object ID=2, sent Wed May 11 14:15:07 2022',
      '  Receiver statistics received from r at 10.0.0.1, process ID=1, object ID=2, sent Wed May 11 14:15:07 2022',
      'SRS statistics received from srs1 at 10.29.4.101, process ID=ea9, domain ID=0, sent Mon Aug 28 17:01:12 CDT 2023',
      'Receiver statistics received from r at 10.0.0.1, process ID=zz', 'x received', 'received',
    ];
    for (const line of pool) {
      const { stats } = parse(`${line}\n`);
      const h = parseHeader(line);
      const noise = line.startsWith('Core-') || line.startsWith('ERROR!') || line.trim() === '';
      expect({ headers: stats.headers, unknown: stats.firstUnknown }, line).toEqual({ headers: h ? 1 : 0, unknown: h || noise ? null : line });
    }
    // a Java capture's daemon block between two receiver blocks: the lines skipped, the blocks read
    const rcv = receiverBlock(app, T, 'LBTRM:10.0.0.2:14390:f8475f26:224.10.10.21:14401');
    const text = `${rcv}\nSRS statistics received from srs1 at 10.29.4.101, process ID=ea9, domain ID=0, sent Mon Aug 28 17:01:12 CDT 2023\ninternal {\n  srs_otidmap_shards: "4"\n}\n\n${rcv}`;
    const r = parse(text);
    expect(r.blocks.length + (r.carry ? 1 : 0)).toBe(2);
    expect(r.stats.headers).toBe(3);
    expect(r.stats.firstUnknown).toBe('internal {');
  });

  it('lines passed over up to the next that may be a header (parse.ts nextMayBeHeader) change nothing: a whole text read at once reads as line by line', async () => {
    // line by line, a chunk holds one line and nothing is passed over; at once, every run of
    // lines after one read as no header is: blocks, their fields and the stats must agree
    const fc = (await import('fast-check')).default;
    const src = 'LBTRM:10.0.0.2:14390:f8475f26:224.10.10.21:14401';
    const piece = fc.constantFrom(
      receiverBlock(app, T, src), receiverBlock(app, T + 5000, src, { 'LBT-RM NAKs sent': 7 }), eventQueueBlock(app, T), contextBlock(app, T),
      'SRS statistics received from srs1 at 10.29.4.101, process ID=ea9, domain ID=0, sent Mon Aug 28 17:01:12 CDT 2023\ninternal {\n  srs_otidmap_shards: "4"\n}\n',
      'Receiver statistics received from umercv at 10.29.3.101, process ID=f77, object ID=2f51c00, context instance=842e3eb432121d7c, domain ID=2, sent Mon Aug 28 17:01:19 CDT 2023',
      'client_rir_received_count: 3', 'x received y', 'ends received', 'daemon_monitor_interval_vvv: "5000" vv v', 'receive v received', '\tLBT-RM NAKs sent : 9', '\tLBT-RM datagrams received : 4', 'Source: LBTRM:1:2:3:4:5', 'Transport: LBT-RM',
      'at 10.0.0.1, sent Wed May 11 14:15:07 2022', 'Core-7911-1: Onload extensions', '', '\r', '  portals {', 'version: "1.0"',
      'Receiver statistics received from r at 10.0.0.1', 'Receiver statistics received from r', 'Receiver statistics received from r at 10.0.0.1, sent 5/23/2022 3:11:19 PM',
    );
    fc.assert(fc.property(fc.array(piece, { minLength: 1, maxLength: 30 }), (ps) => {
      const text = `${ps.join('\n')}\n`;
      const read = (byLine: boolean) => {
        const out: Block[] = [];
        const p = new LbmmonParser(new Set(ALL), (b) => out.push(keptBlock(b)));
        const buf = Buffer.from(text, 'latin1');
        if (byLine) for (let s = 0; s < buf.length;) { const e = buf.indexOf(10, s) + 1; p.lines(buf, s, e); s = e; }
        else p.lines(buf, 0, buf.length);
        const carry = p.finish();
        return { blocks: out.map((b) => [b.header, b.source, b.transport, b.lines, [...b.fields]]), carry, stats: p.stats };
      };
      expect(read(false)).toEqual(read(true));
    }), { numRuns: 400, seed: 44 });
  });
});

describe('field lines read where the line before had its colon (parse.ts fieldLine() and padded())', () => {
  // the parser given labels reads a wanted field at the column the previous field line had its
  // colon; the parser without labels reads every line from its start: both must agree whatever
  // the padding, extra colons and near-miss labels
  const LABELS = ['LBT-RM NAKs sent', 'Lost LBT-RM datagrams detected', 'LBT-RM datagrams received', 'NCFs received (ignored)'];
  it('agrees with reading each line from its start', async () => {
    const fc = (await import('fast-check')).default;
    const line = fc.record({
      label: fc.constantFrom(...LABELS, 'LBT-RM NAKs sen', 'LBT-RM NAKs sentx', 'a:b', 'LBT-RM NAKs sent:x', 'LBT-RM NAKs sent: 3 x', 'NCFs received (ignored):9  ', ''),
      pad: fc.nat(40), value: fc.nat(1e6), colon: fc.constantFrom(':', ' :', '::', ': :', ''),
      // what may follow a value: a unit, a CR, anything else (then the line is read the general way)
      tail: fc.constantFrom('', '', 'ms', 'us', '\r', 'ms\r', ' x', 'm', 'u', ':1'),
    });
    // blocks of 27 lines or more (a receiver block's count: fewer is a cut block, never emitted), one after another
    const blocks = fc.array(fc.array(line, { minLength: 27, maxLength: 32 }), { minLength: 1, maxLength: 3 });
    fc.assert(fc.property(blocks, (bs) => {
      const text = bs.map((ls) => `\nReceiver statistics received from r at 10.0.0.1, process ID=1, object ID=2, sent Tue Mar  4 09:30:05 2025\nSource: LBTRM:10.0.0.2:1:2:3:4\nTransport: LBT-RM\n${
        ls.map((l) => `\t${l.label}${' '.repeat(l.pad)}${l.colon} ${l.value}${l.tail}`).join('\n')}\n`).join('');
      const fields = (labels?: Set<string>) => {
        const out: Block[] = [];
        const p = new LbmmonParser(new Set(ALL), (b) => out.push(keptBlock(b)), labels);
        const buf = Buffer.from(text, 'latin1');
        p.lines(buf, 0, buf.length);
        const carried = p.finish();
        const { firstUnknown, ...stats } = p.stats;
        return { blocks: out.map((b) => [b.lines, ...[...b.fields].filter(([k]) => LABELS.includes(k)).sort()]), carried: carried?.lines, stats, firstUnknown };
      };
      const general = fields();
      expect(general.blocks.length).toBe(bs.length);
      expect(fields(new Set(LABELS))).toEqual(general);
    }), { numRuns: 500, seed: 32 });
  });
});

describe('lineEnd (lib/tail/line-end.ts)', () => {
  it('finds the first LF as indexOf does, at any offset and alignment', async () => {
    const fc = (await import('fast-check')).default;
    const { lineEnd } = await import('../../src/lib/tail/line-end.js');
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(8), fc.nat(300), fc.nat(300), (raw, shift, a, b) => {
      const backing = Buffer.alloc(raw.length + 16, 10); // LF all around: never found outside [pos, end)
      const buf = backing.subarray(shift, shift + raw.length);
      buf.set(raw);
      const pos = Math.min(a, raw.length);
      const end = Math.min(Math.max(pos, b), raw.length);
      const nl = buf.indexOf(10, pos);
      expect(lineEnd(buf, pos, end)).toBe(nl < 0 || nl >= end ? end : nl);
    }), { numRuns: 3000, seed: 33 });
  });
  it('the SIMD kernel of a line reader\'s buffer finds it as indexOf does, anywhere in the buffer, up to its last byte', async () => {
    const fc = (await import('fast-check')).default;
    const { lineBuffer, lineEnd } = await import('../../src/lib/tail/line-end.js');
    const size = 70_000; // more than a WebAssembly page: the last bytes are at the memory's end
    const buf = lineBuffer(size);
    expect(Object.getPrototypeOf(buf.buffer)).toBe(ArrayBuffer.prototype);
    expect(buf.buffer.byteLength).toBe(131_072); // WebAssembly memory (two 64 KiB pages), not a plain Buffer
    const lfs = fc.array(fc.nat(size - 1), { maxLength: 6 });
    fc.assert(fc.property(fc.constantFrom(0x00, 0x0b, 0xff), lfs, fc.nat(size), fc.nat(size), (fill, at, a, b) => {
      buf.fill(fill); // no LF but where placed
      for (const i of at) buf[i] = 10;
      const pos = Math.min(a, size);
      const end = Math.min(Math.max(pos, b), size);
      const nl = buf.indexOf(10, pos);
      expect(lineEnd(buf, pos, end)).toBe(nl < 0 || nl >= end ? end : nl);
      expect(lineEnd(buf, Math.max(0, end - 17), end)).toBe(((i) => (i < 0 || i >= end ? end : i))(buf.indexOf(10, Math.max(0, end - 17))));
    }), { numRuns: 3000, seed: 34 });
  });
});
