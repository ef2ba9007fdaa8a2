/**
 * What a check is, as the runner sees it: its definition (options, metrics, defaults, run), the
 * context a run gets, and what it hands back (metrics and findings). The pipeline's stages are
 * in their own files: evaluate.ts (thresholds, pure), render.ts (text or JSON from values),
 * runner.ts (the run's steps).
 */
import type { Lines } from './output.js';
import type { OptionSpecs, OptionsOf, ParsedArgs, TimeoutSpec } from './cli.js';
import type { Range } from './range.js';
import type { Schema } from './state/schema.js';
import type { State } from './status.js';
import type { ThresholdDefaults, Thresholds } from './thresholds.js';
import type { Uom } from './perfdata.js';

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
  /** OpenMetrics: the family a per-item metric belongs to (default: its name), and its labels */
  family?: string;
  labels?: Record<string, string>;
  /** OpenMetrics HELP of that family */
  help?: string;
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
  /** long output: lines, or lines made when the output reaches them (output.ts Lines) */
  details?: Lines | ((ev: Evaluation) => Lines);
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
  /** --max-output in bytes, as the runner parsed and checked it: what the output may hold */
  maxOutput: number;
  setPhase(text: string): void;
  note(text: string): void;
  debug(level: number, text: string): void;
  openState<T>(key: unknown[], schema: Schema<T>): Promise<StateHandle<T>>;
  /** the saved state was there but unusable (corrupt, foreign, not a file): this run started fresh */
  stateLost?: boolean;
  /** the runner's: the state could not be saved (the result says so, in --unsaved-state) */
  unsaved(text: string): void;
}

/** A check: T is its option table, and the options its run gets are the table's type (OptionsOf). */
export interface PluginDefinition<T extends OptionSpecs> {
  name: string; // executable name, e.g. check_delayed_dump
  label: string; // first word of the output, e.g. DELAYED_DUMP
  description: string;
  options: T;
  examples?: [string, string][];
  metrics: MetricSpec[];
  primary: string;
  defaults: ThresholdDefaults | ((opts: OptionsOf<T> & ParsedArgs) => ThresholdDefaults);
  helpEpilogue?: string;
  /** what the run watches, for the OpenMetrics `instance` label and the --textfile name (default: -f, --mcs-db or -H) */
  instance?(opts: OptionsOf<T> & ParsedArgs): string;
  run(ctx: RunContext<OptionsOf<T>>): Promise<CheckOutcome>;
}


/** What the generators need to know of a program, from its own tables (`msgwatch --describe`). */
export interface ProgramDescription {
  name: string;
  /** the first word of its output (checks) */
  label?: string;
  description: string;
  /** its own options and the shared ones, as one table */
  options: OptionSpecs;
  examples: [string, string][];
  metrics: { name: string; uom?: string; help: string }[];
  /** default thresholds (checks) */
  defaults?: ThresholdDefaults;
  exit: string;
}
