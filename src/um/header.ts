/**
 * lbmmon block headers, in every dialect an operator may feed us:
 *
 *   C (UM 5.3.6-6.17):  `<title> from <appid> at <ip>, process ID=<hex>, object ID=<hex>[, context instance=<16 hex>, domain ID=<n>], sent <ctime>`
 *   Java example:       `<title> from <appid> at [host]/<ip>, sent <Date.toString()>`  (no IDs)
 *   .NET example:       `<title> from <appid> at <ip>[, process ID=<hex>, object ID=<hex>], sent <locale date>`
 *   29West (UME 1.x):   `<title> from <appid> at <ip>, sent <ctime>`, fields without a TAB
 *
 * Parsed with indexOf and slices, never a backtracking regex: bounded work per byte, whatever
 * the line (a header line may be up to --max-line long).
 */
import { ascii, at } from '../lib/bytes.js';
import { RangeKeys } from '../lib/range-keys.js';
import { appKey, kindOf, type BlockKind, type Header } from './model.js';
import { parseSent } from './sent.js';
import { HEADER_MISSED, type BlockKernel } from './block-kernel.js';

const ITEMS = [', process ID=', ', object ID=', ', context instance=', ', domain ID='];
const TITLE_ENDS = ['statistics received', 'configuration received', 'events received'];

/** `a.b.c.d` with 1-3 digits each, optionally `host/` before it and `:port` after it. */
function ipv4Of(token: string): string | null {
  if (token.length > 300) return null;
  let t = token;
  const slash = t.lastIndexOf('/');
  if (slash >= 0) t = t.slice(slash + 1);
  const colon = t.indexOf(':');
  if (colon >= 0) t = t.slice(0, colon);
  const parts = t.split('.');
  if (parts.length !== 4) return null;
  for (const p of parts) {
    if (p.length < 1 || p.length > 3) return null;
    for (let i = 0; i < p.length; i++) {
      const c = p.charCodeAt(i);
      if (c < 48 || c > 57) return null;
    }
  }
  return t;
}

