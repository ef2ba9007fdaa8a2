/**
 * runPlugin() owns the whole life of a run: parse options, arm the timeout, open state, run the
 * check, evaluate thresholds, render, write, set the exit code. Whatever goes wrong on the way
 * (bad option, thrown error, unhandled rejection, timeout, SIGTERM) ends as one clear line with
 * exit 0-3 and never as a Node stack trace with exit 1.
 */
import { renderRows, wrapText } from './help.js';
import { helpText, parseArgs, parseTimeout, STANDARD_OPTIONS, type OptionSpecs, type ParsedArgs, type TimeoutSpec } from './cli.js';
import { expandExtraOpts } from './extra-opts.js';
import type { ProgramDescription } from '../registry.js';
import { describeError, PluginError, UsageError } from './errors.js';
import { renderJson, renderText, type JsonMetric, type Rendered } from './output.js';
import { formatPerfItem, uniqueLabels, type PerfItem, type Uom } from './perfdata.js';
import { alerts, type Range } from './range.js';
import { defaultStateDir } from './state/dir.js';
import { faultEnabled, faultPoint } from './state/faults.js';
import type { Schema } from './state/schema.js';
import { LockError } from './state/lock.js';
import { StateFile } from './state/store.js';
import { State, stateName, worst } from './status.js';
import { resolveThresholds, thresholdNotes, type ThresholdDefaults, type Thresholds } from './thresholds.js';
import { parseSize } from './units.js';
import { versionLine } from './version.js';
import { writeAllSync } from './write.js';
import { readFileSync } from 'node:fs';

export interface MetricSpec {
  name: string;
  uom?: Uom;
  help: string;
}

export interface Metric {
  name: string;
  value: number | null;
  uom?: Uom;
  min?: number;
  max?: number;
  /** perfdata label when it differs from the name (per-item metrics) */
  label?: string;
}

export interface Finding {
  state: State;
  text: string;
}

export interface Evaluation {
  state: State;
  metricStates: Map<string, State>;
  breached: { name: string; value: number; state: State; range: Range }[];
  findings: Finding[];
  thresholds: Thresholds;
}

export interface CheckOutcome {
  metrics: Metric[];
  findings?: Finding[];
  summary: string | ((ev: Evaluation) => string);
  details?: string[] | ((ev: Evaluation) => string[]);
  json?: Record<string, unknown>;
}

export interface StateHandle<T> {
  data: T | undefined;
  savedAt?: number;
  path: string;
  save(data: T): void;
}

export interface RunContext<O> {
  opts: O & ParsedArgs;
  verbose: number;
  startedAt: number;
  /** time (ms since epoch) by which long loops must stop and save progress */
  deadline: number;
  timeout: TimeoutSpec;
  thresholds: Thresholds;
  setPhase(text: string): void;
  note(text: string): void;
  debug(level: number, text: string): void;
  openState<T>(key: unknown[], schema: Schema<T>): Promise<StateHandle<T>>;
}

export interface PluginDefinition<O> {
  name: string; // executable name, e.g. check_delayed_dump
  label: string; // first word of the output, e.g. DELAYED_DUMP
  description: string;
  options: OptionSpecs;
  examples?: [string, string][];
  metrics: MetricSpec[];
  primary: string;
  defaults: ThresholdDefaults | ((opts: O & ParsedArgs) => ThresholdDefaults);
  helpEpilogue?: string;
  run(ctx: RunContext<O>): Promise<CheckOutcome>;
}

let finished = false;
const cleanups: (() => void)[] = [];

/**
 * State staged by this run (written and fsynced, not yet renamed into place): committed only
 * once the result is on stdout, so that no kill point between reading and printing loses events.
 * A kill after the print and before the rename reports the same events again next run.
 */
let pendingCommit: (() => void) | null = null;

function finish(text: string, code: State, commit = false): never | void {
  if (finished) return;
  finished = true;
  writeAllSync(1, text);
  if (commit && pendingCommit) {
    faultPoint('result-printed');
    try {
      pendingCommit();
    } catch (e) {
      // too late to change the result: the next run reads the same lines again (no loss)
      writeAllSync(2, `${describeError(e)}\n`);
    }
  }
  pendingCommit = null;
  // cleanups (the lock among them) run after the commit: another run must not read the old state
  for (const c of cleanups.splice(0)) {
    try { c(); } catch { /* cleanup must not change the result */ }
  }
  process.exitCode = code;
  if (process.env.MSGWATCH_MEMORY_REPORT) reportMemory();
  // Output is fully written (synchronously) above, so ending now cannot truncate it; this only
  // stops a stuck handle (a hung read, a FIFO) from keeping the plugin alive past its verdict.
  setTimeout(() => process.exit(code), 20).unref();
}

