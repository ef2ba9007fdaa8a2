/**
 * Which applications stopped reporting. Time is the senders' `sent` stamps, not this host's
 * clock: an application is stale when its newest sample is older than the newest sample of any
 * application in the log by more than the allowance (default: 3 of its own intervals). A new
 * process ID of the same application (appid + IP) is a restart: the old process is not stale.
 */
import { nullable, num, obj, record, stamp, str, type Schema } from '../lib/state/schema.js';
import type { Header } from './model.js';
import { appKey, appName } from './model.js';

export interface AppState {
  appid: string;
  ip: string;
  pid: string;
  lastSent: number;
  interval: number | null;
}

export type Apps = Record<string, AppState>;

export const APPS: Schema<Apps> = record(obj<AppState>({
  appid: str(), ip: str(64), pid: str(32), lastSent: stamp, interval: nullable(num({ min: 1 })),
}));

/** `k` is appKey(h), computed once per block by the caller. */
export function noteSample(apps: Apps, h: Header, k: string): void {
  if (h.sentMs === null) return;
  const a = apps[k];
  if (!a) {
    apps[k] = { appid: h.appid, ip: h.ip, pid: h.pid, lastSent: h.sentMs, interval: null };
    return;
  }
  if (h.sentMs > a.lastSent) {
    a.interval = h.sentMs - a.lastSent;
    a.lastSent = h.sentMs;
  }
}

export interface Staleness {
  stale: AppState[];
  newest: number | null;
  restarted: AppState[];
}

const DROP_AFTER_MS = 24 * 3600 * 1000;

/** Evaluates staleness and forgets processes not heard of for a day, or replaced by a restart. */
export function judge(apps: Apps, staleMs: number | null): Staleness {
  const all = Object.values(apps);
  if (all.length === 0) return { stale: [], newest: null, restarted: [] };
  const newest = all.reduce((m, a) => Math.max(m, a.lastSent), -Infinity); // no spread: there may be many
  const latestPid = new Map<string, AppState>();
  for (const a of all) {
    const n = appName(a);
    const cur = latestPid.get(n);
    if (!cur || a.lastSent > cur.lastSent) latestPid.set(n, a);
  }
  const stale: AppState[] = [];
  const restarted: AppState[] = [];
  for (const [k, a] of Object.entries(apps)) {
    const n = appName(a);
    if (latestPid.get(n) !== a) {
      restarted.push(a);
      delete apps[k];
      continue;
    }
    if (newest - a.lastSent > DROP_AFTER_MS) { delete apps[k]; continue; }
    const allow = staleMs ?? (a.interval ? 3 * a.interval : null);
    if (allow !== null && newest - a.lastSent > allow) stale.push(a);
  }
  return { stale, newest, restarted };
}

export function describeApp(a: { appid: string; ip: string; pid: string }): string {
  return `${a.appid || '(no appid)'} at ${a.ip || '?'} (pid ${a.pid})`;
}

/** Judges staleness and forgets the items of processes that are gone (restarted or silent for a day). */
export function settleApps<T extends { appid: string; ip: string; pid: string }>(apps: Apps, items: Record<string, T>, staleSeconds: number | null | undefined): Staleness {
  const s = judge(apps, staleSeconds == null ? null : staleSeconds * 1000);
  for (const [k, it] of Object.entries(items)) {
    if (!apps[appKey(it)]) delete items[k];
  }
  return s;
}
