/**
 * The run as OpenMetrics text (OpenObservability/OpenMetrics, specification/OpenMetrics.md), for
 * `--output-format openmetrics` and `--textfile DIR` (node_exporter's textfile collector, which
 * reads the same text: `# UNIT` and `# EOF` are comments to it). Pure: values in, text out.
 *
 * Fixed family names, `msgwatch_<program>_<metric>` in base units (`_seconds`, `_bytes`, `_ratio`
 * for what the perfdata gives in s/ms/us, B and %); what the perfdata label carries of the data (a
 * queue, a server) becomes labels. Every value here is a gauge: the checks report levels and
 * growth since their previous run, never a total since a process started. A value that was not
 * measured is left out (never 0, never NaN), and `msgwatch_check_state` (0-3) says why; with
 * `msgwatch_check_last_run_timestamp_seconds` a check that stopped running can be alerted on.
 */
import type { Metric, MetricSpec } from './check.js';
import type { State } from './status.js';

export interface OmSample { labels: Record<string, string>; value: number }
export interface OmFamily { name: string; unit?: string; help: string; samples: OmSample[] }

const UNITS: Record<string, { unit: string; scale: number }> = {
  s: { unit: 'seconds', scale: 1 }, ms: { unit: 'seconds', scale: 1e-3 }, us: { unit: 'seconds', scale: 1e-6 },
  B: { unit: 'bytes', scale: 1 }, '%': { unit: 'ratio', scale: 0.01 },
};

/** A metric name part: letters, digits and `_` only (`a-b.c` -> `a_b_c`). */
export const omPart = (s: string) => s.replace(/[^A-Za-z0-9_]/g, '_').replace(/^([0-9])/, '_$1');

/** A label value, escaped as the text formats want: backslash, double quote, line feed. */
export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

const escapeHelp = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

function labelText(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${omPart(k)}="${escapeLabelValue(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

/** The families of one run: its metrics (measured ones), its state and the time of the run. */
export function families(program: string, specs: MetricSpec[], metrics: Metric[], state: State, instance: string, now: number): OmFamily[] {
  const byName = new Map<string, OmFamily>();
  const help = new Map(specs.map((s) => [s.name, s.help]));
  const base = { program, instance };
  for (const m of metrics) {
    if (m.value === null || !Number.isFinite(m.value)) continue; // not measured: left out, the state says why
    const u = m.uom ? UNITS[m.uom] : undefined;
    // a percentage is a ratio here: `memory_pct` becomes `memory_ratio`
    const stem = `msgwatch_${program}_${omPart(m.family ?? m.name)}`.replace(u?.unit === 'ratio' ? /_pct$/ : /$^/, '');
    const name = u && !stem.endsWith(`_${u.unit}`) ? `${stem}_${u.unit}` : stem;
    let f = byName.get(name);
    if (!f) byName.set(name, f = { name, ...(u ? { unit: u.unit } : {}), help: m.help ?? help.get(m.family ?? m.name) ?? help.get(m.name) ?? m.name, samples: [] });
    f.samples.push({ labels: { ...base, ...(m.labels ?? {}) }, value: u ? m.value * u.scale : m.value });
  }
  return [
    { name: 'msgwatch_check_state', help: 'the check\'s state: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN', samples: [{ labels: base, value: state }] },
    { name: 'msgwatch_check_last_run_timestamp_seconds', unit: 'seconds', help: 'when the check last ran (Unix time)', samples: [{ labels: base, value: Math.round(now / 1000) }] },
    ...byName.values(),
  ];
}

/** OpenMetrics text, `# EOF` last. Samples of a family with the same labels are kept once (the first). */
export function renderOpenMetrics(fams: OmFamily[]): string {
  const out: string[] = [];
  for (const f of fams) {
    out.push(`# TYPE ${f.name} gauge`);
    if (f.unit) out.push(`# UNIT ${f.name} ${f.unit}`);
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`);
    const seen = new Set<string>();
    for (const s of f.samples) {
      const l = labelText(s.labels);
      if (seen.has(l)) continue;
      seen.add(l);
      out.push(`${f.name}${l} ${s.value}`);
    }
  }
  out.push('# EOF');
  return `${out.join('\n')}\n`;
}
