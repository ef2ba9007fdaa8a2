/**
 * --gearman as the handler runs it: the queue policy and payload validation from the options,
 * the import, the settle of exactly the lines that left (acknowledged or retired), and the
 * summary that says what stayed in the dump and why.
 */
import type { Stats } from 'node:fs';
import { counted } from '../../lib/units.js';
import type { Copy } from './archive.js';
import { importToGearman, type GearmanOutcome } from './gearman-import.js';
import { faultPoint } from '../../lib/state/faults.js';
import { label } from '../../gearman/server.js';
import type { Journal } from './journal.js';
import { lines } from './lines.js';
import type { Opts } from './options.js';
import { readKeyFile, type Rejection } from './payload.js';
import { fateOf, jobsOf, type QueuePolicy } from './policy.js';
import { isResultQueue } from '../../dump/queues.js';
import { asBytes, shown } from '../../gearman/names.js';
import { settle } from './settle.js';

export function policyOf(o: Opts): QueuePolicy {
  let validate: QueuePolicy['validate'] = { key: null };
  if (o.noValidate) validate = null;
  else if (o.keyFile) {
    try { validate = { key: readKeyFile(o.keyFile) }; } catch (e) { throw new Error(`--key-file: ${(e as Error).message}`); }
  }
  // queue names are given as text, a dump's are its bytes (gearman/names.ts): compared as bytes
  return { queues: o.queue.map(asBytes), skipQueues: o.skipQueue.map(asBytes), retireQueues: o.retireQueue.map(asBytes), resultQueues: o.resultQueue.map(asBytes), validate, acceptClear: o.acceptClearResults };
}

const invalidText = (m: Map<Rejection, number>) => [...m].map(([why, n]) => `${counted(n, 'message')} (${why})`);

const jobsOrResults = (fn: string) => (isResultQueue(fn) ? 'result' : 'job');

/** What stays in the dump, in words: "50 old host checks, 3 event handlers; --queue to re-run ..." */
function heldText(perQueue: Map<string, { held: number }>): string {
  const parts = [...perQueue].filter(([, n]) => n.held).sort(([, a], [, b]) => b.held - a.held).map(([q, n]) => jobsOf(shown(q), n.held));
  return parts.length ? `${parts.join(', ')} (jobs, not re-run: --queue to re-run, --retire-queue to move them to the verified archive)` : '';
}

