/** Durations (`90s`, `15m`, `2h`, `1d`, bare seconds) and sizes (`64KiB`, `16MiB`, bare bytes). */

const DURATION_UNITS: Record<string, number> = {
  ms: 0.001, s: 1, sec: 1, m: 60, min: 60, h: 3600, d: 86400, w: 604800,
};
const SIZE_UNITS: Record<string, number> = {
  b: 1, k: 1024, kb: 1000, kib: 1024, m: 1024 ** 2, mb: 1000 ** 2, mib: 1024 ** 2,
  g: 1024 ** 3, gb: 1000 ** 3, gib: 1024 ** 3, t: 1024 ** 4, tb: 1000 ** 4, tib: 1024 ** 4,
};

// the pattern's `\s*([a-z]*)\s*` backtracks on long runs of spaces: no value of ours is longer
const MAX_TEXT = 64;
const NUMBER_UNIT = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i;

/** Returns seconds. */
export function parseDuration(text: string): number {
  const m = text.length <= MAX_TEXT ? NUMBER_UNIT.exec(text) : null;
  if (!m) throw new Error(`'${text}' is not a duration (e.g. 90s, 15m, 2h, 1d)`);
  const unit = m[2].toLowerCase() || 's';
  const mult = DURATION_UNITS[unit];
  if (mult === undefined) throw new Error(`'${text}': unknown duration unit '${m[2]}' (use s, m, h or d)`);
  return Number(m[1]) * mult;
}

/** Returns bytes (an integer). */
export function parseSize(text: string): number {
  const m = text.length <= MAX_TEXT ? NUMBER_UNIT.exec(text) : null;
  if (!m) throw new Error(`'${text}' is not a size (e.g. 65536, 64KiB, 16MiB)`);
  const unit = m[2].toLowerCase() || 'b';
  const mult = SIZE_UNITS[unit];
  if (mult === undefined) throw new Error(`'${text}': unknown size unit '${m[2]}' (use B, KiB, MiB or GiB)`);
  return Math.floor(Number(m[1]) * mult);
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : ''}`;
  if (s < 172800) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60) ? `${Math.floor((s % 3600) / 60)}m` : ''}`;
  return `${Math.floor(s / 86400)}d${Math.floor((s % 86400) / 3600) ? `${Math.floor((s % 86400) / 3600)}h` : ''}`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = -1;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** `1 malformed line`, `2 malformed lines`: a count with its noun agreeing. */
export function counted(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** A summary's lead: the first of several texts and how many more there are. */
export function firstAndMore(texts: string[]): string {
  return `${texts[0]}${texts.length > 1 ? ` (+${texts.length - 1} more)` : ''}`;
}
