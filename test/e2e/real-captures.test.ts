// The UM checks on real lbmmon captures nobody here wrote (../shared/real, see its README for
// where each comes from and what a correct monitor must conclude), on a whole-file first run and
// replayed in appends that cut samples at arbitrary lines, as a scheduler's runs do.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe as vdescribe, expect, it } from 'vitest';
import { HAVE_REAL, perfValue, REAL, runBin, tempDir, type RunResult } from '../helpers';

// skipped, visibly, where the captures are not (test/global-setup.ts prints how to get them)
const describe = HAVE_REAL ? vdescribe : vdescribe.skip;
const UT = join(REAL, 'lbmmon', 'um_troubleshoot-lbmmon.log');
const UT_TAIL = join(REAL, 'derived', 'um_troubleshoot-continued.tail');
const MON = join(REAL, 'lbmmon', 'mon_demo-lbmmon.log');
const NAKS = 'check_um_naks';
// the captures are from 2022: the log's own age is not what these tests are about
const OLD = ['--stale-log', '100000d'];

let dir: string;
let cleanup: () => void;
let env: Record<string, string>;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  env = { MSGWATCH_STATE_DIR: join(dir, 'state') };
});
afterEach(() => cleanup());

/** A seeded generator, so a failing replay can be reproduced. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x / 2 ** 32; };
}

/** Appends `text` to `log` in pieces of `size()` lines (cutting blocks anywhere), running the check after each. */
async function replay(text: string, log: string, size: () => number, args: string[], program = NAKS): Promise<{ upTo: number; r: RunResult }[]> {
  const lines = text.split(/(?<=\n)/);
  const out: { upTo: number; r: RunResult }[] = [];
  for (let i = 0; i < lines.length;) {
    const n = Math.max(1, size());
    appendFileSync(log, lines.slice(i, i + n).join(''));
    i += n;
    out.push({ upTo: i, r: await runBin(program, ['-f', log, ...OLD, ...args], env) });
  }
  return out;
}

describe('real captures are present', () => {
  it(`../shared/real sits beside the checkout (${REAL})`, () => {
    expect(existsSync(UT) && existsSync(MON) && existsSync(UT_TAIL)).toBe(true);
  });
});

