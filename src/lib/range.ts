/**
 * Nagios threshold ranges: `[@][start:][end]`.
 *
 * Without `@` a value alerts when it lies outside [start, end]; with `@` when it lies inside.
 * Both ends are inclusive. A missing start is 0, a missing end is +infinity, `~` is -infinity.
 * Unlike the legacy C parser we reject anything that is not exactly this grammar (no `strtod`
 * leniency: `abc` is not `0:0`), and unlike the 3.0 C parser we compare as plain doubles.
 */
export interface Range {
  readonly start: number;
  readonly end: number;
  readonly inside: boolean; // true for '@' ranges: alert when inside
  readonly text: string;
}

const NUM = '[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?';
const RANGE_RE = new RegExp(`^(@)?(?:(~|${NUM})?:)?(${NUM})?$`);

export class RangeError extends Error {}

export function parseRange(spec: string): Range {
  const text = spec.trim();
  if (text === '') throw new RangeError('empty range');
  // RANGE_RE's optional number before ':' backtracks on long digit runs; no real range is this long
  const m = text.length <= 100 ? RANGE_RE.exec(text) : null;
  if (!m) throw new RangeError(`'${spec}' is not a range ([@][start:][end], e.g. 10, 10:, ~:10, 10:20, @10:20)`);
  const [, at, startText, endText] = m;
  const hasColon = text.includes(':');
  if (startText === undefined && endText === undefined) throw new RangeError(`'${spec}' is not a range`);
  const start = startText === undefined ? 0 : startText === '~' ? -Infinity : Number(startText);
  const end = endText === undefined ? Infinity : Number(endText);
  if (!Number.isFinite(start) && start !== -Infinity) throw new RangeError(`'${spec}': bad start`);
  if (Number.isNaN(end)) throw new RangeError(`'${spec}': bad end`);
  if (start > end) {
    const hint = !hasColon && end < 0 ? ` (for "below ${endText}" write ~:${endText})` : '';
    throw new RangeError(`'${spec}': start ${startText ?? 0} is greater than end ${endText}${hint}`);
  }
  return { start, end, inside: at === '@', text };
}

/** True when the value must raise an alert for this range. */
export function alerts(range: Range, value: number): boolean {
  const within = value >= range.start && value <= range.end;
  return range.inside ? within : !within;
}
