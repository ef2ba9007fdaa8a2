/**
 * Messages that handle_delayed_dump set aside and has not yet put back: the dump renamed aside
 * during a settle (<dump>.importing-PID) and what a settle is putting back (<dump>.settle-PID.keep
 * or .appending). While such a file exists its messages are in no dump: a handler killed at that
 * moment would make them vanish from every view, so the check counts and names them.
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { countFileLines, processAlive } from '../../lib/files.js';

export interface Aside {
  path: string;
  pid: number;
  /** the handler that made it still runs (an import in progress) */
  running: boolean;
  lines: number;
}

const ASIDE = /^\.(?:importing-(\d+)|settle-(\d+)\.(?:keep|appending))$/;

export function findAside(dump: string): Aside[] {
  const base = basename(dump);
  let names: string[];
  try { names = readdirSync(dirname(dump)); } catch { return []; }
  const out: Aside[] = [];
  for (const n of names) {
    const m = n.startsWith(base) ? ASIDE.exec(n.slice(base.length)) : null;
    if (!m) continue;
    const path = join(dirname(dump), n);
    const pid = Number(m[1] ?? m[2]);
    try {
      out.push({ path, pid, running: processAlive(pid), lines: countFileLines(path) });
    } catch { /* removed meanwhile: the handler finished */ }
  }
  return out;
}
