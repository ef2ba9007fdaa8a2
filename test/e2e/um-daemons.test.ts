// Issue 42: check_um_store and check_um_dro on the real mcs_demo records (../shared/real, read where
// it is), whole and replayed, as JSON lines and through a real SQLite database made by the sqlite3
// CLI; then fixtures derived from those records by changing one counter or gauge at a time, each
// making its rule fire in the run that reads it and clear in the next; restarts, resets, 64-bit
// values past 2^53, a daemon that stops publishing.
import { execa } from 'execa';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe as vdescribe, expect, it } from 'vitest';
import { HAVE_REAL, perfValue, REAL, runBin, tempDir } from '../helpers';

const describe = HAVE_REAL ? vdescribe : vdescribe.skip;
const ROWS = join(REAL, 'lbmmon', 'mcs_demo-mcs-jsonl.out');
const OLD = ['--stale-log', '0'];

type Doc = { attributes: { applicationId: string; timestamp: string; processId: string }; stats?: Record<string, any>; configs?: Record<string, any>; events?: unknown };
let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir('msgwatch-umd-')));
afterEach(() => cleanup());

const docs = (): Doc[] => readFileSync(ROWS, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
const ts = (d: Doc) => Number(d.attributes.timestamp);
/** Records sorted by time (MCS's dump groups them by table), split at a time: the two runs' inputs. */
function halves(all: Doc[], at: number): [Doc[], Doc[]] {
  const sorted = [...all].sort((a, b) => ts(a) - ts(b));
  return [sorted.filter((d) => ts(d) < at), sorted.filter((d) => ts(d) >= at)];
}
const lines = (ds: Doc[]) => ds.map((d) => `${JSON.stringify(d)}\n`).join('');
const T0 = 1693260072;
const MID = T0 + 40;

/** Two runs of `program` over the records, split at `at` (MID; the store's repository exists from T0+7 to T0+37); a third with nothing new. */
let seq = 0;
const SMID = T0 + 22;
async function twoRuns(program: string, all: Doc[], args: string[] = [], at = program === 'check_um_store' ? SMID : MID) {
  const f = join(dir, `${program}-${++seq}.jsonl`);
  const env = { MSGWATCH_STATE_DIR: join(dir, `state-${program}-${seq}`) };
  const [a, b] = halves(all, at);
  writeFileSync(f, lines(a));
  const r1 = await runBin(program, ['-f', f, '--from-start', ...OLD, ...args], env);
  appendFileSync(f, lines(b));
  const r2 = await runBin(program, ['-f', f, ...OLD, ...args], env);
  const r3 = await runBin(program, ['-f', f, ...OLD, ...args], env);
  return [r1, r2, r3];
}

const isStore = (d: Doc) => d.attributes.applicationId === 'store_topic1' && (d.stats?.srcRepoStats?.length ?? 0) > 0;
const isDro = (d: Doc) => d.attributes.applicationId === 'dro1' && d.stats?.portals !== undefined;
/** Changes the records of `pick` from time `from` on. */
function mutate(all: Doc[], pick: (d: Doc) => boolean, from: number, f: (d: Doc) => void): Doc[] {
  return all.map((d) => { if (pick(d) && ts(d) >= from) { const c = JSON.parse(JSON.stringify(d)) as Doc; f(c); return c; } return d; });
}
const repo = (d: Doc) => d.stats!.srcRepoStats[0];
const portal = (d: Doc, i = 0) => d.stats!.portals[i].endpoint;

describe('check_um_store and check_um_dro on the real mcs_demo records', () => {
  it('the whole capture, as JSON lines and through an MCS database: every program OK, no false finding', async () => {
    const db = join(dir, 'mcs.db');
    const all = docs();
    const table = (d: Doc) => (d.attributes.applicationId === 'store_topic1' ? 'umpmonmsg' : d.attributes.applicationId === 'dro1' ? 'dromonmsg' : d.attributes.applicationId === 'srs1' ? 'srsmonmsg' : 'umsmonmsg');
    const schema = ['umsmonmsg', 'umpmonmsg', 'dromonmsg', 'srsmonmsg'].map((t) => `create table ${t}(message text);`).join('\n');
    await execa('sqlite3', [db], { input: `${schema}\n${all.map((d) => `insert into ${table(d)}(message) values ('${JSON.stringify(d).replace(/'/g, "''")}');`).join('\n')}\n` });
    for (const p of ['check_um_store', 'check_um_dro']) {
      const j = await runBin(p, ['-f', ROWS, '--from-start', ...OLD], { MSGWATCH_STATE_DIR: join(dir, `j-${p}`) });
      const m = await runBin(p, ['--mcs-db', db, ...OLD], { MSGWATCH_STATE_DIR: join(dir, `m-${p}`) });
      for (const r of [j, m]) {
        expect(r.code, `${p}: ${r.stdout}`).toBe(0);
        expect(r.stdout).not.toMatch(/stopped publishing|unrecoverable loss:|drops:|must be zero:|topology:|errors:/);
      }
      expect(m.perf).toEqual(j.perf);
    }
    const dro = await runBin('check_um_dro', ['-f', ROWS, '--from-start', ...OLD], { MSGWATCH_STATE_DIR: join(dir, 'x') });
    expect(dro.line1).toMatch(/^UM_DRO OK - 1 DRO \(2 portals\), 1 SRS: no drops, no errors/);
    expect(dro.stdout).toMatch(/SRS srs1 at 10.29.4.101 \(pid 3753\): 4 active clients, 1 DRO endpoints \(RTIR\)/);
  });

  it('replayed in two halves: OK at each run (the DRO computing its topology signature at start is no change)', async () => {
    for (const p of ['check_um_store', 'check_um_dro']) {
      const rs = await twoRuns(p, docs());
      for (const r of rs) expect(r.code, `${p}: ${r.stdout}`).toBe(0);
    }
  });
});

describe('each rule fires on the run that reads it and clears on the next (fixtures from the real records)', () => {
  const fire = async (program: string, all: Doc[], want: number, line: RegExp, metric: string, args: string[] = []) => {
    const [r1, r2, r3] = await twoRuns(program, all, args);
    expect(r1.code, r1.stdout).toBe(0);
    expect(r2.code, r2.stdout).toBe(want);
    expect(r2.line1).toMatch(line);
    expect(perfValue(r2, metric)).toBeGreaterThan(0);
    expect(r3.code, `cleared: ${r3.stdout}`).toBe(0);
    return r2;
  };

  it('store: unrecoverable loss (uls, ulbs growing) is CRITICAL', async () => {
    const all = mutate(docs(), isStore, SMID + 5, (d) => { repo(d).uls = '3'; repo(d).ulbs = '2'; });
    const r = await fire('check_um_store', all, 2, /unrecoverable loss: store store_topic1 .* topic topic1 \(source 2397614672\) lost 5 messages for good/, 'unrecoverable');
    expect(perfValue(r, 'unrecoverable')).toBe(5);
  });

  it('store: 64-bit counters stay exact past 2^53 (growth of exactly 2)', async () => {
    let n = 0;
    const all = mutate(docs(), isStore, T0, (d) => { repo(d).uls = ts(d) < SMID + 5 ? '9007199254740993' : '9007199254740995'; n++; });
    expect(n).toBeGreaterThan(4);
    const r = await fire('check_um_store', all, 2, /lost 2 messages for good/, 'unrecoverable');
    expect(perfValue(r, 'unrecoverable')).toBe(2);
  });

  it('store: size-limit drops as a rate, WARNING; memory past the repository limit, CRITICAL; dropped retransmission requests, WARNING', async () => {
    const drops = mutate(docs(), isStore, SMID + 5, (d) => { repo(d).szLimitDrops = '50'; });
    await fire('check_um_store', drops, 1, /size limit: store store_topic1 .* is dropping messages at its repository size limit \([\d.]+\/s\)/, 'size_limit_drop_rate');
    // memory past the limit at the newest record of the second run (the limit: 165,000,000 bytes from the configs)
    const memory = mutate(docs(), isStore, SMID + 10, (d) => { repo(d).memorySz = '170000000'; });
    const [m1, m2] = await twoRuns('check_um_store', memory.filter((d) => ts(d) < T0 + 40));
    expect(m1.code).toBe(0);
    expect(m2.code, m2.stdout).toBe(2);
    expect(perfValue(m2, 'memory_pct')).toBeGreaterThan(100);
    const retx = mutate(docs(), isStore, SMID + 5, (d) => { d.stats!.umeRetxReqTotalDropped = 9; d.stats!.umeRetxReqDropCount = 9; });
    await fire('check_um_store', retx, 1, /retransmissions: store store_topic1 .* dropped 9 retransmission requests/, 'retx_dropped');
  });

  it('a restart (new process ID, counters from zero) and a reset (a counter that went down): never negative, never a false alert', async () => {
    const before = mutate(docs(), isStore, T0, (d) => { if (ts(d) < SMID) repo(d).uls = '40'; });
    const restarted = mutate(before, (d) => d.attributes.applicationId === 'store_topic1', SMID, (d) => {
      d.attributes.processId = '9999';
      if (d.stats?.srcRepoStats?.length) repo(d).uls = '0';
      if (d.stats) d.stats.umeRetxStatInterval = 0;
    });
    const [, r2, r3] = await twoRuns('check_um_store', restarted);
    expect(r2.code, r2.stdout).toBe(0);
    expect(r2.stdout).toMatch(/restarted: store store_topic1 .*process 3905 -> 9999/);
    expect(perfValue(r2, 'unrecoverable')).toBe(0);
    expect(r3.code).toBe(0);
    const reset = mutate(before, isStore, SMID, (d) => { repo(d).uls = '0'; });
    const [, x2] = await twoRuns('check_um_store', reset);
    expect(x2.code, x2.stdout).toBe(0);
    expect(perfValue(x2, 'unrecoverable')).toBe(0);
    expect(x2.stdout).toMatch(/reset: store store_topic1 .*: 1 counter\(s\) went down/);
    // the same for a DRO: a portal's drop counter that went down is a reset, said, never a drop
    const droReset = mutate(docs(), isDro, T0, (d) => { if (ts(d) < MID) portal(d).send.transportTopicFragmentsDroppedWouldBlock = '7'; });
    const [, d2] = await twoRuns('check_um_dro', droReset);
    expect(d2.code, d2.stdout).toBe(0);
    expect(perfValue(d2, 'drop_would_block')).toBe(0);
    expect(d2.stdout).toMatch(/reset: DRO dro1 .*: 1 counter\(s\) went down \(Reset Rate Stats or a restart\)/);
  });

  it('a store that stops publishing is CRITICAL (k times its own interval behind the newest record)', async () => {
    const all = docs().filter((d) => !(d.attributes.applicationId === 'store_topic1' && ts(d) >= SMID));
    const [r1, r2] = await twoRuns('check_um_store', all);
    expect(r1.code).toBe(0);
    expect(r2.code, r2.stdout).toBe(2);
    expect(r2.line1).toMatch(/Store store_topic1 at 10.29.3.101 \(pid 3905\) stopped publishing: its newest statistics are \d+s older than the newest record \(\d+ of its 5s intervals\)/);
    expect(perfValue(r2, 'stale_stores')).toBe(1);
    expect(r2.stdout).not.toMatch(/unrecoverable loss:/); // its last figures are history
  });

  it('DRO: drops by cause (not operational CRITICAL, would block WARNING), must-be-zero counters, the queue against its limit', async () => {
    const down = mutate(docs(), isDro, MID + 10, (d) => { portal(d).send.transportTopicFragmentsDroppedNotOperational = '12'; portal(d).send.transportTopicFragmentBytesDroppedNotOperational = '99999'; });
    const r = await fire('check_um_dro', down, 2, /drops: DRO dro1 at 10.29.3.101 \(pid 3846\) portal TRD1 dropped 12 messages \([\d.]+\/s\): the peer link is not operational/, 'drop_not_operational');
    expect(r.stdout).not.toMatch(/99999/);
    const block = mutate(docs(), isDro, MID + 10, (d) => { portal(d, 1).send.transportTopicFragmentsDroppedWouldBlock = '3'; });
    await fire('check_um_dro', block, 1, /portal TRD2 dropped 3 messages .*sends blocked with the buffer full/, 'drop_would_block');
    const nostream = mutate(docs(), isDro, MID + 10, (d) => { portal(d).receive.unicastDataMsgsRcvdNoStream = '4'; });
    await fire('check_um_dro', nostream, 1, /must be zero: DRO dro1 .* portal TRD1: 4 messages received with no stream/, 'must_be_zero');
    const queue = mutate(docs(), isDro, MID, (d) => { portal(d).send.dataBytesEnqueued = ts(d) < MID + 30 ? '900000' : '0'; });
    const [, q2, q3] = await twoRuns('check_um_dro', mutate(queue, isDro, MID + 30, (d) => { portal(d).send.dataBytesEnqueued = '900000'; }));
    expect(q2.code, q2.stdout).toBe(1);
    expect(perfValue(q2, 'queue_pct')).toBe(90);
    expect(q3.code).toBe(1); // still queued: a gauge holds until it changes
  });

  it('DRO: no-route drops within the grace of a topology change are expected; outside it, WARNING; a topology change is said once', async () => {
    const change = mutate(docs(), isDro, MID + 10, (d) => { d.stats!.local.gatewayCount = 2; portal(d).receive.unicastDataMsgsDroppedNoRoute = '5'; });
    const [, r2, r3] = await twoRuns('check_um_dro', change);
    expect(r2.code, r2.stdout).toBe(1);
    expect(r2.line1).toMatch(/topology: DRO dro1 .* changed gateways 1 -> 2/);
    expect(perfValue(r2, 'drop_no_route')).toBe(0);
    expect(r2.stdout).toMatch(/5 no-route drops at a topology change \(within --no-route-grace\): expected/);
    expect(r3.code).toBe(0);
    const plain = mutate(docs(), isDro, MID + 10, (d) => { portal(d).receive.unicastDataMsgsDroppedNoRoute = '5'; });
    await fire('check_um_dro', plain, 1, /portal TRD1 dropped 5 messages .*no route/, 'drop_no_route');
    const exp = await twoRuns('check_um_dro', docs(), ['--expect-gateways', '3']);
    expect(exp[1].code).toBe(2);
    expect(exp[1].line1).toMatch(/sees 1 gateway\(s\), 3 expected/);
  });

  it('SRS: client errors growing, WARNING; a record queue above zero at two checks running, WARNING', async () => {
    const isErr = (d: Doc) => d.attributes.applicationId === 'srs1' && d.stats?.umClientError !== undefined;
    const errs = mutate(docs(), isErr, MID + 10, (d) => { d.stats!.umClientError.clientDuplicateRirReceivedCount = '2'; });
    await fire('check_um_dro', errs, 1, /errors: SRS srs1 at 10.29.4.101 \(pid 3753\) counted \d+ client or service errors/, 'srs_errors');
    const isCl = (d: Doc) => d.attributes.applicationId === 'srs1' && d.stats?.umClient !== undefined;
    const q = mutate(docs(), isCl, T0 + 20, (d) => { d.stats!.umClient.recordQueueDepth = '7'; });
    const [, r2] = await twoRuns('check_um_dro', q);
    expect(r2.code, r2.stdout).toBe(1);
    expect(r2.stdout).toMatch(/record queue: SRS srs1 .* has had 7 records queued at two checks running/);
  });

  it('a database another process writes between runs: new rows only, the same verdict as the file', async () => {
    const db = join(dir, 'mcs.db');
    await execa('sqlite3', [db], { input: ['umsmonmsg', 'umpmonmsg', 'dromonmsg', 'srsmonmsg'].map((t) => `create table ${t}(message text);`).join('\n') });
    const all = mutate(docs(), isStore, SMID + 5, (d) => { repo(d).uls = '1'; });
    const [a, b] = halves(all, SMID);
    const ins = (ds: Doc[]) => ds.map((d) => `insert into ${d.attributes.applicationId === 'store_topic1' ? 'umpmonmsg' : 'umsmonmsg'}(message) values ('${JSON.stringify(d).replace(/'/g, "''")}');`).join('\n');
    await execa('sqlite3', [db], { input: ins(a) });
    const env = { MSGWATCH_STATE_DIR: join(dir, 'sdb') };
    expect((await runBin('check_um_store', ['--mcs-db', db, ...OLD], env)).code).toBe(0);
    await execa('sqlite3', [db], { input: ins(b) });
    const r = await runBin('check_um_store', ['--mcs-db', db, ...OLD], env);
    expect(r.code, r.stdout).toBe(2);
    expect(perfValue(r, 'unrecoverable')).toBe(1);
    expect((await runBin('check_um_store', ['--mcs-db', db, ...OLD], env)).code).toBe(0);
  });
});

describe('UM daemon checks without daemon records', () => {
  it('lbmmon text is refused with a reason; JSON with no daemon records is UNKNOWN naming what to enable', async () => {
    const text = join(dir, 'lbmmon.log');
    writeFileSync(text, 'Context statistics received from a at 10.0.0.1, process ID=1, object ID=2, context instance=0000000000000001, domain ID=0, sent Mon May 23 15:11:19 2022\n');
    const r = await runBin('check_um_store', ['-f', text, ...OLD], { MSGWATCH_STATE_DIR: join(dir, 's1') });
    expect(r.code).toBe(3);
    expect(r.line1).toMatch(/is lbmmon text: the Store's statistics come only as UM's monitoring JSON/);
    const lib = join(dir, 'lib.jsonl');
    writeFileSync(lib, lines(docs().filter((d) => d.stats?.receiverTransports !== undefined).slice(0, 20)));
    const u = await runBin('check_um_dro', ['-f', lib, '--from-start', ...OLD], { MSGWATCH_STATE_DIR: join(dir, 's2') });
    expect(u.code).toBe(3);
    expect(u.line1).toMatch(/no DRO or SRS statistics in .*format-module module="pb"/);
  });
});
