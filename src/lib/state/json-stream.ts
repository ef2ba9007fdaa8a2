/**
 * JSON.stringify's text, handed out in chunks of about CHUNK characters as UTF-8 bytes. A state
 * serialised at once was one string and one Buffer of its whole size (a 2,000-application NAK
 * state: 5.8 MB each, 11 MiB of a run's peak) and was made up to three times a run; in chunks it
 * is made once, compared with what the file holds and written as it goes (store.ts).
 *
 * The two outer levels of objects and arrays are walked here (a state and its records); each
 * entry of a record is one JSON.stringify call (walking the entries too made 20 calls of each
 * 1 KB NAK series: 1.7x slower than one JSON.stringify of the whole), so the text is JSON.stringify's
 * own: the same key order, the same escapes and numbers, undefined and functions skipped in
 * objects and null in arrays (test/unit/json-stream.test.ts checks byte equality).
 */

const CHUNK = 1 << 16;
/** levels walked here; a deeper value is one JSON.stringify call */
const WALKED = 2;

/** A plain object (or one without a prototype) or an array; anything else is JSON.stringify's alone (toJSON, boxed values, Maps). */
function walkable(v: unknown): v is object {
  if (v === null || typeof v !== 'object' || typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(v)) return true;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

export function jsonChunks(value: unknown, onChunk: (bytes: Buffer) => void): void {
  let parts: string[] = [];
  let size = 0;
  const put = (s: string): void => {
    parts.push(s);
    size += s.length;
    if (size >= CHUNK) flush();
  };
  const flush = (): void => {
    if (size === 0) return;
    onChunk(Buffer.from(parts.length === 1 ? parts[0] : parts.join(''), 'utf8'));
    parts = [];
    size = 0;
  };
  const skipped = (v: unknown): boolean => v === undefined || typeof v === 'function' || typeof v === 'symbol';
  const walk = (v: unknown, depth: number): void => {
    if (depth >= WALKED || !walkable(v)) {
      put(JSON.stringify(v) ?? 'null');
      return;
    }
    if (Array.isArray(v)) {
      put('[');
      for (let i = 0; i < v.length; i++) {
        if (i > 0) put(',');
        if (skipped(v[i])) put('null');
        else walk(v[i], depth + 1);
      }
      put(']');
      return;
    }
    put('{');
    let first = true;
    for (const k of Object.keys(v)) {
      const x = (v as Record<string, unknown>)[k];
      if (skipped(x)) continue;
      put(first ? `${JSON.stringify(k)}:` : `,${JSON.stringify(k)}:`);
      first = false;
      walk(x, depth + 1);
    }
    put('}');
  };
  walk(value, 0);
  flush();
}
