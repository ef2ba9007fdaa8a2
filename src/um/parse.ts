/**
 * Streaming lbmmon text parser. Lines come in as byte ranges (from the incremental reader);
 * only headers, Source:/Transport: lines and field lines of wanted blocks are decoded. A block
 * is finished by an empty line, the next header or any line without a leading TAB (stderr lines
 * such as `Core-...` and `ERROR!` included). A block still open when the input ends is carried
 * (as text) to the next run, since lbmmon may be mid-write.
 */
import type { LineSink } from '../lib/tail/lines.js';
import { expectedLines, kindOf, parseCtime, SENTINELS, type Block, type BlockKind, type Header } from './model.js';

const HEADER = new RegExp(
  '^(?<title>.*? received)' +
  '(?: from (?<appid>.*?))?(?: at (?<ip>\\d{1,3}(?:\\.\\d{1,3}){3}))?' +
  '(?:, process ID=(?<pid>[0-9a-fA-F]+))?(?:, object ID=(?<oid>[0-9a-fA-F]+))?' +
  '(?:, context instance=(?<ctx>[0-9a-fA-F]{16}))?(?:, domain ID=(?<dom>\\d+))?' +
  '(?:, sent (?<sent>[A-Z][a-z]{2} [A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}))?\\s*$',
);

export function parseHeader(line: string): Header | null {
  if (!line.includes(' received')) return null;
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

export class LbmmonParser implements LineSink {
  private cur: Block | null = null;
  private curText: string[] = [];
  readonly stats: ParserStats = { blocks: 0, cutBlocks: 0, skippedLines: 0 };

  constructor(private readonly wanted: Set<BlockKind>, private readonly onBlock: (b: Block) => void) {}

  lines(buf: Buffer, start: number, end: number): void {
    let pos = start;
    while (pos < end) {
      let nl = buf.indexOf(10, pos);
      if (nl < 0 || nl >= end) nl = end;
      let le = nl;
      if (le > pos && buf[le - 1] === 13) le--;
      if (buf[pos] === 9) {
        // field line: decoded only for a wanted block
        if (this.cur) {
          this.cur.lines++;
          if (this.wanted.has(this.cur.header.kind)) this.field(buf.toString('latin1', pos + 1, le));
        } else this.stats.skippedLines++;
      } else {
        this.other(buf.toString('latin1', pos, le));
      }
      pos = nl + 1;
    }
  }

  /** For tests and carried text: one line without its LF. */
  line(text: string): void {
    const b = Buffer.from(text + '\n', 'latin1');
    this.lines(b, 0, b.length);
  }

  private field(text: string): void {
    const b = this.cur!;
    this.curText.push('\t' + text);
    const colon = text.indexOf(':');
    if (colon < 0) return;
    const label = text.slice(0, colon).trim();
    const m = /^\s*(\d+)(?:ms|us)?\s*$/.exec(text.slice(colon + 1));
    if (!m) return; // non-numeric values (store/gateway dumps) are not needed
    b.fields.set(label, SENTINELS.has(m[1]) ? null : Number(m[1]));
  }

  private other(text: string): void {
    if (text === '') return this.close();
    if (this.cur && text.startsWith('Source: ')) { this.cur.source = text.slice(8).trim(); this.curText.push(text); return; }
    if (this.cur && text.startsWith('Transport: ')) { this.cur.transport = text.slice(11).trim(); this.curText.push(text); return; }
    this.close();
    const h = parseHeader(text);
    if (h) {
      this.cur = { header: h, source: '', transport: '', fields: new Map(), lines: 0 };
      this.curText = [text];
    } else {
      this.stats.skippedLines++;
    }
  }

  private close(): void {
    const b = this.cur;
    if (!b) return;
    this.cur = null;
    this.curText = [];
    if (!this.wanted.has(b.header.kind)) return;
    const want = expectedLines(b);
    if (want !== null && b.lines < want) { this.stats.cutBlocks++; return; }
    this.stats.blocks++;
    this.onBlock(b);
  }

  /**
   * End of this run's input. A block that already has all its lines is emitted; one that may
   * still be growing is returned as text, to be fed again first on the next run.
   */
  finish(): string[] {
    const b = this.cur;
    if (!b) return [];
    const want = expectedLines(b);
    if (!this.wanted.has(b.header.kind) || (want !== null && b.lines >= want)) {
      this.close();
      return [];
    }
    const carry = this.curText;
    this.cur = null;
    this.curText = [];
    return carry.length > 100 ? [] : carry;
  }
}
