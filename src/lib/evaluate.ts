/** Thresholds against metrics (pure): each metric's state, what breached, and the run's state. */
import type { Evaluation, Finding, Metric, MetricSpec } from './check.js';
import { alerts } from './range.js';
import { State, worst } from './status.js';
import type { Thresholds } from './thresholds.js';

export function evaluate(metrics: Metric[], specs: MetricSpec[], thresholds: Thresholds, findings: Finding[]): Evaluation {
  const metricStates = new Map<string, State>();
  const breached: Evaluation['breached'] = [];
  const known = new Set(specs.map((s) => s.name));
  for (const m of metrics) {
    // a per-item metric (label set, named after data) has no thresholds; any other must be declared
    if (!known.has(m.name) && m.label === undefined) throw new Error(`metric '${m.name}' is not in the check's metric table`);
    const t = thresholds.get(m.name);
    let s = State.OK;
    if (t && m.value !== null && Number.isFinite(m.value) && known.has(m.name)) {
      if (t.crit && alerts(t.crit, m.value)) {
        s = State.CRITICAL;
        breached.push({ name: m.name, value: m.value, state: s, range: t.crit });
      } else if (t.warn && alerts(t.warn, m.value)) {
        s = State.WARNING;
        breached.push({ name: m.name, value: m.value, state: s, range: t.warn });
      }
    }
    metricStates.set(m.name, s);
  }
  const state = worst(...metricStates.values(), ...findings.map((f) => f.state));
  return { state, metricStates, breached, findings, thresholds };
}