describe('um_troubleshoot: 2 datagrams lost, then the transport sessions end while lbmrcv keeps reporting', () => {
  it('whole file: CRITICAL for the loss, NAKs answered (598 sent, 598 received): naks_unanswered 0', async () => {
    const r = await runBin(NAKS, ['-f', UT, ...OLD, '-v'], env);
    expect(r.code).toBe(2);
    expect(perfValue(r, 'unrecoverable')).toBe(2);
    expect(perfValue(r, 'naks_unanswered')).toBe(0);
    expect(r.line1).toContain('unrecoverable loss: receiver lbmrcv at 10.29.3.101 (pid 96ed) lost 2 datagrams from LBTRM:10.29.4.121:12091:a7f10561:239.101.3.10:14400 (window advance 0, NAK generation expiration 2) in the interval ending 15:11:30');
    expect(r.stdout).toMatch(/NAK accounting: receivers of LBTRM:10.29.4.121:12090:\S+ had sent 598 NAKs by 15:11:30 .* had received 598 by 15:11:30 \(gap 0/);
  });

  it('then the continued tail: the run that knows the session ended says OK for it, and stays OK', async () => {
    const log = join(dir, 'lbmmon.log');
    writeFileSync(log, readFileSync(UT));
    expect((await runBin(NAKS, ['-f', log, ...OLD, '--app', 'lbmrcv'], env)).code).toBe(2);
    appendFileSync(log, readFileSync(UT_TAIL));
    let r = await runBin(NAKS, ['-f', log, ...OLD, '--app', 'lbmrcv'], env);
    // the loss alert clears; what stays is true: lbmrcv's topic has had no source for 10 minutes,
    // a deaf receiver by Informatica's monitoring notes (WARNING)
    expect(r.code).toBe(1);
    expect(perfValue(r, 'unrecoverable')).toBe(0);
    expect(r.line1).toMatch(/^UM_NAKS WARNING - deaf: lbmrcv at 10.29.3.101 \(pid 96ed\) has 1 unresolved topic in its receiver topic map since 15:11:35 \(10m at its newest sample\)/);
    expect(r.stdout).not.toMatch(/unrecoverable loss/);
    expect(r.stdout).toMatch(/ended: receiver lbmrcv at 10.29.3.101 \(pid 96ed\) for LBTRM:10.29.4.121:12091:\S+: the transport session ended \(its process reported without it at \d\d:\d\d:\d\d\); its last problem was in the interval ending 15:11:30/);
    r = await runBin(NAKS, ['-f', log, ...OLD, '--app', 'lbmrcv'], env);
    expect(r.code).toBe(1); // still deaf, never the loss again
    expect(r.line1).toMatch(/deaf: /);
    // a first run that reads loss and end at once reports the loss (it cannot be missed) and says
    // the session ended; the next run has only the sources that exited: stale, a WARNING
    const env2 = { MSGWATCH_STATE_DIR: join(dir, 'state2') };
    let all = await runBin(NAKS, ['-f', log, ...OLD], env2);
    expect(all.code).toBe(2);
    expect(all.line1).toMatch(/lost 2 datagrams .* in the interval ending 15:11:30; the transport session has ended/);
    all = await runBin(NAKS, ['-f', log, ...OLD], env2);
    expect(all.code).toBe(1);
    expect(all.stdout).toMatch(/stale: /);
    expect(perfValue(all, 'unrecoverable')).toBe(0);
  });

  it('the sources stop, lbmrcv reports on: no run headlines their last loss, which stays in the long output as history', async () => {
    const log = join(dir, 'lbmmon.log');
    writeFileSync(log, readFileSync(UT));
    const env3 = { MSGWATCH_STATE_DIR: join(dir, 'state3') };
    expect((await runBin(NAKS, ['-f', log, ...OLD], env3)).code).toBe(2);
    appendFileSync(log, readFileSync(UT_TAIL));
    for (let k = 0; k < 3; k++) {
      const r = await runBin(NAKS, ['-f', log, ...OLD], env3);
      expect(r.code, r.stdout).toBe(1);
      expect(r.line1).not.toMatch(/loss: |NAKs refused/);
      expect(perfValue(r, 'lost_max')).toBe(0);
      expect(perfValue(r, 'naks_refused')).toBe(0);
      expect(perfValue(r, 'stale_apps')).toBe(3);
      expect(r.stdout).toMatch(/stale: lbmmsrc at 10.29.3.121 \(pid 5ba\) stopped reporting \(last sample 15:11:25\)/);
      expect(r.stdout).toMatch(/stale: last interval before it stopped: loss: source lbmmsrc at 10.29.3.121 \(pid 5ba\) had 371 datagrams NAKed on \S+ in one interval \(9.25% of what it sent\) at 15:11:25/);
    }
  });

  for (const seed of [1, 7, 42]) {
    it(`replayed in random pieces of 1-120 lines (seed ${seed}): CRITICAL when first seen, no longer once the session ended (then WARNING: deaf)`, async () => {
      const log = join(dir, 'lbmmon.log');
      const rand = rng(seed);
      const text = readFileSync(UT, 'latin1') + readFileSync(UT_TAIL, 'latin1');
      const runs = await replay(text, log, () => 1 + Math.floor(rand() * 120), ['--app', 'lbmrcv']);
      // before lbmrcv's first block is complete there is nothing to judge yet: UNKNOWN, said so
      const firstBlock = text.split('\n').findIndex((l) => l.startsWith('Context statistics received from lbmrcv')) + 26;
      for (const { upTo, r } of runs) {
        if (upTo < firstBlock) { expect(r.line1).toMatch(/UNKNOWN - no lbmmon transport or context statistics|OK/); continue; }
        expect(r.code, r.stdout).toBeLessThanOrEqual(2);
        expect(perfValue(r, 'unrecoverable')).toBeLessThanOrEqual(2);
      }
      const firstCrit = runs.findIndex(({ r }) => r.code === 2);
      expect(firstCrit, 'the loss is reported').toBeGreaterThanOrEqual(0);
      // the loss shows in the first run that read lbmrcv's 15:11:30 receiver blocks
      const lossLine = text.split('\n').findIndex((l) => l.includes('(NAK generation expiration): 2'));
      expect(runs[firstCrit].upTo).toBeGreaterThan(lossLine);
      expect(firstCrit === 0 || runs[firstCrit - 1].upTo <= lossLine + 1).toBe(true);
      // and it clears for good once the session is known to have ended (two samples later)
      const lastCrit = runs.map(({ r }) => r.code).lastIndexOf(2);
      const sampleAfter = text.split('\n').findIndex((l) => l.startsWith('Context statistics received from lbmrcv') && l.includes('15:11:40'));
      expect(runs[lastCrit].upTo).toBeLessThan(sampleAfter + 40);
      // after it: at most WARNING, and the only warning is the deaf receiver (its topic's sources left)
      for (const { r } of runs.slice(lastCrit + 1)) {
        expect(r.code, r.stdout).toBeLessThanOrEqual(1);
        if (r.code === 1) expect(r.line1).toMatch(/^UM_NAKS WARNING - deaf: lbmrcv /);
      }
      expect(runs.at(-1)!.r.line1).toMatch(/^UM_NAKS WARNING - deaf: lbmrcv .*since 15:11:35/);
    });
  }
});

describe('mon_demo: 1% induced loss, lbmrcv NAKs in every interval', () => {
  it('whole file: "NAKs grew in consecutive intervals" fires; NAKs answered', async () => {
    const r = await runBin(NAKS, ['-f', MON, ...OLD], env);
    expect(r.code).toBe(1);
    expect(r.line1).toMatch(/NAKs grew in \d+ consecutive intervals: receiver lbmrcv at 10.29.3.101 \(pid 6421\)/);
    expect(perfValue(r, 'naks_unanswered')).toBe(0);
  });

  it('replayed 150 lines at a time: the NAK rule fires while the loss goes on; naks_unanswered never above the sampling skew', async () => {
    const log = join(dir, 'lbmmon.log');
    const runs = await replay(readFileSync(MON, 'latin1'), log, () => 150, []);
    for (const { r } of runs) {
      expect(perfValue(r, 'naks_unanswered') ?? 0).toBeLessThanOrEqual(3);
      expect(perfValue(r, 'unrecoverable')).toBe(0);
    }
    const warned = runs.filter(({ r }) => r.code === 1 && /NAKs grew in \d+ consecutive intervals/.test(r.line1));
    expect(warned.length).toBeGreaterThan(runs.length / 2);
    expect(runs.at(-1)!.r.code).toBe(1);
  });

  it('a real persistent gap (the source sees 70% of lbmrcv\'s NAKs on one session) is reported, on the whole file and replayed', async () => {
    // rewrite lbmmsrc's cumulative "NAKs received" for session 12091: NAKs that never reach it
    let src = '';
    const lossy = readFileSync(MON, 'latin1').split('\n').map((l) => {
      if (l.startsWith('Source: ')) src = l;
      if (/statistics received/.test(l)) src = '';
      const m = /^(\tLBT-RM NAKs received +: )(\d+)$/.exec(l);
      return m && src.includes(':12091:') ? m[1] + Math.floor(Number(m[2]) * 0.7) : l;
    }).join('\n');
    const whole = join(dir, 'whole.log');
    writeFileSync(whole, lossy);
    let r = await runBin(NAKS, ['-f', whole, ...OLD], env);
    expect(perfValue(r, 'naks_unanswered')).toBeGreaterThan(50);
    expect(r.stdout).toMatch(/NAKs unanswered: receivers of LBTRM:10.29.4.101:12091:\S+ had sent \d+ NAKs by .*the source lbmmsrc .* had received \d+ by \d\d:\d\d:\d\d: a gap of \d+ above the sampling skew \(\d+\) in \d+ consecutive comparisons/);
    const log = join(dir, 'lbmmon.log');
    env = { MSGWATCH_STATE_DIR: join(dir, 'state3') };
    const runs = await replay(lossy, log, () => 150, []);
    expect(runs.some(({ r: x }) => (perfValue(x, 'naks_unanswered') ?? 0) > 20)).toBe(true);
    r = runs.at(-1)!.r;
    expect(r.code).toBeGreaterThanOrEqual(1);
  });
});

describe('other lbmmon dialects', () => {
  it('29West (UME 1.2.1, 2008) sample as the document shows it: header wrapped, no TABs, older labels: read', async () => {
    const r = await runBin(NAKS, ['-f', join(REAL, 'lbmmon', 'umq536-design-monitoring-html-example.txt'), ...OLD, '-vv'], env);
    expect(r.code).toBe(0);
    expect(r.line1).toMatch(/^UM_NAKS OK - no loss: 1 receiver transport in 1 application, 0 NAKs/);
    expect(r.stdout).toMatch(/1 blocks, 0 cut off, 1 in the 29West layout/);
  });
  it('the same sample normalised (TABs, joined header): read the same way', async () => {
    const r = await runBin(NAKS, ['-f', join(REAL, 'derived', 'umq536-doc-example-normalized.log'), ...OLD], env);
    expect(r.code).toBe(0);
    expect(r.line1).toMatch(/^UM_NAKS OK - no loss: 1 receiver transport in 1 application/);
  });
  it("UMTools lbmmon_topic.c's pasted example (only receiver-topic and wildcard blocks): UNKNOWN, no transport statistics", async () => {
    const r = await runBin(NAKS, ['-f', join(REAL, 'lbmmon', 'umtools-lbmmon_topic-c-example-output-comment.txt'), ...OLD], env);
    expect(r.code).toBe(3);
    expect(r.line1).toMatch(/^UM_NAKS UNKNOWN - no lbmmon transport or context statistics in /);
  });
  it('a Shinken log is in no lbmmon dialect: UNKNOWN names its first line and what was expected', async () => {
    const r = await runBin(NAKS, ['-f', join(REAL, 'shinken', 'seed002-doc-examples-verbatim.log'), ...OLD], env);
    expect(r.code).toBe(3);
    expect(r.line1).toMatch(/^UM_NAKS UNKNOWN - no lbmmon statistics in \S+: found ".+" where lbmmon output was expected/);
    expect(Buffer.byteLength(r.line1)).toBeLessThan(1024);
  });
});

describe('check_broker_command_timeouts on real captures', () => {
  const BROKER = 'check_broker_command_timeouts';
  it('the Shinken examples re-joined: one event of each of the 7 kinds, the slowest execution 0.143 s', async () => {
    const r = await runBin(BROKER, ['-f', join(REAL, 'derived', 'seed002-doc-examples-unwrapped.log'), '--from-start'], env);
    expect(r.code).toBe(2);
    for (const k of ['timeouts_failed', 'send_errors', 'exec_errors', 'timeouts_retried', 'wrong_answers', 'unknown_commands', 'fork_cleanup_errors']) expect(perfValue(r, k)).toBe(1);
    expect(perfValue(r, 'exec_time_max')).toBe(0.143);
  });
  it('the Shinken examples as the document wraps them (14 of 40 lines unstamped): still a broker log', async () => {
    const r = await runBin(BROKER, ['-f', join(REAL, 'shinken', 'seed002-doc-examples-verbatim.log'), '--from-start'], env);
    expect(r.code).not.toBe(3);
    expect(r.stdout).not.toMatch(/does not look like/);
  });
  it('an lbmmon capture given as the broker log: UNKNOWN, not "no failures"', async () => {
    for (const args of [[], ['--from-start']]) {
      const r = await runBin(BROKER, ['-f', UT, ...args], env);
      expect(r.code).toBe(3);
      expect(r.line1).toMatch(/^BROKER_COMMANDS UNKNOWN - \S+ does not look like a Shinken broker log: none of the \d+ lines at its end starts with \[YYYY-MM-DD HH:MM:SS\]; check -f \|/);
    }
  });
});
