/**
 * Schemas for saved state: one per state shape, checked field by field, by type and by
 * plausibility, when the state is read back. State lives in a directory other users may write
 * to and outlives versions of this code, so nothing in it is trusted: a value that does not fit
 * discards the whole state (a first run), and the note names the field and what was wrong.
 *
 * Hand-written (about 100 lines) rather than a validation library: it adds nothing to start-up
 * (measured in BENCHMARKS.md) and its `Schema<T>` ties each schema to the TypeScript interface
 * of the state, so the two cannot drift apart unnoticed.
 */

export interface Schema<T> {
  /** null when `v` fits, else what is wrong at `path` */
  check(v: unknown, path: string): string | null;
  /**
   * Does `v` fit? The same rules without the paths: a state is checked by this first, and by
   * `check` only when it does not fit, for the note. Building each field's path as it went was
   * most of a large state's check (2,000 UM applications: 300,000 paths, 70 of 160 ms of a load).
   */
  ok(v: unknown): boolean;
  readonly _type?: T;
}

/** Times saved by this program cannot be later than the save itself (set per validation). */
let latest = Infinity;
/** Before this no msgwatch state was ever written: a 0 or a seconds value is not a time of ours. */
const EARLIEST = Date.UTC(2000, 0, 1);

function show(v: unknown): string {
  let t: string;
  try { t = JSON.stringify(v) ?? String(v); } catch { t = String(v); }
  return t.length > 40 ? `${t.slice(0, 40)}...` : t;
}

/** A leaf's check builds no path unless it fails, so its `ok` is its check. */
const schema = <T>(check: (v: unknown, path: string) => string | null, ok = (v: unknown) => check(v, '') === null): Schema<T> => ({ check, ok });
const fail = (path: string, want: string, v: unknown) => `${path}: expected ${want}, got ${show(v)}`;

export const str = (max = 4096): Schema<string> =>
  schema((v, p) => (typeof v === 'string' && v.length <= max ? null : fail(p, `a string of at most ${max} characters`, v)));

/** A short string, a finite number or null: one field of a daemon's last-record snapshot. */
export const scalar: Schema<string | number | null> = schema((v, p) =>
  (v === null || (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v.length <= 4096) ? null : fail(p, 'a string, a number or null', v)));

export const bool: Schema<boolean> = schema((v, p) => (typeof v === 'boolean' ? null : fail(p, 'true or false', v)));

/** A finite number in [min, max]; `int` for whole numbers. */
export const num = (o: { min?: number; max?: number; int?: boolean } = {}): Schema<number> => {
  const min = o.min ?? -Number.MAX_VALUE;
  const max = o.max ?? Number.MAX_VALUE;
  const want = `${o.int ? 'a whole number' : 'a number'} in [${min === -Number.MAX_VALUE ? '-inf' : min}, ${max === Number.MAX_VALUE ? 'inf' : max}]`;
  return schema((v, p) => (typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max && (!o.int || Number.isSafeInteger(v)) ? null : fail(p, want, v)));
};

/** A count: a whole number >= 0. */
export const count = num({ min: 0, int: true });

/** A time this program saved (ms since the epoch): after 2000, not after the state was saved. */
export const time: Schema<number> = schema((v, p) =>
  typeof v === 'number' && Number.isFinite(v) && v >= EARLIEST && v <= latest ? null : fail(p, 'a time (ms since 1970) after 2000 and not after the save', v));

/** A time printed in an input (an lbmmon stamp, ms): the monitored host's clock, which may be anything. */
export const stamp = num({ min: 0 });

export const literal = <T extends string>(...values: T[]): Schema<T> =>
  schema((v, p) => ((values as unknown[]).includes(v) ? null : fail(p, `one of ${values.join(', ')}`, v)));

export const nullable = <T>(s: Schema<T>): Schema<T | null> => schema((v, p) => (v === null ? null : s.check(v, p)), (v) => v === null || s.ok(v));

