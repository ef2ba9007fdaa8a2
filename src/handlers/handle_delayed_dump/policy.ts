/**
 * What --gearman does with each dump line, by queue and by payload. mod_gearman's queues hold
 * two kinds of message: *results* (`check_results`, or the configured result queue, and
 * `perfdata`), which availability and capacity reports lost while Gearman was down; and *jobs*
 * (`host`, `service`, `hostgroup_*`, `servicegroup_*`, `eventhandler`, ...), which a worker
 * would run now: an old active check answered "(Could Not Start Check In Time)" by a worker with
 * max-age (a false alert), an old event handler acting twice. So by default results are
 * re-submitted and jobs stay in the dump, said so; `--queue` re-runs named queues, and
 * `--retire-queue` moves a queue's lines out of the dump (they are in the verified archive copy).
 */
import { malformedKind } from '../../dump/count.js';
import { isResultQueue } from '../../dump/queues.js';

export { jobsOf } from '../../dump/queues.js';
import { rejection, type Rejection } from './payload.js';

export interface QueuePolicy {
  /** re-submit only these queues, results and jobs alike (--queue) */
  queues: string[];
  /** never touch these (--skip-queue): they stay in the dump */
  skipQueues: string[];
  /** take these out of the dump without re-running them (--retire-queue) */
  retireQueues: string[];
  /** more result queues than check_results and perfdata (--result-queue: mod_gearman's result_queue) */
  resultQueues: string[];
  /** null: no validation (--no-validate); else the key (--key-file), or no key: base64 text */
  validate: { key: Buffer | null } | null;
  /**
   * mod_gearman's accept_clear_results: its result reader also takes unencrypted results, so with
   * a key a clear result in a result queue (check_results, --result-queue; not perfdata, which
   * mod_gearman's reader never sees) is valid too
   */
  acceptClear: boolean;
}

export type Fate =
  | { kind: 'malformed' }
  | { kind: 'skipped' | 'held' | 'retire' | 'job'; queue: string; sp: number }
  | { kind: 'invalid'; queue: string; sp: number; why: Rejection };

/** What becomes of one dump line. The import and its dry run share it. */
export function fateOf(line: Buffer, p: QueuePolicy): Fate {
  if (malformedKind(line, 0, line.length) !== null) return { kind: 'malformed' };
  const sp = line.indexOf(32);
  const queue = line.toString('latin1', 0, sp);
  if (p.skipQueues.includes(queue)) return { kind: 'skipped', queue, sp };
  if (p.retireQueues.includes(queue)) return { kind: 'retire', queue, sp };
  if (p.queues.length ? !p.queues.includes(queue) : !isResultQueue(queue, p.resultQueues)) return { kind: p.queues.length ? 'skipped' : 'held', queue, sp };
  const clear = p.acceptClear && (queue === 'check_results' || p.resultQueues.includes(queue));
  const why = p.validate ? rejection(line.subarray(sp + 1), p.validate.key, clear) : null;
  return why ? { kind: 'invalid', queue, sp, why } : { kind: 'job', queue, sp };
}