/** --gearman: submit, then take exactly the lines that left (acknowledged or retired) out of the dump. */
export async function gearmanImport(o: Opts, j: Journal, copy: Copy, archiveDir: string, owner: Stats): Promise<{ code: number; summary: string }> {
  const policy = policyOf(o);
  j.log(`submitting to gearmand ${o.gearman.map(label).join(', ')} (${o.lowPriority ? 'low-priority ' : ''}background jobs, at most ${o.rate || 'unlimited'}/s, pausing above ${o.maxQueueDepth || 'no limit'} queued, timeout ${o.importTimeout}s; ${policy.validate ? `payloads checked as mod_gearman's${policy.validate.key ? ` (decrypted with --key-file${policy.acceptClear ? '; clear results accepted' : ''})` : ''}` : 'payloads not checked (--no-validate)'})`);
  const r: GearmanOutcome = await importToGearman(copy, archiveDir, {
    servers: o.gearman, low: o.lowPriority, rate: o.rate, maxDepth: o.maxQueueDepth, batch: o.journalBatch, allowNoWorker: o.allowNoWorker,
    policy, deadline: Date.now() + o.importTimeout * 1000, connectTimeoutMs: 5000, ackTimeoutMs: 10_000, owner,
  }, j);
  for (const [queue, n] of [...r.perQueue].sort()) {
    j.log(`queue ${shown(queue)}: ${n.submitted} submitted, ${n.acked} acknowledged${n.skipped ? `, ${n.skipped} skipped (--queue/--skip-queue)` : ''}${n.held ? `, ${n.held} left (jobs)` : ''}${n.retired ? `, ${n.retired} retired` : ''}${n.invalid ? `, ${n.invalid} not mod_gearman payloads` : ''}${n.noWorker ? `, ${n.noWorker} left (no worker)` : ''}`);
  }
  const left = r.acked.size;
  // every line left: the plain settle (no per-line bookkeeping on a million-line dump)
  const s = left ? settle(o.file, copy, left === copy.lines ? undefined : (i) => r.acked.has(i)) : { how: 'unchanged', kept: 0 };
  faultPoint('gearman-settled'); // a test kills here: the journal must already say settled (settle.ts)
  const imported = left - r.retired;
  const stayed = [
    r.notAcked ? `${counted(r.notAcked, 'message')} not acknowledged${r.stopped ? ` (${r.stopped})` : ''}` : '',
    ...[...r.noWorker].map(([fn, e]) => `${counted(e.n, jobsOrResults(fn))}, no worker for ${shown(fn)} on ${e.server}`),
    heldText(r.perQueue),
    ...invalidText(r.invalid),
    r.skipped ? `${counted(r.skipped, 'message')} of skipped queues` : '',
    r.malformed ? `${counted(r.malformed, 'malformed line')}` : '',
  ].filter(Boolean);
  const where = r.servers.join(', ') || o.gearman.map(label).join(', ');
  const resumed = r.resumed ? ` (${r.resumed} already acknowledged by an interrupted earlier run)` : '';
  const retired = r.retired ? `; retired ${counted(r.retired, 'message')} (${o.retireQueue.join(', ')}) to the verified archive ${copy.path}` : '';
  const summary = `${imported ? `re-submitted ${counted(imported, 'message')} to gearmand ${where}${resumed} in ${(r.ms / 1000).toFixed(1)}s` : `nothing re-submitted to gearmand ${where}`}${retired}`
    + (stayed.length ? `; left in ${o.file}: ${stayed.join(', ')}` : s.kept ? `; ${counted(s.kept, 'message')} added meanwhile kept in the dump` : '; dump removed');
  j.log(summary);
  const partial = r.notAcked > 0;
  // lines withheld because nobody would process them: refused by a guard, not done
  return { code: partial ? 2 : r.noWorker.size ? 1 : 0, summary: partial ? `partial import: ${summary}` : summary };
}

/** --dry-run with --gearman: per queue, how many jobs would go to which server, and what would stay. */
export function dryRunGearman(o: Opts, j: Journal, archiveDir: string): { code: number; summary: string } {
  const policy = policyOf(o);
  const per = new Map<string, number>();
  const held = new Map<string, { held: number }>();
  const invalid = new Map<Rejection, number>();
  let skipped = 0;
  let malformed = 0;
  let retired = 0;
  for (const [line] of lines(o.file)) {
    const c = fateOf(line, policy);
    if (c.kind === 'malformed') malformed++;
    else if (c.kind === 'skipped') skipped++;
    else if (c.kind === 'retire') retired++;
    else if (c.kind === 'held') held.set(c.queue, { held: (held.get(c.queue)?.held ?? 0) + 1 });
    else if (c.kind === 'invalid') invalid.set(c.why, (invalid.get(c.why) ?? 0) + 1);
    else per.set(c.queue, (per.get(c.queue) ?? 0) + 1);
  }
  const server = o.gearman.map(label).join(', then ');
  for (const [queue, n] of [...per].sort()) j.log(`would submit ${counted(n, 'job')} to function ${shown(queue)} on ${server}`);
  const total = [...per.values()].reduce((a, b) => a + b, 0);
  const rest = [heldText(held), ...invalidText(invalid), skipped ? `${skipped} of skipped queues` : '', malformed ? counted(malformed, 'malformed line') : ''].filter(Boolean).join(', ');
  return { code: 0, summary: `dry run: would archive into ${archiveDir} and submit ${counted(total, 'job')} to gearmand ${server} (${[...per].sort().map(([q, n]) => `${shown(q)} ${n}`).join(', ') || 'none'})${retired ? `, retire ${counted(retired, 'message')}` : ''}${rest ? `; would leave ${rest} in the dump` : ''}` };
}