export const optional = <T>(s: Schema<T>): Schema<T | undefined> => schema((v, p) => (v === undefined ? null : s.check(v, p)), (v) => v === undefined || s.ok(v));

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** An object with exactly these fields (optional ones may be absent; unknown ones are refused). */
export function obj<T>(shape: { [K in keyof T]-?: Schema<T[K]> }): Schema<T> {
  const entries = Object.entries(shape) as [string, Schema<unknown>][];
  const known = new Set(entries.map(([k]) => k));
  return schema((v, p) => {
    if (!isObject(v)) return fail(p, 'an object', v);
    for (const [k, s] of entries) {
      const e = s.check(v[k], `${p}.${k}`);
      if (e) return e;
    }
    for (const k of Object.keys(v)) if (!known.has(k)) return `${p}: unexpected field '${k.slice(0, 40)}'`;
    return null;
  }, (v) => {
    if (!isObject(v)) return false;
    for (let i = 0; i < entries.length; i++) if (!entries[i][1].ok(v[entries[i][0]])) return false;
    for (const k in v) if (!known.has(k)) return false;
    return true;
  });
}

export function record<T>(of: Schema<T>, maxKeys = 100_000): Schema<Record<string, T>> {
  return schema((v, p) => {
    if (!isObject(v)) return fail(p, 'an object', v);
    const keys = Object.keys(v);
    if (keys.length > maxKeys) return `${p}: more than ${maxKeys} entries`;
    for (const k of keys) {
      const e = of.check(v[k], `${p}[${JSON.stringify(k.slice(0, 40))}]`);
      if (e) return e;
    }
    return null;
  }, (v) => {
    if (!isObject(v)) return false;
    const keys = Object.keys(v);
    if (keys.length > maxKeys) return false;
    for (let i = 0; i < keys.length; i++) if (!of.ok(v[keys[i]])) return false;
    return true;
  });
}

export function array<T>(of: Schema<T>, max = 100_000): Schema<T[]> {
  return schema((v, p) => {
    if (!Array.isArray(v)) return fail(p, 'a list', v);
    if (v.length > max) return `${p}: more than ${max} entries`;
    for (let i = 0; i < v.length; i++) {
      const e = of.check(v[i], `${p}[${i}]`);
      if (e) return e;
    }
    return null;
  }, (v) => {
    if (!Array.isArray(v) || v.length > max) return false;
    for (let i = 0; i < v.length; i++) if (!of.ok(v[i])) return false;
    return true;
  });
}

export function pair<A, B>(a: Schema<A>, b: Schema<B>): Schema<[A, B]> {
  return schema((v, p) => {
    if (!Array.isArray(v) || v.length !== 2) return fail(p, 'a pair', v);
    return a.check(v[0], `${p}[0]`) ?? b.check(v[1], `${p}[1]`);
  }, (v) => Array.isArray(v) && v.length === 2 && a.ok(v[0]) && b.ok(v[1]));
}

/** An extra rule across fields (e.g. prev < newest), after the fields themselves are checked. */
export function where<T>(s: Schema<T>, rule: (v: T) => string | null): Schema<T> {
  return schema((v, p) => s.check(v, p) ?? (rule(v as T) === null ? null : `${p}: ${rule(v as T)}`), (v) => s.ok(v) && rule(v as T) === null);
}

/** Checks `v` against `s`; times may not be later than `savedAt`. */
export function validate<T>(s: Schema<T>, v: unknown, savedAt = Infinity): { ok: true; value: T } | { ok: false; problem: string } {
  latest = savedAt;
  try {
    if (s.ok(v)) return { ok: true, value: v as T };
    // the paths are built only now, for the note; the two must agree (test/unit/state-schema.test.ts)
    const problem = s.check(v, 'state');
    return problem === null ? { ok: false, problem: 'state: does not fit its schema' } : { ok: false, problem };
  } finally {
    latest = Infinity;
  }
}