/** How the run's output is to look; known before the options are parsed (from a tolerant look at argv), so that even a usage error comes out as asked. */
const prefs = { json: false, maxOutput: 8192 };

function lookAtArgv(argv: string[]): void {
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].startsWith('--') ? [argv[i].slice(2).split('=')[0], argv[i].includes('=') ? argv[i].slice(argv[i].indexOf('=') + 1) : undefined] : ['', undefined];
    if (name.length < 3) continue;
    const value = inline ?? argv[i + 1];
    if ('output-format'.startsWith(name)) prefs.json = value === 'json';
    if ('max-output'.startsWith(name)) {
      try {
        const n = parseSize(String(value));
        if (n >= 256) prefs.maxOutput = n;
      } catch { /* the parse proper reports it */ }
    }
  }
}

/**
 * For the benchmark: anonymous memory at the end of the run (RssAnon) and the peak RSS (VmHWM),
 * on stderr. RSS alone counts the executable's mapped pages, which depend on the page cache.
 */
function reportMemory(): void {
  try {
    const st = readFileSync('/proc/self/status', 'latin1');
    const kib = (k: string) => /\d+/.exec(st.split('\n').find((l) => l.startsWith(`${k}:`)) ?? '')?.[0] ?? '?';
    writeAllSync(2, `msgwatch-memory rss_anon_kib=${kib('RssAnon')} hwm_kib=${kib('VmHWM')}\n`);
  } catch { /* not Linux */ }
}

/** The program's metrics, known once its definition is: a run that ends early measured none of them. */
let unmeasured: MetricSpec[] = [];

/**
 * A result that measured nothing (a usage error, a missing file, a timeout, a crash): rendered
 * like any other, under the same caps, as JSON when asked, with every metric `U`, never 0.
 */
function errorOutput(label: string, message: string, state = State.UNKNOWN, extra: string[] = []): string {
  const perf: PerfItem[] = unmeasured.map((m) => ({ label: m.name, value: null }));
  const r: Rendered = { name: label, state, summary: message, details: extra, perf };
  const metrics: JsonMetric[] = unmeasured.map((m) => ({ name: m.name, value: null, uom: m.uom ?? '', warn: null, crit: null, min: null, max: null, state: stateName(state) }));
  return prefs.json ? renderJson(r, metrics, {}, prefs.maxOutput) : renderText(r, prefs.maxOutput);
}

/** Installed first, before anything else can throw. */
export function installCrashGuards(label: string, verbose: () => number): void {
  const onCrash = (what: string) => (err: unknown) => {
    const stack = verbose() >= 3 && err instanceof Error && err.stack ? err.stack.split('\n') : [];
    finish(errorOutput(label, `internal error (${what}): ${describeError(err)}`, State.UNKNOWN, stack), State.UNKNOWN);
  };
  process.on('uncaughtException', onCrash('uncaught exception'));
  process.on('unhandledRejection', onCrash('unhandled rejection'));
}

function evaluate(metrics: Metric[], specs: MetricSpec[], thresholds: Thresholds, findings: Finding[]): Evaluation {
  const metricStates = new Map<string, State>();
  const breached: Evaluation['breached'] = [];
  for (const m of metrics) {
    const t = thresholds.get(m.name);
    let s = State.OK;
    if (t && m.value !== null && Number.isFinite(m.value) && specs.some((sp) => sp.name === m.name)) {
      if (t.crit && alerts(t.crit, m.value)) {
        s = State.CRITICAL;
        breached.push({ name: m.name, value: m.value, state: s, range: t.crit });
      } else if (t.warn && alerts(t.warn, m.value)) {
        s = State.WARNING;
        breached.push({ name: m.name, value: m.value, state: s, range: t.warn });
      }
    }
    metricStates.set(m.name, s);
  }
  const state = worst(...metricStates.values(), ...findings.map((f) => f.state));
  return { state, metricStates, breached, findings, thresholds };
}

function usageOf<O>(def: PluginDefinition<O>): string {
  return `Usage: ${def.name} [options]\n\n${def.description}`;
}

