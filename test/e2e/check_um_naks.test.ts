import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { perfValue, runBin } from '../helpers';
import { feedWorld, SRC, type SimApp, type UmSim } from '../um-sim';

const P = 'check_um_naks';
let dir: string;
let log: string;
let env: Record<string, string>;
let sim: UmSim;
let rcv: SimApp;
let src: SimApp;

feedWorld((w) => ({ dir, log, env, sim, src, rcv } = w));

const run = (args: string[] = []) => runBin(P, ['-f', log, ...args], env);
const naks = (n: number) => { sim.bump(rcv, 'LBT-RM NAKs sent', n); sim.bump(rcv, 'LBT-RM NAK packets sent', n); sim.bump(src, 'LBT-RM NAKs received', n); };

describe('check_um_naks', () => {
  it('healthy traffic, one NAK interval (no alert), two consecutive (alert), recovery', async () => {
    sim.sample(); sim.sample();
    let r = await run();
    expect(r.code).toBe(0);
    expect(r.line1).toMatch(/^UM_NAKS OK - no loss: 1 receiver transport in 2 applications.*first run/);
    sim.sample();
    r = await run();
    expect(r.code).toBe(0);
    expect(perfValue(r, 'naks')).toBe(0);
    naks(5); sim.sample();
    r = await run();
    expect(r.code).toBe(0);
    expect(perfValue(r, 'streak')).toBe(1);
    expect(perfValue(r, 'naks')).toBe(5);
    naks(3); sim.sample();
    r = await run();
    expect(r.code).toBe(1);
    expect(perfValue(r, 'streak')).toBe(2);
    expect(r.line1).toMatch(/NAKs grew in 2 consecutive intervals: receiver riskcalc at 10.20.1.5 \(pid 5b9\) from LBTRM:10.20.1.11:14390/);
    expect(r.perf.streak).toBe('2;1;;0');
    r = await run(); // no new sample: the verdict stands
    expect(r.code).toBe(1);
    sim.sample();
    r = await run();
    expect(r.code).toBe(0);
    expect(perfValue(r, 'streak')).toBe(0);
  });

  it('an episode between two runs is not missed, and says when it was and that it cleared', async () => {
    // the host's local time of a sample, to the second, as the check prints it
    const hms = (ms: number) => { const d = new Date(Math.floor(ms / 1000) * 1000); return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':'); };
    sim.sample(); sim.sample();
    await run();
    const from = sim.t; // the episode's first interval begins at the sample the last run read
    naks(4); sim.sample();
    naks(4); sim.sample();
    const to = sim.t;
    sim.sample();
    const r = await run();
    expect(r.code).toBe(1);
    expect(perfValue(r, 'streak')).toBe(2);
    expect(r.line1).toContain(`between ${hms(from)} and ${hms(to)}; cleared at the newest sample (${hms(sim.t)})`);
  });

  it('unrecoverable loss is CRITICAL and explained', async () => {
    sim.sample(); sim.sample();
    await run();
    sim.bump(rcv, 'LBT-RM datagrams unrecoverable (window advance)', 12);
    sim.bump(rcv, 'LBT-RM datagrams unrecoverable (NAK generation expiration)', 57);
    sim.sample();
    const r = await run();
    expect(r.code).toBe(2);
    expect(perfValue(r, 'unrecoverable')).toBe(69);
    expect(r.line1).toContain(`unrecoverable loss: receiver riskcalc at 10.20.1.5 (pid 5b9) lost 69 datagrams from ${SRC} (window advance 12, NAK generation expiration 57)`);
  });

  it('fragments lost for good at the context level are unrecoverable too', async () => {
    sim.sample(); sim.sample();
    await run();
    sim.bump(rcv, 'fragments', 3);
    sim.sample();
    const r = await run();
    expect(r.code).toBe(2);
    expect(perfValue(r, 'unrecoverable')).toBe(3);
  });

  it('NCFs are a WARNING by default', async () => {
    sim.sample(); sim.sample();
    await run();
    sim.bump(rcv, 'NCFs received (shed)', 2);
    sim.bump(rcv, 'NCFs received (ignored)', 1);
    sim.sample();
    const r = await run();
    expect(r.code).toBe(1);
    expect(perfValue(r, 'ncfs')).toBe(3);
    expect(r.stdout).toMatch(/ignored 1, shed 2/);
  });

  it('NAKs the source never saw: a gap above the sampling skew in consecutive aligned comparisons; retransmit ratio', async () => {
    sim.sample(); sim.sample();
    await run();
    sim.bump(rcv, 'LBT-RM NAKs sent', 10);
    sim.bump(src, 'LBT-RM NAKs received', 4);
    sim.bump(src, 'LBT-RM retransmission datagrams sent', 50);
    sim.sample();
    let r = await run();
    expect(perfValue(r, 'naks_unanswered')).toBe(0); // once is not yet "keeps happening"
    expect(r.stdout).toMatch(/NAK accounting: receivers of .* had sent 10 NAKs .*had received 4 .*gap 6, sampling skew allowance 4, above it in 1 comparison/);
    expect(perfValue(r, 'retransmit_ratio')).toBe(5);
    expect(r.perf.retransmit_ratio).toMatch(/^5%;/);
    sim.bump(rcv, 'LBT-RM NAKs sent', 10);
    sim.bump(src, 'LBT-RM NAKs received', 4);
    sim.sample();
    r = await run();
    expect(r.code).toBe(1);
    expect(perfValue(r, 'naks_unanswered')).toBe(12);
    expect(r.stdout).toMatch(/NAKs unanswered: receivers of \S+ had sent 20 NAKs by \d\d:\d\d:\d\d .*the source pricefeed .* had received 8 by \d\d:\d\d:\d\d: a gap of 12 above the sampling skew \(4\) in 2 consecutive comparisons/);
  });

  it('NAKs answered with sampling skew are not a gap', async () => {
    sim.sample(); sim.sample();
    await run();
    for (let i = 0; i < 4; i++) {
      sim.bump(rcv, 'LBT-RM NAKs sent', 10);
      sim.bump(src, 'LBT-RM NAKs received', i % 2 ? 12 : 8); // the source sampled a little early, then late
      sim.sample();
      const r = await run(['-w', 'streak=none']); // the NAK streak itself is another test's matter
      expect(r.code).toBe(0);
      expect(perfValue(r, 'naks_unanswered')).toBe(0);
    }
  });

  it('unresolved topics: brief is normal; lasting --unresolved-for (1m) is a deaf receiver, WARNING by default, naming it and since when; it clears when resolved', async () => {
    sim.sample(); sim.sample();
    await run();
    rcv.unresolved = 2;
    sim.sample(); // 30 s samples: resolution not yet overdue
    let r = await run();
    expect(r.code).toBe(0);
    expect(perfValue(r, 'unresolved_topics')).toBe(0);
    sim.sample(); // 30 s unresolved
    expect((await run()).code).toBe(0);
    sim.sample(); // 60 s unresolved: deaf
    r = await run();
    expect(r.code).toBe(1);
    expect(perfValue(r, 'unresolved_topics')).toBe(2);
    expect(r.line1).toMatch(/deaf: riskcalc at \S+ \(pid 5b9\) has 2 unresolved topics in its receiver topic map since \d\d:\d\d:\d\d \(60s at its newest sample\)/);
    expect((await run(['--unresolved-for', '5m'])).code).toBe(0); // a site whose resolution is slow says so
    rcv.unresolved = 0;
    sim.sample();
    r = await run();
    expect(r.code).toBe(0);
    expect(perfValue(r, 'unresolved_topics')).toBe(0);
  });

  it('an application that stops reporting is stale', async () => {
    sim.sample(); sim.sample();
    await run();
    src.silent = true;
    for (let i = 0; i < 5; i++) sim.sample();
    const r = await run();
    expect(r.code).toBe(1);
    expect(perfValue(r, 'stale_apps')).toBe(1);
    expect(r.line1).toMatch(/stale: pricefeed at 10.20.1.11 \(pid 96ee\) stopped reporting/);
  });

  it('a process restart (new PID, counters from 0) is not an alarm', async () => {
    naks(100); sim.bump(rcv, 'LBT-RM datagrams unrecoverable (window advance)', 40);
    sim.sample(); sim.sample();
    await run();
    rcv.pid = 0xa50; rcv.c = {};
    sim.sample(); sim.sample();
    const r = await run();
    expect(r.code).toBe(0);
    expect(perfValue(r, 'stale_apps')).toBe(0);
    expect(r.stdout).toMatch(/restarted: riskcalc at 10.20.1.5 \(pid 5b9\) was replaced/);
  });

  /** Baselines, then a loss of 5 datagrams that the next run reports CRITICAL. */
  async function lossReported() {
    sim.sample(); sim.sample();
    await run();
    sim.bump(rcv, 'LBT-RM datagrams unrecoverable (window advance)', 5);
    sim.sample();
    expect((await run()).code).toBe(2);
  }

  it('a session that ends clears its alert once the process reports without it; back with the same key, a new baseline', async () => {
    await lossReported();
    rcv.noTransport = true; src.noTransport = true;
    sim.sample();
    let r = await run();
    expect(r.code).toBe(2); // one sample without it may be incomplete: the alert stands
    sim.sample();
    r = await run();
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ended: receiver riskcalc .* the transport session ended/);
    rcv.noTransport = false; src.noTransport = false;
    sim.sample();
    r = await run();
    expect(r.code).toBe(0);
    expect(perfValue(r, 'unrecoverable')).toBe(0); // cumulative 5 is the new baseline, not new loss
    sim.bump(rcv, 'LBT-RM datagrams unrecoverable (window advance)', 1);
    sim.sample();
    expect(perfValue(await run(), 'unrecoverable')).toBe(1);
  });

  it('a new context instance in the same process (same PID) ends the old context\'s series', async () => {
    await lossReported();
    rcv.ctx = 'ffffffffffff05b9'; rcv.c = {};
    for (let i = 0; i < 5; i++) sim.sample();
    const r = await run();
    expect(r.code).toBe(0);
    expect(perfValue(r, 'unrecoverable')).toBe(0);
  });

  it('--app filters applications', async () => {
    sim.sample(); sim.sample();
    await run(['--app', 'riskcalc']);
    src.silent = true;
    for (let i = 0; i < 5; i++) sim.sample();
    expect((await run(['--app', 'riskcalc'])).code).toBe(0);
  });

  it('no statistics at all: UNKNOWN; a missing log: UNKNOWN by default', async () => {
    writeFileSync(log, 'Core-10403-150: Context (0x1c1c7c0) created\n\n');
    let r = await run();
    expect(r.code).toBe(3);
    const [text, perf] = r.line1.split(' | ');
    expect(text).toBe(`UM_NAKS UNKNOWN - no lbmmon transport or context statistics in ${log} (is lbmmon running, and do the applications set LBM_MONITOR_INTERVAL?)`);
    expect(perf).toMatch(/^('\w+'=U ?)+$/); // nothing measured: every metric U, never 0
    writeFileSync(log, 'Nov 22 03:00:01 host CRON[123]: (root) CMD (run-parts /etc/cron.hourly)\n');
    r = await run();
    expect(r.code).toBe(3);
    expect(r.line1).toMatch(/no lbmmon statistics in .*: found "Nov 22 03:00:01 host CRON\[123\]: .*" where lbmmon output was expected \(headers like "Receiver statistics received from APP at IP/);
    r = await runBin(P, ['-f', join(dir, 'nope.log')], env);
    expect(r.code).toBe(3);
    expect(r.line1).toMatch(/does not exist/);
  });
});
