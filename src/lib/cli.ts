/**
 * Command-line parsing shared by every plugin: the reserved Nagios options plus the plugin's own.
 * One option table drives the run-path parser (getopt.ts, GNU getopt_long's grammar), the help
 * text (help.ts) and, in the tests, yargs, which must read every command line it accepts the same
 * way. Every parse problem becomes a UsageError so the runner reports it as one UNKNOWN line.
 */
import type { Options } from 'yargs';
import { UsageError } from './errors.js';
import { camel, getopt, optionName } from './getopt.js';
import { renderHelp } from './help.js';
import { parseState, State } from './status.js';
import { parseDuration, parseSize } from './units.js';

export type OptionSpecs = Record<string, Options>;

type Camel<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;
type ValueOf<S> =
  S extends { coerce: (v: never) => infer R } ? R
    : S extends { type: 'boolean' } ? boolean
      : S extends { type: 'count' } ? number
        : S extends { array: true } ? string[]
          : S extends { default: string } ? string
            : string | undefined;

/**
 * The options a table gives a run, by camelCase key (`--stale-log` is `staleLog`): what `coerce`
 * returns, else boolean for a flag, number for a count, string[] for a repeatable option, string
 * (or undefined without a default). Declare tables `as const satisfies OptionSpecs`: the table
 * is the type, so an option and the field a check reads cannot drift apart.
 */
export type OptionsOf<T> = { -readonly [K in keyof T & string as Camel<K>]: ValueOf<T[K]> };

export interface TimeoutSpec {
  seconds: number;
  state: State;
}

export function parseTimeout(text: string): TimeoutSpec {
  const idx = text.lastIndexOf(':');
  const [dur, st] = idx >= 0 ? [text.slice(0, idx), text.slice(idx + 1)] : [text, ''];
  if (idx >= 0 && !st) throw new Error(`'${text}' ends in ':' with no state (SECONDS:STATE, e.g. 10:CRITICAL)`);
  const seconds = parseDuration(dur);
  if (!(seconds >= 1) || seconds > 86400) throw new Error(`'${text}' must be between 1s and 1d`);
  return { seconds, state: st ? parseState(st) : State.UNKNOWN };
}

/** A single-valued option converted by `f` (getopt has already refused a repeated one). */
const single = <T>(f: (text: string) => T) => (v: unknown): T => f(String(v));

/** Names the value in the help (`--window DURATION`). */
const named = <F extends object>(placeholder: string, f: F): F => Object.assign(f, { placeholder });

/** `coerce` helpers: a thrown message (without the option's name: the caller adds it) becomes the usage error. */
export const coerce = {
  duration: () => named('DURATION', single(parseDuration)),
  /** a size of at least `min` bytes */
  size: (min = 0) => named('SIZE', single((text) => {
    const n = parseSize(text);
    if (n < min) throw new Error(`'${text}' is too small: at least ${min} bytes`);
    return n;
  })),
  state: () => named('STATE', single(parseState)),
  positiveInt: (min = 1) => named('N', single((text) => {
    const n = /^\s*\d{1,15}\s*$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(n) || n < min) throw new Error(`must be a whole number >= ${min}, got '${text}'`);
    return n;
  })),
  list: () => (v: unknown) => (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(String),
};

