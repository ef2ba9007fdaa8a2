/**
 * gearmand's administrative text protocol (gearmand's PROTOCOL, "Administrative Protocol"), on the
 * job server's own port: a command is a line; `version` is answered by one line (`OK 1.1.20`),
 * `status`, `prioritystatus` and `workers` by lines ending with a line holding only `.`, and any
 * command the server refuses by one `ERR <code> <text>` line. Replies may end lines in CRLF.
 *
 * Read as bytes (latin1), so that function names keep every byte, whatever their encoding; a
 * reply is read until its end, however many reads it takes (one read() cut long lists short in
 * mod_gearman's check_gearman), and a reply larger than 64 MiB is refused, never held.
 */
import type { Socket } from 'node:net';
import { label, opened, type Server } from './server.js';

const MAX_REPLY = 64 << 20;

/** One function (queue) as `status` gives it, with `prioritystatus`' split where the server has it. */
export interface FunctionStatus {
  name: string;
  /** jobs queued, running ones included */
  total: number;
  running: number;
  /** workers that registered the function and are connected */
  workers: number;
  priority?: { high: number; normal: number; low: number };
}

export interface Worker {
  ip: string;
  clientId: string;
  functions: string[];
}

export class ProtocolError extends Error {}

const count = (t: string): number | null => (/^\d{1,15}$/.test(t) ? Number(t) : null);
const lineOf = (l: string) => (l.endsWith('\r') ? l.slice(0, -1) : l);

/**
 * `status` lines: FUNCTION TAB TOTAL TAB RUNNING TAB AVAILABLE_WORKERS. A name may hold a TAB
 * itself: the three numbers are taken from the right. A line that does not end in three numbers
 * is a protocol error (a foreign server), not a queue of zero.
 */
export function parseStatus(lines: string[]): FunctionStatus[] {
  const out: FunctionStatus[] = [];
  for (const raw of lines) {
    const f = lineOf(raw).split('\t');
    const n = f.slice(-3).map(count);
    if (f.length < 4 || n.some((x) => x === null)) throw new ProtocolError(`not a status line: '${raw.slice(0, 80)}'`);
    out.push({ name: f.slice(0, -3).join('\t'), total: n[0]!, running: n[1]!, workers: n[2]! });
  }
  return out;
}

/** `prioritystatus` lines: FUNCTION TAB HIGH TAB NORMAL TAB LOW TAB AVAILABLE_WORKERS (gearmand 1.1.x). */
export function parsePriorityStatus(lines: string[]): Map<string, { high: number; normal: number; low: number }> {
  const out = new Map<string, { high: number; normal: number; low: number }>();
  for (const raw of lines) {
    const f = lineOf(raw).split('\t');
    const n = f.slice(-4).map(count);
    if (f.length < 5 || n.some((x) => x === null)) throw new ProtocolError(`not a prioritystatus line: '${raw.slice(0, 80)}'`);
    out.set(f.slice(0, -4).join('\t'), { high: n[0]!, normal: n[1]!, low: n[2]! });
  }
  return out;
}

/** `workers` lines: FD SP IP SP CLIENT-ID SP ':' (SP FUNCTION)*. A name with a space cannot be told from two. */
export function parseWorkers(lines: string[]): Worker[] {
  const out: Worker[] = [];
  for (const raw of lines) {
    const l = lineOf(raw);
    const colon = l.indexOf(' :');
    if (colon < 0) throw new ProtocolError(`not a workers line: '${raw.slice(0, 80)}'`);
    const head = l.slice(0, colon).split(' ');
    if (head.length < 3 || count(head[0]) === null) throw new ProtocolError(`not a workers line: '${raw.slice(0, 80)}'`);
    out.push({ ip: head[1], clientId: head.slice(2).join(' '), functions: l.slice(colon + 2).split(' ').filter(Boolean) });
  }
  return out;
}

/** One connection for a few admin commands in turn, every read bounded by the deadline. */
export class AdminSession {
  private buf = '';
  /** where the next line starts in buf: lines are cut by position, never by slicing the rest off (quadratic on a long reply) */
  private pos = 0;
  private waiting: (() => void) | null = null;
  private failure: Error | null = null;

