/**
 * Messages that handle_delayed_dump set aside and has not yet put back: the dump renamed aside
 * during a settle (<dump>.importing-PID) and what a settle is putting back (<dump>.settle-PID.keep
 * or .appending). While such a file exists its messages are in no dump: a handler killed at that
 * moment would make them vanish from every view, so the check counts and names them.
 */
import { closeSync, constants, openSync, readdirSync, readSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { processAlive } from '../../lib/files.js';

export interface Aside {
  path: string;
  pid: number;
  /** the handler that made it still runs (an import in progress) */
  running: boolean;
  lines: number;
}

const ASIDE = /^\.(?:importing-(\d+)|settle-(\d+)\.(?:keep|appending))$/;

function countLines(path: string): number {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  const buf = Buffer.allocUnsafe(1 << 20);
  let n = 0;
  let last = 10;
  try {
    for (let pos = 0; ;) {
      const got = readSync(fd, buf, 0, buf.length, pos);
      if (got === 0) break;
      for (let i = buf.indexOf(10, 0); i >= 0 && i < got; i = buf.indexOf(10, i + 1)) n++;
      last = buf[got - 1];
      pos += got;
    }
  } finally {
    closeSync(fd);
  }
  return n + (last !== 10 ? 1 : 0);
}

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
      out.push({ path, pid, running: processAlive(pid), lines: countLines(path) });
    } catch { /* removed meanwhile: the handler finished */ }
  }
  return out;
}
