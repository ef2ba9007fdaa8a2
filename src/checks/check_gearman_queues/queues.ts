/**
 * What the servers said, as queue rows (pure): one per server and function, filtered by
 * --include/--exclude, with the jobs waiting (queued minus running), the available workers and
 * the distinct hosts among the workers that registered the function.
 */
import type { ServerView } from '../../gearman/admin.js';
import { label } from '../../gearman/server.js';
import { shown } from '../../gearman/names.js';

export interface Queue {
  server: string;
  name: string;
  waiting: number;
  running: number;
  workers: number;
  /** distinct worker IPs for the function; null when the server refused `workers` */
  hosts: number | null;
  priority?: { high: number; normal: number; low: number };
}

/** A name or a shell-style pattern (`*`, `?`): `worker_*`. */
export function matcher(patterns: string[]): (name: string) => boolean {
  const res = patterns.map((p) => (/[*?]/.test(p)
    ? new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's')
    : p));
  // a pattern is text (UTF-8 on the command line), a name its bytes: compared as the name is shown
  return (name) => {
    const t = shown(name);
    return res.some((r) => (typeof r === 'string' ? r === t : r.test(t)));
  };
}

/** The queues --include and --exclude leave in: every one without --include. */
export function scope(include: string[], exclude: string[]): (name: string) => boolean {
  const inc = include.length ? matcher(include) : () => true;
  const exc = matcher(exclude);
  return (name) => inc(name) && !exc(name);
}

export function queuesOf(views: ServerView[], inScope: (name: string) => boolean): Queue[] {
  const out: Queue[] = [];
  for (const v of views) {
    const hosts = new Map<string, Set<string>>();
    for (const w of v.workers ?? []) for (const f of w.functions) {
      let s = hosts.get(f);
      if (!s) hosts.set(f, (s = new Set()));
      s.add(w.ip);
    }
    for (const f of v.functions) {
      if (!inScope(f.name)) continue;
      out.push({
        server: label(v.server), name: f.name, waiting: Math.max(0, f.total - f.running), running: f.running, workers: f.workers,
        hosts: v.workers ? (hosts.get(f.name)?.size ?? 0) : null, ...(f.priority ? { priority: f.priority } : {}),
      });
    }
  }
  return out;
}