  private constructor(readonly server: Server, private readonly sock: Socket, private readonly deadline: number) {
    sock.on('data', (d: Buffer) => {
      this.buf += d.toString('latin1');
      if (this.buf.length > MAX_REPLY) this.fail(new ProtocolError(`${label(server)} sent over ${MAX_REPLY >> 20} MiB without ending its reply`));
      this.waiting?.();
    });
    sock.on('error', (e) => this.fail(new Error(`${label(server)}: ${e.message}`)));
    sock.on('close', () => this.fail(new Error(`${label(server)} closed the connection`)));
  }

  static async open(server: Server, deadline: number): Promise<AdminSession> {
    return new AdminSession(server, await opened(server, Math.max(1, deadline - Date.now())), deadline);
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.waiting?.();
  }

  /** The next complete line of the reply (without its LF), waiting for it until the deadline. */
  private async line(command: string): Promise<string> {
    for (;;) {
      const nl = this.buf.indexOf('\n', this.pos);
      if (nl >= 0) {
        const l = this.buf.slice(this.pos, nl);
        this.pos = nl + 1;
        return lineOf(l);
      }
      // what is left is a partial line: keep only it
      this.buf = this.buf.slice(this.pos);
      this.pos = 0;
      if (this.failure) throw this.failure;
      const left = this.deadline - Date.now();
      if (left <= 0) throw new Error(`${label(this.server)} did not answer '${command}' in time`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiting = () => { clearTimeout(t); this.waiting = null; resolve(); };
      });
    }
  }

  /**
   * Sends `command` and reads its reply: the lines before the `.` line (multi-line commands) or
   * the one line (`version`). `ERR ...` comes back as { err }.
   */
  async command(command: string, multiLine: boolean): Promise<{ lines: string[] } | { err: string }> {
    this.sock.write(`${command}\n`);
    const first = await this.line(command);
    if (first.startsWith('ERR')) return { err: first.slice(4).replace(/\+/g, ' ') || 'ERR' };
    if (!multiLine) return { lines: [first] };
    const lines: string[] = [];
    for (let l = first; l !== '.'; l = await this.line(command)) lines.push(l);
    return { lines };
  }

  close(): void {
    this.sock.end();
    this.sock.destroy();
  }
}

/** What one server said, or why it said nothing. */
export interface ServerView {
  server: Server;
  version: string | null;
  functions: FunctionStatus[];
  /** null: the server refused `workers` */
  workers: Worker[] | null;
  /** every command refused or failed that the view lacks, in words */
  notes: string[];
}

/**
 * version, status, prioritystatus (where the server has it) and workers from one server, by the
 * deadline. A server that does not answer `version` with `OK ...` or `ERR ...` is not gearmand.
 */
export async function viewServer(server: Server, deadline: number): Promise<ServerView> {
  const s = await AdminSession.open(server, deadline);
  try {
    const notes: string[] = [];
    const v = await s.command('version', false);
    let version: string | null = null;
    if ('lines' in v) {
      if (!v.lines[0].startsWith('OK')) throw new ProtocolError(`${label(server)} does not speak gearmand's admin protocol: it answered 'version' with '${v.lines[0].slice(0, 60)}'`);
      version = v.lines[0].slice(3).trim() || null;
    } else notes.push(`version: ${v.err}`);
    const st = await s.command('status', true);
    if ('err' in st) throw new ProtocolError(`${label(server)} refused 'status': ${st.err}`);
    const functions = parseStatus(st.lines);
    const pr = await s.command('prioritystatus', true);
    if ('lines' in pr) {
      const prio = parsePriorityStatus(pr.lines);
      for (const f of functions) { const p = prio.get(f.name); if (p) f.priority = p; }
    }
    const w = await s.command('workers', true);
    const workers = 'lines' in w ? parseWorkers(w.lines) : null;
    if ('err' in w) notes.push(`workers: ${w.err}`);
    return { server, version, functions, workers, notes };
  } catch (e) {
    if (e instanceof ProtocolError && !e.message.includes(label(server))) throw new ProtocolError(`${label(server)}: ${e.message}`);
    throw e;
  } finally {
    s.close();
  }
}

/** The `status` of one server: jobs queued (running included) and available workers per function. */
export async function readStatus(server: Server, timeoutMs: number): Promise<Map<string, FunctionStatus>> {
  const s = await AdminSession.open(server, Date.now() + timeoutMs);
  try {
    const st = await s.command('status', true);
    if ('err' in st) throw new ProtocolError(`${label(server)} refused 'status': ${st.err}`);
    return new Map(parseStatus(st.lines).map((f) => [f.name, f]));
  } finally {
    s.close();
  }
}