export const STANDARD_OPTIONS: OptionSpecs = {
  verbose: { alias: 'v', type: 'count', describe: 'More detail; repeat up to 3 times (-vvv adds stack traces)' },
  timeout: {
    alias: 't', type: 'string', default: '10', requiresArg: true,
    describe: 'Give up after SECONDS[:STATE] (e.g. 10, 30s, 1m:CRITICAL); the state defaults to UNKNOWN',
  },
  warning: {
    alias: 'w', type: 'string', array: true, requiresArg: true, default: [] as string[],
    describe: 'Warning threshold: RANGE for the primary metric or NAME=RANGE; repeatable; NAME=none drops a default',
  },
  critical: {
    alias: 'c', type: 'string', array: true, requiresArg: true, default: [] as string[],
    describe: 'Critical threshold: RANGE for the primary metric or NAME=RANGE; repeatable',
  },
  'output-format': {
    type: 'string', choices: ['text', 'json', 'openmetrics'], default: 'text', requiresArg: true,
    describe: 'text (Nagios plugin output), json (one JSON object) or openmetrics (Prometheus exposition); same exit code',
  },
  textfile: {
    type: 'string', requiresArg: true,
    describe: "Also write the run's OpenMetrics to DIR/msgwatch_<program>_<instance>.prom, atomically (node_exporter's textfile collector); stdout stays as asked",
  },
  instance: {
    type: 'string', requiresArg: true,
    describe: 'The instance label and --textfile name (default: derived from what is watched: -f, --mcs-db or -H)',
  },
  'max-output': {
    type: 'string', default: '8KiB', requiresArg: true, coerce: coerce.size(256),
    describe: 'Cap on the whole output; longer output ends with "... N more"',
  },
  'state-dir': {
    type: 'string', requiresArg: true,
    describe: 'Where state is kept (default $MSGWATCH_STATE_DIR, else /var/lib/msgwatch/<user> when the package made it, else /var/tmp/msgwatch-<uid>)',
  },
  'extra-opts': {
    type: 'string', requiresArg: false,
    describe: 'Read options from an ini file: [SECTION][@FILE] (default section: the program name; default file: $MP_CONFIG_FILE, $NAGIOS_CONFIG_PATH, /etc/monitoring-plugins/monitoring-plugins.ini, ...); the command line wins',
  },
  'dry-run': {
    type: 'boolean', default: false,
    describe: 'Use the saved state but do not update it (for testing by hand)',
  },
  'unsaved-state': {
    type: 'string', default: 'UNKNOWN', requiresArg: true, coerce: coerce.state(),
    describe: 'State of a run that could not save its state (the next run could not go on from where this one stopped)',
  },
};

export interface ParsedArgs {
  [key: string]: unknown;
  help?: boolean;
  version?: boolean;
  verbose: number;
  timeout: string;
  warning: string[];
  critical: string[];
  outputFormat: 'text' | 'json' | 'openmetrics';
  textfile?: string;
  instance?: string;
  /** bytes: --max-output as its coerce parsed it */
  maxOutput: number;
  stateDir?: string;
  dryRun: boolean;
  unsavedState: State;
}

/** -h and -V are options like any other for the parser (`-vh` is help). */
const META: OptionSpecs = { help: { alias: 'h', type: 'boolean' }, version: { alias: 'V', type: 'boolean' } };

function applyCoercions(parsed: Record<string, unknown>, options: OptionSpecs): void {
  for (const [key, spec] of Object.entries(options)) {
    const k = camel(key);
    const v = parsed[k];
    if (v === undefined) continue;
    const name = optionName({ key, short: typeof spec.alias === 'string' && spec.alias.length === 1 ? spec.alias : null });
    if (spec.choices && !(spec.choices as unknown[]).includes(v)) {
      throw new UsageError(`${name}: '${String(v)}' is not one of ${(spec.choices as unknown[]).join(', ')}`);
    }
    if (typeof v === 'string' && spec.requiresArg && v === '') throw new UsageError(`${name} needs a value, got an empty one`);
    if (Array.isArray(v) && v.includes('')) throw new UsageError(`${name} needs a value, got an empty one`);
    if (!spec.coerce) continue;
    try {
      parsed[k] = spec.coerce(v);
    } catch (e) {
      throw new UsageError(`${name}: ${(e as Error).message}`);
    }
  }
}

/**
 * The options of `argv` by the table: the one place where the parser's untyped record becomes
 * the table's type (getopt fills every key the table has, coerce makes each value its type).
 */
export function parseArgs<T extends OptionSpecs>(argv: string[], options: T, standard: OptionSpecs = STANDARD_OPTIONS): OptionsOf<T> & ParsedArgs {
  const all = { ...options, ...standard };
  const parsed = getopt(argv, { ...all, ...META });
  if (!parsed.help && !parsed.version) {
    applyCoercions(parsed, all);
    parsed.warning = ((parsed.warning as unknown[] | undefined) ?? []).map(String);
    parsed.critical = ((parsed.critical as unknown[] | undefined) ?? []).map(String);
  }
  return parsed as OptionsOf<T> & ParsedArgs;
}

/** The help text from the same option table (help.ts): `usage` is "Usage: ...\n\ndescription". */
export function helpText(name: string, options: OptionSpecs, usage: string, examples: [string, string][], standard: OptionSpecs = STANDARD_OPTIONS, metaExit = 3): string {
  const cut = usage.indexOf('\n\n');
  return renderHelp({
    name, usage: cut < 0 ? usage : usage.slice(0, cut), description: cut < 0 ? '' : usage.slice(cut + 2),
    options: { ...options, ...standard }, examples, metaExit,
  });
}

