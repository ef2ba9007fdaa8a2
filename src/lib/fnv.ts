/** A short non-cryptographic hash for names (state files, textfiles). */
/**
 * 64-bit FNV-1a of the UTF-16 code units, as 16 hex digits: a file name needs no cryptographic
 * hash, and this one costs no OpenSSL start-up on every run.
 */
export function fnv64(text: string): string {
  let h1 = 0x84222325; let h0 = 0xcbf29ce4; // offset basis 0xcbf29ce484222325, as two 32-bit halves
  for (let i = 0; i < text.length; i++) {
    h1 ^= text.charCodeAt(i);
    // multiply by the FNV prime 0x100000001b3 = 2^40 + 0x1b3, modulo 2^64
    const lo = h1 * 0x1b3;
    const hi = h0 * 0x1b3 + (h1 << 8) + Math.floor(lo / 0x100000000);
    h1 = lo >>> 0;
    h0 = hi >>> 0;
  }
  return h0.toString(16).padStart(8, '0') + h1.toString(16).padStart(8, '0');
}

