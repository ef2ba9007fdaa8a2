/**
 * SHA-1 (FIPS 180-4) of a few bytes, in hex, as node:crypto gives it. The file fingerprints
 * (tail/identity.ts) hash at most 1 KiB, once a run; loading node:crypto and OpenSSL for that
 * cost every run that read a log a few milliseconds (BENCHMARKS.md). The state keeps these
 * digests, so the function must stay SHA-1: test/unit/sha1.test.ts compares it with node:crypto.
 */
export function sha1Hex(data: Uint8Array): string {
  const n = data.length;
  // the message, a 0x80 byte, zeros, and the length in bits (64-bit big-endian) fill whole 64-byte blocks
  const size = (((n + 8) >>> 6) + 1) * 64;
  const m = new Uint8Array(size);
  m.set(data);
  m[n] = 0x80;
  const v = new DataView(m.buffer);
  v.setUint32(size - 8, Math.floor(n / 0x20000000));
  v.setUint32(size - 4, (n * 8) >>> 0);
  const h = Int32Array.of(0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476, 0xc3d2e1f0 | 0);
  const w = new Int32Array(80);
  for (let off = 0; off < size; off += 64) {
    for (let t = 0; t < 16; t++) w[t] = v.getInt32(off + t * 4);
    for (let t = 16; t < 80; t++) {
      const x = w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16];
      w[t] = (x << 1) | (x >>> 31);
    }
    let [a, b, c, d, e] = h;
    for (let t = 0; t < 80; t++) {
      const f = t < 20 ? (b & c) | (~b & d) : t < 40 || t >= 60 ? b ^ c ^ d : (b & c) | (b & d) | (c & d);
      const k = t < 20 ? 0x5a827999 : t < 40 ? 0x6ed9eba1 : t < 60 ? 0x8f1bbcdc : 0xca62c1d6;
      const next = (((a << 5) | (a >>> 27)) + f + e + k + w[t]) | 0;
      e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = next;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
  }
  let hex = '';
  for (const x of h) hex += (x >>> 0).toString(16).padStart(8, '0');
  return hex;
}
