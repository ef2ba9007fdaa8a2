/**
 * `--extra-opts[=[SECTION][@FILE]]`, as the Monitoring Plugins read it (lib/extra_opts.c,
 * lib/parse_ini.c): options from an ini file, so that what NRPE's nasty_metachars refuse on a
 * command line (a regex with `|`, `[`, `{`) can live in a file on the monitored host.
 *
 *   --extra-opts                 section = the program's name, in the default file
 *   --extra-opts=SECTION         that section of the default file
 *   --extra-opts=@FILE           the program's section of FILE
 *   --extra-opts=SECTION@FILE
 *
 * The default file: $MP_CONFIG_FILE; else monitoring-plugins.ini, plugins.ini or
 * nagios-plugins.ini in each directory of $NAGIOS_CONFIG_PATH (colon-separated); else the first
 * of DEFAULT_FILES that exists. In a section, `key = value` is `--key=value` and `key =` a flag
 * (`--key`); a one-letter key is the short option with its value attached (`w = 5` is `-w5`;
 * the C plugins make it `-w=5`, which their getopt then misreads). `#` and `;` start comment
 * lines, and a `#` ends a value. Lines before the first section, or without `=`, are errors.
 *
 * The file's options come first; an option also given on the command line is taken from the
 * command line only (the command line wins, as getopt's last-one-wins does for C plugins), while
 * a repeat within one source stays the parser's usage error. Every problem is a UsageError
 * naming the file, the section and the line: UNKNOWN, never a silent default.
 */