export async function runPlugin<O>(def: PluginDefinition<O>, argv: string[] = process.argv.slice(2)): Promise<void> {
  let verbose = 0;
  let phase = 'starting';
  installCrashGuards(def.label, () => verbose);
  unmeasured = def.metrics;
  const usage = usageOf(def);
  const options = def.options;
  const examples = def.examples ?? [];
  const metricNames = def.metrics.map((m) => m.name);
  lookAtArgv(argv);
  try {
    faultPoint('startup');
    // --extra-opts first: the options it stands for are parsed (and judged) like any others
    argv = expandExtraOpts(argv, def.name, { ...options, ...STANDARD_OPTIONS, help: { alias: 'h' }, version: { alias: 'V' } });
    lookAtArgv(argv);
    let opts: O & ParsedArgs;
    try {
      opts = parseArgs(argv, options) as O & ParsedArgs;
    } catch (e) {
      // `-h` among other mistakes still shows the help (getopt's order: C plugins print it first)
      if (!(e instanceof UsageError) || !argv.some((a) => a === '-h' || a === '--help')) throw e;
      opts = { help: true } as O & ParsedArgs;
    }
    if (opts.help) {
      let text = helpText(def.name, options, usage, examples);
      text += `\n\nMetrics (use as -w/-c NAME=RANGE; primary: ${def.primary}):\n`;
      text += renderRows(def.metrics.map((m) => [m.name, `${m.uom ? `[${m.uom}] ` : ''}${m.help}`]));
      if (def.helpEpilogue) text += `\n\n${wrapText(def.helpEpilogue)}`;
      text += `\n\n${wrapText('Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also for --help and --version).')}\n`;
      finish(text, State.UNKNOWN);
      return;
    }
    if (opts.version) {
      finish(versionLine(def.name), State.UNKNOWN);
      return;
    }
    verbose = Number(opts.verbose) || 0;
    let timeout: TimeoutSpec;
    let maxOutput: number;
    try {
      timeout = parseTimeout(String(opts.timeout));
    } catch (e) {
      throw new UsageError(`-t/--timeout: ${(e as Error).message}`);
    }
    try {
      maxOutput = parseSize(String(opts.maxOutput));
    } catch (e) {
      throw new UsageError(`--max-output: ${(e as Error).message}`);
    }
    if (maxOutput < 256) throw new UsageError(`--max-output: '${opts.maxOutput}' is too small: at least 256 bytes`);
    prefs.json = opts.outputFormat === 'json';
    prefs.maxOutput = maxOutput;
    const defaults = typeof def.defaults === 'function' ? def.defaults(opts) : def.defaults;
    const thresholds = resolveThresholds(opts.warning, opts.critical, metricNames, def.primary, defaults);

    const startedAt = Date.now();
    const timeoutMs = timeout.seconds * 1000;
    const margin = Math.min(2000, Math.max(100, timeoutMs * 0.15));
    const timer = setTimeout(() => {
      finish(errorOutput(def.label, `timed out after ${timeout.seconds}s while ${phase}`, timeout.state), timeout.state);
    }, timeoutMs);
    cleanups.push(() => clearTimeout(timer));
    const onSignal = (sig: string) => () =>
      finish(errorOutput(def.label, `interrupted by ${sig} while ${phase}`), State.UNKNOWN);
    process.once('SIGTERM', onSignal('SIGTERM'));
    process.once('SIGINT', onSignal('SIGINT'));

    const notes: string[] = thresholdNotes(thresholds);
    const debugLines: string[] = [];
    const stateDir = opts.stateDir || defaultStateDir();
    const ctx: RunContext<O> = {
      opts, verbose, startedAt, timeout, thresholds,
      deadline: startedAt + timeoutMs - margin,
      setPhase: (t) => { phase = t; },
      note: (t) => { notes.push(t); },
      debug: (level, t) => { if (verbose >= level) debugLines.push(t); },
      openState: async <T>(key: unknown[], schema: Schema<T>) => {
        phase = `opening state in ${stateDir}`;
        StateFile.prepare(stateDir);
        const file = new StateFile<T>(stateDir, def.name, key);
        if (!opts.dryRun) {
          phase = `waiting for the state lock ${file.lock.path}`;
          cleanups.push(() => file.lock.release());
          try {
            await file.lock.acquire(Math.max(500, timeoutMs * 0.5));
          } catch (e) {
            // the wait is half of -t: say so, and end in the state -t asks for
            if (e instanceof LockError && e.busy) throw new PluginError(`${e.message} (half of -t ${timeout.seconds})`, timeout.state);
            throw e;
          }
          file.adoptLegacy();
        }
        const loaded = file.load(schema);
        if (loaded.note) notes.push(loaded.note);
        ctx.debug(2, `state file ${file.path}${loaded.data === undefined ? ' (none, first run)' : ''}`);
        // the checks change their state in place: keep what was read, to skip writing it back unchanged
        const before = loaded.data === undefined || loaded.note ? null : JSON.stringify(loaded.data);
        return {
          data: loaded.data,
          savedAt: loaded.savedAt,
          path: file.path,
          save: (data: T) => {
            if (opts.dryRun) return;
            // nothing changed: no write, no fsync (every write that does happen stays crash-safe)
            if (before !== null && JSON.stringify(data) === before) return;
            phase = `saving state to ${file.path}`;
            pendingCommit = file.stage(data);
          },
        };
      },
    };

    if (faultEnabled('throw:sync-in-run')) throw new TypeError('injected synchronous failure');
    // asynchronous faults must strike while the run is still going: it waits for them
    if (faultEnabled('throw:unhandled-rejection')) {
      void Promise.reject(new Error('injected rejection'));
      await new Promise((r) => setTimeout(r, 50));
    }
    if (faultEnabled('throw:uncaught-async')) {
      setTimeout(() => { throw new Error('injected async throw'); }, 1);
      await new Promise((r) => setTimeout(r, 50));
    }

    if (faultEnabled('hang:run')) await new Promise(() => { /* never settles: exercises the timeout */ });
    const outcome = await def.run(ctx);
    if (finished) return;
    phase = 'rendering';
    const findings = outcome.findings ?? [];
    const ev = evaluate(outcome.metrics, def.metrics, thresholds, findings);
    const summary = typeof outcome.summary === 'function' ? outcome.summary(ev) : outcome.summary;
    const details = typeof outcome.details === 'function' ? outcome.details(ev) : (outcome.details ?? []);
    const perf: PerfItem[] = uniqueLabels(outcome.metrics.map((m) => {
      const t = def.metrics.some((s) => s.name === m.name) ? thresholds.get(m.name) : undefined;
      return { label: m.label ?? m.name, value: m.value, uom: m.uom, warn: t?.warn, crit: t?.crit, min: m.min, max: m.max };
    }));
    const rendered: Rendered = {
      name: def.label, state: ev.state, summary,
      details: [...details, ...notes.map((n) => `note: ${n}`), ...debugLines],
      perf,
    };
    if (opts.outputFormat === 'json') {
      const metrics: JsonMetric[] = outcome.metrics.map((m, i) => {
        const fields = formatPerfItem(perf[i]).split('=')[1].split(';');
        return {
          name: perf[i].label, value: m.value, uom: m.uom ?? '',
          warn: fields[1] || null, crit: fields[2] || null, min: m.min ?? null, max: m.max ?? null,
          state: stateName(ev.metricStates.get(m.name) ?? State.OK),
        };
      });
      finish(renderJson(rendered, metrics, { notes, ...(outcome.json ?? {}) }, maxOutput), ev.state, true);
    } else {
      finish(renderText(rendered, maxOutput), ev.state, true);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      finish(errorOutput(def.label, `${err.message} (see ${def.name} --help)`), State.UNKNOWN);
    } else if (err instanceof PluginError) {
      finish(errorOutput(def.label, err.message, err.state), err.state);
    } else {
      const stack = verbose >= 3 && err instanceof Error && err.stack ? err.stack.split('\n') : [];
      finish(errorOutput(def.label, `internal error: ${describeError(err)}`, State.UNKNOWN, stack), State.UNKNOWN);
    }
  }
}

/** The program's tables, for the generators (man pages, Icinga 2 commands): `msgwatch --describe`. */
export function describePlugin<O>(def: PluginDefinition<O>): ProgramDescription {
  return {
    name: def.name, label: def.label, description: def.description,
    options: { ...def.options, ...STANDARD_OPTIONS }, examples: def.examples ?? [],
    metrics: def.metrics.map((m) => ({ name: m.name, ...(m.uom ? { uom: m.uom } : {}), help: m.help })),
    exit: 'Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also for --help and --version).',
  };
}

/** The entry point of every plugin executable. */
export function startPlugin<O>(def: PluginDefinition<O>, argv: string[] = process.argv.slice(2)): void {
  void runPlugin(def, argv);
}
