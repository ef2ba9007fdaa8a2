/**
 * The field labels a check reads, found from a field line's bytes: a label is rejected by its
 * first byte, then by its length and last byte, and compared four bytes at a time with the few
 * left, so no string is made for a field not read. A block's values of these labels sit in
 * slots (SlotFields), not in a Map per block.
 */
import { ascii, at, digit } from '../lib/bytes.js';
import { LABEL_ALIASES, LEGACY_LABELS, type Fields } from './model.js';

/** A wanted label as bytes, with the C label it is stored under. */
export interface Wanted {
  /** where its value sits in a block's SlotFields */
  slot: number;
  bytes: Uint8Array;
  /** the label's whole 32-bit words (little-endian) */
  words: Int32Array;
  canon: string;
  /** a 29West-era name: a block using it is in the legacy layout */
  legacy: boolean;
}

/** A label's length (mod 64) and last byte, as an index: two labels seldom share it (block-kernel.wat reads it the same way). */
export const SIGS = 1 << 14;
export function sig(buf: Uint8Array, s: number, le: number): number {
  return (((le - s) & 63) << 8) | buf[le - 1];
}

/** The labels a parser reads, numbered. */
export class Slots {
  readonly index = new Map<string, number>();
  /** by a caller's array of labels, their slots (-1: not read): SlotFields.readInto() */
  readonly at = new WeakMap<readonly string[], Int32Array>();
  /** a block's values before any is read: copied, not grown, per block */
  readonly empty: (number | null | undefined)[];
  constructor(readonly labels: string[]) {
    labels.forEach((l, i) => this.index.set(l, i));
    this.empty = labels.map(() => undefined);
  }
}

export class LabelMatcher {
  readonly slots: Slots;
  private t: Tables | null = null;

  /**
   * `labels` in C lbmmon's names; the other dialects' names for them are matched too. The tables
   * are made when first needed: a run with nothing new to read never needs them (0.66 ms, a sixth
   * of a minimal run's own JavaScript, measured in the executable: issue 44).
   */
  constructor(private readonly labels: Set<string>) {
    this.slots = new Slots([...labels]);
  }

  private get tables(): Tables {
    return this.t ??= tables(this.labels, this.slots);
  }

  /** 1 for a byte some wanted label starts with */
  get firsts(): Uint8Array {
    return this.tables.firsts;
  }

  /** every label matched, each dialect's name its own (the block kernel's table, block-kernel.ts) */
  get all(): Wanted[] {
    return this.tables.all;
  }

  /** The wanted label that is exactly buf[s, le), or null; `dv` views buf. */
  match(dv: DataView<ArrayBufferLike>, buf: Uint8Array, s: number, le: number): Wanted | null {
    const cands = this.tables.bySig[sig(buf, s, le)];
    if (cands === undefined) return null;
    const L = le - s;
    for (let c = 0; c < cands.length; c++) {
      const { bytes, words } = cands[c];
      if (bytes.length !== L) continue;
      let k = 0;
      while (k < words.length && dv.getInt32(s + 4 * k, true) === words[k]) k++;
      if (k < words.length) continue;
      let j = 4 * k;
      while (j < L && buf[s + j] === bytes[j]) j++;
      if (j === L) return cands[c];
    }
    return null;
  }
}

interface Tables {
  firsts: Uint8Array;
  bySig: (Wanted[] | undefined)[];
  all: Wanted[];
}

function tables(labels: Set<string>, slots: Slots): Tables {
  const t: Tables = { firsts: new Uint8Array(256), bySig: new Array(SIGS), all: [] };
  const canon = new Map([...labels].map((l) => [l, l]));
  for (const [alias, c] of LABEL_ALIASES) if (labels.has(c)) canon.set(alias, c);
  for (const [label, c] of canon) {
    const bytes = Buffer.from(label, 'latin1');
    const words = new Int32Array(bytes.length >> 2);
    for (let k = 0; k < words.length; k++) words[k] = bytes.readInt32LE(4 * k);
    const w: Wanted = { slot: slots.index.get(c)!, bytes, words, canon: c, legacy: label !== c && LEGACY_LABELS.has(label) };
    (t.bySig[sig(bytes, 0, bytes.length)] ??= []).push(w);
    t.all.push(w);
    t.firsts[bytes[0]] = 1;
  }
  return t;
}

