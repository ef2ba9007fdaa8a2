/**
 * `-w/--warning` and `-c/--critical`: each either a bare RANGE (the plugin's primary metric) or
 * NAME=RANGE, repeatable. A user's setting replaces the plugin's default for that metric only.
 */
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
    result.set(name, {
      warn: d.warn === undefined ? undefined : parseRange(d.warn),
      crit: d.crit === undefined ? undefined : parseRange(d.crit),
    });
  }
  const apply = (specs: string[], which: 'warn' | 'crit', flag: string) => {
    for (const spec of specs) {
      const eq = spec.indexOf('=');
      const name = eq >= 0 ? spec.slice(0, eq).trim() : primary;
      const rangeText = eq >= 0 ? spec.slice(eq + 1) : spec;
      if (!metricNames.includes(name)) {
        throw new UsageError(`${flag} ${spec}: unknown metric '${name}' (valid: ${metricNames.join(', ')})`);
      }
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
