/**
 * --test-queue: one job through the queue and back, as mod_gearman's check_gearman -q does, but
 * encrypted as mod_gearman encrypts when --key-file is given: the round-trip time is measured,
 * and an answer that does not decrypt with the key (a worker with another key answers garbage,
 * mod_gearman issue 32) is CRITICAL, as is no answer, a failed job, or one without --expect.
 */
import { decode, encode, isText } from '../../gearman/crypt.js';
import { runJob } from '../../gearman/job.js';
import type { Server } from '../../gearman/server.js';
import { label } from '../../gearman/server.js';
import { State } from '../../lib/status.js';

export interface TestJob { queue: string; send: string; expect?: string; key: Buffer | null }

export interface TestOutcome { state: State; text: string; seconds: number | null }

const clip = (t: string) => (t.length > 120 ? `${t.slice(0, 120)}...` : t);

export async function testJob(server: Server, t: TestJob, workers: number | null, deadline: number): Promise<TestOutcome> {
  const where = `test job on ${t.queue} at ${label(server)}`;
  // a foreground job nobody takes would stay queued after we leave: not submitted at all
  if (workers === 0 || workers === null) return { state: State.CRITICAL, text: `${where}: no worker serves ${t.queue}; no job sent`, seconds: null };
  const r = await runJob(server, t.queue, encode(Buffer.from(t.send, 'utf8'), t.key), deadline);
  if (r.kind === 'timeout') return { state: State.CRITICAL, text: `${where}: no answer within ${(r.ms / 1000).toFixed(1)}s${r.created ? ' (the job waits on the server: workers busy or hung)' : ''}`, seconds: null };
  const seconds = r.ms / 1000;
  if (r.kind !== 'complete') return { state: State.CRITICAL, text: `${where}: the worker reported ${r.kind === 'fail' ? 'failure' : `an exception (${clip(r.data.toString('utf8'))})`} after ${seconds.toFixed(3)}s`, seconds };
  // mod_gearman answers a worker_<host> check in clear text, and a job as the job came: both taken
  const decoded = decode(r.data, t.key);
  const answer = decoded && isText(decoded) ? decoded : isText(r.data) && !(t.key && decoded) ? r.data : null;
  if (answer === null) return { state: State.CRITICAL, text: `${where}: the answer ${t.key ? 'does not decrypt with --key-file' : 'is not text'} (${r.data.length} bytes): a worker with another key? (round trip ${seconds.toFixed(3)}s)`, seconds };
  const text = answer.toString('utf8').trim();
  if (t.expect !== undefined && !text.includes(t.expect)) return { state: State.CRITICAL, text: `${where}: answered '${clip(text)}', which does not hold '${t.expect}' (round trip ${seconds.toFixed(3)}s)`, seconds };
  return { state: State.OK, text: `${where}: answered in ${seconds.toFixed(3)}s${text ? `: '${clip(text)}'` : ''}`, seconds };
}
