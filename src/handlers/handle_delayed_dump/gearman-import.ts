/**
 * --gearman: re-submits the archived dump to Gearman directly. A line `<queue> <message>` is a
 * background job for the function `<queue>` with `<message>` as its payload, byte for byte (the
 * jobs OpMon could not hand over). A line counts as imported only once the server acknowledged
 * its job (JOB_CREATED).
 *
 * Exactly once, resumable: a journal beside the archived copy records each acknowledged line,
 * fsynced every `batch` acknowledgements. A run killed at any point leaves the dump untouched; the
 * next run archives it again and skips the lines a journal of an earlier, unsettled copy already
 * acknowledged (by line number when that copy is a prefix of the new one, else by content). Only
 * the lines acknowledged but not yet fsynced, at most one batch, can be submitted twice.
 *
 * Gentle on a recovering server: at most `rate` jobs a second, and before and during the import
 * the server's `status` is read; while the target function's queue is deeper than `maxDepth`,
 * submission pauses. A function no worker serves on the server gets nothing: its lines stay in
 * the dump (a job waiting in gearmand's memory for a worker is lost when gearmand restarts).
 */
import { closeSync, fstatSync, openSync } from 'node:fs';
import { basename } from 'node:path';
import { adoptOwner } from '../../lib/files.js';
import { holdYoungGenerationFrom, YOUNG_BYTES } from '../../lib/heap.js';
import { counted } from '../../lib/units.js';
import type { Copy } from './archive.js';
import { readStatus, type FunctionStatus } from '../../gearman/admin.js';
import { label, type Server } from '../../gearman/server.js';
import { shown } from '../../gearman/names.js';
import { Submitter } from '../../gearman/submit.js';
import type { Journal } from './journal.js';
import { LineSet } from './lineset.js';
import { flushJournal, journalPath, resumable, resumedBy, settleJournalOf, type AckJournal } from './ack-journal.js';
import { lines } from './lines.js';
import { fateOf, type QueuePolicy } from './policy.js';
import type { Rejection } from './payload.js';

export { lines };

export interface GearmanOptions {
  servers: Server[];
  low: boolean;
  rate: number; // jobs per second, 0: no limit
  maxDepth: number; // pause while the function's queue is deeper; 0: no guard
  /** submit into a function no worker serves (--allow-no-worker); else its lines stay in the dump */
  allowNoWorker: boolean;
  batch: number;
  policy: QueuePolicy;
  deadline: number; // ms since the epoch
  /** who the journal is given to when run as root (the dump directory's owner) */
  owner: { uid: number; gid: number };
  connectTimeoutMs: number;
  ackTimeoutMs: number;
}

export interface GearmanOutcome {
  /** lines of the copy (0-based) that left the dump: acknowledged (in this run or a resumed one) or retired */
  acked: LineSet;
  perQueue: Map<string, { submitted: number; acked: number; skipped: number; held: number; retired: number; invalid: number; noWorker: number }>;
  malformed: number;
  skipped: number;
  /** job queues left in the dump by the default policy */
  held: number;
  retired: number;
  /** messages mod_gearman would drop, by reason: they stay in the dump */
  invalid: Map<Rejection, number>;
  /** lines of functions no worker served on the server, by function and server: they stay in the dump */
  noWorker: Map<string, { n: number; server: string }>;
  resumed: number;
  notAcked: number;
  servers: string[];
  stopped: string | null; // why the import stopped before the end
  ms: number;
}

