/**
 * A plugin run, top to bottom, in named steps: parse the options (after --extra-opts), answer
 * --help/--version, arm the deadline, build the run's context (state opened on demand), run the
 * check, evaluate and render. Whatever goes wrong on the way (bad option, thrown error, unhandled
 * rejection, timeout, SIGTERM) ends as one clear line with exit 0-3 (exit.ts), never as a Node
 * stack trace with exit 1.
 */
import type { CheckOutcome, Metric, PluginDefinition, ProgramDescription, RunContext, StateHandle } from './check.js';
import { families, renderOpenMetrics } from './openmetrics.js';
import { textfileName, writeTextfile } from './textfile.js';
import { helpText, parseArgs, parseTimeout, STANDARD_OPTIONS, type OptionSpecs, type OptionsOf, type ParsedArgs, type TimeoutSpec } from './cli.js';
import { describeError, PluginError, UsageError } from './errors.js';
import { evaluate } from './evaluate.js';
import { finish, installCrashGuards, isFinished, onEnd, stageCommit } from './exit.js';
import { expandExtraOpts } from './extra-opts.js';
import { renderRows, wrapText } from './help.js';
import { renderError, renderResult, type OutputPrefs } from './render.js';
import { joinLines } from './output.js';
import { defaultStateDir } from './state/dir.js';
import { faultEnabled, faultPoint } from './state/faults.js';
import { LockError } from './state/lock.js';
import type { Schema } from './state/schema.js';
import { StateFile } from './state/store.js';
import { State } from './status.js';
import { resolveThresholds, thresholdNotes } from './thresholds.js';
import { parseSize } from './units.js';
import { versionLine } from './version.js';

const EXIT_TEXT = 'Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also for --help and --version).';

/** A tolerant look at argv for --output-format and --max-output, so that even a usage error comes out as asked. */
function lookAtArgv(argv: string[], prefs: OutputPrefs): void {
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].startsWith('--') ? [argv[i].slice(2).split('=')[0], argv[i].includes('=') ? argv[i].slice(argv[i].indexOf('=') + 1) : undefined] : ['', undefined];
    if (name.length < 3) continue;
    const value = inline ?? argv[i + 1];
    if ('output-format'.startsWith(name)) {
      prefs.json = value === 'json';
      prefs.om = value === 'openmetrics' ? { program: '', instance: tolerantInstance(argv) } : undefined;
    }
    if ('max-output'.startsWith(name)) {
      try {
        const n = parseSize(String(value));
        if (n >= 256) prefs.maxOutput = n;
      } catch { /* the parse proper reports it */ }
    }
  }
}

