/**
 * Nagios threshold ranges: `[@][start:][end]`.
 *
 * Without `@` a value alerts when it lies outside [start, end]; with `@` when it lies inside.
 * Both ends are inclusive. A missing start is 0, a missing end is +infinity, `~` is -infinity.
 * Unlike the legacy C parser we reject anything that is not exactly this grammar (no `strtod`
 * leniency: `abc` is not `0:0`), and unlike the 3.0 C parser we compare as plain doubles.
 */
import { digit } from './bytes.js';

export interface Range {
  readonly start: number;
  readonly end: number;
  readonly inside: boolean; // true for '@' ranges: alert when inside
  readonly text: string;
}

/**
 * The grammar, as a regular expression: `^(@)?(?:(~|NUM)?:)?(NUM)?$`, NUM being
 * `[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?`. Read by hand below: a regular expression is
 * compiled at its first use in every process, 0.3 ms of a minimal run (test/unit/range.test.ts
 * checks the two agree on every string).
 */
/** Does text[i, e) match NUM, whole? */
function isNum(text: string, i: number, e: number): boolean {
  if (i < e && (text.charCodeAt(i) === 43 || text.charCodeAt(i) === 45)) i++;
  const d0 = i;
  while (i < e && digit(text.charCodeAt(i))) i++;
  const whole = i > d0;
  if (i < e && text.charCodeAt(i) === 46) {
    i++;
    const f0 = i;
    while (i < e && digit(text.charCodeAt(i))) i++;
    if (!whole && i === f0) return false;
  } else if (!whole) return false;
  if (i < e && (text.charCodeAt(i) === 101 || text.charCodeAt(i) === 69)) {
    i++;
    if (i < e && (text.charCodeAt(i) === 43 || text.charCodeAt(i) === 45)) i++;
    const x0 = i;
    while (i < e && digit(text.charCodeAt(i))) i++;
    if (i === x0) return false;
  }
  return i === e;
}

/** The grammar's parts of `text`: [at, start, end] (undefined: absent), or null when it does not match. */
export function rangeParts(text: string): [string | undefined, string | undefined, string | undefined] | null {
  const at = text.charCodeAt(0) === 64 ? '@' : undefined;
  const from = at === undefined ? 0 : 1;
  const colon = text.indexOf(':', from);
  const e = text.length;
  if (colon < 0) {
    if (from === e) return [at, undefined, undefined];
    return isNum(text, from, e) ? [at, undefined, text.slice(from)] : null;
  }
  if (text.indexOf(':', colon + 1) >= 0) return null;
  let start: string | undefined;
  if (colon > from) {
    if (!(colon === from + 1 && text.charCodeAt(from) === 126) && !isNum(text, from, colon)) return null;
    start = text.slice(from, colon);
  }
  if (colon + 1 === e) return [at, start, undefined];
  return isNum(text, colon + 1, e) ? [at, start, text.slice(colon + 1)] : null;
}

export class RangeError extends Error {}

export function parseRange(spec: string): Range {
  const text = spec.trim();
  if (text === '') throw new RangeError('empty range');
  // no real range is this long
  const m = text.length <= 100 ? rangeParts(text) : null;
  if (!m) throw new RangeError(`'${spec}' is not a range ([@][start:][end], e.g. 10, 10:, ~:10, 10:20, @10:20)`);
  const [at, startText, endText] = m;
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
