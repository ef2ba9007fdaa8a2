/**
 * --mcs-db: UM's Monitoring Collector Service database (SQLite, `sqlite_database_path` in its
 * mcs.properties), read directly with the runtime's own node:sqlite: read-only, new rows only
 * (the last row id of each table is kept in the state), while MCS keeps writing (WAL or
 * rollback journal: SQLite's own locking; a busy database is waited for within -t).
 *
 * Each table holds one JSON document a row (what `select *` prints: the mcs_demo capture):
 * umsmonmsg the UM library's statistics, umpmonmsg, dromonmsg and srsmonmsg the Store's, the
 * DRO's and the SRS's. Rows go through the same JSON reader as a file (json.ts).
 */
import { statSync } from 'node:fs';
import { PluginError } from '../lib/errors.js';
import type { JsonParser } from './json.js';

export const MCS_TABLES = ['umsmonmsg', 'umpmonmsg', 'dromonmsg', 'srsmonmsg'];
/** a first run builds its baselines from at most this many of the newest rows of each table */
export const FIRST_RUN_ROWS = 20_000;

type Db = import('node:sqlite').DatabaseSync;

export interface McsRead {
  /** last row id read per table */
  next: Record<string, number>;
  rows: number;
  /** the database's (or its WAL's) newest write, for --stale-log */
  mtimeMs: number | null;
  /** stopped at the deadline with rows left */
  behind: boolean;
}

function open(path: string, busyMs: number): Db {
  try { statSync(path); } catch {
    throw new PluginError(`--mcs-db: ${path} does not exist (MCS's sqlite_database_path)`);
  }
  try {
    const { DatabaseSync } = process.getBuiltinModule('node:sqlite') as typeof import('node:sqlite');
    return new DatabaseSync(path, { readOnly: true, timeout: busyMs });
  } catch (e) {
    throw new PluginError(`--mcs-db: cannot open ${path}: ${(e as Error).message}`);
  }
}

/** The column of `table` that holds the JSON documents: the first text column whose values start with '{'. */
function jsonColumn(db: Db, table: string): string | null {
  const cols = db.prepare(`select name, type from pragma_table_info('${table}')`).all() as { name: string; type: string }[];
  for (const c of cols) {
    const row = db.prepare(`select "${c.name.replace(/"/g, '""')}" as v from "${table}" where "${c.name.replace(/"/g, '""')}" is not null limit 1`).get() as { v: unknown } | undefined;
    if (row === undefined) { if (/text|json|clob|char/i.test(c.type) || cols.length === 1) return c.name; continue; }
    if (typeof row.v === 'string' && row.v.trimStart().startsWith('{')) return c.name;
  }
  return null;
}

export function readMcs(path: string, last: Record<string, number> | undefined, parser: JsonParser, deadline: number): McsRead {
  const db = open(path, Math.max(100, Math.min(5000, deadline - Date.now() - 500)));
  const out: McsRead = { next: { ...(last ?? {}) }, rows: 0, mtimeMs: null, behind: false };
  try {
    let tables: string[];
    try {
      tables = (db.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[]).map((r) => r.name);
    } catch (e) {
      const m = (e as Error).message;
      throw new PluginError(/locked|busy/i.test(m) ? `--mcs-db: ${path} is locked by a writer for longer than -t allows (${m})` : `--mcs-db: ${path} cannot be read: ${m}`);
    }
    if (!tables.includes('umsmonmsg')) {
      throw new PluginError(`--mcs-db: ${path} is not an MCS database: no table umsmonmsg (tables: ${tables.slice(0, 10).join(', ') || 'none'})`);
    }
    for (const t of MCS_TABLES.filter((x) => tables.includes(x))) {
      const col = jsonColumn(db, t);
      if (col === null) throw new PluginError(`--mcs-db: table ${t} of ${path} has an unknown shape: no column of JSON documents`);
      const q = `"${col.replace(/"/g, '""')}"`;
      let from = out.next[t];
      if (from === undefined) {
        // first run: baselines from the newest rows, as --initial-bytes does for a log
        const max = (db.prepare(`select coalesce(max(rowid), 0) as m from "${t}"`).get() as { m: number }).m;
        from = Math.max(0, max - FIRST_RUN_ROWS);
      }
      const stmt = db.prepare(`select rowid as id, ${q} as doc from "${t}" where rowid > ? order by rowid limit 5000`);
      for (;;) {
        const rows = stmt.all(from) as { id: number; doc: unknown }[];
        for (const r of rows) {
          if (typeof r.doc === 'string') parser.record(r.doc);
          from = r.id;
          out.rows++;
        }
        if (rows.length < 5000) break;
        if (Date.now() >= deadline) { out.behind = true; break; }
      }
      out.next[t] = from;
    }
  } catch (e) {
    if (e instanceof PluginError) throw e;
    const m = (e as Error).message;
    throw new PluginError(/locked|busy/i.test(m) ? `--mcs-db: ${path} is locked by a writer for longer than -t allows (${m})` : `--mcs-db: ${path}: ${m}`);
  } finally {
    db.close();
  }
  for (const f of [path, `${path}-wal`]) {
    try { out.mtimeMs = Math.max(out.mtimeMs ?? 0, statSync(f).mtimeMs); } catch { /* no WAL */ }
  }
  return out;
}
