/**
 * A map keyed by byte ranges of a buffer (an executed broker line's broker, module and command;
 * an lbmmon header's body), so that hundreds of thousands of lines find what they name without
 * making a string each. The ranges are hashed (FNV-1a) and compared byte for byte with the one key
 * of that hash, nearly always; strings are made only for a key not seen before.
 */

/** keys at most, then forgotten at once: a log of ever-new names must not grow the map */
const MAX_KEYS = 10_000;

interface Entry<V> { key: Uint8Array; value: V }

export class RangeKeys<V> {
  private readonly byHash = new Map<number, Entry<V>[]>();
  private count = 0;

  /** ranges: [a0, z0, a1, z1, ...] of buf, one range or more */
  get(buf: Buffer, r: Int32Array): V | undefined {
    const list = this.byHash.get(hash(buf, r));
    if (list === undefined) return undefined;
    for (let i = 0; i < list.length; i++) if (same(list[i].key, buf, r)) return list[i].value;
    return undefined;
  }

  set(buf: Buffer, r: Int32Array, value: V): void {
    if (++this.count > MAX_KEYS) { this.byHash.clear(); this.count = 1; }
    const h = hash(buf, r);
    let list = this.byHash.get(h);
    if (list === undefined) this.byHash.set(h, list = []);
    list.push({ key: keyOf(buf, r), value });
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
  let h = 0x811c9dc5;
  for (let p = 0; p < r.length; p += 2) {
    for (let i = r[p]; i < r[p + 1]; i++) h = Math.imul(h ^ buf[i], 16777619);
    h = Math.imul(h ^ 1, 16777619);
  }
  return h;
}

function same(key: Uint8Array, buf: Buffer, r: Int32Array): boolean {
  let k = 0;
  for (let p = 0; p < r.length; p += 2) {
    const z = r[p + 1];
    if (key[k + z - r[p]] !== 1) return false;
    for (let i = r[p]; i < z; i++, k++) if (buf[i] !== key[k]) return false;
    k++;
  }
  return k === key.length;
}
