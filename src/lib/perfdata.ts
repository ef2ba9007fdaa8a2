/**
 * Performance data: `'label'=value[UOM];warn;crit;min;max`.
 *
 * Labels are always quoted; `'` and `=` cannot appear in them (replaced by `_`), so a queue
 * or module name from the data can never break the grammar. Numbers are plain decimals in C
 * locale, never exponent notation; an unknown value is `U`.
 */
import { sha256Hex } from './sha.js';
import type { Range } from './range.js';

export type Uom = '' | 'c' | 's' | 'ms' | 'us' | 'B' | '%';

export interface PerfItem {
  label: string;
  value: number | null; // null -> U
  uom?: Uom;
  warn?: Range;
  crit?: Range;
  min?: number;
  max?: number;
}

/** ' = | and control characters, which a label may not hold */
const unfit = (c: number): boolean => c === 39 || c === 61 || c === 124 || c < 32 || c === 127;

export function sanitizeLabel(label: string): string {
  // label.replace(/['=|\x00-\x1f\x7f]/g, '_') by hand: a regular expression costs its compilation
  // in every process, which labels each metric (test/unit/perfdata-output.test.ts)
  const cut = label.length > 200 ? label.slice(0, 200) : label;
  let i = 0;
  while (i < cut.length && !unfit(cut.charCodeAt(i))) i++;
  if (i === cut.length) return cut || '_';
  let out = cut.slice(0, i);
  for (; i < cut.length; i++) out += unfit(cut.charCodeAt(i)) ? '_' : cut[i];
  return out;
}

const PLAIN = /^[A-Za-z0-9_.:/@+-]{1,100}$/;

/**
 * The label for a metric named after something in the data (a queue): `prefix` + the name when
 * it is plain, else its first 60 characters with the others (quotes, `=`, `|`, spaces, controls,
 * non-ASCII) made `_`, + `#` + 8 hex digits of its SHA-256.
 * A plain name has no `#`, so it never meets a hashed one; two names differing only in the
 * characters sanitising replaces (`a=b`, `a_b`, `a'b`) get different labels, the same ones on
 * every run. The original name is the caller's to show in the long output.
 */
export function dataLabel(prefix: string, name: string): string {
  if (PLAIN.test(name)) return prefix + name;
  const hash = sha256Hex(Buffer.from(name, 'utf8')).slice(0, 8);
  return `${prefix}${name.slice(0, 60).replace(/[^A-Za-z0-9_.:/@+-]/g, '_')}#${hash}`;
}

/** Labels made unique as a last guard (a duplicate gets `#2`, `#3`...): a scheduler keeps one value per label. */
export function uniqueLabels(items: PerfItem[]): PerfItem[] {
  const seen = new Set<string>();
  return items.map((p) => {
    const base = sanitizeLabel(p.label);
    let label = base;
    for (let n = 2; seen.has(label); n++) label = `${base}#${n}`;
    seen.add(label);
    return label === p.label ? p : { ...p, label };
  });
}

/** Fixed-point decimal without exponent, trailing zeros trimmed. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return 'U';
  if (Number.isInteger(n)) return BigInt(n).toString();
  let s = n.toFixed(6);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}

export function formatRange(r: Range | undefined): string {
  if (!r) return '';
  const start = r.start === -Infinity ? '~' : formatNumber(r.start);
  const end = r.end === Infinity ? '' : formatNumber(r.end);
  const body = r.start === 0 && !r.inside ? end : `${start}:${end}`;
  return (r.inside ? '@' : '') + (body === '' ? '0:' : body);
}

export function formatPerfItem(p: PerfItem): string {
  const value = p.value === null || !Number.isFinite(p.value) ? 'U' : formatNumber(p.value);
  const uom = value === 'U' ? '' : (p.uom ?? '');
  const fields = [
    `${value}${uom}`,
    formatRange(p.warn),
    formatRange(p.crit),
    p.min === undefined ? '' : formatNumber(p.min),
    p.max === undefined ? '' : formatNumber(p.max),
  ];
  while (fields.length > 1 && fields[fields.length - 1] === '') fields.pop();
  return `'${sanitizeLabel(p.label)}'=${fields.join(';')}`;
}
