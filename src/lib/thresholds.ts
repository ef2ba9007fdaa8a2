/**
 * `-w/--warning` and `-c/--critical`: each either a bare RANGE (the plugin's primary metric) or
 * NAME=RANGE, repeatable. A user's setting replaces the plugin's default for that metric only.
 */
import { os } from './builtins.js';
import { UsageError } from './errors.js';
import { parseRange, RangeError, type Range } from './range.js';

export interface ThresholdPair {
  warn?: Range;
  crit?: Range;
}
export type Thresholds = Map<string, ThresholdPair>;

export interface ThresholdDefaults {
  [metric: string]: { warn?: string; crit?: string };
}

export function resolveThresholds(
  warnings: string[],
  criticals: string[],
  metricNames: string[],
  primary: string,
  defaults: ThresholdDefaults,
): Thresholds {
  const result: Thresholds = new Map();
  for (const [name, d] of Object.entries(defaults)) {
    // a default for a metric the check does not have would never apply: a program error, loud
    if (!metricNames.includes(name)) throw new Error(`the default threshold names '${name}', which is not a metric of this check`);
    result.set(name, {
      warn: d.warn === undefined ? undefined : parseRange(d.warn),
      crit: d.crit === undefined ? undefined : parseRange(d.crit),
    });
  }
  const apply = (specs: string[], which: 'warn' | 'crit', flag: string) => {
    const given = new Map<string, string>();
    for (const spec of specs) {
      const eq = spec.indexOf('=');
      const name = eq >= 0 ? spec.slice(0, eq).trim() : primary;
      const rangeText = eq >= 0 ? spec.slice(eq + 1) : spec;
      if (!metricNames.includes(name)) {
        throw new UsageError(`${flag} ${spec}: unknown metric '${name}' (valid: ${metricNames.join(', ')})`);
      }
      // last-wins would silently drop one of them: say which two disagree
      const before = given.get(name);
      if (before !== undefined) throw new UsageError(`${flag} given twice for ${name} ('${before}' and '${rangeText}'): give it once`);
      given.set(name, rangeText);
      const home = shellHome(rangeText);
      if (home) throw new UsageError(`${flag} ${spec}: '${rangeText}' looks like '~${rangeText.slice(home.length)}' expanded by the shell to the home directory: quote ranges that start with ~ ('~${rangeText.slice(home.length)}')`);
      let range: Range | undefined;
      const t = rangeText.trim().toLowerCase();
      if (t === 'none' || t === 'off') range = undefined; // lets a user drop a default
      else {
        try {
          range = parseRange(rangeText);
        } catch (e) {
          if (e instanceof RangeError) throw new UsageError(`${flag} ${spec}: ${e.message}`);
          throw e;
        }
      }
      const pair = { ...(result.get(name) ?? {}) };
      pair[which] = range;
      result.set(name, pair);
    }
  };
  apply(warnings, 'warn', '-w');
  apply(criticals, 'crit', '-c');
  return result;
}

/** The home directory a shell put in place of an unquoted leading `~` (`-w ~:5` -> `/root:5`), if any. */
function shellHome(rangeText: string): string | null {
  for (const h of [process.env.HOME, os().homedir()]) {
    if (h && h !== '/' && rangeText.startsWith(`${h}:`)) return h;
  }
  return null;
}

/**
 * Notes for pairs a C plugin would accept but that cannot work as written: where higher is worse,
 * a warning range reaching above the critical one means values go CRITICAL before WARNING.
 */
export function thresholdNotes(t: Thresholds): string[] {
  const notes: string[] = [];
  for (const [name, { warn, crit }] of t) {
    if (!warn || !crit || warn.inside || crit.inside) continue;
    if (warn.end > crit.end || warn.start < crit.start) {
      notes.push(`${name}: the warning range ${warn.text} lies outside the critical range ${crit.text}, so values outside ${crit.text} are CRITICAL without a WARNING first`);
    }
  }
  return notes;
}
