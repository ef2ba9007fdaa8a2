/**
 * Command-line parsing shared by every plugin: the reserved Nagios options plus the plugin's own.
 * yargs never prints or exits by itself here; every parse problem becomes a UsageError so the
 * runner can report it as one UNKNOWN line.
 */
import yargs from 'yargs/yargs';
import type { Options } from 'yargs';
import { UsageError } from './errors.js';
import { parseState, State } from './status.js';
import { parseDuration, parseSize } from './units.js';

export type OptionSpecs = Record<string, Options>;

export interface TimeoutSpec {
  seconds: number;
  state: State;
}

export function parseTimeout(text: string): TimeoutSpec {
  const idx = text.lastIndexOf(':');
  const [dur, st] = idx >= 0 ? [text.slice(0, idx), text.slice(idx + 1)] : [text, ''];
  const seconds = parseDuration(dur);
  if (!(seconds > 0) || seconds > 86400) throw new Error(`timeout '${text}' must be between 1s and 1d`);
  return { seconds, state: st ? parseState(st) : State.UNKNOWN };
}

/** -h/--help and -V/--version are handled before parsing; listed here for the help text only. */
export const HELP_LINES = [
  '  -h, --help            Show this help and exit (status 3, as monitoring-plugins do)',
  '  -V, --version         Show the version and exit (status 3)',
];

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
    type: 'string', choices: ['text', 'json'], default: 'text', requiresArg: true,
    describe: 'text (Nagios plugin output) or json (one JSON object, same exit code)',
  },
  'max-output': {
    type: 'string', default: '8KiB', requiresArg: true,
    describe: 'Cap on the whole output; longer output ends with "... N more"',
  },
  'state-dir': {
    type: 'string', requiresArg: true,
    describe: 'Where state is kept (default $MSGWATCH_STATE_DIR, else /var/tmp/msgwatch-<uid>)',
  },
  'dry-run': {
    type: 'boolean', default: false,
    describe: 'Use the saved state but do not update it (for testing by hand)',
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
  outputFormat: 'text' | 'json';
  maxOutput: string;
  stateDir?: string;
  dryRun: boolean;
}

function camel(key: string): string {
  return key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** yargs does not run `coerce` on defaults, so conversions are applied here, to every value. */
function withoutCoerce(options: OptionSpecs): OptionSpecs {
  const out: OptionSpecs = {};
  for (const [k, v] of Object.entries(options)) {
    const { coerce: _c, ...rest } = v;
    out[k] = rest;
  }
  return out;
}

function applyCoercions(parsed: Record<string, unknown>, options: OptionSpecs): void {
  for (const [key, spec] of Object.entries(options)) {
    const k = camel(key);
    const v = parsed[k];
    if (v === undefined) continue;
    if (spec.choices && !(spec.choices as unknown[]).includes(v)) {
      throw new UsageError(`--${key}: '${String(v)}' is not one of ${(spec.choices as unknown[]).join(', ')}`);
    }
    if (!spec.coerce) continue;
    try {
      parsed[k] = spec.coerce(v);
    } catch (e) {
      throw new UsageError(`--${key}: ${(e as Error).message}`);
    }
  }
}

function build(argv: string[], name: string, options: OptionSpecs, usage: string, examples: [string, string][], standard: OptionSpecs = STANDARD_OPTIONS) {
  let y = yargs(argv)
    .scriptName(name)
    .usage(usage)
    .options(withoutCoerce({ ...options, ...standard }))
    .parserConfiguration({ 'duplicate-arguments-array': true, 'strip-dashed': true, 'greedy-arrays': false })
    .strict()
    .help(false)
    .version(false)
    .exitProcess(false)
    .wrap(100)
    .fail((msg, err) => {
      throw new UsageError(msg || err?.message || 'invalid arguments');
    });
  for (const [cmd, desc] of examples) y = y.example(cmd, desc);
  return y;
}

export type Parser = ReturnType<typeof build>;

/** A parser built ahead of time (in a startup snapshot) and used for one parse later. */
export function prepareParser(name: string, options: OptionSpecs, usage: string, examples: [string, string][], standard: OptionSpecs = STANDARD_OPTIONS): Parser {
  return build([], name, options, usage, examples, standard);
}

export function parseArgs(
  argv: string[], name: string, options: OptionSpecs, usage: string, examples: [string, string][],
  standard: OptionSpecs = STANDARD_OPTIONS, prepared?: Parser,
): ParsedArgs {
  const y = prepared ?? build(argv, name, options, usage, examples, standard);
  let parsed: Record<string, unknown>;
  try {
    parsed = (prepared ? y.parseSync(argv) : y.parseSync()) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError((e as Error).message);
  }
  if (Array.isArray(parsed._) && parsed._.length > 0) {
    throw new UsageError(`unexpected argument '${String(parsed._[0])}' (options take the form --name VALUE)`);
  }
  applyCoercions(parsed, { ...options, ...standard });
  const a = parsed as unknown as ParsedArgs;
  for (const key of ['timeout', 'outputFormat', 'maxOutput', 'stateDir']) {
    if (Array.isArray(a[key])) throw new UsageError(`--${key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} given more than once`);
  }
  a.warning = (a.warning ?? []).map(String);
  a.critical = (a.critical ?? []).map(String);
  return a;
}

export async function helpText(
  argv: string[], name: string, options: OptionSpecs, usage: string, examples: [string, string][],
  standard: OptionSpecs = STANDARD_OPTIONS,
): Promise<string> {
  const text = await build(argv, name, options, usage, examples, standard).getHelp();
  return text.replace(/\nOptions:\n/, `\nOptions:\n${HELP_LINES.join('\n')}\n`);
}

/** A single-valued option converted by `f`; a repeated one is an error. */
const single = <T>(flag: string, f: (text: string) => T) => (v: unknown): T => {
  if (Array.isArray(v)) throw new Error(`--${flag} given more than once`);
  return f(String(v));
};

/** yargs `coerce` helpers: a thrown message becomes the usage error. */
export const coerce = {
  duration: (flag: string) => single(flag, parseDuration),
  size: (flag: string) => single(flag, parseSize),
  state: (flag: string) => single(flag, parseState),
  positiveInt: (flag: string, min = 1) => single(flag, (text) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${flag} must be an integer >= ${min}, got '${text}'`);
    return n;
  }),
  list: () => (v: unknown) => (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(String),
};
