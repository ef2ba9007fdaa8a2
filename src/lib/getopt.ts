/**
 * The run path's command-line parser: GNU getopt_long's grammar, driven by the same option table
 * yargs renders the help from (test/unit/getopt.test.ts proves the two agree wherever yargs
 * accepts the command line). Nagios operators write options the way C plugins accept them:
 *
 *   -w 10:20   -w10:20   -w -1:5   -wmessages=5   -t5s   -f/path   -vvv   -vt 5
 *   --warning 10   --warning=10   --warn 10 (a unique prefix)   --warning -1:5
 *
 * An option that takes a value takes the next argument whatever it starts with (`-w -1:5` is a
 * range, as in getopt). Anything that is not an option is an error: a plugin has no operands, and
 * a stray word is a typo that must not turn into a default.
 */
import type { Options } from 'yargs';
import { UsageError } from './errors.js';

export type OptionSpecs = Record<string, Options>;

interface Opt {
  key: string;
  short: string | null;
  takesValue: boolean;
  kind: 'value' | 'list' | 'flag' | 'count';
}

export function camel(key: string): string {
  // key.replace(/-([a-z])/g, upper) by hand: a regular expression costs its compilation in every
  // process, and every run camel-cases each option of its table (test/unit/getopt.test.ts)
  let i = key.indexOf('-');
  if (i < 0) return key;
  let out = key.slice(0, i);
  for (; i < key.length; i++) {
    const c = key.charCodeAt(i);
    const n = i + 1 < key.length ? key.charCodeAt(i + 1) : 0;
    if (c === 45 && n >= 97 && n <= 122) {
      out += String.fromCharCode(n - 32);
      i++;
    } else out += key[i];
  }
  return out;
}

/** How an option is named in messages: `-t/--timeout`, or `--window`. */
export function optionName(o: { key: string; short: string | null }): string {
  return o.short ? `-${o.short}/--${o.key}` : `--${o.key}`;
}

function table(specs: OptionSpecs): { long: Map<string, Opt>; short: Map<string, Opt> } {
  const long = new Map<string, Opt>();
  const short = new Map<string, Opt>();
  for (const [key, s] of Object.entries(specs)) {
    const aliases = s.alias === undefined ? [] : Array.isArray(s.alias) ? s.alias : [s.alias];
    const sh = aliases.find((a) => a.length === 1) ?? null;
    const kind = s.type === 'count' ? 'count' : s.type === 'boolean' ? 'flag' : s.array ? 'list' : 'value';
    const o: Opt = { key, short: sh, takesValue: kind === 'value' || kind === 'list', kind };
    long.set(key, o);
    for (const a of aliases) (a.length === 1 ? short : long).set(a, o);
  }
  return { long, short };
}

/**
 * Parses argv into { camelCaseKey: value } with the table's defaults filled in: a string for a
 * value option, a string[] for a repeatable one, a boolean for a flag, a number for a count.
 * Help and version are options of the table like any other (callers add them).
 */
export function getopt(argv: string[], specs: OptionSpecs): Record<string, unknown> {
  const { long, short } = table(specs);
  const out: Record<string, unknown> = {};
  const set = (o: Opt, value: string | null) => {
    const k = camel(o.key);
    if (o.kind === 'count') out[k] = ((out[k] as number | undefined) ?? 0) + 1;
    else if (o.kind === 'flag') out[k] = true;
    else if (o.kind === 'list') ((out[k] ??= []) as string[]).push(value!);
    else if (k in out) throw new UsageError(`${optionName(o)} given more than once`);
    else out[k] = value;
  };

  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      if (i + 1 < argv.length) throw new UsageError(`unexpected argument '${argv[i + 1]}' (a plugin takes options only)`);
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      const o = findLong(long, name);
      if (o.takesValue) {
        if (eq >= 0) set(o, a.slice(eq + 1));
        else if (i + 1 < argv.length) set(o, argv[++i]);
        else throw new UsageError(`${optionName(o)} needs a value`);
      } else {
        if (eq >= 0) throw new UsageError(`${optionName(o)} takes no value (got '${a.slice(eq + 1)}')`);
        set(o, null);
      }
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const o = short.get(a[j]);
        if (!o) throw new UsageError(j === 1 ? `unknown option '-${a[j]}'` : `unknown option '-${a[j]}' in '${a}'`);
        if (!o.takesValue) { set(o, null); continue; }
        if (j + 1 < a.length) set(o, a.slice(j + 1)); // attached: -t5s, -w10:20, -f/path
        else if (i + 1 < argv.length) set(o, argv[++i]);
        else throw new UsageError(`${optionName(o)} needs a value`);
        break;
      }
      continue;
    }
    throw new UsageError(`unexpected argument '${a}' (options take the form -x VALUE or --name VALUE)`);
  }

  for (const [key, s] of Object.entries(specs)) {
    const k = camel(key);
    if (k in out || s.default === undefined) continue;
    out[k] = Array.isArray(s.default) ? [...(s.default as unknown[])] : s.default;
  }
  return out;
}

/** An exact long name, else a unique prefix of one (getopt_long), else an error naming the candidates. */
function findLong(long: Map<string, Opt>, name: string): Opt {
  const exact = long.get(name);
  if (exact) return exact;
  if (name === '') throw new UsageError(`unknown option '--'`);
  const hits = new Map<string, Opt>();
  for (const [n, o] of long) if (n.startsWith(name)) hits.set(o.key, o);
  if (hits.size === 1) return [...hits.values()][0];
  if (hits.size > 1) throw new UsageError(`option '--${name}' is ambiguous: ${[...hits.keys()].map((k) => `--${k}`).join(', ')}`);
  throw new UsageError(`unknown option '--${name}'`);
}
