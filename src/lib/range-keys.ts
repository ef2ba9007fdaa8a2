/**
 * A map keyed by byte ranges of a buffer (an executed broker line's broker, module and command;
 * an lbmmon header's body), so that hundreds of thousands of lines find what they name without
 * making a string each. The ranges are hashed (FNV-1a over 32-bit words) and compared with the one
 * key of that hash, nearly always, four bytes at a time; strings are made only for a key not seen
 * before.
 */

import { dataView } from './views.js';

/** keys at most, then forgotten at once: a log of ever-new names must not grow the map */
const MAX_KEYS = 10_000;

interface Entry<V> { key: Uint8Array; words: DataView; value: V }

export class RangeKeys<V> {
  private readonly byHash = new Map<number, Entry<V>[]>();
  private count = 0;

  /** ranges: [a0, z0, a1, z1, ...] of buf, one range or more */
  get(buf: Buffer, r: Int32Array): V | undefined {
    const list = this.byHash.get(hash(buf, r));
    if (list === undefined) return undefined;
    for (let i = 0; i < list.length; i++) if (same(list[i], buf, r)) return list[i].value;
    return undefined;
  }

  set(buf: Buffer, r: Int32Array, value: V): void {
    if (++this.count > MAX_KEYS) { this.byHash.clear(); this.count = 1; }
    const h = hash(buf, r);
    let list = this.byHash.get(h);
    if (list === undefined) this.byHash.set(h, list = []);
    const key = keyOf(buf, r);
    list.push({ key, words: new DataView(key.buffer), value });
  }
}

/** Each range's bytes then 0x01, a byte no log line holds: the ranges, as one key. */
function keyOf(buf: Buffer, r: Int32Array): Uint8Array {
  let n = 0;
  for (let p = 0; p < r.length; p += 2) n += r[p + 1] - r[p] + 1;
  const key = new Uint8Array(n);
  let k = 0;
  for (let p = 0; p < r.length; p += 2) {
    for (let i = r[p]; i < r[p + 1]; i++) key[k++] = buf[i];
    key[k++] = 1;
  }
  return key;
}

function hash(buf: Buffer, r: Int32Array): number {
  const v = dataView(buf);
  let h = 0x811c9dc5;
  for (let p = 0; p < r.length; p += 2) {
    const z = r[p + 1];
    let i = r[p];
    for (; i + 4 <= z; i += 4) h = Math.imul(h ^ v.getInt32(i, true), 16777619);
    for (; i < z; i++) h = Math.imul(h ^ buf[i], 16777619);
    h = Math.imul(h ^ 1, 16777619);
  }
  return h;
}

function same(e: Entry<unknown>, buf: Buffer, r: Int32Array): boolean {
  const v = dataView(buf);
  const { key, words } = e;
  let k = 0;
  for (let p = 0; p < r.length; p += 2) {
    const z = r[p + 1];
    let i = r[p];
    if (key[k + z - i] !== 1) return false;
    for (; i + 4 <= z; i += 4, k += 4) if (v.getInt32(i, true) !== words.getInt32(k, true)) return false;
    for (; i < z; i++, k++) if (buf[i] !== key[k]) return false;
    k++;
  }
  return k === key.length;
}
