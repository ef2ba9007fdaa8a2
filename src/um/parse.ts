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
import { LabelMatcher, labelEnd, legacyField, SlotFields, type Wanted } from './labels.js';
import { expectedLines, LABEL_ALIASES, LEGACY_LABELS, type Block, type BlockKind, type Header } from './model.js';

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

const SENTINEL64 = 18446744073709551615;

// neither holds a CR or LF, so a match never runs past the line's end
const SOURCE = ascii('Source: ');
const TRANSPORT = ascii('Transport: ');

const RECEIVED = ascii(' received');
const AT = ascii('at ');

/**
 * Where buf[from, end) first holds ` received`, or -1: its `v` looked for four bytes a step (the
 * "has zero byte" test on word ^ 0x76767676; a flagged word's bytes are then compared one by one).
 * Node's Buffer.indexOf took ~0.9 ns a byte for this needle, this ~0.3.
 */
const V4 = 0x76767676;
const V_AT = 6; // ' received'[6] === 'v'
function receivedAt(buf: Buffer, from: number, end: number): number {
  const last = end - (RECEIVED.length - V_AT); // the last place a needle's 'v' may stand
  let i = from + V_AT;
  if (i + 4 <= last) {
    const v = dataView(buf);
    for (; i + 4 <= last + 1; i += 4) {
      const x = v.getInt32(i, true) ^ V4;
      if (((x - 0x01010101) & ~x & 0x80808080) === 0) continue;
      for (let k = i; k < i + 4; k++) if (buf[k] === 118 && at(buf, k - V_AT, RECEIVED)) return k - V_AT;
    }
  }
  for (; i <= last; i++) if (buf[i] === 118 && at(buf, i - V_AT, RECEIVED)) return i - V_AT;
  return -1;
}

/**
 * Can other() read the line buf[s, e) as anything but an unknown line: does it hold ` received`
 * (parseHeader finds no header without it) or begin as a wrapped header's rest (`at `)? Most
 * lines that do not are the protobuf text of the Store, DRO and SRS blocks a Java lbmmon prints
 * (38% of the lines of a real capture), which became a string each only to be found no header:
 * a third of that capture's scan (issue 44).
 */
function mayBeHeader(buf: Buffer, s: number, e: number, k: BlockKernel | undefined): boolean {
  // the kernel's search returns the line's start when the line holds the needle (e when not)
  return at(buf, s, AT) || (k !== undefined ? k.received(s, e) === s : receivedAt(buf, s, e) >= 0);
}

/**
 * Where the first line of buf[from, end) that holds ` received` begins, or `end`: with no block
 * open (a line read as no header closed it), no line before it can change anything: a TAB line
 * belongs to no block, an empty one closes nothing, and a line without ` received` is no header
 * (mayBeHeader: an `at ` line continues a header only in an open block). A Java capture's Store,
 * DRO and SRS blocks, dozens of lines of protobuf text each, are passed over by one search
 * instead of a line at a time. The search stops at `end` (past it lie the last read's bytes), and
 * the way back to the line's start at `from` at the latest.
 */
function nextMayBeHeader(buf: Buffer, from: number, end: number): number {
  const k = receivedAt(buf, from, end);
  if (k < 0) return end;
  let ls = k;
  while (ls > from && buf[ls - 1] !== 10) ls--; // a header's ' received' is a few dozen bytes in
  return ls;
}

/** stderr lines lbmmon mixes in (`Core-...: ...`, `ERROR! ...`): noise, never "unknown format" */
function isNoise(text: string): boolean {
  return text.startsWith('Core-') || text.startsWith('ERROR!') || text.trim() === '';
}

export class LbmmonParser implements LineSink {
  private cur: (Block & { want: boolean }) | null = null;
  private curHeader = '';
  /** where the last field line read had its colon, from the line's start */
  private colonAt = 0;
  /** the wanted labels; null: every label is decoded, into a Map */
  private readonly labels: LabelMatcher | null = null;
  /** the buffer being read, as a DataView: labels and padding are compared a word at a time */
  private dv: DataView<ArrayBufferLike> = dataView(new Uint8Array(0));
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
   */
  constructor(private readonly wanted: Set<BlockKind>, private readonly onBlock: (b: Block) => void, labels?: Set<string>) {
    if (labels) this.labels = new LabelMatcher(labels);
    this.noFields = this.fields();
  }

  /** the fields of every block not wanted: none is ever set */
  private readonly noFields: Map<string, number | null> | SlotFields;

