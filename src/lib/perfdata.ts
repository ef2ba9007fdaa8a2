/**
 * Performance data: `'label'=value[UOM];warn;crit;min;max`.
 *
 * Labels are always quoted; `'` and `=` cannot appear in them (replaced by `_`), so a queue
 * or module name from the data can never break the grammar. Numbers are plain decimals in C
 * locale, never exponent notation; an unknown value is `U`.
 */
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

export function sanitizeLabel(label: string): string {
  // eslint-disable-next-line no-control-regex
  return label.replace(/['=|\x00-\x1f\x7f]/g, '_').slice(0, 200) || '_';
}

/** Fixed-point decimal without exponent, trailing zeros trimmed. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return 'U';
  if (Number.isInteger(n)) return BigInt(n).toString();
  let s = n.toFixed(6);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}

function formatRange(r: Range | undefined): string {
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
