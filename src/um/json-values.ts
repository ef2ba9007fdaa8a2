/**
 * A stream of JSON values, as UM's monitoring JSON arrives: one document a line (MCS rows dumped
 * with `select`, lbmmon_json), or pretty-printed and concatenated (`jq .` of the same rows, MCS
 * dumps). Values are split by their brackets, outside strings, in one pass over the bytes: linear
 * in the input, and memory bounded by the largest value (`maxValue`; a longer one is dropped and
 * counted, never held whole). A line that is a whole object takes a fast path: one JSON.parse.
 *
 * The tail hands over whole lines only; a value still open when the run ends (a writer caught
 * mid-object, the deadline) is carried in the state as its text so far and completed next run.
 */
const LF = 10, CR = 13, SP = 32, TAB = 9, QUOTE = 34, BACKSLASH = 92;
const OPEN_OBJ = 123, CLOSE_OBJ = 125, OPEN_ARR = 91, CLOSE_ARR = 93;

export interface ValueSink {
  /** one complete JSON value's text, and the value when the fast path already parsed it */
  value(text: string, parsed?: unknown): void;
  /** text between values that is not JSON (the rest of its line), for the "found ..." message */
  garbage(text: string): void;
  /** a value longer than the limit, dropped */
  oversized(): void;
}

const blank = (c: number) => c === SP || c === TAB || c === CR || c === LF;

export class JsonValues {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** the open value's text from earlier lines (or an earlier run) */
  private parts: string[] = [];
  private held = 0;
  /** the open value outgrew maxValue: its bytes are skipped until it closes */
  private dropping = false;

  constructor(private readonly sink: ValueSink, private readonly maxValue = 16 << 20) {}

  /** buf[start, end) holds whole lines, each ending in LF. */
  lines(buf: Buffer, start: number, end: number): void {
    let pos = start;
    while (pos < end) {
      let nl = buf.indexOf(LF, pos);
      if (nl < 0 || nl >= end) nl = end - 1;
      if (this.depth === 0 && !this.fastLine(buf, pos, nl)) this.scan(buf, pos, nl + 1);
      else if (this.depth > 0) this.scan(buf, pos, nl + 1);
      pos = nl + 1;
    }
  }

  /** A line that is one whole object, as MCS's one-row-a-line form gives: parsed as it is. */
  private fastLine(buf: Buffer, from: number, nl: number): boolean {
    let a = from, b = nl;
    while (a < b && blank(buf[a])) a++;
    while (b > a && blank(buf[b - 1])) b--;
    if (a === b) return true; // a blank line
    if (buf[a] !== OPEN_OBJ || buf[b - 1] !== CLOSE_OBJ) return false;
    const text = buf.toString('utf8', a, b);
    let parsed: unknown;
    try { parsed = JSON.parse(text); } catch { return false; } // several values on a line, or a broken one: scanned
    this.sink.value(text, parsed);
    return true;
  }

  /** Walks buf[from, to) byte by byte, closing values as their brackets balance. */
  private scan(buf: Buffer, from: number, to: number): void {
    let valueStart = this.depth > 0 ? from : -1;
    for (let i = from; i < to; i++) {
      const c = buf[i];
      if (this.depth === 0) {
        if (blank(c)) continue;
        if (c === OPEN_OBJ || c === OPEN_ARR) { this.depth = 1; valueStart = i; continue; }
        // not JSON here: the rest of the line is one foreign record
        let e = to;
        while (e > i && blank(buf[e - 1])) e--;
        this.sink.garbage(buf.toString('utf8', i, e));
        return;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) this.inString = false;
        continue;
      }
      if (c === QUOTE) this.inString = true;
      else if (c === OPEN_OBJ || c === OPEN_ARR) this.depth++;
      else if (c === CLOSE_OBJ || c === CLOSE_ARR) {
        if (--this.depth === 0) {
          this.close(buf, valueStart, i + 1);
          valueStart = -1;
        }
      }
    }
    if (this.depth > 0) this.hold(buf, valueStart, to);
  }

  private hold(buf: Buffer, from: number, to: number): void {
    if (this.dropping) return;
    this.held += to - from;
    if (this.held > this.maxValue) {
      this.dropping = true;
      this.parts = [];
      return;
    }
    this.parts.push(buf.toString('utf8', from, to));
  }

  private close(buf: Buffer, from: number, to: number): void {
    if (this.dropping) this.sink.oversized();
    else if (this.held + (to - from) > this.maxValue) this.sink.oversized();
    else {
      const tail = buf.toString('utf8', from, to);
      this.sink.value(this.parts.length ? this.parts.join('') + tail : tail);
    }
    this.parts = [];
    this.held = 0;
    this.dropping = false;
    this.inString = false;
    this.escaped = false;
  }

  /** The open value's text, to carry to the next run (null: none, or one being dropped). */
  pending(): string | null {
    return this.depth > 0 && !this.dropping ? this.parts.join('') : null;
  }

  /** Takes back a value left open by the previous run. */
  restore(text: string): void {
    const b = Buffer.from(text, 'utf8');
    this.scan(b, 0, b.length);
  }
}
