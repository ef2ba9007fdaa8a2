/**
 * A map keyed by byte ranges of a buffer (an executed broker line's broker, module and command;
 * an lbmmon header's body), so that hundreds of thousands of lines find what they name without
 * making a string each. The ranges are hashed (FNV-1a over 32-bit words) and compared with the one
 * key of that hash, nearly always, four bytes at a time; strings are made only for a key not seen
 * before.
 *
 * The keys' bytes live end to end in one arena and the table is open addressing over typed
 * arrays: a key is no object of its own. A Uint8Array, its ArrayBuffer, a DataView and a bucket
 * array per key cost ~600 bytes a key beside its bytes, 4 MiB of the 6,000 header keys 2,000 UM
 * applications make, and those objects outlived young-generation collections (issue 44).
 */

import { dataView } from './views.js';

/** keys at most, then forgotten at once: a log of ever-new names must not grow the map */
const MAX_KEYS = 10_000;
/** the arena's bytes at most, then forgotten at once too: ever-new lines of a megabyte each */
const MAX_BYTES = 8 << 20;
/** a longer key is not kept (its user makes its value each time): one would take a sixteenth of the arena */
const MAX_KEY_BYTES = MAX_BYTES >> 4;

export class RangeKeys<V> {
  /** the keys, end to end: each range as its length (32 bits) then its bytes, so no bytes a
   *  range holds can make one split of a key read as another */
  private arena = new Uint8Array(4096);
  private words = new DataView(this.arena.buffer);
  private used = 0;
  /** per key: where its bytes start in the arena, how many, its hash, its value */
  private at = new Int32Array(16);
  private len = new Int32Array(16);
  private hashes = new Int32Array(16);
  private values: V[] = [];
  /** open addressing: key index + 1, 0 for free; at most half full */
  private slots = new Int32Array(64);
  private count = 0;

  /** hashMask: the hash bits kept (a test keeps two, so that keys share hashes and are compared) */
  constructor(private readonly maxKeys = MAX_KEYS, private readonly hashMask = -1) {}

  /** ranges: [a0, z0, a1, z1, ...] of buf, one range or more */
  get(buf: Buffer, r: Int32Array): V | undefined {
    const h = hash(buf, r) & this.hashMask;
    const mask = this.slots.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const k = this.slots[i] - 1;
      if (k < 0) return undefined;
      if (this.hashes[k] === h && this.same(k, buf, r)) return this.values[k];
    }
  }

  /** Adds a key get() did not find (a key longer than MAX_KEY_BYTES is not kept). */
  set(buf: Buffer, r: Int32Array, value: V): void {
    let n = 0;
    for (let p = 0; p < r.length; p += 2) n += 4 + r[p + 1] - r[p];
    if (n > MAX_KEY_BYTES) return;
    if (this.count >= this.maxKeys || this.used + n > MAX_BYTES) this.clear();
    if (this.used + n > this.arena.length) this.growArena(this.used + n);
    if (this.count === this.at.length) this.growKeys();
    if (2 * (this.count + 1) > this.slots.length) this.rehash(2 * this.slots.length);
    const k = this.count++;
    const a = this.arena;
    let o = this.used;
    this.at[k] = o;
    for (let p = 0; p < r.length; p += 2) {
      this.words.setInt32(o, r[p + 1] - r[p], true);
      a.set(buf.subarray(r[p], r[p + 1]), o + 4);
      o += 4 + r[p + 1] - r[p];
    }
    this.len[k] = n;
    this.used = o;
    const h = hash(buf, r) & this.hashMask;
    this.hashes[k] = h;
    this.values[k] = value;
    this.place(k, h);
  }

  private place(k: number, h: number): void {
    const mask = this.slots.length - 1;
    let i = h & mask;
    while (this.slots[i] !== 0) i = (i + 1) & mask;
    this.slots[i] = k + 1;
  }

  private clear(): void {
    this.count = 0;
    this.used = 0;
    this.values = [];
    this.slots.fill(0);
  }

  private growArena(need: number): void {
    let size = this.arena.length;
    while (size < need) size *= 2;
    const a = new Uint8Array(size);
    a.set(this.arena.subarray(0, this.used));
    this.arena = a;
    this.words = new DataView(a.buffer);
  }

  private growKeys(): void {
    const grow = (x: Int32Array) => { const y = new Int32Array(2 * x.length); y.set(x); return y; };
    this.at = grow(this.at);
    this.len = grow(this.len);
    this.hashes = grow(this.hashes);
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size);
    for (let k = 0; k < this.count; k++) this.place(k, this.hashes[k]);
  }

  /** Does key k hold exactly the ranges: their lengths, then their bytes a word at a time? */
  private same(k: number, buf: Buffer, r: Int32Array): boolean {
    const v = dataView(buf);
    const a = this.arena;
    const w = this.words;
    let o = this.at[k];
    const stop = o + this.len[k];
    for (let p = 0; p < r.length; p += 2) {
      const z = r[p + 1];
      let i = r[p];
      if (o + 4 > stop || w.getInt32(o, true) !== z - i) return false;
      o += 4;
      for (; i + 4 <= z; i += 4, o += 4) if (v.getInt32(i, true) !== w.getInt32(o, true)) return false;
      for (; i < z; i++, o++) if (buf[i] !== a[o]) return false;
    }
    return o === stop;
  }
}

function hash(buf: Buffer, r: Int32Array): number {
  const v = dataView(buf);
  let h = 0x811c9dc5;
  for (let p = 0; p < r.length; p += 2) {
    const z = r[p + 1];
    let i = r[p];
    for (; i + 4 <= z; i += 4) h = Math.imul(h ^ v.getInt32(i, true), 16777619);
    for (; i < z; i++) h = Math.imul(h ^ buf[i], 16777619);
    h = Math.imul(h ^ (z - r[p]), 16777619);
  }
  return h;
}
