// Issue 30: UM's monitoring JSON (MCS rows, lbmmon_json lines) and MCS's SQLite database
// (--mcs-db), on the real mcs_demo run (../shared/real, read where it is): the Java lbmmon text,
// the JSON rows and a database built from those rows by the sqlite3 CLI give the same states and
// the same named findings, whole and replayed.
import { execa, type ResultPromise } from 'execa';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe as vdescribe, expect, it } from 'vitest';
import { HAVE_REAL, perfValue, REAL, runBin, tempDir, type RunResult } from '../helpers';

const describe = HAVE_REAL ? vdescribe : vdescribe.skip;
const JAVA = join(REAL, 'lbmmon', 'mcs_demo-java-lbmmon.log');
const ROWS = join(REAL, 'lbmmon', 'mcs_demo-mcs-jsonl.out');
const OLD = ['--stale-log', '100000d'];
const CHECKS = ['check_um_naks', 'check_um_event_queue'];

let dir: string;
let cleanup: () => void;
let env: Record<string, string>;
beforeEach(() => {
  ({ dir, cleanup } = tempDir('msgwatch-mcs-'));
  env = { MSGWATCH_STATE_DIR: join(dir, 'state') };
});
afterEach(() => cleanup());

/** The table MCS keeps a row in: the daemons' statistics in their own tables (ummon_db.sql). */
function tableOf(doc: string): string {
  const st = (JSON.parse(doc) as { stats?: Record<string, unknown> }).stats ?? {};
  if ('srs' in st) return 'srsmonmsg';
  if ('portals' in st || 'local' in st || 'otherGateways' in st) return 'dromonmsg';
  if (['storeIdx', 'srcRepoStats', 'umeRetxReqRcvCount', 'smartHeapStat', 'umClient', 'umClientError', 'srcCount'].some((k) => k in st)) return 'umpmonmsg';
  return 'umsmonmsg';
}
const rows = () => readFileSync(ROWS, 'utf8').split('\n').filter((l) => l.trim());
const sqlOf = (docs: string[]) => docs.map((d) => `insert into ${tableOf(d)}(message) values ('${d.replace(/'/g, "''")}');`).join('\n');

/** A database as MCS's ummon_db.sql lays it out (one JSON document a row), made by the sqlite3 CLI, not by us. */
async function makeDb(path: string, docs: string[], wal = false): Promise<void> {
  const schema = ['umsmonmsg', 'umpmonmsg', 'dromonmsg', 'srsmonmsg'].map((t) => `create table ${t}(message text);`).join('\n');
  await execa('sqlite3', [path], { input: `${wal ? 'pragma journal_mode=wal;\n' : ''}${schema}\n${sqlOf(docs)}\n` });
}

/** What a run found, in the words both formats share: its state and the kinds of problem it names. */
function findings(r: RunResult): { code: number; named: string[] } {
  const named = new Set<string>();
  for (const m of r.stdout.matchAll(/^(deaf|stale|loss|unrecoverable loss|NAKs[^:]*|NCFs|ended|daemon): (\S+)/gm)) named.add(`${m[1]}: ${m[2]}`);
  return { code: r.code, named: [...named].sort() };
}

