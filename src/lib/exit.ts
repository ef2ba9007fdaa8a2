/**
 * How a run ends, whatever ends it (its result, a usage error, a timeout, a signal, a crash):
 * one output written synchronously, the staged state committed only after it (at-least-once
 * reporting), the lock released after that, an exit code 0-3, and never a Node stack trace.
 */
import { describeError } from './errors.js';
import { faultPoint } from './state/faults.js';
import type { State } from './status.js';
import { writeAllSync } from './write.js';
import { readFileSync } from 'node:fs';
import type { Staged } from './state/store.js';

let finished = false;
const cleanups: (() => void)[] = [];

/**
 * State staged by this run (written and fsynced, not yet renamed into place): committed only
 * once the result is on stdout, so that no kill point between reading and printing loses events.
 * A kill after the print and before the rename reports the same events again next run. A run
 * that ends without its result (UNKNOWN after the save) drops it: its temp file would otherwise
 * stay until a run commits, one more for each UNKNOWN run.
 */
let pending: Staged | null = null;

export function isFinished(): boolean {
  return finished;
}

/** Runs when the run ends, after the output and the commit (releasing the lock, a timer). */
export function onEnd(cleanup: () => void): void {
  cleanups.push(cleanup);
}

/** This run's staged state: committed after the output of a run that finished its work, dropped otherwise. */
export function stageCommit(staged: Staged): void {
  pending?.discard();
  pending = staged;
}

/** Writes the one output and ends the run with `code`; `commit`: the result of a run that finished its work. */
export function finish(text: string, code: State, commit = false): void {
  if (finished) return;
  finished = true;
  writeAllSync(1, text);
  if (commit && pending) {
    faultPoint('result-printed');
    try {
      pending.commit();
    } catch (e) {
      // too late to change the result: the next run reads the same lines again (no loss)
      writeAllSync(2, `${describeError(e)}\n`);
    }
  } else pending?.discard();
  pending = null;
  // cleanups (the lock among them) run after the commit: another run must not read the old state
  for (const c of cleanups.splice(0)) {
    try { c(); } catch { /* cleanup must not change the result */ }
  }
  process.exitCode = code;
  if (process.env.MSGWATCH_MEMORY_REPORT) reportMemory();
  // Output is fully written (synchronously) above, the state committed and the lock released, so
  // ending now cannot truncate or lose anything. Ending here rather than when the event loop
  // empties skips the runtime's teardown (the heap freed object by object, its threads joined):
  // 10-14 ms of every run, a sixth of a minimal one (issue 44), and no stuck handle (a hung read,
  // a FIFO) can keep the plugin alive past its verdict.
  process.exit(code);
}

/**
 * For the benchmark: anonymous memory at the end of the run (RssAnon) and the peak RSS (VmHWM),
 * on stderr. RSS alone counts the executable's mapped pages, which depend on the page cache.
 */
export function reportMemory(): void {
  try {
    const st = readFileSync('/proc/self/status', 'latin1');
    const kib = (k: string) => /\d+/.exec(st.split('\n').find((l) => l.startsWith(`${k}:`)) ?? '')?.[0] ?? '?';
    writeAllSync(2, `msgwatch-memory rss_anon_kib=${kib('RssAnon')} hwm_kib=${kib('VmHWM')}\n`);
  } catch { /* not Linux */ }
}

/** Installed first, before anything else can throw: a crash ends as `onCrash` renders it. */
export function installCrashGuards(onCrash: (what: string, err: unknown) => void): void {
  process.on('uncaughtException', (e) => onCrash('uncaught exception', e));
  process.on('unhandledRejection', (e) => onCrash('unhandled rejection', e));
}
