import { execa } from 'execa';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach } from 'vitest';

export const ROOT = resolve(__dirname, '..');
export const BIN = join(ROOT, 'dist', 'bin');
export const JS = join(ROOT, 'dist');

/**
 * The real captures (../shared/real beside the checkout, or MSGWATCH_REAL_CAPTURES): read where
 * they are, never copied into the repository. A clone without them skips their tests, and the
 * global setup says so in one line; CI sets the variable and fails when they are missing.
 */
export const REAL = process.env.MSGWATCH_REAL_CAPTURES || join(ROOT, '..', 'shared', 'real');
export const HAVE_REAL = existsSync(join(REAL, 'README.md'));

/** A scratch directory; its cleanup retries while a daemon killed moments ago still writes its last files (ENOTEMPTY). */
export function tempDir(prefix = 'msgwatch-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }) };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  line1: string;
  perf: Record<string, string>;
}

/** Perfdata of a whole output (line 1 and any later `|` section), label -> value field. */
export function parsePerf(stdout: string): Record<string, string> {
  const lines = stdout.split('\n');
  const parts: string[] = [];
  const first = lines[0].indexOf('|');
  if (first >= 0) parts.push(lines[0].slice(first + 1));
  let inPerf = false;
  for (const l of lines.slice(1)) {
    if (inPerf) parts.push(l);
    else if (l.includes('|')) { inPerf = true; parts.push(l.slice(l.indexOf('|') + 1)); }
  }
  const out: Record<string, string> = {};
  const re = /'([^']*)'=(\S*)/g;
  for (const p of parts) for (const m of p.matchAll(re)) out[m[1]] = m[2];
  return out;
}

export function perfValue(r: RunResult, label: string): number | null {
  const f = r.perf[label];
  if (f === undefined) throw new Error(`no perfdata '${label}' in: ${r.stdout}`);
  const v = f.split(';')[0].replace(/[a-zA-Z%]+$/, '');
  return v === 'U' || v === '' ? null : Number(v);
}

/** Runs a built standalone executable the way a scheduler does: no Node on PATH, no Node env. */
export async function runBin(name: string, args: string[], env: Record<string, string> = {}, opts: { input?: string; timeout?: number; jsBundle?: boolean } = {}): Promise<RunResult> {
  const cmd = opts.jsBundle ? process.execPath : join(BIN, name);
  const argv = opts.jsBundle ? [join(JS, `${name}.js`), ...args] : args;
  const r = await execa(cmd, argv, {
    env: { PATH: '/usr/bin:/bin', ...env },
    extendEnv: false,
    reject: false,
    timeout: opts.timeout ?? 30_000,
    input: opts.input,
    stripFinalNewline: false,
  });
  const stdout = String(r.stdout);
  return { code: r.exitCode ?? -1, stdout, stderr: String(r.stderr), line1: stdout.split('\n')[0], perf: parsePerf(stdout) };
}

/**
 * Strict Nagios perfdata check ('label'=value[UOM];warn;crit;min;max, space separated):
 * throws on anything a scheduler or graphing tool could misread.
 */
export function validatePerfdata(perf: string): string[] {
  const items: string[] = [];
  const re = /^'([^'=]+)'=(U|-?\d+(?:\.\d+)?)(c|s|ms|us|B|%)?(;[^;\s]*){0,4}$/;
  const range = /^@?(~|-?\d+(\.\d+)?)?:?(-?\d+(\.\d+)?)?$/;
  for (const item of perf.trim().split(/\s+/).filter(Boolean)) {
    const m = re.exec(item);
    if (!m) throw new Error(`invalid perfdata item: ${item}`);
    const fields = item.slice(item.indexOf('=') + 1).split(';');
    for (const r of fields.slice(1, 3)) if (r && !range.test(r)) throw new Error(`invalid range '${r}' in ${item}`);
    for (const n of fields.slice(3)) if (n && !/^-?\d+(\.\d+)?$/.test(n)) throw new Error(`invalid min/max '${n}' in ${item}`);
    items.push(m[1]);
  }
  return items;
}

/** The whole perfdata of a plugin output: after the first | on line 1 and after a later | line. */
export function allPerfdata(stdout: string): string {
  const lines = stdout.split('\n');
  const parts: string[] = [];
  const i = lines[0].indexOf('|');
  if (i >= 0) parts.push(lines[0].slice(i + 1));
  const later = lines.slice(1).findIndex((l) => l.includes('|'));
  if (later >= 0) {
    const l = lines[later + 1];
    parts.push(l.slice(l.indexOf('|') + 1), ...lines.slice(later + 2));
  }
  return parts.join(' ');
}

/** Polls `f` every 250 ms until it gives a value (a server's state reached), or fails naming `what`. */
export async function until<T>(what: string, f: () => T | undefined | false | Promise<T | undefined | false>, ms = 90_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export interface Scratch { dir: string; file: string; env: Record<string, string> }

/**
 * A fresh temporary directory for each test of the calling suite (made before each test, removed
 * after it): `use` gets it, the path of `file` in it, and an environment whose state directory
 * is inside it.
 */
export function scratch(file: string, use: (s: Scratch) => void): void {
  let cleanup = () => {};
  beforeEach(() => {
    const t = tempDir();
    cleanup = t.cleanup;
    use({ dir: t.dir, file: join(t.dir, file), env: { MSGWATCH_STATE_DIR: join(t.dir, 'state') } });
  });
  afterEach(() => cleanup());
}

/**
 * A block as the parser handed it over, its fields copied: a parser reuses one set of fields for
 * every wanted block (src/um/parse.ts), so a test that keeps blocks past onBlock keeps copies.
 */
export const keptBlock = <B extends { fields: Iterable<[string, number | null]> }>(b: B): B & { fields: Map<string, number | null> } =>
  ({ ...b, fields: new Map(b.fields) });
