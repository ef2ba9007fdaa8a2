/** Thresholds against metrics (pure): each metric's state, what breached, and the run's state. */
import type { Evaluation, Finding, Metric, MetricSpec } from './check.js';
import { alerts, type Range } from './range.js';
import { State, worst } from './status.js';
import type { ThresholdPair, Thresholds } from './thresholds.js';

/** The state `value` takes against a metric's thresholds (critical first) and the range it breached; null: OK. */
export function breach(t: ThresholdPair | undefined, value: number): { state: State; range: Range } | null {
  if (t?.crit && alerts(t.crit, value)) return { state: State.CRITICAL, range: t.crit };
  if (t?.warn && alerts(t.warn, value)) return { state: State.WARNING, range: t.warn };
  return null;
}

export function evaluate(metrics: Metric[], specs: MetricSpec[], thresholds: Thresholds, findings: Finding[]): Evaluation {
  const metricStates = new Map<string, State>();
  const breached: Evaluation['breached'] = [];
  const known = new Set(specs.map((s) => s.name));
  for (const m of metrics) {
    // a per-item metric (label set, named after data) has no thresholds; any other must be declared
    if (!known.has(m.name) && m.label === undefined) throw new Error(`metric '${m.name}' is not in the check's metric table`);
    const t = thresholds.get(m.name);
    let s = State.OK;
    const v = m.value;
    const b = v !== null && Number.isFinite(v) && known.has(m.name) ? breach(t, v) : null;
    if (b && v !== null) {
      s = b.state;
      breached.push({ name: m.name, value: v, state: s, range: b.range });
    }
    metricStates.set(m.name, s);
  }
  const state = worst(...metricStates.values(), ...findings.map((f) => f.state));
  return { state, metricStates, breached, findings, thresholds };
}
