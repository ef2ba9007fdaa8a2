/**
 * One foreground job, start to end (check_gearman_queues --test-queue): SUBMIT_JOB, then the
 * server's JOB_CREATED, then the worker's WORK_DATA pieces and WORK_COMPLETE (or WORK_FAIL,
 * WORK_EXCEPTION), all on one connection, by a deadline. The binary protocol's framing is
 * submit.ts's: "\0REQ"/"\0RES", a big-endian type and length, NUL-separated arguments.
 */
import { label, opened, type Server } from './server.js';

const SUBMIT_JOB = 7, JOB_CREATED = 8, WORK_STATUS = 12, WORK_COMPLETE = 13, WORK_FAIL = 14, ERROR = 19;
const WORK_EXCEPTION = 25, WORK_DATA = 28, WORK_WARNING = 29;
const MAX_ANSWER = 16 << 20;

export type JobResult =
  | { kind: 'complete'; data: Buffer; ms: number }
  | { kind: 'fail' | 'exception'; data: Buffer; ms: number }
  | { kind: 'timeout'; created: boolean; ms: number };

function packet(type: number, args: Buffer[]): Buffer {
  const body = Buffer.concat(args.flatMap((a, i) => (i < args.length - 1 ? [a, Buffer.from([0])] : [a])));
  const head = Buffer.alloc(12);
  head.write('\0REQ', 0, 'latin1');
  head.writeUInt32BE(type, 4);
  head.writeUInt32BE(body.length, 8);
  return Buffer.concat([head, body]);
}

/** Runs one job of `fn` with `payload`; a unique ID of our own, so it never merges with another. */
export async function runJob(server: Server, fn: string, payload: Buffer, deadline: number): Promise<JobResult> {
  const t0 = Date.now();
  const sock = await opened(server, Math.max(1, deadline - t0));
  return new Promise<JobResult>((resolve, reject) => {
    let buf: Buffer = Buffer.alloc(0);
    let created = false;
    const data: Buffer[] = [];
    let size = 0;
    const done = (r: JobResult | Error) => {
      clearTimeout(timer);
      sock.destroy();
      if (r instanceof Error) reject(r); else resolve(r);
    };
    const timer = setTimeout(() => done({ kind: 'timeout', created, ms: Date.now() - t0 }), Math.max(1, deadline - Date.now()));
    sock.on('error', (e) => done(new Error(`${label(server)}: ${e.message}`)));
    sock.on('close', () => done(new Error(`${label(server)} closed the connection before the job ended`)));
    sock.on('data', (d: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, d]) : d;
      while (buf.length >= 12) {
        if (buf.toString('latin1', 0, 4) !== '\0RES') return done(new Error(`${label(server)} sent something that is not a Gearman response`));
        const type = buf.readUInt32BE(4);
        const len = buf.readUInt32BE(8);
        if (len > MAX_ANSWER) return done(new Error(`${label(server)} sent a packet of ${len} bytes`));
        if (buf.length < 12 + len) return;
        const body = buf.subarray(12, 12 + len);
        buf = buf.subarray(12 + len);
        const nul = body.indexOf(0);
        const rest = nul < 0 ? Buffer.alloc(0) : body.subarray(nul + 1);
        if (type === JOB_CREATED) created = true;
        else if (type === WORK_DATA) { size += rest.length; if (size > MAX_ANSWER) return done(new Error(`${label(server)}: the answer is over 16 MiB`)); data.push(Buffer.from(rest)); }
        else if (type === WORK_COMPLETE) return done({ kind: 'complete', data: Buffer.concat([...data, rest]), ms: Date.now() - t0 });
        else if (type === WORK_FAIL) return done({ kind: 'fail', data: Buffer.concat(data), ms: Date.now() - t0 });
        else if (type === WORK_EXCEPTION) return done({ kind: 'exception', data: Buffer.from(rest), ms: Date.now() - t0 });
        else if (type === ERROR) return done(new Error(`${label(server)} refused the job: ${body.toString('latin1').replace('\0', ': ').slice(0, 200)}`));
        else if (type !== WORK_STATUS && type !== WORK_WARNING) return done(new Error(`${label(server)} answered with packet type ${type}`));
      }
    });
    const unique = Buffer.from(`msgwatch-${process.pid}-${t0}`, 'latin1');
    sock.write(packet(SUBMIT_JOB, [Buffer.from(fn, 'latin1'), unique, payload]));
  });
}