  lines(buf: Buffer, start: number, end: number): void {
    this.dv = dataView(buf);
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
        const nl = this.fieldLine(b, buf, pos + 1, end);
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
          if (b.want) this.field(b, buf, pos + 1, le);
        }
      } else if (b && (b.legacy || b.lines === 0) && legacyField(buf, pos, le)) {
        // 29West-era layout: the same field lines without the TAB
        if (!b.legacy) { b.legacy = true; this.stats.legacy++; }
        b.lines++;
        if (b.want) this.field(b, buf, pos, le);
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
            pos = k !== undefined ? k.received(nl + 1, end) : nextMayBeHeader(buf, nl + 1, end);
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
   * values of its wanted labels stored as value() stores them. Returns where the kernel stopped:
   * the first line after them, or a TAB line when its hits' room was full (lines() goes on there).
   */
  private tabRun(k: BlockKernel, b: Block & { want: boolean }, buf: Buffer, pos: number, end: number): number {
    const p = k.run(pos, end, b.want ? 1 : 0);
    b.lines += k.out[0];
    const n = k.out[1];
    for (let i = 0; i < n; i++) this.store(b, k.wanted[k.hits[4 * i]], k.hits[4 * i + 1], k.values[2 * i + 1]);
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

  /** `label<padding>: <digits>[ms|us]`, parsed on bytes. */
  private field(b: Block, buf: Buffer, s: number, e: number): void {
    if (this.labels && this.labels.firsts[buf[s]] === 0) return; // no wanted label starts with this byte
    let label: Wanted | string | null | undefined = this.labels ? this.padded(buf, s, e) : undefined;
    if (label === null) return;
    let colon = s + this.colonAt;
    if (label === undefined) {
      colon = s;
      while (colon < e && buf[colon] !== 58) colon++;
      if (colon >= e) return;
      this.colonAt = colon - s;
      const le = labelEnd(this.dv, buf, s, colon);
      if (le === s) return;
      label = this.labels ? this.labels.match(this.dv, buf, s, le) : buf.toString('latin1', s, le);
      if (label === null) return;
    }
    this.value(b, label, buf, colon + 1, e);
  }

  /**
   * The field line after the TAB at s, with labels given, read in one walk when it is as lbmmon
   * prints it: its colon where the line before had one, a label matched byte for byte (or not
   * wanted), spaces between, a value ending the line. Nothing before the colon can then be a LF,
   * so the line's end is found from the value, not by a search over the label and its padding.
   * Returns that LF, or -1 for any other line, which lines() then reads the general way (a value
   * this stored is stored again, the same).
   */
  private fieldLine(b: Block, buf: Buffer, s: number, end: number): number {
    if (this.labels!.firsts[buf[s]] === 0) return -1;
    const w = this.padded(buf, s, end);
    if (w === undefined) return -1;
    const colon = s + this.colonAt;
    if (w === null) return lineEnd(buf, colon + 1, end); // a label not wanted: its value is not read
    let nl = this.value(b, w, buf, colon + 1, end);
    if (nl < 0) return -1;
    if ((buf[nl] === 109 || buf[nl] === 117) && buf[nl + 1] === 115) nl += 2; // ms, us
    if (buf[nl] === 13) nl++;
    return nl < end && buf[nl] === 10 ? nl : -1;
  }

  /** `<spaces><digits>` from i: stores the value under its label; returns where the digits end, or -1 for no digits. */
  private value(b: Block, label: Wanted | string, buf: Buffer, i: number, e: number): number {
    while (i < e && buf[i] === 32) i++;
    const d0 = i;
    let v = 0;
    for (; i < e; i++) {
      const c = buf[i] - 48;
      if (c < 0 || c > 9) break;
      v = v * 10 + c;
    }
    if (i === d0) return -1; // non-numeric values (store/gateway dumps) are not needed
    this.store(b, label, i - d0, v);
    return i;
  }

  /** A label's value of `digits` digits: UM's all-ones sentinels (64 and 32 bits) are "not measured". */
  private store(b: Block, label: Wanted | string, digits: number, v: number): void {
    const sentinel = (digits === 20 && v >= SENTINEL64) || (digits === 10 && v === 4294967295);
    const legacy = typeof label === 'string' ? LEGACY_LABELS.has(label) : label.legacy;
    if (legacy && !b.legacy) { b.legacy = true; this.stats.legacy++; }
    if (typeof label === 'string') (b.fields as Map<string, number | null>).set(LABEL_ALIASES.get(label) ?? label, sentinel ? null : v);
    else (b.fields as SlotFields).v[label.slot] = sentinel ? null : v;
  }

  /**
   * The wanted label of the field line at s, found where the line before had its colon: lbmmon
   * pads a block's labels to one width, so a block's colons line up, and the padded label need not
   * be walked. A wanted label holds no ':' or LF, so its colon is the line's first. Null: the
   * line's first colon is there and its label is not wanted; undefined: no colon there, or a colon
   * or LF before it, so the line is read from its start. `e` is the line's end, or the chunk's
   * (fieldLine: the LF test then keeps the label within the line).
   */
  private padded(buf: Buffer, s: number, e: number): Wanted | null | undefined {
    const colon = s + this.colonAt;
    if (this.colonAt === 0 || colon >= e || buf[colon] !== 58) return undefined;
    const le = labelEnd(this.dv, buf, s, colon);
    if (le === s) return undefined;
    const w = this.labels!.match(this.dv, buf, s, le);
    if (w !== null) return w;
    for (let i = s; i < le; i++) if (buf[i] === 58 || buf[i] === 10) return undefined;
    return null;
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
        cur.header = h;
        cur.want = this.wanted.has(h.kind);
        if (cur.want && cur.fields === this.noFields) cur.fields = this.fields();
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

  private fields(): Map<string, number | null> | SlotFields {
    return this.labels === null ? new Map() : new SlotFields(this.labels.slots);
  }

  /** A header line: the block before it ends, its own begins. */
  private open(h: Header, text: string): void {
    this.close();
    this.stats.headers++;
    const want = this.wanted.has(h.kind);
    // a block not wanted is never given a field (field() and finish() ask want first)
    this.cur = { header: h, source: '', transport: '', fields: want ? this.fields() : this.noFields, lines: 0, want };
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
    const fields = this.fields();
    for (const [label, v] of c.fields) fields.set(label, v);
    this.cur = { header: h, source: c.source, transport: c.transport, fields, lines: c.lines, legacy: c.legacy === true, want: this.wanted.has(h.kind) };
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
