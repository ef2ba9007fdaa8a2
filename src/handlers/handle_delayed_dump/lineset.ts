/**
 * A set of line numbers as a bitmap: one bit a line, so what an import acknowledged costs
 * 125 KiB for a million lines instead of a hash set's tens of MiB, whatever the dump's size.
 */
export class LineSet {
  private bits = new Uint8Array(1 << 12);
  size = 0;

  add(i: number): void {
    const byte = i >>> 3;
    if (byte >= this.bits.length) {
      const grown = new Uint8Array(Math.max(byte + 1, this.bits.length * 2));
      grown.set(this.bits);
      this.bits = grown;
    }
    const mask = 1 << (i & 7);
    if (!(this.bits[byte] & mask)) {
      this.bits[byte] |= mask;
      this.size++;
    }
  }

  forEach(f: (i: number) => void): void {
    for (let byte = 0; byte < this.bits.length; byte++) {
      const b = this.bits[byte];
      if (b) for (let bit = 0; bit < 8; bit++) if (b & (1 << bit)) f(byte * 8 + bit);
    }
  }

  has(i: number): boolean {
    const byte = i >>> 3;
    return byte < this.bits.length && (this.bits[byte] & (1 << (i & 7))) !== 0;
  }
}