/** Where the label before the padding that ends at `colon` ends (lbmmon pads with dozens of spaces: walked back a word at a time). */
export function labelEnd(dv: DataView<ArrayBufferLike>, buf: Uint8Array, s: number, colon: number): number {
  let le = colon;
  while (le - s >= 4 && dv.getInt32(le - 4, true) === 0x20202020) le -= 4;
  while (le > s && buf[le - 1] === 32) le--;
  return le;
}

/**
 * A block's values of the wanted labels, by slot: set with an array store, where a Map per block
 * grew its table again and again for every block of a first scan (issue 32).
 */
export class SlotFields implements Fields {
  /** by slot: a label's value, null (not measured) or undefined (not read); set with put() */
  readonly v: (number | null | undefined)[];
  /** the slots set since the last clear(), each once (clear() unsets only those) */
  private readonly setAt: Int32Array;
  private nSet = 0;
  constructor(private readonly slots: Slots) {
    this.v = slots.empty.slice();
    this.setAt = new Int32Array(this.v.length);
  }
  /** sets a slot's value (null: "not measured") */
  put(slot: number, value: number | null): void {
    if (this.v[slot] === undefined) this.setAt[this.nSet++] = slot;
    this.v[slot] = value;
  }
  get(label: string): number | null | undefined {
    const i = this.slots.index.get(label);
    return i === undefined ? undefined : this.v[i];
  }
  readInto(labels: readonly string[], into: (number | null)[]): void {
    let at = this.slots.at.get(labels);
    if (at === undefined) this.slots.at.set(labels, at = Int32Array.from(labels, (l) => this.slots.index.get(l) ?? -1));
    for (let i = 0; i < at.length; i++) into[i] = at[i] < 0 ? null : this.v[at[i]] ?? null;
  }
  /** every label unset again, for the next block (LbmmonParser reuses one SlotFields) */
  clear(): void {
    for (let i = 0; i < this.nSet; i++) this.v[this.setAt[i]] = undefined;
    this.nSet = 0;
  }
  /** for a block carried from the last run: a label not wanted now is dropped */
  set(label: string, value: number | null): void {
    const i = this.slots.index.get(label);
    if (i !== undefined) this.put(i, value);
  }
  get size(): number { return this.v.reduce<number>((n, x) => (x === undefined ? n : n + 1), 0); }
  *[Symbol.iterator](): IterableIterator<[string, number | null]> {
    for (let i = 0; i < this.v.length; i++) { const x = this.v[i]; if (x !== undefined) yield [this.slots.labels[i], x]; }
  }
  *keys(): IterableIterator<string> { for (const [label] of this) yield label; }
}

/**
 * A field line without its TAB: `label<spaces>: <digits>[ms|us]` and nothing else. Stricter
 * than a TAB line, since `Core-...: 12 ...` stderr noise must not pass: the value ends the line.
 */
export function legacyField(buf: Buffer, s: number, e: number): boolean {
  const c0 = buf[s];
  if (!((c0 >= 65 && c0 <= 90) || (c0 >= 97 && c0 <= 122))) return false;
  // the colon within the line's first 201 bytes: a native indexOf searched on past the line's
  // end (the first line of every Store, DRO and SRS block a Java capture has, `internal {`, is
  // asked whether it is a 29West field)
  const stop = Math.min(e, s + 201);
  let colon = s;
  while (colon < stop && buf[colon] !== 58) colon++;
  if (colon >= stop) return false;
  let i = colon + 1;
  while (i < e && buf[i] === 32) i++;
  const d0 = i;
  while (i < e && digit(buf[i])) i++;
  if (i === d0) return false;
  const unit = i + 2 === e && ((buf[i] === 109 && buf[i + 1] === 115) || (buf[i] === 117 && buf[i + 1] === 115)); // ms, us
  if (!unit) {
    while (i < e && buf[i] === 32) i++;
    if (i !== e) return false;
  }
  // lbmmon's stderr noise, compared as bytes: no string is made of a candidate line's head
  for (let k = 0; k < NOISE_BYTES.length; k++) if (e - s >= NOISE_BYTES[k].length && at(buf, s, NOISE_BYTES[k])) return false;
  return true;
}

/** How the stderr lines lbmmon mixes in begin (`Core-...: ...`, `ERROR! ...`): noise, never a field or an unknown format */
export const NOISE = ['Core-', 'ERROR!'] as const;
const NOISE_BYTES = NOISE.map(ascii);