/** What a run watches by default, for the instance label: its -f (every one), --mcs-db, or -H. */
function watched(opts: Record<string, unknown>): string {
  const v = opts.mcsDb ?? opts.file ?? opts.host;
  const list = (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((x) => (typeof x === 'object' && x !== null && 'host' in x ? `${(x as { host: string }).host}:${(x as { port: number }).port}` : String(x)));
  return list.join(',') || 'default';
}

/** The instance of a run whose options did not parse (its error is still exposition): from argv as it is. */
function tolerantInstance(argv: string[]): string {
  for (const flag of ['--instance', '--mcs-db', '-f', '--file', '-H', '--host']) {
    const i = argv.indexOf(flag);
    if (i >= 0 && i + 1 < argv.length) return argv[i + 1].slice(0, 200);
  }
  return 'default';
}

/** Step 1: the options, after --extra-opts (`-h` among other mistakes still shows the help, as getopt's order does for C plugins). */
function parseStep<T extends OptionSpecs>(def: PluginDefinition<T>, argv: string[], prefs: OutputPrefs): OptionsOf<T> & ParsedArgs | { help: true } {
  argv = expandExtraOpts(argv, def.name, { ...def.options, ...STANDARD_OPTIONS, help: { alias: 'h' }, version: { alias: 'V' } });
  lookAtArgv(argv, prefs);
  try {
    return parseArgs(argv, def.options);
  } catch (e) {
    if (!(e instanceof UsageError) || !argv.some((a) => a === '-h' || a === '--help')) throw e;
    return { help: true };
  }
}

/** Step 2: --help or --version, when asked (the text), else null. */
function metaStep<T extends OptionSpecs>(def: PluginDefinition<T>, opts: { help?: boolean; version?: boolean }): string | null {
  if (opts.help) {
    let text = helpText(def.name, def.options, `Usage: ${def.name} [options]\n\n${def.description}`, def.examples ?? []);
    text += `\n\nMetrics (use as -w/-c NAME=RANGE; primary: ${def.primary}):\n`;
    text += renderRows(def.metrics.map((m) => [m.name, `${m.uom ? `[${m.uom}] ` : ''}${m.help}`]));
    if (def.helpEpilogue) text += `\n\n${wrapText(def.helpEpilogue)}`;
    return `${text}\n\n${wrapText(EXIT_TEXT)}\n`;
  }
  return opts.version ? versionLine(def.name) : null;
}

/** Step 3: -t and --max-output, and the timer that ends the run in the -t state. */
function deadlineStep(opts: ParsedArgs, prefs: OutputPrefs, onTimeout: (t: TimeoutSpec) => void): TimeoutSpec {
  let timeout: TimeoutSpec;
  try {
    timeout = parseTimeout(String(opts.timeout));
  } catch (e) {
    throw new UsageError(`-t/--timeout: ${(e as Error).message}`);
  }
  prefs.json = opts.outputFormat === 'json';
  if (opts.outputFormat !== 'openmetrics') prefs.om = undefined;
  prefs.maxOutput = opts.maxOutput; // parsed and checked (at least 256 bytes) by its coerce
  const timer = setTimeout(() => onTimeout(timeout), timeout.seconds * 1000);
  onEnd(() => clearTimeout(timer));
  return timeout;
}

/** Opens the state under its lock (half of -t to wait for it); the save is staged, committed after the output. */
async function openStateStep<T>(name: string, opts: ParsedArgs, timeout: TimeoutSpec, key: unknown[], schema: Schema<T>, ctx: {
  setPhase(t: string): void; note(t: string): void; debug(level: number, t: string): void; unsaved(t: string): void; stateLost?: boolean;
}): Promise<StateHandle<T>> {
  const stateDir = opts.stateDir || defaultStateDir();
  ctx.setPhase(`opening state in ${stateDir}`);
  StateFile.prepare(stateDir);
  const file = new StateFile<T>(stateDir, name, key);
  if (!opts.dryRun) {
    ctx.setPhase(`waiting for the state lock ${file.lock.path}`);
    onEnd(() => file.lock.release());
    try {
      await file.lock.acquire(Math.max(500, timeout.seconds * 1000 * 0.5));
    } catch (e) {
      // the wait is half of -t: say so, and end in the state -t asks for
      if (e instanceof LockError && e.busy) throw new PluginError(`${e.message} (half of -t ${timeout.seconds})`, timeout.state);
      throw e;
    }
    file.adoptLegacy();
  }
  const loaded = file.load(schema);
  if (loaded.note) ctx.note(loaded.note);
  if (loaded.note && loaded.data === undefined) ctx.stateLost = true;
  ctx.debug(2, `state file ${file.path}${loaded.data === undefined ? ' (none, first run)' : ''}`);
  // the checks change their state in place: the bytes read are kept, to skip writing it back unchanged
  const before = loaded.data === undefined || loaded.note ? undefined : loaded.dataBytes;
  return {
    data: loaded.data, savedAt: loaded.savedAt, path: file.path,
    save: (data: T) => {
      if (opts.dryRun) return;
      ctx.setPhase(`saving state to ${file.path}`);
      try {
        // nothing changed: no write, no fsync (every write that does happen stays crash-safe)
        const staged = file.stage(data, Date.now(), before);
        if (staged) stageCommit(staged);
      } catch (e) {
        // the result still stands; the run is not OK, for the next one cannot go on from here
        if (!(e instanceof PluginError)) throw e;
        ctx.unsaved(e.message);
      }
    },
  };
}

/** Test-only faults: thrown, rejected and hung runs must still end as one UNKNOWN line. */
async function injectedFaults(): Promise<void> {
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
}

export async function runPlugin<T extends OptionSpecs>(def: PluginDefinition<T>, argv: string[] = process.argv.slice(2)): Promise<void> {
  let verbose = 0;
  let phase = 'starting';
  const prefs: OutputPrefs = { json: false, maxOutput: 8192 };
  // --textfile: where this run's OpenMetrics go too, known once the options are parsed
  let textfile: { dir: string; name: string; instance: string } | null = null;
  const exported = (metrics: Metric[], state: State): string | null =>
    (textfile ? writeTextfile(textfile.dir, textfile.name, renderOpenMetrics(families(def.name, def.metrics, metrics, state, textfile.instance, Date.now()))) : null);
  const fail = (message: string, state = State.UNKNOWN, extra: string[] = []) => {
    const why = exported([], state);
    finish(renderError(def.label, def.metrics, message, state, why ? [...extra, `note: --textfile: ${why}`] : extra, prefs), state);
  };
  const stackOf = (err: unknown) => (verbose >= 3 && err instanceof Error && err.stack ? err.stack.split('\n') : []);
  installCrashGuards((what, err) => fail(`internal error (${what}): ${describeError(err)}`, State.UNKNOWN, stackOf(err)));
  lookAtArgv(argv, prefs);
  if (prefs.om) prefs.om.program = def.name;
  try {
    faultPoint('startup');
    const parsed = parseStep(def, argv, prefs);
    const meta = metaStep(def, parsed);
    if (meta !== null || !('timeout' in parsed)) return finish(meta ?? '', State.UNKNOWN);
    const opts = parsed;
    verbose = Number(opts.verbose) || 0;
    const instance = opts.instance ?? def.instance?.(opts) ?? watched(opts);
    if (opts.outputFormat === 'openmetrics') prefs.om = { program: def.name, instance };
    if (opts.textfile) textfile = { dir: opts.textfile, name: textfileName(def.name, instance, opts.instance !== undefined), instance };
    const timeout = deadlineStep(opts, prefs, (t) => fail(`timed out after ${t.seconds}s while ${phase}`, t.state));
    const defaults = typeof def.defaults === 'function' ? def.defaults(opts) : def.defaults;
    const thresholds = resolveThresholds(opts.warning, opts.critical, def.metrics.map((m) => m.name), def.primary, defaults);
    process.once('SIGTERM', () => fail(`interrupted by SIGTERM while ${phase}`));
    process.once('SIGINT', () => fail(`interrupted by SIGINT while ${phase}`));

    const notes: string[] = thresholdNotes(thresholds);
    let unsaved: string | null = null;
    const debugLines: string[] = [];
    const startedAt = Date.now();
    const timeoutMs = timeout.seconds * 1000;
    const ctx: RunContext<OptionsOf<T>> = {
      opts, verbose, startedAt, timeout, thresholds, maxOutput: prefs.maxOutput,
      deadline: startedAt + timeoutMs - Math.min(2000, Math.max(100, timeoutMs * 0.15)),
      setPhase: (t) => { phase = t; },
      note: (t) => { notes.push(t); },
      debug: (level, t) => { if (verbose >= level) debugLines.push(t); },
      unsaved: (t) => { unsaved = t; },
      openState: <T>(key: unknown[], schema: Schema<T>) => openStateStep(def.name, opts, timeout, key, schema, ctx),
    };
    await injectedFaults();
    const outcome: CheckOutcome = await def.run(ctx);
    if (isFinished()) return;
    phase = 'rendering';
    const findings = outcome.findings ?? [];
    // a state that cannot be saved blinds every later run: said first, in the state asked for
    const lead = unsaved === null ? null : `${unsaved as string}: the next run cannot go on from this one (what this run read is not remembered)`;
    const ev = evaluate(outcome.metrics, def.metrics, thresholds, lead === null ? findings : [...findings, { state: opts.unsavedState, text: lead }]);
    const own = typeof outcome.summary === 'function' ? outcome.summary(ev) : outcome.summary;
    const summary = lead === null ? own : `${lead}; ${own}`;
    const details = typeof outcome.details === 'function' ? outcome.details(ev) : (outcome.details ?? []);
    // the Prometheus side: written before the output, so that the output can say it failed
    const why = exported(outcome.metrics, ev.state);
    if (why) notes.push(`--textfile: ${why}`);
    const text = { summary, details: joinLines(details, [...notes.map((n) => `note: ${n}`), ...debugLines]), notes };
    finish(renderResult(def.label, def.metrics, outcome, ev, thresholds, text, prefs), ev.state, true);
  } catch (err) {
    if (err instanceof UsageError) fail(`${err.message} (see ${def.name} --help)`);
    else if (err instanceof PluginError) fail(err.message, err.state);
    else fail(`internal error: ${describeError(err)}`, State.UNKNOWN, stackOf(err));
  }
}

/** The program's tables, for the generators (man pages, Icinga 2 commands): `msgwatch --describe`. */
export function describePlugin<T extends OptionSpecs>(def: PluginDefinition<T>): ProgramDescription {
  return {
    name: def.name, label: def.label, description: def.description,
    options: { ...def.options, ...STANDARD_OPTIONS }, examples: def.examples ?? [],
    metrics: def.metrics.map((m) => ({ name: m.name, ...(m.uom ? { uom: m.uom } : {}), help: m.help })),
    // the default thresholds as a run without options has them (examples/prometheus is made from them)
    defaults: typeof def.defaults === 'function' ? def.defaults(parseArgs([], def.options)) : def.defaults,
    exit: EXIT_TEXT,
  };
}

/** The entry point of every plugin executable. */
export function startPlugin<T extends OptionSpecs>(def: PluginDefinition<T>, argv: string[] = process.argv.slice(2)): void {
  void runPlugin(def, argv);
}
