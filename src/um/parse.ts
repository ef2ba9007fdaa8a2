/**
 * Streaming lbmmon text parser. Lines come in as byte ranges (from the incremental reader);
 * only headers, Source:/Transport: lines and field lines of wanted blocks are decoded. A block
 * is finished by an empty line, the next header or any line without a leading TAB (stderr lines
 * such as `Core-...` and `ERROR!` included). A block still open when the input ends is carried
 * (as text) to the next run, since lbmmon may be mid-write.
 */
import { array, bool, nullable, num, obj, optional, pair, str, type Schema } from '../lib/state/schema.js';
import type { LineSink } from '../lib/tail/lines.js';
import { ascii, at } from '../lib/bytes.js';
import { RangeKeys } from '../lib/range-keys.js';
import { lineEnd } from '../lib/tail/line-end.js';
import { dataView } from '../lib/views.js';
import { BlockKernel } from './block-kernel.js';
import { headerAt, parseHeader } from './header.js';
import { FieldLines } from './field-lines.js';
import { mayBeHeader, nextMayBeHeader } from './may-be-header.js';
import { LabelMatcher, legacyField, NOISE, SlotFields } from './labels.js';
import { expectedLines, type Block, type BlockKind, type Header } from './model.js';

export { parseHeader };

export interface ParserStats {
  blocks: number;
  cutBlocks: number;
  /** headers recognised, of any block type (wanted or not) */
  headers: number;
  /** the first line that was neither a header nor a field nor known noise: names what a file in no known dialect holds */
  firstUnknown: string | null;
  /** blocks in the 29West layout (no TAB before field lines) */
  legacy: number;
}

/** A block still open when the input ended, carried to the next run as data. */
export interface CarriedBlock {
  header: string;
  source: string;
  transport: string;
  fields: [string, number | null][];
  lines: number;
  legacy?: boolean;
}

export const CARRIED_BLOCK: Schema<CarriedBlock> = obj<CarriedBlock>({
  header: str(1 << 20), source: str(), transport: str(100),
  fields: array(pair(str(200), nullable(num({ min: 0 }))), 1000),
  lines: num({ min: 0, max: 1000, int: true }),
  legacy: optional(bool),
});

// neither holds a CR or LF, so a match never runs past the line's end
const SOURCE = ascii('Source: ');
const TRANSPORT = ascii('Transport: ');

/** stderr lines lbmmon mixes in (labels.ts NOISE), and blank ones: never "unknown format" */
function isNoise(text: string): boolean {
  return NOISE.some((n) => text.startsWith(n)) || text.trim() === '';
}

/** A block as the parser opens it: made here only, so that every one has the same shape. */
function block(header: Header, fields: Block['fields'], want: boolean): Block & { want: boolean } {
  return { header, source: '', transport: '', fields, lines: 0, want };
}

export class LbmmonParser implements LineSink {
  private cur: (Block & { want: boolean }) | null = null;
  private curHeader = '';
  /** the wanted labels; null: every label is decoded, into a Map */
  private readonly labels: LabelMatcher | null = null;
  private readonly texts = new RangeKeys<string>();
  /** the block kernel in the room of the buffer read last, if it has one (block-kernel.ts) */
  private kernel: BlockKernel | undefined;
  private kernelOf: ArrayBufferLike | null = null;
  /** the kernel reads the wanted blocks' fields too (its table holds the wanted labels) */
  private kernelLabels = false;
  private readonly range = new Int32Array(2);
  readonly stats: ParserStats = { blocks: 0, cutBlocks: 0, headers: 0, firstUnknown: null, legacy: 0 };

  /**
   * `labels`, when given, are the only field labels decoded (with the other dialects' names for
   * them), found from the line's bytes (labels.ts): no string is made for a field not read.
   * `onBlock` gets each wanted block as it ends; its fields are then the parser's own, read while
   * onBlock runs and reused for the next block (keep a copy to keep them).
   */
  constructor(private readonly wanted: Set<BlockKind>, private readonly onBlock: (b: Block) => void, labels?: Set<string>) {
    if (labels) this.labels = new LabelMatcher(labels);
    this.noFields = this.labels === null ? new Map() : new SlotFields(this.labels.slots);
    this.open1 = this.labels === null ? null : new SlotFields(this.labels.slots);
    this.f = new FieldLines(this.labels, this.stats);
  }

