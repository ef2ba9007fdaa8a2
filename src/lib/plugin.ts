/**
 * The plugin kit's front door: what a check defines and gets (check.ts) and the runner that
 * drives a run (runner.ts). Checks import from here.
 */
export type { CheckOutcome, Evaluation, Finding, Metric, MetricSpec, PluginDefinition, ProgramDescription, RunContext, StateHandle } from './check.js';
export { describePlugin, runPlugin, startPlugin } from './runner.js';