import { closeSync, constants, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { UsageError } from './errors.js';
import type { OptionSpecs } from './getopt.js';

export const DEFAULT_FILES = [
  '/usr/local/etc/monitoring-plugins/monitoring-plugins.ini',
  '/etc/monitoring-plugins/monitoring-plugins.ini',
  // the older names the C plugins still search
  '/etc/nagios/plugins.ini',
  '/usr/local/nagios/etc/plugins.ini',
  '/usr/local/etc/nagios/plugins.ini',
  '/etc/opt/nagios/plugins.ini',
  '/etc/nagios-plugins.ini',
  '/usr/local/etc/nagios-plugins.ini',
  '/etc/opt/nagios-plugins.ini',
];
const NAMES_IN_PATH = ['monitoring-plugins.ini', 'plugins.ini', 'nagios-plugins.ini'];
const MAX_FILE = 1 << 20;

function defaultFile(env: NodeJS.ProcessEnv): string {
  if (env.MP_CONFIG_FILE) return env.MP_CONFIG_FILE;
  for (const dir of (env.NAGIOS_CONFIG_PATH ?? '').split(':').filter(Boolean)) {
    for (const n of NAMES_IN_PATH) if (existsSync(`${dir}/${n}`)) return `${dir}/${n}`;
  }
  const found = DEFAULT_FILES.find((f) => existsSync(f));
  if (!found) {
    throw new UsageError(`--extra-opts: no config file in any standard location ($MP_CONFIG_FILE, $NAGIOS_CONFIG_PATH, ${DEFAULT_FILES.slice(0, 2).join(', ')}, ...); name one with --extra-opts=@FILE`);
  }
  return found;
}

function readIni(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new UsageError(`--extra-opts: cannot read config file ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  try {
    if (!fstatSync(fd).isFile()) throw new UsageError(`--extra-opts: ${path} is not a regular file`);
    const buf = Buffer.alloc(MAX_FILE + 1);
    let n = 0;
    for (let got; n <= MAX_FILE && (got = readSync(fd, buf, n, buf.length - n, null)) > 0;) n += got;
    if (n > MAX_FILE) throw new UsageError(`--extra-opts: ${path} is larger than 1 MiB`);
    return buf.toString('utf8', 0, n);
  } finally {
    closeSync(fd);
  }
}

/** The arguments one section of an ini text stands for. */
export function sectionArgs(text: string, section: string, where: string): string[] {
  const out: string[] = [];
  let current: string | null = null;
  let found = false;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const at = `${where} line ${i + 1}`;
    if (line.startsWith('[')) {
      const close = line.indexOf(']');
      if (close < 0) throw new UsageError(`--extra-opts: ${at}: a section header without ']'`);
      current = line.slice(1, close).trim();
      if (current === section) found = true;
      continue;
    }
    if (current === null) throw new UsageError(`--extra-opts: ${at}: an option before the first [section]`);
    if (current !== section) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new UsageError(`--extra-opts: ${at}: expected key=value, got '${line.slice(0, 80)}'`);
    const key = line.slice(0, eq).trim();
    let value = line.slice(eq + 1);
    const hash = value.indexOf('#');
    if (hash >= 0) value = value.slice(0, hash);
    value = value.trim();
    if (/\s/.test(key)) throw new UsageError(`--extra-opts: ${at}: '${key.slice(0, 80)}' is not an option name`);
    if (key.length === 1) out.push(`-${key}${value}`);
    else out.push(value ? `--${key}=${value}` : `--${key}`);
  }
  if (!found) throw new UsageError(`--extra-opts: no section [${section}] in ${where}`);
  return out;
}

/** Is `arg` --extra-opts (or a unique prefix of it, as getopt_long takes), with or without a value? */
function extraOptsArg(arg: string): { value: string | undefined } | null {
  if (!arg.startsWith('--')) return null;
  const eq = arg.indexOf('=');
  const name = arg.slice(2, eq < 0 ? undefined : eq);
  if (name.length < 3 || !'extra-opts'.startsWith(name)) return null;
  return { value: eq < 0 ? undefined : arg.slice(eq + 1) };
}

/** The canonical key of each option an argument vector sets, for "the command line wins". */
function keysOf(argv: string[], options: OptionSpecs): Set<string> {
  const byShort = new Map<string, string>();
  const keys = Object.keys(options);
  for (const [k, s] of Object.entries(options)) {
    const a = s.alias === undefined ? [] : Array.isArray(s.alias) ? s.alias : [s.alias];
    for (const x of a) if (x.length === 1) byShort.set(x, k);
  }
  const out = new Set<string>();
  for (const arg of argv) {
    if (arg === '--') break;
    if (arg.startsWith('--')) {
      const name = arg.slice(2).split('=')[0];
      const exact = keys.find((k) => k === name);
      const prefixed = keys.filter((k) => k.startsWith(name));
      const key = exact ?? (prefixed.length === 1 ? prefixed[0] : undefined);
      if (key) out.add(key);
    } else if (arg.startsWith('-') && arg.length > 1) {
      const key = byShort.get(arg[1]);
      if (key) out.add(key);
    }
  }
  return out;
}

/** Drops from `args` (the file's: one token per option) every option whose key is in `taken`. */
function without(args: string[], taken: Set<string>, options: OptionSpecs): string[] {
  return args.filter((a) => ![...keysOf([a], options)].some((k) => taken.has(k)));
}

/** The argument vector with every --extra-opts replaced by what it stands for. */
export function expandExtraOpts(argv: string[], program: string, options: OptionSpecs, env: NodeJS.ProcessEnv = process.env): string[] {
  const cut = argv.indexOf('--');
  const head = cut < 0 ? argv : argv.slice(0, cut);
  if (!head.some((a) => extraOptsArg(a))) return argv;
  const fromFiles: string[] = [];
  const rest: string[] = [];
  for (const a of head) {
    const x = extraOptsArg(a);
    if (!x) { rest.push(a); continue; }
    const locator = x.value ?? '';
    const at = locator.indexOf('@');
    const section = (at < 0 ? locator : locator.slice(0, at)) || program;
    const file = at < 0 ? defaultFile(env) : locator.slice(at + 1) || defaultFile(env);
    const args = sectionArgs(readIni(file), section, file);
    if (args.some((y) => extraOptsArg(y))) throw new UsageError(`--extra-opts: [${section}] in ${file} names --extra-opts itself`);
    fromFiles.push(...args);
  }
  const tail = cut < 0 ? [] : argv.slice(cut);
  return [...without(fromFiles, keysOf(rest, options), options), ...rest, ...tail];
}
