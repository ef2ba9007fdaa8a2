/**
 * The run's output from values: perfdata items and JSON metrics are built from the metrics and
 * thresholds themselves (never by parsing a rendered perfdata string back), then laid out by
 * output.ts as Nagios text or one JSON object. Error paths go through the same layout.
 */
import type { CheckOutcome, Evaluation, MetricSpec } from './check.js';
import { families, renderOpenMetrics } from './openmetrics.js';
import { renderJson, renderText, type JsonMetric, type Lines, type Rendered } from './output.js';
import { formatRange, uniqueLabels, type PerfItem } from './perfdata.js';
import { State, stateName } from './status.js';
import type { Thresholds } from './thresholds.js';

/** How the output is to look: known before the options are parsed (lookAtArgv), so even a usage error comes out as asked. */
export interface OutputPrefs {
  json: boolean;
  maxOutput: number;
  /** --output-format openmetrics: the exposition instead of the Nagios text */
  om?: { program: string; instance: string };
}

export function renderResult(
  label: string, specs: MetricSpec[], outcome: CheckOutcome, ev: Evaluation, thresholds: Thresholds,
  text: { summary: string; details: Lines; notes: string[] }, prefs: OutputPrefs,
): string {
  const declared = new Set(specs.map((s) => s.name));
  const perf: PerfItem[] = uniqueLabels(outcome.metrics.map((m) => {
    const t = declared.has(m.name) ? thresholds.get(m.name) : undefined;
    return { label: m.label ?? m.name, value: m.value, uom: m.uom, warn: t?.warn, crit: t?.crit, min: m.min, max: m.max };
  }));
  const rendered: Rendered = { name: label, state: ev.state, summary: text.summary, details: text.details, perf };
  if (prefs.om) return renderOpenMetrics(families(prefs.om.program, specs, outcome.metrics, ev.state, prefs.om.instance, Date.now()));
  if (!prefs.json) return renderText(rendered, prefs.maxOutput);
  const metrics: JsonMetric[] = outcome.metrics.map((m, i) => ({
    name: perf[i].label, value: m.value, uom: m.uom ?? '',
    warn: formatRange(perf[i].warn) || null, crit: formatRange(perf[i].crit) || null, min: m.min ?? null, max: m.max ?? null,
    state: stateName(ev.metricStates.get(m.name) ?? State.OK),
  }));
  return renderJson(rendered, metrics, { notes: text.notes, ...(outcome.json ?? {}) }, prefs.maxOutput);
}

/**
 * A result that measured nothing (a usage error, a missing file, a timeout, a crash): laid out
 * like any other, under the same caps, as JSON when asked, with every metric `U`, never 0.
 */
export function renderError(label: string, specs: MetricSpec[], message: string, state: State, extra: string[], prefs: OutputPrefs): string {
  const perf: PerfItem[] = specs.map((m) => ({ label: m.name, value: null }));
  const r: Rendered = { name: label, state, summary: message, details: extra, perf };
  // nothing was measured: only the state and the time of the run (the message is not a metric)
  if (prefs.om) return renderOpenMetrics(families(prefs.om.program, specs, [], state, prefs.om.instance, Date.now()));
  if (!prefs.json) return renderText(r, prefs.maxOutput);
  const metrics: JsonMetric[] = specs.map((m) => ({ name: m.name, value: null, uom: m.uom ?? '', warn: null, crit: null, min: null, max: null, state: stateName(state) }));
  return renderJson(r, metrics, {}, prefs.maxOutput);
}
