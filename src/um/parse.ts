/**
 * Streaming lbmmon text parser. Lines come in as byte ranges (from the incremental reader);
 * only headers, Source:/Transport: lines and field lines of wanted blocks are decoded. A block
 * is finished by an empty line, the next header or any line without a leading TAB (stderr lines
 * such as `Core-...` and `ERROR!` included). A block still open when the input ends is carried
 * (as text) to the next run, since lbmmon may be mid-write.
 */
import type { LineSink } from '../lib/tail/lines.js';
import { expectedLines, kindOf, parseCtime, type Block, type BlockKind, type Header } from './model.js';

const HEADER = new RegExp(
  '^(?<title>.*? received)' +
  '(?: from (?<appid>.*?))?(?: at (?<ip>\\d{1,3}(?:\\.\\d{1,3}){3}))?' +
  '(?:, process ID=(?<pid>[0-9a-fA-F]+))?(?:, object ID=(?<oid>[0-9a-fA-F]+))?' +
  '(?:, context instance=(?<ctx>[0-9a-fA-F]{16}))?(?:, domain ID=(?<dom>\\d+))?' +
  '(?:, sent (?<sent>[A-Z][a-z]{2} [A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}))?\\s*$',
);

// the blocks of one application's sample share everything after the title
let lastRest = '';
let lastParsed: Omit<Header, 'title' | 'kind'> | null = null;

export function parseHeader(line: string): Header | null {
  const at = line.indexOf(' received');
  if (at < 0) return null;
  const rest = line.slice(at + 9);
  if (lastParsed && rest === lastRest && rest !== '') {
    const title = line.slice(0, at + 9);
    if (title.endsWith('statistics received')) return { title, kind: kindOf(title), ...lastParsed };
  }
  const h = parseHeaderFull(line);
  if (h) {
    lastRest = rest;
    const { title: _t, kind: _k, ...others } = h;
    lastParsed = others;
  }
  return h;
}

function parseHeaderFull(line: string): Header | null {
  const m = HEADER.exec(line);
  if (!m?.groups) return null;
  const g = m.groups;
  const title = g.title.trim();
  if (!/statistics received$|configuration received$|events received$/.test(title)) return null;
  return {
    title, kind: kindOf(title), appid: g.appid ?? '', ip: g.ip ?? '', pid: (g.pid ?? '').toLowerCase(),
    oid: (g.oid ?? '').toLowerCase(), ctxInst: (g.ctx ?? '').toLowerCase(), domain: g.dom ?? '',
    sent: g.sent ?? '', sentMs: g.sent ? parseCtime(g.sent) : null,
  };
}

export interface ParserStats {
  blocks: number;
  cutBlocks: number;
  skippedLines: number;
}

/** A block still open when the input ended, carried to the next run as data. */
export interface CarriedBlock {
  header: string;
  source: string;
  transport: string;
  fields: [string, number | null][];
  lines: number;
}

export function isCarriedBlock(v: unknown): v is CarriedBlock {
  if (!v || typeof v !== 'object') return false;
  const c = v as CarriedBlock;
  return typeof c.header === 'string' && typeof c.source === 'string' && typeof c.transport === 'string'
    && Array.isArray(c.fields) && Number.isInteger(c.lines) && c.lines >= 0 && c.lines <= 1000;
}

const SENTINEL64 = 18446744073709551615;

export class LbmmonParser implements LineSink {
  private cur: Block | null = null;
  private curHeader = '';
  private readonly sigs: Set<number> | null;
  private readonly firsts: Uint8Array | null;
  readonly stats: ParserStats = { blocks: 0, cutBlocks: 0, skippedLines: 0 };

  /**
   * `labels`, when given, are the only field labels decoded: the others are rejected by length
   * and first/last byte before any string is made.
   */
  constructor(private readonly wanted: Set<BlockKind>, private readonly onBlock: (b: Block) => void, private readonly labels?: Set<string>) {
    this.sigs = labels ? new Set([...labels].map((l) => l.length * 65536 + l.charCodeAt(0) * 256 + l.charCodeAt(l.length - 1))) : null;
    this.firsts = labels ? new Uint8Array(256) : null;
    for (const l of labels ?? []) this.firsts![l.charCodeAt(0) & 255] = 1;
  }