describe('UM monitoring JSON and the MCS database (mcs_demo)', () => {
  it('the Java text, the JSON rows and the MCS database: the same states and findings, whole', async () => {
    const db = join(dir, 'mcs.db');
    await makeDb(db, rows());
    for (const p of CHECKS) {
      const text = await runBin(p, ['-f', JAVA, '--from-start', ...OLD], { MSGWATCH_STATE_DIR: join(dir, `s-${p}-t`) });
      const json = await runBin(p, ['-f', ROWS, '--from-start', ...OLD], { MSGWATCH_STATE_DIR: join(dir, `s-${p}-j`) });
      const mcs = await runBin(p, ['--mcs-db', db, ...OLD], { MSGWATCH_STATE_DIR: join(dir, `s-${p}-m`) });
      expect(json.code, `${p} json: ${json.stdout}`).toBe(text.code);
      expect(mcs.code, `${p} mcs: ${mcs.stdout}`).toBe(text.code);
      const want = findings(text).named.filter((n) => !n.startsWith('daemon'));
      expect(findings(json).named.filter((n) => !n.startsWith('daemon'))).toEqual(want);
      expect(findings(mcs).named.filter((n) => !n.startsWith('daemon'))).toEqual(want);
      if (p === 'check_um_naks') {
        // the capture's README: umesrc stopped reporting; the DRO's receive contexts are deaf; no loss
        for (const r of [text, json, mcs]) {
          expect(r.stdout).toMatch(/^stale: umesrc at 10.29.3.101 \(pid f64\) stopped reporting/m);
          expect(r.stdout).toMatch(/^deaf: Gateway_Portal_TRD\d_rcv_ctx /m);
          expect(perfValue(r, 'unrecoverable')).toBe(0);
          expect(perfValue(r, 'naks')).toBe(0);
        }
        // the daemons' own records are named, never loss
        expect(mcs.stdout).toMatch(/^daemon: dro1 published \d+ daemon statistics records/m);
        expect(json.stdout).toMatch(/^daemon: srs1 /m);
      }
    }
  });

  it('replayed sample by sample: the JSON file and the database give the same answer at every step', async () => {
    const docs = rows();
    const log = join(dir, 'mcs.jsonl');
    const db = join(dir, 'mcs.db');
    writeFileSync(log, '');
    await makeDb(db, []);
    const at = (d: string) => Number((JSON.parse(d) as { attributes: { timestamp: string } }).attributes.timestamp);
    const times = [...new Set(docs.map(at))].sort((a, b) => a - b);
    let steps = 0;
    for (let i = 0; i < times.length; i += 5) {
      const batch = docs.filter((d) => at(d) >= times[i] && at(d) < (times[i + 5] ?? Infinity));
      appendFileSync(log, batch.map((d) => `${d}\n`).join(''));
      await execa('sqlite3', [db], { input: sqlOf(batch) });
      const j = await runBin('check_um_naks', ['-f', log, ...OLD], { MSGWATCH_STATE_DIR: join(dir, 'sj') });
      const m = await runBin('check_um_naks', ['--mcs-db', db, ...OLD], { MSGWATCH_STATE_DIR: join(dir, 'sm') });
      expect(findings(m), `step ${i}: ${m.stdout}`).toEqual(findings(j));
      expect(m.perf.naks).toBe(j.perf.naks);
      steps++;
    }
    expect(steps).toBeGreaterThan(5);
    // the end of the run reached by both: umesrc stale
    const last = await runBin('check_um_naks', ['--mcs-db', db, ...OLD], { MSGWATCH_STATE_DIR: join(dir, 'sm') });
    expect(last.stdout).toMatch(/stale: umesrc/);
  }, 120_000);

  it('new rows only: the last row id per table is kept; rows MCS adds while WAL is on are read next run', async () => {
    const docs = rows();
    const db = join(dir, 'mcs.db');
    await makeDb(db, docs.slice(0, 200), true);
    const first = await runBin('check_um_naks', ['--mcs-db', db, '-v', ...OLD], env);
    expect(first.stdout).toMatch(/mcs\.db: 200 rows/);
    await execa('sqlite3', [db], { input: sqlOf(docs.slice(200, 260)) });
    const next = await runBin('check_um_naks', ['--mcs-db', db, '-v', ...OLD], env);
    expect(next.stdout).toMatch(/mcs\.db: 60 rows/);
    const again = await runBin('check_um_naks', ['--mcs-db', db, '-v', ...OLD], env);
    expect(again.stdout).toMatch(/mcs\.db: 0 rows/);
  });

  it('pretty-printed JSON (`jq .` of the rows, concatenated): the same states and findings as the line form, also when a run ends inside an object', async () => {
    const docs = rows();
    const jq = async (ds: string[]) => (await execa('jq', ['.'], { input: ds.join('\n') + '\n' })).stdout + '\n';
    const pretty = join(dir, 'pretty.json');
    writeFileSync(pretty, await jq(docs));
    expect(readFileSync(pretty, 'utf8').split('\n')[0]).toBe('{'); // what was refused: "found '{'"
    for (const p of CHECKS) {
      const line = await runBin(p, ['-f', ROWS, '--from-start', ...OLD], { MSGWATCH_STATE_DIR: join(dir, `pl-${p}`) });
      const pr = await runBin(p, ['-f', pretty, '--from-start', ...OLD], { MSGWATCH_STATE_DIR: join(dir, `pp-${p}`) });
      expect(pr.code, pr.stdout).toBe(line.code);
      expect(findings(pr)).toEqual(findings(line));
      expect(pr.perf).toEqual(line.perf);
    }
    // two runs, the first ending halfway through an object: the object is carried, not lost or doubled
    const k = Math.floor(docs.length / 2);
    const mid = (await jq([docs[k]])).split(/(?<=\n)/);
    const half = Math.floor(mid.length / 2);
    const p2 = join(dir, 'pretty2.json');
    const l2 = join(dir, 'lines2.json');
    writeFileSync(p2, (await jq(docs.slice(0, k))) + mid.slice(0, half).join(''));
    writeFileSync(l2, docs.slice(0, k).map((d) => `${d}\n`).join(''));
    const e = (n: string) => ({ MSGWATCH_STATE_DIR: join(dir, n) });
    const a1 = await runBin('check_um_naks', ['-f', p2, '--from-start', ...OLD], e('c2p'));
    const b1 = await runBin('check_um_naks', ['-f', l2, '--from-start', ...OLD], e('c2l'));
    expect(findings(a1)).toEqual(findings(b1));
    appendFileSync(p2, mid.slice(half).join('') + (await jq(docs.slice(k + 1))));
    appendFileSync(l2, docs.slice(k).map((d) => `${d}\n`).join(''));
    const a2 = await runBin('check_um_naks', ['-f', p2, ...OLD], e('c2p'));
    const b2 = await runBin('check_um_naks', ['-f', l2, ...OLD], e('c2l'));
    expect(a2.code, a2.stdout).toBe(b2.code);
    expect(findings(a2)).toEqual(findings(b2));
    expect(a2.perf).toEqual(b2.perf);
  }, 120_000);

  it('a database locked by a writer longer than -t allows, a missing, a corrupt or a foreign one: a clear UNKNOWN each', async () => {
    const db = join(dir, 'mcs.db');
    await makeDb(db, rows().slice(0, 50));
    // a writer holding an exclusive lock (rollback journal mode) for 20 s
    const holder: ResultPromise = execa('sqlite3', [db], { input: 'begin exclusive;\nselect 1;\n.shell sleep 20\ncommit;\n', reject: false });
    await new Promise((r) => setTimeout(r, 700));
    try {
      const t0 = Date.now();
      const locked = await runBin('check_um_naks', ['--mcs-db', db, '-t', '3', ...OLD], env);
      expect(Date.now() - t0).toBeLessThan(3500);
      expect(locked.code).toBe(3);
      expect(locked.line1).toMatch(/--mcs-db: .*mcs\.db is locked by a writer for longer than -t allows|timed out after 3s/);
    } finally {
      holder.kill();
    }
    const missing = await runBin('check_um_naks', ['--mcs-db', join(dir, 'none.db'), ...OLD], env);
    expect(missing.line1).toMatch(/^UM_NAKS UNKNOWN - --mcs-db: \S+none\.db does not exist/);
    const bad = join(dir, 'bad.db');
    writeFileSync(bad, Buffer.alloc(8192, 0x5a));
    const corrupt = await runBin('check_um_naks', ['--mcs-db', bad, ...OLD], env);
    expect(corrupt.code).toBe(3);
    expect(corrupt.line1).toMatch(/--mcs-db: .*bad\.db (cannot be read|: ).*not a database/);
    const other = join(dir, 'other.db');
    await execa('sqlite3', [other], { input: 'create table t(x);' });
    expect((await runBin('check_um_naks', ['--mcs-db', other, ...OLD], env)).line1).toMatch(/is not an MCS database: no table umsmonmsg \(tables: t\)/);
    const shape = join(dir, 'shape.db');
    await execa('sqlite3', [shape], { input: 'create table umsmonmsg(n integer); insert into umsmonmsg values (1);' });
    expect((await runBin('check_um_naks', ['--mcs-db', shape, ...OLD], env)).line1).toMatch(/table umsmonmsg of \S+ has an unknown shape: no column of JSON documents/);
  }, 60_000);
});

