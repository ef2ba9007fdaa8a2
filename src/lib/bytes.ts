/** Texts as bytes, and where they are in a buffer: for readers that match lines without making strings. */

/** An ASCII digit's code (a byte, or a character's code). */
export const digit = (c: number): boolean => c >= 48 && c <= 57;

/** A text of one-byte characters as bytes. */
export const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** The bytes `text` are at buf[i]. */
export function at(buf: Uint8Array, i: number, text: Uint8Array): boolean {
  if (i + text.length > buf.length) return false;
  for (let k = 0; k < text.length; k++) if (buf[i + k] !== text[k]) return false;
  return true;
}