  /** the fields of every block not wanted: none is ever set */
  private readonly noFields: Map<string, number | null> | SlotFields;
  /**
   * The fields of the wanted block open now, cleared for each one: only one block is open at a
   * time, and the checks read a block's fields while it is handed to them and keep none (a block
   * carried to the next run is saved as a copy). A SlotFields per wanted block was half a
   * kilobyte of each one's garbage: a third of the NAK check's young-generation collections on
   * the Java capture (issue 44).
   */
  private readonly open1: SlotFields | null;
  /** the field lines' reader */
  private readonly f: FieldLines;
  /**
   * The block open now when it is of a kind no check reads: one object, set again for each such
   * block, since nothing but this parser ever sees it (close() hands only wanted blocks on). Most
   * of a Java capture's blocks are of kinds a check skips (Store, DRO, SRS blocks; event queues for
   * the NAK check, transports for the event-queue one): a new object for each was 13% of the NAK
   * check's garbage there and half the event-queue check's (heap sampling; issue 44).
   */
  private skipped: (Block & { want: boolean }) | null = null;

  lines(buf: Buffer, start: number, end: number): void {
    this.f.dv = dataView(buf);
    let pos = start;
    const fast = this.labels !== null;
    if (buf.buffer !== this.kernelOf) { // a reader keeps one buffer: once a file
      this.kernelOf = buf.buffer;
      this.kernel = buf.byteOffset === 0 ? BlockKernel.in(buf) : undefined;
      this.kernelLabels = this.kernel !== undefined && this.labels !== null && this.kernel.labels(this.labels);
    }
    const k = this.kernel;
    while (pos < end) {
      const b = this.cur;
      if (k !== undefined && b !== null && buf[pos] === 9 && (this.kernelLabels || !b.want)) {
        pos = this.tabRun(k, b, buf, pos, end);
        continue;
      }
      if (fast && b !== null && b.want && buf[pos] === 9) {
        const nl = this.f.fieldLine(b, buf, pos + 1, end);
        if (nl >= 0) {
          b.lines++;
          pos = nl + 1;
          continue;
        }
      }
      if (b !== null && !b.want && buf[pos] === 9) {
        // a block the check does not read: its TAB lines are only counted (close() and finish()
        // ask want first), one after another here (an event queue's 57 for the NAK check, every
        // transport and context block for the event-queue one)
        let p = pos;
        do {
          p = lineEnd(buf, p, end) + 1;
          b.lines++;
        } while (p < end && buf[p] === 9);
        pos = p;
        continue;
      }
      const nl = lineEnd(buf, pos, end);
      let le = nl;
      if (le > pos && buf[le - 1] === 13) le--;
      if (buf[pos] === 9) {
        if (b) {
          b.lines++;
          if (b.want) this.f.field(b, buf, pos + 1, le);
        }
      } else if (b && (b.legacy || b.lines === 0) && legacyField(buf, pos, le)) {
        // 29West-era layout: the same field lines without the TAB
        if (!b.legacy) { b.legacy = true; this.stats.legacy++; }
        b.lines++;
        if (b.want) this.f.field(b, buf, pos, le);
      } else if (le === pos) {
        this.close(); // the empty line after every block
      } else if (b !== null && at(buf, pos, SOURCE)) {
        b.source = this.text(buf, pos + SOURCE.length, le);
      } else if (b !== null && at(buf, pos, TRANSPORT)) {
        b.transport = this.text(buf, pos + TRANSPORT.length, le);
      } else {
        const h = mayBeHeader(buf, pos, le, k) ? headerAt(buf, pos, le, this.wanted, k) : null;
        if (h === null) {
          this.noHeader(buf, pos, le);
          // no block is open now: up to the next line that may be a header, no line changes anything
          if (this.stats.firstUnknown !== null) {
            pos = nextMayBeHeader(buf, nl + 1, end, k);
            continue;
          }
        } else if (h !== undefined) this.open(h.header, h.text);
        else this.other(buf.toString('latin1', pos, le));
      }
      pos = nl + 1;
    }
  }

  /**
   * A block's TAB lines from pos, read by the block kernel: counted, and of a wanted block, the
   * values of its wanted labels stored as field-lines.ts stores them. Returns where the kernel stopped:
   * the first line after them, or a TAB line when its hits' room was full (lines() goes on there).
   */
  private tabRun(k: BlockKernel, b: Block & { want: boolean }, buf: Buffer, pos: number, end: number): number {
    const p = k.run(pos, end, b.want ? 1 : 0);
    b.lines += k.out[0];
    const n = k.out[1];
    for (let i = 0; i < n; i++) this.f.store(b, k.wanted[k.hits[4 * i]], k.hits[4 * i + 1], k.values[2 * i + 1]);
    return p;
  }