/** An MCS row as lbmmon_json prints it: snake_case, zero fields left out, its envelope. */
function asLbmmonJson(doc: string): string {
  const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const conv = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(conv);
    if (v === null || typeof v !== 'object') return v;
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== '0' && x !== 0) o[snake(k)] = conv(x);
    return o;
  };
  const row = JSON.parse(doc) as { attributes: Record<string, unknown>; stats?: Record<string, unknown> };
  const ts = new Date(Number(row.attributes.timestamp) * 1000).toISOString();
  const type = row.stats?.context ? 'CONTEXT' : row.stats?.eventQueues ? 'EVENT_QUEUE' : 'RECEIVER';
  const attributes = conv(row.attributes) as Record<string, unknown>;
  delete attributes.timestamp; // lbmmon_json's own `ts` carries the time
  return JSON.stringify({ ts, packet_type: type, attributes, data: { stats: conv(row.stats ?? {}) } });
}

describe('lbmmon_json lines (snake_case, zero fields left out, its envelope)', () => {
  it('the same states and findings as the MCS rows they carry', async () => {
    const lines = rows().filter((d) => (JSON.parse(d) as { stats?: unknown }).stats).map(asLbmmonJson);
    const log = join(dir, 'lbmmon_json.jsonl');
    writeFileSync(log, `${lines.join('\n')}\n{"ts":"2023-08-28T22:02:30.000Z","warning":"payload parse failed","reason":"UMSMonMsg","len":128}\n`);
    for (const p of CHECKS) {
      const rowsRun = await runBin(p, ['-f', ROWS, '--from-start', ...OLD], { MSGWATCH_STATE_DIR: join(dir, `r-${p}`) });
      const lj = await runBin(p, ['-f', log, '--from-start', ...OLD], { MSGWATCH_STATE_DIR: join(dir, `l-${p}`) });
      expect(lj.code, `${p}: ${lj.stdout}`).toBe(rowsRun.code);
      expect(findings(lj).named.filter((n) => !n.startsWith('daemon'))).toEqual(findings(rowsRun).named.filter((n) => !n.startsWith('daemon')));
    }
  });
});
