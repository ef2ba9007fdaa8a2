/**
 * Background job submission (handle_delayed_dump --gearman), over TCP to the configured job
 * servers only. The npm Gearman clients are unmaintained (no release in
 * years, callback APIs without timeouts or pipelining); what is needed here is 3 packet types,
 * so it is written out and tested against a real gearmand (test/integration/gearman.test.ts).
 *
 * Binary protocol (http://gearman.org/protocol/): a packet is a 4-byte magic ("\0REQ" from us,
 * "\0RES" from the server), a 4-byte big-endian type, a 4-byte big-endian length, then the
 * arguments separated by NUL bytes (the last one, the payload, may hold anything). Requests on
 * one connection are answered in order, so submissions are pipelined: many in flight, each
 * acknowledged by its JOB_CREATED in turn.
 */
import type { Socket } from 'node:net';
import { label, opened, type Server } from './server.js';

const REQ = Buffer.from('\0REQ', 'latin1');
const SUBMIT_JOB_BG = 18;
const SUBMIT_JOB_LOW_BG = 34;
const JOB_CREATED = 8;
const ERROR = 19;

/** A SUBMIT_JOB packet with an empty unique ID: one buffer, built in place (this runs per job). */
function submitPacket(type: number, fn: Buffer, payload: Buffer): Buffer {
  const bodyLength = fn.length + 2 + payload.length;
  const p = Buffer.allocUnsafe(12 + bodyLength);
  REQ.copy(p, 0);
  p.writeUInt32BE(type, 4);
  p.writeUInt32BE(bodyLength, 8);
  fn.copy(p, 12);
  p[12 + fn.length] = 0;
  p[13 + fn.length] = 0; // the empty unique ID, then its NUL
  payload.copy(p, 14 + fn.length);
  return p;
}

interface Pending { resolve: (handle: string) => void; reject: (e: Error) => void; at: number }

/** One connection to one job server, submitting background jobs. */
export class Submitter {
  private buf: Buffer = Buffer.alloc(0);
  private readonly pending: Pending[] = [];
  private failed: Error | null = null;
  private corked = false;
  /** one watchdog for the oldest job not yet acknowledged, not a timer per job */
  private readonly watchdog: NodeJS.Timeout;

  private constructor(readonly server: Server, private readonly sock: Socket, ackTimeoutMs: number) {
    this.watchdog = setInterval(() => {
      const oldest = this.pending[0];
      if (oldest && Date.now() - oldest.at >= ackTimeoutMs) this.fail(new Error(`${label(server)} did not acknowledge a job within ${ackTimeoutMs / 1000}s`));
    }, Math.min(1000, ackTimeoutMs));
    this.watchdog.unref();
    sock.on('data', (d: Buffer) => this.receive(d));
    sock.on('error', (e) => this.fail(new Error(`${label(server)}: ${e.message}`)));
    sock.on('close', () => this.fail(new Error(`${label(server)} closed the connection`)));
  }

  static async open(server: Server, connectTimeoutMs: number, ackTimeoutMs: number): Promise<Submitter> {
    return new Submitter(server, await opened(server, connectTimeoutMs), ackTimeoutMs);
  }

  get inFlight(): number { return this.pending.length; }

  /** Submits one background job; resolves with its job handle once the server acknowledged it. */
  submit(fn: Buffer, payload: Buffer, low: boolean): Promise<string> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject, at: Date.now() });
      // the jobs submitted in one tick leave in one write (a write call per job was a third of an import)
      if (!this.corked) {
        this.corked = true;
        this.sock.cork();
        process.nextTick(() => { this.corked = false; this.sock.uncork(); });
      }
      // an empty unique ID: gearmand gives each job its own, so equal messages are never merged
      this.sock.write(submitPacket(low ? SUBMIT_JOB_LOW_BG : SUBMIT_JOB_BG, fn, payload));
    });
  }

  private receive(d: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    while (this.buf.length >= 12) {
      if (this.buf.toString('latin1', 0, 4) !== '\0RES') return this.fail(new Error(`${label(this.server)} sent something that is not a Gearman response`));
      const type = this.buf.readUInt32BE(4);
      const len = this.buf.readUInt32BE(8);
      if (this.buf.length < 12 + len) return;
      const body = this.buf.subarray(12, 12 + len);
      this.buf = this.buf.subarray(12 + len);
      const p = this.pending.shift();
      if (!p) return this.fail(new Error(`${label(this.server)} answered a job that was not submitted`));
      if (type === JOB_CREATED) p.resolve(body.toString('latin1'));
      else if (type === ERROR) {
        const nul = body.indexOf(0);
        p.reject(new Error(`${label(this.server)} refused a job: ${body.toString('latin1', nul + 1).slice(0, 200) || body.toString('latin1', 0, nul)}`));
      } else p.reject(new Error(`${label(this.server)} answered with packet type ${type}`));
    }
  }

  private fail(e: Error): void {
    clearInterval(this.watchdog);
    if (!this.failed) this.failed = e;
    for (const p of this.pending.splice(0)) p.reject(this.failed);
    this.sock.destroy();
  }

  close(): void {
    clearInterval(this.watchdog);
    this.failed ??= new Error('closed');
    this.sock.end();
    this.sock.destroy();
  }
}