  /**
   * The text of buf[s, e), trimmed: one string per distinct bytes (a source's or a transport's
   * name repeats in every block of it), found by the bytes, not made each time.
   */
  private text(buf: Buffer, s: number, e: number): string {
    this.range[0] = s;
    this.range[1] = e;
    let t = this.texts.get(buf, this.range);
    if (t === undefined) this.texts.set(buf, this.range, t = buf.toString('latin1', s, e).trim());
    return t;
  }

  /** For tests: one line without its LF. */
  line(text: string): void {
    const b = Buffer.from(text + '\n', 'latin1');
    this.lines(b, 0, b.length);
  }

  private other(text: string): void {
    if (text === '') return this.close();
    const cur = this.cur;
    if (cur && text.startsWith('Source: ')) { cur.source = text.slice(8).trim(); return; }
    if (cur && text.startsWith('Transport: ')) { cur.transport = text.slice(11).trim(); return; }
    if (cur && cur.lines === 0 && !cur.source && !cur.header.ip && text.startsWith('at ')) {
      // a header wrapped before " at <ip>, sent ..." (the 29West sample as a document shows it)
      const h = parseHeader(`${this.curHeader.trimEnd()} ${text}`);
      if (h) {
        const want = this.wanted.has(h.kind);
        // a skipped block that turns out wanted is handed on: an object of its own, not the reused one
        const b = want && cur === this.skipped ? (this.cur = { ...cur }) : cur;
        b.header = h;
        b.want = want;
        if (want && b.fields === this.noFields) b.fields = this.openFields();
        this.curHeader = `${this.curHeader.trimEnd()} ${text}`;
        return;
      }
    }
    const h = parseHeader(text);
    if (h) this.open(h, text);
    else this.unknown(text);
  }

  /** A line that is no header: the block before it ends, and the first such (not noise) is named. */
  private unknown(text: string): void {
    this.close();
    if (this.stats.firstUnknown === null && !isNoise(text)) this.stats.firstUnknown = text.length > 120 ? `${text.slice(0, 120)}...` : text;
  }

  /**
   * A line other() would read as no header (mayBeHeader is false): unknown(), without the line as
   * a string unless none has been named yet.
   */
  private noHeader(buf: Buffer, s: number, e: number): void {
    if (this.stats.firstUnknown === null) this.unknown(buf.toString('latin1', s, e));
    else this.close();
  }

  /** empty fields for the wanted block being opened (the block before it is closed) */
  private openFields(): Map<string, number | null> | SlotFields {
    if (this.open1 === null) return new Map();
    this.open1.clear();
    return this.open1;
  }

  /** A header line: the block before it ends, its own begins. */
  private open(h: Header, text: string): void {
    this.close();
    this.stats.headers++;
    const want = this.wanted.has(h.kind);
    if (want) this.cur = block(h, this.openFields(), true);
    else {
      // a block not wanted is never given a field (field() and finish() ask want first). One that
      // was marked legacy has a property the others have not: a new object, rather than two shapes
      // of block in the reader's hot code (two cost the mon_demo scan ~10% in a first try)
      let b = this.skipped;
      if (b === null || b.legacy !== undefined) b = this.skipped = block(h, this.noFields, false);
      else { b.header = h; b.source = ''; b.transport = ''; b.lines = 0; }
      this.cur = b;
    }
    this.curHeader = text;
  }

  private close(): void {
    const b = this.cur;
    if (!b) return;
    this.cur = null;
    if (!b.want) return;
    const want = expectedLines(b);
    if (want !== null && b.lines < want) { this.stats.cutBlocks++; return; }
    this.stats.blocks++;
    this.onBlock(b);
  }

  /** Continues a block carried from the previous run. */
  restore(c: CarriedBlock): void {
    const h = parseHeader(c.header);
    if (!h) return;
    this.close();
    const fields = this.openFields();
    for (const [label, v] of c.fields) fields.set(label, v);
    const b = block(h, fields, this.wanted.has(h.kind));
    b.source = c.source; b.transport = c.transport; b.lines = c.lines;
    if (c.legacy === true) b.legacy = true;
    this.cur = b;
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
    if (!b.want || (want !== null && b.lines >= want)) {
      this.close();
      return null;
    }
    this.cur = null;
    return { header: this.curHeader, source: b.source, transport: b.transport, fields: [...b.fields], lines: b.lines, legacy: b.legacy === true };
  }
}