const WINDOW = 256; // jobs in flight on one connection
const DEPTH_EVERY_MS = 1000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function importToGearman(copy: Copy, archiveDir: string, o: GearmanOptions, j: Journal): Promise<GearmanOutcome> {
  const t0 = Date.now();
  const out: GearmanOutcome = { acked: new LineSet(), perQueue: new Map(), malformed: 0, skipped: 0, held: 0, retired: 0, invalid: new Map(), noWorker: new Map(), resumed: 0, notAcked: 0, servers: [], stopped: null, ms: 0 };
  const resume = resumable(copy, archiveDir, j);
  if (resume.from.length) j.log(`resuming: lines acknowledged by an earlier interrupted import (${resume.from.map((p) => basename(p)).join(', ')}) are not submitted again`);
  const fd = openSync(journalPath(copy), 'a', 0o600);
  const jf: AckJournal = { fd, unsynced: 0, text: `copy ${copy.bytes} ${copy.sha256}\n`, bytes: fstatSync(fd).size };
  adoptOwner(journalPath(copy), o.owner); // like the archived copy beside it: a root run must not lock out the next
  flushJournal(jf);
  const ack = (i: number) => {
    out.acked.add(i);
    jf.text += `${i}\n`;
    if (++jf.unsynced >= o.batch) flushJournal(jf);
  };
  // What earlier, interrupted imports acknowledged is journaled here first, all of it, and then
  // their journals are marked settled: this one holds all they knew of this copy, and an older
  // journal left unsettled would count again, by content, lines a later settle had taken out of
  // the dump, skipping the same message written again (it left the dump unsubmitted).
  const resumedLines = new LineSet();
  if (resume.from.length) {
    const resumed = resumedBy(resume);
    for (const [line, i] of lines(copy.path)) if (resumed(i, line)) { resumedLines.add(i); ack(i); }
    flushJournal(jf);
    for (const p of resume.from) settleJournalOf(p);
  }
  const q = (name: string) => { let e = out.perQueue.get(name); if (!e) out.perQueue.set(name, (e = { submitted: 0, acked: 0, skipped: 0, held: 0, retired: 0, invalid: 0, noWorker: 0 })); return e; };

  let serverIndex = 0;
  let sub: Submitter | null = null;
  const connectNext = async (): Promise<Submitter | null> => {
    for (let tries = 0; tries < o.servers.length; tries++) {
      const s = o.servers[(serverIndex + tries) % o.servers.length];
      try {
        const c = await Submitter.open(s, o.connectTimeoutMs, o.ackTimeoutMs);
        serverIndex = (serverIndex + tries) % o.servers.length;
        if (!out.servers.includes(label(s))) out.servers.push(label(s));
        j.log(`connected to gearmand ${label(s)}`);
        return c;
      } catch (e) {
        j.log(`${(e as Error).message}; trying the next server`);
      }
    }
    return null;
  };

  // Jobs in flight are counted, and waited for by the loop (one wait at a time). A Map of their
  // promises rebuilt its table as jobs came and went: 30 MB in a 400,000-line import (V8's
  // sampling heap profiler), most of it living long enough to die in the old generation.
  let inFlight = 0;
  let waiting: { all: boolean; wake: () => void } | null = null;
  const settled = () => {
    inFlight--;
    if (waiting && (!waiting.all || inFlight === 0)) { const w = waiting; waiting = null; w.wake(); }
  };
  /** until one job settles (`all`: until none is in flight) */
  const settling = (all: boolean) => (inFlight === 0 ? Promise.resolve() : new Promise<void>((wake) => { waiting = { all, wake }; }));
  // depth guard: the function's queue on the current server, read at most once a second; in
  // between, what this run submitted since is added (an upper bound: workers may have taken some)
  let depths = new Map<string, FunctionStatus>();
  const since = new Map<string, number>();
  let depthsAt = 0;
  let statusOf: Server | null = null; // the server `depths` was read from
  let statusError: string | null = null;
  const estimate = (fn: string) => (depths.get(fn)?.total ?? 0) + (since.get(fn) ?? 0);
  const readDepths = async (s: Server) => {
    await settling(true); // what was submitted is on the server when it is read
    try { depths = await readStatus(s, o.connectTimeoutMs); since.clear(); statusError = null; } catch (e) { statusError = (e as Error).message; j.log(`cannot read the job server's status: ${statusError}`); }
    depthsAt = Date.now();
    statusOf = s;
  };
  const tooDeep = async (fn: string): Promise<boolean> => {
    if (o.maxDepth <= 0 || !sub) return false;
    if (depthsAt === 0 || statusOf !== sub.server || (estimate(fn) >= o.maxDepth && Date.now() - depthsAt >= DEPTH_EVERY_MS)) await readDepths(sub.server);
    return estimate(fn) >= o.maxDepth;
  };
  /**
   * Would a worker take jobs of `fn` on the current server? A job submitted where no worker serves
   * it waits in gearmand's memory: a restart before a worker comes loses it, and the handler would
   * have reported success. Status read once per connection (and again by the depth guard).
   */
  const served = async (fn: string): Promise<boolean | 'unknown'> => {
    if (o.allowNoWorker || !sub) return true;
    if (statusOf !== sub.server) await readDepths(sub.server);
    if (statusError !== null) return 'unknown';
    return (depths.get(fn)?.workers ?? 0) > 0;
  };

  const pendingRetry: [Buffer, Buffer, number, string][] = []; // resubmitted after a server change
  let lastFailure: string | null = null;
  const send = (fn: Buffer, payload: Buffer, i: number, queue: string) => {
    inFlight++;
    sub!.submit(fn, payload, o.low).then(
      () => {
        // a journal that cannot be written stops the import (its last flush reports why): more
        // jobs acknowledged and not journaled would be submitted again by the next run
        try { ack(i); q(queue).acked++; } catch (e) { out.stopped ??= `the acknowledgement journal could not be written (${(e as Error).message})`; } finally { settled(); }
      },
      (e: Error) => { lastFailure = e.message; pendingRetry.push([fn, payload, i, queue]); settled(); },
    );
  };

  let startedAt = Date.now();
  let sentThisSecond = 0;
  sub = await connectNext();
  if (!sub) out.stopped = 'no Gearman job server could be reached';
  try {
    for (const [line, i] of out.stopped ? [] : lines(copy.path)) {
      // an import streams the whole copy through short-lived buffers and promises: V8's young
      // generation may grow to YOUNG_BYTES, then no more, so its memory does not grow with the dump
      // (looked at every 256 lines: every 4,096, it had now and then grown to 8 MiB in between;
      // not before the 4,096th: a small import does not load node:v8 for it, ~6 ms a run)
      if ((i & 255) === 0 && i >= 4096) holdYoungGenerationFrom(YOUNG_BYTES);
      // already acknowledged by an interrupted earlier run (and journaled above)
      if (resumedLines.has(i)) {
        out.resumed++;
        continue;
      }
      const c = fateOf(line, o.policy);
      if (c.kind === 'malformed') { out.malformed++; continue; }
      const queue = c.queue;
      if (c.kind === 'skipped') { out.skipped++; q(queue).skipped++; continue; }
      if (c.kind === 'held') { out.held++; q(queue).held++; continue; }
      if (c.kind === 'invalid') { out.invalid.set(c.why, (out.invalid.get(c.why) ?? 0) + 1); q(queue).invalid++; continue; }
      // retired: leaves the dump unrun (the verified archive copy holds it); journaled like an acknowledgement
      if (c.kind === 'retire') { out.retired++; q(queue).retired++; ack(i); continue; }
      const fn = line.subarray(0, c.sp);
      const payload = line.subarray(c.sp + 1);
      const worker = await served(queue);
      if (worker === 'unknown') { out.stopped = `the job server's status could not be read (${statusError}): whether a worker serves ${shown(queue)} is unknown (--allow-no-worker submits anyway)`; break; }
      if (!worker) {
        const e = out.noWorker.get(queue) ?? { n: 0, server: label(sub!.server) };
        e.n++;
        out.noWorker.set(queue, e);
        q(queue).noWorker++;
        continue;
      }
      // wait: window, rate, depth, failures
      for (;;) {
        if (Date.now() >= o.deadline) { out.stopped = 'the import timeout was reached'; break; }
        if (pendingRetry.length || !sub) {
          await settling(true);
          sub?.close();
          j.log(`the connection failed (${lastFailure}); ${counted(pendingRetry.length, 'job')} not acknowledged will be submitted again`);
          serverIndex = (serverIndex + 1) % o.servers.length;
          sub = await connectNext();
          if (!sub) { out.stopped = `no Gearman job server could be reached (${lastFailure})`; break; }
          for (const [f, p, n, qq] of pendingRetry.splice(0)) { q(qq).submitted++; send(f, p, n, qq); }
          continue;
        }
        if (inFlight >= WINDOW) { await settling(false); continue; }
        if (o.rate > 0) {
          const now = Date.now();
          if (now - startedAt >= 1000) { startedAt = now; sentThisSecond = 0; }
          if (sentThisSecond >= o.rate) { await sleep(1000 - (now - startedAt)); continue; }
        }
        if (await tooDeep(queue)) {
          j.log(`pausing: ${shown(queue)} has ${estimate(queue)} jobs queued on ${label(sub.server)} (the limit is ${o.maxDepth})`);
          await settling(true);
          await sleep(DEPTH_EVERY_MS);
          continue;
        }
        break;
      }
      if (out.stopped) break;
      sentThisSecond++;
      q(queue).submitted++;
      since.set(queue, (since.get(queue) ?? 0) + 1);
      send(fn, payload, i, queue);
    }
    // the last acknowledgements, and the jobs of a connection that failed at the very end
    await settling(true);
    if (pendingRetry.length && !out.stopped && Date.now() < o.deadline) {
      sub?.close();
      sub = await connectNext();
      if (sub) {
        for (const [f, p, n, qq] of pendingRetry.splice(0)) send(f, p, n, qq);
        await settling(true);
      }
    }
    if (pendingRetry.length && !out.stopped) out.stopped = `jobs were not acknowledged (${lastFailure})`;
  } finally {
    sub?.close();
    flushJournal(jf);
    closeSync(jf.fd);
  }
  const invalid = [...out.invalid.values()].reduce((a, b) => a + b, 0);
  const unserved = [...out.noWorker.values()].reduce((a, b) => a + b.n, 0);
  out.notAcked = copy.lines - out.acked.size - out.malformed - out.skipped - out.held - invalid - unserved;
  out.ms = Date.now() - t0;
  return out;
}