function isHex(s: string): boolean {
  if (s.length === 0 || s.length > 32) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 32;
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

type Body = Pick<Header, 'appid' | 'ip' | 'pid' | 'oid' | 'ctxInst' | 'domain' | 'proc' | 'procCtx'>;

/** A header without its stamp: what an application's headers repeat, sample after sample. */
interface Head { title: string; kind: BlockKind; body: Body }

// an application's headers repeat the same few bodies (everything but the title and the stamp),
// sample after sample: parse each once
const bodyCache = new Map<string, Body | null>();

function headOf(title: string, body: string): Head | null {
  if (!TITLE_ENDS.some((e) => title.endsWith(e))) return null;
  let b = bodyCache.get(body);
  if (b === undefined) {
    if (bodyCache.size >= 256) bodyCache.clear();
    b = parseBody(body);
    if (body.length <= 1024) bodyCache.set(body, b);
  }
  return b ? { title, kind: kindOf(title), body: b } : null;
}

export function parseHeader(line: string): Header | null {
  let start = 0;
  while (start < line.length && line.charCodeAt(start) === 32) start++; // UMTools' pasted comment is indented
  const at = line.indexOf(' received', start);
  if (at < 0) return null;
  let body = line.slice(at + 9).trimEnd();
  let sent = '';
  const si = body.lastIndexOf(', sent ');
  if (si >= 0) {
    sent = body.slice(si + 7).trim();
    body = body.slice(0, si);
  }
  const h = headOf(line.slice(start, at + 9), body);
  return h && withStamp(h, sent);
}

/** how every lbmmon printer ends a header: `, sent ` and its stamp */
const SENT = ascii(', sent ');
/**
 * How far from a header's end its `, sent ` may stand: a stamp is at most 64 characters
 * (parseSent reads no longer one), a Java one with its zone ~28-33, a .NET one ~19-23.
 */
const STAMP_MAX = 64;

interface Cached {
  head: Head | null;
  text: string;
  /** a block of a kind the reader does not want, as first read: its stamp is never read */
  unwanted?: { header: Header; text: string };
}
const heads = new RangeKeys<Cached>();
const range = new Int32Array(2);
const lastStamp = Buffer.alloc(STAMP_MAX);
let lastStampLen = -1;
let lastStampText = '';
let lastStampTrimmed = '';

/**
 * Where the line buf[s, e) has its last `, sent ` with at most STAMP_MAX bytes after it, or -1:
 * what parseHeader's lastIndexOf finds there. (Testing C's position first, as the byte path once
 * did, took the earlier of two when the 24 characters after it held another.)
 */
function sentAt(buf: Buffer, s: number, e: number): number {
  const lo = Math.max(s + 1, e - SENT.length - STAMP_MAX);
  for (let q = e - SENT.length; q >= lo; q--) if (buf[q] === 44 && buf[q + 1] === 32 && at(buf, q, SENT)) return q;
  return -1;
}

/**
 * The header that is line buf[s, e), read from its bytes when it ends in `, sent <stamp>` as
 * lbmmon's printers end theirs (C's ctime, Java's Date.toString() with its zone, .NET's local
 * date): the part before the stamp found in a byte-keyed cache, so that no string is made per
 * block but the stamp's (a Java capture's headers, each read as a string, were a fifth of its
 * scan: issue 44). Undefined for any other line, which parseHeader then reads. `text` is the line.
 * With `k`, the block kernel of buf's memory, the stamp is found and the cache (its table) looked
 * up there: hashing and comparing a header's ~150 bytes in JavaScript, four at a time, was a
 * tenth of a Java capture's scan.
 */
export function headerAt(buf: Buffer, s: number, e: number, wanted?: ReadonlySet<BlockKind>, k?: BlockKernel): { header: Header; text: string } | undefined {
  if (e - s <= SENT.length || buf[s] === 32) return undefined;
  let p: number;
  let c: Cached | undefined;
  if (k !== undefined) { // the same, the stamp's place and the table's lookup in the block kernel
    p = k.header(s, e);
    if (p < 0) return undefined;
    const i = k.out[2];
    c = i >= 0 ? k.heads[i] as Cached : undefined;
    if (c === undefined) {
      c = cached(buf, s, p);
      if (i === HEADER_MISSED) k.remember(c);
    }
  } else {
    p = sentAt(buf, s, e);
    if (p < 0) return undefined;
    range[0] = s; range[1] = p;
    c = heads.get(buf, range);
    if (c === undefined) heads.set(buf, range, c = cached(buf, s, p));
  }
  if (c.head === null) return undefined;
  // a block the reader skips needs no stamp and no header of its own: nobody reads them (with an
  // address in its header, no `at ` line can continue it either). Most blocks of a Java capture
  // are of kinds a check skips (its Store, DRO, SRS blocks; event queues for the NAK check), and a
  // header and a stamp a block were most of what they cost (issue 44)
  if (wanted !== undefined && !wanted.has(c.head.kind) && c.head.body.ip !== '') {
    return c.unwanted ??= { header: withStamp(c.head, buf.toString('latin1', p + 7, e).trim()), text: buf.toString('latin1', s, e) };
  }
  // the blocks of one sample share its stamp: the last one's text is kept with its bytes
  const n = e - p - SENT.length;
  let same = n === lastStampLen;
  for (let i = 0; i < n && same; i++) same = buf[p + 7 + i] === lastStamp[i];
  if (!same) {
    lastStampLen = n;
    buf.copy(lastStamp, 0, p + 7, e);
    lastStampText = buf.toString('latin1', p + 7, e);
    lastStampTrimmed = lastStampText.trim();
  }
  return { header: withStamp(c.head, lastStampTrimmed), text: `${c.text}, sent ${lastStampText}` };
}

/** the header buf[s, p) before its `, sent `, parsed */
function cached(buf: Buffer, s: number, p: number): Cached {
  const text = buf.toString('latin1', s, p);
  const at = text.indexOf(' received');
  // the lines the parser reads otherwise (a block's Source:/Transport:, a wrapped header) go the general way
  const plain = at >= 0 && !text.startsWith('Source: ') && !text.startsWith('Transport: ') && !text.startsWith('at ');
  return { head: plain ? headOf(text.slice(0, at + 9), text.slice(at + 9)) : null, text };
}

function withStamp(h: Head, sent: string): Header {
  const st = sent ? parseSent(sent) : null;
  const dialect = st === null || st.dialect === 'ctime' ? 'c' : st.dialect;
  let b = h.body;
  // .NET prints the process ID on context and event-queue headers but not on transport ones:
  // key its applications by what all of them have (appid and address)
  if (dialect === 'dotnet' && b.pid !== '') b = keyed({ ...b, pid: '' });
  // fields named, not spread: this runs for every block
  return {
    title: h.title, kind: h.kind, appid: b.appid, ip: b.ip, pid: b.pid, oid: b.oid, ctxInst: b.ctxInst, domain: b.domain,
    proc: b.proc, procCtx: b.procCtx, sent, sentMs: st?.ms ?? null, dialect,
  };
}

function keyed(b: Body): Body {
  b.proc = appKey(b);
  b.procCtx = `${b.proc}\u0001${b.ctxInst}`;
  return b;
}

function parseBody(body: string): Body | null {
  // where the ", name=value" items begin (the appid may contain anything before them)
  let itemsAt = body.length;
  for (const it of ITEMS) {
    const i = body.indexOf(it);
    if (i >= 0 && i < itemsAt) itemsAt = i;
  }
  const who = body.slice(0, itemsAt);
  const h: Body = { appid: '', ip: '', pid: '', oid: '', ctxInst: '', domain: '', proc: '', procCtx: '' };
  if (itemsAt < body.length) {
    for (const item of body.slice(itemsAt + 2).split(', ')) {
      const eq = item.indexOf('=');
      const name = item.slice(0, eq);
      const value = item.slice(eq + 1).trim().toLowerCase();
      if (name === 'process ID' && isHex(value)) h.pid = value;
      else if (name === 'object ID' && isHex(value)) h.oid = value;
      else if (name === 'context instance' && value.length === 16 && isHex(value)) h.ctxInst = value;
      else if (name === 'domain ID' && /^\d{1,10}$/.test(value)) h.domain = value;
      else return null; // an item we do not know: not an lbmmon header
    }
  }
  // "[ from <appid>][ at <address>]": the address is the last " at " followed by one
  let w = who;
  const ai = w.lastIndexOf(' at ');
  if (ai >= 0) {
    const ip = ipv4Of(w.slice(ai + 4).trim());
    if (ip) { h.ip = ip; w = w.slice(0, ai); }
  } else if (w.startsWith('at ')) { // 29West's wrapped header continues with "at <ip>"
    const ip = ipv4Of(w.slice(3).trim());
    if (ip) { h.ip = ip; w = ''; }
  }
  if (w.startsWith(' from ')) h.appid = w.slice(6).trim();
  else if (w.trim() !== '') return null;
  return keyed(h);
}
