/** Options and reporting shared by the two UM checks (same reader, state and staleness rules). */
import { coerce, type OptionSpecs, type OptionsOf } from '../lib/cli.js';
import type { Finding } from '../lib/plugin.js';
import { LOG_READ_OPTIONS, lostFinding, staleLogFinding } from '../lib/tail/options.js';
import type { TailResult } from '../lib/tail/tail.js';
import { formatDuration } from '../lib/units.js';
import { describeApp, type Staleness } from './apps.js';
import type { ParserStats } from './parse.js';


export const DEFAULT_LBMMON_LOG = '/var/log/lbmmon/lbmmon.log';

export const UM_OPTIONS = {
  file: { alias: 'f', type: 'string', default: DEFAULT_LBMMON_LOG, requiresArg: true, describe: 'The log lbmmon writes (its stdout)' },
  app: { type: 'string', array: true, default: [], requiresArg: true, coerce: coerce.list(), describe: 'Only these application IDs (LBM_MONITOR_APPID); repeatable' },
  stale: {
    type: 'string', requiresArg: true, coerce: coerce.duration(),
    describe: "An application is stale when its newest sample is this much older than the newest in the log (default: 3 of its own intervals)",
  },
  'stale-log': { type: 'string', default: '5m', requiresArg: true, coerce: coerce.duration(), describe: 'WARNING when the log has not been written for this long (is lbmmon running?)' },
  'initial-bytes': { type: 'string', default: '16MiB', requiresArg: true, coerce: coerce.size(), describe: 'A first run builds baselines from at most this much of the end of the log' },
  'from-start': { type: 'boolean', default: false, describe: 'On a first run, read the whole log (--initial-bytes without a limit)' },
  'mcs-db': {
    type: 'string', requiresArg: true,
    describe: "Read UM's Monitoring Collector Service SQLite database (sqlite_database_path) instead of -f: read-only, new rows only",
  },
  ...LOG_READ_OPTIONS,
  missing: { type: 'string', default: 'UNKNOWN', requiresArg: true, coerce: coerce.state(), describe: 'State when the log does not exist' },
  'ignore-device': { type: 'boolean', default: false, describe: 'Recognise the log by inode only (device numbers change across reboots on some storage)' },
  'max-line': { type: 'string', default: '1MiB', requiresArg: true, coerce: coerce.size(256), describe: 'Longer lines are cut and skipped' },
} as const satisfies OptionSpecs;

/** What the UM checks' shared options give a run. */
export type UmOptions = OptionsOf<typeof UM_OPTIONS>;

export function staleFindings(s: Staleness, tail: TailResult, o: UmOptions, now: number): { findings: Finding[]; details: string[] } {
  const findings: Finding[] = [];
  const lost = lostFinding(tail, o.lostLines);
  if (lost) findings.push(lost);
  const details: string[] = [];
  for (const a of s.stale) {
    const behind = s.newest !== null ? formatDuration((s.newest - a.lastSent) / 1000) : '?';
    details.push(`stale: ${describeApp(a)} stopped reporting; its newest sample is ${behind} older than the newest in the log`);
  }
  for (const a of s.restarted) details.push(`restarted: ${describeApp(a)} was replaced by a new process (counters start again)`);
  const staleLog = staleLogFinding(o.file, tail.mtimeMs, o.staleLog, now, 'lbmmon');
  if (staleLog) findings.push(staleLog);
  return { findings, details };
}

/** JSON and MCS input: the daemons' own records (Store, DRO, SRS), named, never read as loss. */
export function daemonDetails(daemons: Map<string, number> | undefined): string[] {
  return [...(daemons ?? [])].map(([app, n]) => `daemon: ${app || '(no application ID)'} published ${n} daemon statistics record${n === 1 ? '' : 's'} (Store, DRO or SRS): recognised, not read as loss`);
}

export function clock(ms: number | null | undefined): string {
  if (ms == null) return '?';
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/**
 * Why a log gave nothing to judge, in one line: a file in no lbmmon dialect names what it holds
 * instead; one with other statistics only gets the check's hint.
 */
export function noStatistics(o: UmOptions, p: ParserStats, what: string, hint: string): string {
  const where = `${o.file}${o.app.length ? ` for ${o.app.join(', ')}` : ''}`;
  if (p.headers === 0 && p.firstUnknown !== null) {
    return `no lbmmon statistics in ${where}: found "${p.firstUnknown}" where lbmmon output was expected `
      + '(headers like "Receiver statistics received from APP at IP, process ID=..., sent ..." from the C, Java, .NET or 29West lbmmon)';
  }
  return `no lbmmon ${what} in ${where} (${hint})`;
}
