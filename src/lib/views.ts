/**
 * Views of a reader's buffer for reading it a word at a time (LF search, label and key
 * comparison). Each is made once for the last buffer seen: a reader reuses one buffer, it is
 * compared by identity (`.buffer` is a slow getter), and a view per line would cost more than it saves.
 */

let dataOf: Uint8Array | null = null;
let data: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));

/** The buffer's bytes as a DataView: 32-bit reads at any offset. */
export function dataView(buf: Uint8Array): DataView<ArrayBufferLike> {
  if (buf !== dataOf) {
    dataOf = buf;
    data = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  return data;
}

let wordsFor: Uint8Array | null = null;
let words: Int32Array<ArrayBufferLike> = new Int32Array(0);

/** The buffer's ArrayBuffer as aligned words (index (byteOffset + i) >> 2 holds byte i). */
export function alignedWords(buf: Uint8Array): Int32Array<ArrayBufferLike> {
  if (buf !== wordsFor) {
    wordsFor = buf;
    words = new Int32Array(buf.buffer, 0, buf.buffer.byteLength >> 2);
  }
  return words;
}
