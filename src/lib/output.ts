/**
 * Renders a result the way Nagios, NRPE and Icinga read it:
 *
 *   NAME STATE - summary | perfdata-that-fits
 *   long output line
 *   ...
 *   | remaining perfdata
 *
 * Line 1 with its perfdata stays under 1 KiB (the NRPE v2 packet keeps about 1023 bytes), extra
 * perfdata goes after a `|` on a later line (Nagios 3+ reads it there), and the whole text is
 * capped with an explicit "... N more" marker. A `|` inside text would start perfdata, so every
 * text shows it as `%7C`; a `%` that is followed by two hex digits is shown as `%25`, so that
 * percent-decoding any `%XX` gives the original text back (a path `/tmp/a|b.log` is shown as
 * `/tmp/a%7Cb.log`, and a path really named `/tmp/a%7Cb.log` as `/tmp/a%257Cb.log`).
 */
import { formatPerfItem, type PerfItem } from './perfdata.js';
import { State, stateName } from './status.js';

export const LINE1_LIMIT = 1000;

/**
 * Long-output lines, each made when the output reaches it (an array is one): a check with hundreds
 * of groups describes only as many as the output can hold (issue 44: describing 350 groups of
 * which 30 fit was 2 ms of a 170-ms scan).
 */
export interface Lines {
  readonly length: number;
  at(k: number): string | undefined;
}

/** `a` then `b`, each line made when reached. */
export function joinLines(a: Lines, b: Lines): Lines {
  return { length: a.length + b.length, at: (k) => (k < a.length ? a.at(k) : b.at(k - a.length)) };
}

export interface Rendered {
  name: string;
  state: State;
  summary: string;
  details: Lines;
  perf: PerfItem[];
}

export function sanitizeText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/%(?=[0-9A-Fa-f]{2})/g, '%25').replace(/\|/g, '%7C').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '?');
}

function oneLine(text: string): string {
  return sanitizeText(text).replace(/[\r\n]+/g, ' ');
}

function byteLen(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Cuts a string to at most `max` bytes without splitting a UTF-8 character. */
export function cutBytes(s: string, max: number, marker = '...'): string {
  if (byteLen(s) <= max) return s;
  const buf = Buffer.from(s, 'utf8');
  let end = Math.max(0, max - marker.length);
  while (end > 0 && (buf[end] & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8') + marker;
}

export function renderText(r: Rendered, maxOutput: number): string {
  const head = `${r.name} ${stateName(r.state)} - `;
  const perfTexts = r.perf.map(formatPerfItem);
  // perfdata is never cut: the summary gives way so that all of it fits in --max-output
  const perfBytes = perfTexts.reduce((n, t) => n + byteLen(t) + 1, perfTexts.length ? 2 : 0);
  const summary = cutBytes(oneLine(r.summary), Math.max(60, Math.min(600, maxOutput - byteLen(head) - 1 - perfBytes)));
  let line1 = head + summary;
  let i = 0;
  if (perfTexts.length > 0 && byteLen(line1) + 3 + byteLen(perfTexts[0]) <= LINE1_LIMIT) {
    line1 += ' | ' + perfTexts[0];
    i = 1;
    while (i < perfTexts.length && byteLen(line1) + 1 + byteLen(perfTexts[i]) <= LINE1_LIMIT) {
      line1 += ' ' + perfTexts[i];
      i++;
    }
  }
  const restPerf = perfTexts.slice(i);
  const tail = restPerf.length ? `| ${restPerf.join(' ')}` : '';
  // The budget covers everything; perfdata is never cut, long output is.
  const kept = capDetails(r.details, maxOutput - byteLen(line1) - 1 - (tail ? byteLen(tail) + 1 : 0));
  return [line1, ...kept, ...(tail ? [tail] : [])].join('\n') + '\n';
}

/** Long-output lines, each one line of at most 1000 bytes, as many as fit in `budget` bytes, then "... N more". */
function capDetails(lines: Lines, budget: number): string[] {
  // each line is made safe only when it is reached: the lines past the budget are counted, not
  // rendered (10,000 queue lines cost a Gearman check more than the rest of its run)
  const kept: string[] = [];
  for (let k = 0; k < lines.length; k++) {
    const line = cutBytes(oneLine(lines.at(k) ?? ''), 1000);
    const need = byteLen(line) + 1;
    const marker = `... ${lines.length - k} more`;
    const reserve = k < lines.length - 1 ? byteLen(marker) + 20 : 0;
    if (need + reserve > budget) {
      kept.push(marker);
      break;
    }
    kept.push(line);
    budget -= need;
  }
  return kept;
}

export interface JsonMetric {
  name: string;
  value: number | null;
  uom: string;
  warn: string | null;
  crit: string | null;
  min: number | null;
  max: number | null;
  state: string;
}

/** One JSON object; the summary and long output are capped as in text (the metrics never are). */
export function renderJson(
  r: Rendered,
  metrics: JsonMetric[],
  extra: Record<string, unknown> = {},
  maxOutput = 8192,
): string {
  const summary = cutBytes(oneLine(r.summary), 600);
  return (
    JSON.stringify({
      name: r.name,
      state: stateName(r.state),
      exit_code: r.state,
      summary,
      details: capDetails(r.details, maxOutput - byteLen(summary) - 200),
      metrics,
      ...extra,
    }) + '\n'
  );
}
