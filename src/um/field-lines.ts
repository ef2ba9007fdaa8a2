/**
 * An lbmmon block's field lines read from their bytes: `label<padding>: <digits>[ms|us]`, the
 * label found where the line before had its colon (lbmmon pads a block's labels to one width),
 * compared with the wanted labels without a string (labels.ts), the value stored in the block's
 * fields. The parser (parse.ts) hands each field line of a wanted block here, or the block
 * kernel's hits (block-kernel.ts) to store().
 */
import type { Block } from './model.js';
import { LABEL_ALIASES, LEGACY_LABELS } from './model.js';
import { labelEnd, type LabelMatcher, type SlotFields, type Wanted } from './labels.js';
import { lineEnd } from '../lib/tail/line-end.js';
import { dataView } from '../lib/views.js';

const SENTINEL64 = 18446744073709551615;

export class FieldLines {
  /** where the last field line read had its colon, from the line's start */
  private colonAt = 0;
  /** the buffer being read, as a DataView: labels and padding are compared a word at a time */
  dv: DataView<ArrayBufferLike> = dataView(new Uint8Array(0));

  /**
   * `labels`: the only labels decoded (with the other dialects' names for them), or null for
   * every label, into a Map; `stats.legacy` counts the blocks found in the 29West layout.
   */
  constructor(private readonly labels: LabelMatcher | null, private readonly stats: { legacy: number }) {}

  /** `label<padding>: <digits>[ms|us]`, parsed on bytes. */
  field(b: Block, buf: Buffer, s: number, e: number): void {
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
  fieldLine(b: Block, buf: Buffer, s: number, end: number): number {
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
  store(b: Block, label: Wanted | string, digits: number, v: number): void {
    const sentinel = (digits === 20 && v >= SENTINEL64) || (digits === 10 && v === 4294967295);
    const legacy = typeof label === 'string' ? LEGACY_LABELS.has(label) : label.legacy;
    if (legacy && !b.legacy) { b.legacy = true; this.stats.legacy++; }
    if (typeof label === 'string') (b.fields as Map<string, number | null>).set(LABEL_ALIASES.get(label) ?? label, sentinel ? null : v);
    else (b.fields as SlotFields).put(label.slot, sentinel ? null : v);
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
}
