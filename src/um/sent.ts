/**
 * The `sent` stamp of each lbmmon dialect, read in this host's local time zone (lbmmon's own,
 * since every printer formats the sender's time_t in the lbmmon host's zone):
 *
 * - C `ctime()`:              `Tue Mar  4 09:30:05 2025`
 * - Java `Date.toString()`:   `Mon May 23 15:11:19 EDT 2022` (the zone name is the JVM's, ignored)
 * - .NET `DateTime.ToString()` in the lbmmon host's locale: `5/23/2022 3:11:19 PM`,
 *   `23.05.2022 15:11:19`, `2022-05-23 15:11:19`, `23/05/2022 15:11:19`. A slash date is read
 *   month first (en-US, .NET's default) unless its first number cannot be a month.
 *
 * Parsing splits on spaces: bounded work whatever the input (the text is at most a header long).
 */
export type SentDialect = 'ctime' | 'java' | 'dotnet';

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };
const DAYS = new Set(['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']);

export interface Sent {
  ms: number;
  dialect: SentDialect;
}

/**
 * The blocks of one sample share its stamp, and the applications' samples interleave: the last
 * few stamps read are remembered (8, in a ring). A Map of 256 kept each stamp long enough to be
 * promoted to V8's old generation, where a log of ever-new stamps piled up garbage until the
 * next full collection (issue 32: 4 MiB of a first scan's peak).
 */
const RECENT = 8;
const recentText: string[] = new Array<string>(RECENT).fill('');
const recentValue: (Sent | null)[] = new Array<Sent | null>(RECENT).fill(null);
let next = 0;

export function parseSent(text: string): Sent | null {
  // newest first: the next block nearly always has the stamp of the one before
  for (let k = 1; k <= RECENT; k++) {
    const i = (next - k + RECENT) % RECENT;
    if (recentText[i] === text) return recentValue[i];
  }
  const v = text.length > 64 ? null : parseUncached(text.trim());
  recentText[next] = text;
  recentValue[next] = v;
  next = (next + 1) % RECENT;
  return v;
}

function int(s: string | undefined, min: number, max: number): number | null {
  if (s === undefined || s.length === 0 || s.length > 4) return null;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  const n = Number(s);
  return n >= min && n <= max ? n : null;
}

function clockOf(s: string | undefined): [number, number, number] | null {
  const p = (s ?? '').split(':');
  if (p.length !== 3) return null;
  const h = int(p[0], 0, 23), m = int(p[1], 0, 59), sec = int(p[2], 0, 60);
  return h === null || m === null || sec === null ? null : [h, m, sec];
}

/**
 * The instant of a local date and time. A Date in local time costs microseconds, and a first
 * scan meets a new stamp every few blocks: an hour of the clock that is exactly an hour long (no
 * change of offset in it) is looked up once, and minutes and seconds are added to its start.
 */
let hourKey = -1;
let hourMs = NaN; // NaN: an hour with an offset change, each time computed in full
function local(y: number, mon: number, d: number, [h, m, s]: [number, number, number]): number | null {
  const key = ((y * 12 + mon) * 32 + d) * 24 + h;
  if (key !== hourKey) {
    const t = new Date(y, mon, d, h, 0, 0).getTime();
    hourKey = key;
    hourMs = new Date(y, mon, d, h + 1, 0, 0).getTime() - t === 3_600_000 ? t : NaN;
  }
  const t = Number.isNaN(hourMs) ? new Date(y, mon, d, h, m, s).getTime() : hourMs + (m * 60 + s) * 1000;
  return Number.isFinite(t) ? t : null;
}

const digit = (t: string, i: number): number => {
  const c = t.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : NaN;
};
/** three characters as one number: a day's or month's name looked up without a slice per stamp */
const code3 = (t: string, i: number): number => (t.charCodeAt(i) << 16) | (t.charCodeAt(i + 1) << 8) | t.charCodeAt(i + 2);
const MONTH_CODES = new Map(Object.entries(MONTHS).map(([m, i]) => [code3(m, 0), i]));
const DAY_CODES = new Set([...DAYS].map((d) => code3(d, 0)));
const isAlpha = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
/** A Java zone name at t[s, e): a letter, then up to 9 letters, digits, ':', '+' or '-' (`CDT`, `GMT+05:30`) */
function isZone(t: string, s: number, e: number): boolean {
  if (e - s < 1 || e - s > 10 || !isAlpha(t.charCodeAt(s))) return false;
  for (let i = s + 1; i < e; i++) {
    const c = t.charCodeAt(i);
    if (!(isAlpha(c) || (c >= 48 && c <= 58) || c === 43 || c === 45)) return false; // digits and ':', '+', '-'
  }
  return true;
}

