/** What the byte-level reader (fastpath.ts) makes of a DEBUG command-call line. */

/**
 * An executed line, as byte ranges of the buffer it was read from: the Scanner looks its group up
 * by these bytes and makes strings only for a group it has not seen. One object, reused.
 */
export class Executed {
  readonly kind = 'executed';
  buf: Buffer = Buffer.alloc(0);
  /** the name brackets before [ COMMAND CALL ] (broker, module...), as text */
  namesFrom = 0;
  namesTo = 0;
  /** each name's range, trimmed: nRanges numbers */
  ranges = new Int32Array(8);
  nRanges = 0;
  command0 = 0;
  command1 = 0;
  module0 = 0;
  module1 = 0;
  seconds = 0;
  /** where the seconds' digits start */
  seconds0 = 0;

  names(): string[] {
    const out: string[] = [];
    for (let r = 0; r < this.nRanges; r += 2) out.push(this.buf.toString('latin1', this.ranges[r], this.ranges[r + 1]));
    return out;
  }
  get command(): string { return this.buf.toString('latin1', this.command0, this.command1); }
  get module(): string { return this.buf.toString('latin1', this.module0, this.module1); }
}

/** "Executing command": never an event, and not an ERROR line, so never a continuation */
export class Chatter {
  readonly kind = 'chatter';
  /** where the bytes this reading depends on end (the line's bytes after it do not matter) */
  readTo = 0;
}

export type Fast = Chatter | Executed;