  lines(buf: Buffer, start: number, end: number): void {
    let pos = start;
    while (pos < end) {
      let nl = buf.indexOf(10, pos);
      if (nl < 0 || nl >= end) nl = end;
      let le = nl;
      if (le > pos && buf[le - 1] === 13) le--;
      if (buf[pos] === 9) {
        const b = this.cur;
        if (b) {
          b.lines++;
          if (this.wanted.has(b.header.kind)) this.field(b, buf, pos + 1, le);
        } else this.stats.skippedLines++;
      } else {
        this.other(buf.toString('latin1', pos, le));
      }
      pos = nl + 1;
    }
  }

  /** For tests: one line without its LF. */
  line(text: string): void {
    const b = Buffer.from(text + '\n', 'latin1');
    this.lines(b, 0, b.length);
  }

  /** `label<padding>: <digits>[ms|us]`, parsed on bytes. */
  private field(b: Block, buf: Buffer, s: number, e: number): void {
    if (this.firsts && this.firsts[buf[s]] === 0) return; // no wanted label starts with this byte
    const colon = buf.indexOf(58, s);
    if (colon < 0 || colon >= e) return;
    let le = colon;
    while (le > s && buf[le - 1] === 32) le--;
    if (le === s) return;
    if (this.sigs && !this.sigs.has((le - s) * 65536 + buf[s] * 256 + buf[le - 1])) return;
    const label = buf.toString('latin1', s, le);
    if (this.labels && !this.labels.has(label)) return;
    let i = colon + 1;
    while (i < e && buf[i] === 32) i++;
    const d0 = i;
    let v = 0;
    for (; i < e; i++) {
      const c = buf[i] - 48;
      if (c < 0 || c > 9) break;
      v = v * 10 + c;
    }
    if (i === d0) return; // non-numeric values (store/gateway dumps) are not needed
    const digits = i - d0;
    const sentinel = (digits === 20 && v >= SENTINEL64) || (digits === 10 && v === 4294967295);
    b.fields.set(label, sentinel ? null : v);
  }

  private other(text: string): void {
    if (text === '') return this.close();
    if (this.cur && text.startsWith('Source: ')) { this.cur.source = text.slice(8).trim(); return; }
    if (this.cur && text.startsWith('Transport: ')) { this.cur.transport = text.slice(11).trim(); return; }
    this.close();
    const h = parseHeader(text);
    if (h) {
      this.cur = { header: h, source: '', transport: '', fields: new Map(), lines: 0 };
      this.curHeader = text;
    } else {
      this.stats.skippedLines++;
    }
  }

  private close(): void {
    const b = this.cur;
    if (!b) return;
    this.cur = null;
    if (!this.wanted.has(b.header.kind)) return;
    const want = expectedLines(b);
    if (want !== null && b.lines < want) { this.stats.cutBlocks++; return; }
    this.stats.blocks++;
    this.onBlock(b);
  }

  /** Continues a block carried from the previous run. */
  restore(c: CarriedBlock): void {
    const h = parseHeader(c.header);
    if (!h) return;
    this.cur = { header: h, source: c.source, transport: c.transport, fields: new Map(c.fields), lines: c.lines };
    this.curHeader = c.header;
  }

  /**
   * End of this run's input. A block that already has all its lines is emitted; one that may
   * still be growing is returned, to be continued first on the next run.
   */
  finish(): CarriedBlock | null {
    const b = this.cur;
    if (!b) return null;
    const want = expectedLines(b);
    if (!this.wanted.has(b.header.kind) || (want !== null && b.lines >= want)) {
      this.close();
      return null;
    }
    this.cur = null;
    return { header: this.curHeader, source: b.source, transport: b.transport, fields: [...b.fields.entries()], lines: b.lines };
  }
}