/**
 * A stamp in ctime's layout (`Www Mmm dd hh:mm:ss yyyy`, the day padded with a space) or Java's
 * (the day padded with a 0, the zone before the year), read by position: what the tokens below
 * give it, without splitting it (a first scan of a Java capture meets a new stamp every few
 * blocks). Undefined for anything else, valid or not, which the tokens then read.
 */
function fixedLayout(t: string): Sent | undefined {
  const n = t.length;
  if (n < 24 || t.charCodeAt(3) !== 32 || t.charCodeAt(7) !== 32 || t.charCodeAt(10) !== 32 || t.charCodeAt(13) !== 58 || t.charCodeAt(16) !== 58 || t.charCodeAt(19) !== 32) return undefined;
  if (n > 24 && (t.charCodeAt(n - 5) !== 32 || !isZone(t, 20, n - 5))) return undefined;
  const mon = MONTH_CODES.get(code3(t, 4));
  if (!DAY_CODES.has(code3(t, 0)) || mon === undefined) return undefined;
  const d = (t.charCodeAt(8) === 32 ? 0 : digit(t, 8) * 10) + digit(t, 9);
  const h = digit(t, 11) * 10 + digit(t, 12), m = digit(t, 14) * 10 + digit(t, 15), sec = digit(t, 17) * 10 + digit(t, 18);
  const y = digit(t, n - 4) * 1000 + digit(t, n - 3) * 100 + digit(t, n - 2) * 10 + digit(t, n - 1);
  // NaN fails every test: a digit missing leaves it to the tokens
  if (!(d >= 1 && d <= 31 && h <= 23 && m <= 59 && sec <= 60 && y >= 1970)) return undefined;
  const ms = local(y, mon, d, [h, m, sec]);
  return ms === null ? undefined : { ms, dialect: n === 24 ? 'ctime' : 'java' };
}

function parseUncached(text: string): Sent | null {
  const fixed = fixedLayout(text);
  if (fixed !== undefined) return fixed;
  const tok = text.split(' ').filter((t) => t !== '');
  // ctime / Java: "Wday Mon D HH:MM:SS [ZONE] YYYY"
  if ((tok.length === 5 || tok.length === 6) && DAYS.has(tok[0]) && MONTHS[tok[1]] !== undefined) {
    const d = int(tok[2], 1, 31);
    const c = clockOf(tok[3]);
    const y = int(tok[tok.length - 1], 1970, 9999);
    if (tok.length === 6 && !isZone(tok[4], 0, tok[4].length)) return null;
    if (d === null || c === null || y === null) return null;
    const ms = local(y, MONTHS[tok[1]], d, c);
    return ms === null ? null : { ms, dialect: tok.length === 5 ? 'ctime' : 'java' };
  }
  // .NET: "DATE TIME [AM|PM]"
  if (tok.length === 2 || tok.length === 3) {
    const c = clockOf(tok[1]);
    if (!c) return null;
    if (tok.length === 3) {
      const ap = tok[2].toUpperCase();
      if (ap !== 'AM' && ap !== 'PM') return null;
      if (c[0] < 1 || c[0] > 12) return null;
      c[0] = (c[0] % 12) + (ap === 'PM' ? 12 : 0);
    }
    const sep = tok[0].includes('/') ? '/' : tok[0].includes('.') ? '.' : '-';
    const p = tok[0].split(sep);
    if (p.length !== 3) return null;
    let y: number | null, mon: number | null, d: number | null;
    if (p[0].length === 4) { // ISO order
      y = int(p[0], 1970, 9999); mon = int(p[1], 1, 12); d = int(p[2], 1, 31);
    } else {
      y = int(p[2], 1970, 9999);
      const a = int(p[0], 1, 31), b = int(p[1], 1, 31);
      if (a === null || b === null) return null;
      const monthFirst = sep === '/' && a <= 12;
      mon = monthFirst ? a : b; d = monthFirst ? b : a;
      if (mon > 12) return null;
    }
    if (y === null || mon === null || d === null) return null;
    const ms = local(y, mon - 1, d, c);
    return ms === null ? null : { ms, dialect: 'dotnet' };
  }
  return null;
}
