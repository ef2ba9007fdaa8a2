// Issue 29: each condition Informatica's monitoring notes (UltraMessaging/um_kb,
// kb/monitoring-notes.md) say to watch fires on a fixture that shows it, with the default
// thresholds; test/e2e/real-captures.test.ts checks that none fires where the real captures lack
// the condition.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { perfValue, runBin } from '../helpers';
import { feedWorld, UmSim, type SimApp } from '../um-sim';

const P = 'check_um_naks';
let dir: string;
let log: string;
let env: Record<string, string>;
let sim: UmSim;
let rcv: SimApp;
let src: SimApp;

feedWorld((w) => ({ dir, log, env, sim, src, rcv } = w));

const run = (args: string[] = []) => runBin(P, ['-f', log, ...args], env);
/** two quiet samples and a first run: the baselines */
async function baseline(): Promise<void> {
  sim.sample(); sim.sample();
  expect((await run()).code).toBe(0);
}

describe('Informatica monitoring-notes rules (check_um_naks)', () => {
  it('a burst of 5000 lost datagrams in ONE interval is not OK (loss_rate, lost_max); the next quiet interval clears it', async () => {
    await baseline();
    sim.bump(rcv, 'Lost LBT-RM datagrams detected', 5000);
    sim.bump(rcv, 'LBT-RM datagrams received', 95_000);
    sim.sample();
    const r = await run();
    expect(r.code).toBe(1);
    expect(perfValue(r, 'lost_max')).toBe(5000);
    expect(perfValue(r, 'loss_rate')).toBeCloseTo(5, 0);
    expect(r.line1).toMatch(/loss: receiver riskcalc at 10.20.1.5 \(pid 5b9\) lost 5000 datagrams from \S+ in one interval \(4.95% of what it carried\)/); // 5000 of 101,000 carried
    sim.sample();
    expect((await run()).code).toBe(0);
  });

  it('heavy loss relative to the traffic: 20% of an interval is CRITICAL; under --loss-floor it is noise', async () => {
    await baseline();
    sim.bump(rcv, 'Lost LBT-RM datagrams detected', 300);
    sim.sample(); // 1000 received + 300 lost: 23%
    const r = await run();
    expect(r.code).toBe(2);
    expect(perfValue(r, 'loss_rate')).toBeGreaterThanOrEqual(20);
    sim.bump(rcv, 'Lost LBT-RM datagrams detected', 50); // 50 < the floor of 100: not a rate
    sim.sample();
    const q = await run();
    expect(perfValue(q, 'loss_rate')).toBe(0);
    expect(q.code).toBe(0);
  });

  it('the source side: NAKs received in one interval, and NAKs it refused (ignored, shed, retransmit delay)', async () => {
    await baseline();
    sim.bump(src, 'LBT-RM NAKs received', 2000);
    sim.bump(src, 'LBT-RM NAKs shed', 3);
    sim.bump(src, 'LBT-RM NAKs ignored (retransmit delay)', 2);
    sim.sample();
    const r = await run();
    expect(r.code).toBe(2); // 2000 NAKed of 1000 sent: capped at 100%
    expect(perfValue(r, 'naks_refused')).toBe(5);
    expect(r.stdout).toMatch(/NAKs refused: source pricefeed at 10.20.1.11 \(pid 96ee\) refused 5 NAKs on \S+ \(ignored 0, shed 3, retransmit delay 2\)/);
    expect(r.stdout).toMatch(/loss: source pricefeed .* had 2000 datagrams NAKed/);
  });

  it('malformed datagrams at a receiver, topic resolution datagrams dropped at a context: WARNING', async () => {
    await baseline();
    sim.bump(rcv, 'LBT-RM datagrams dropped (hdr)', 4);
    rcv.ctxc = { 'Topic resolution datagrams dropped (malformed)': 7 };
    sim.sample();
    const r = await run();
    expect(r.code).toBe(1);
    expect(perfValue(r, 'dgrams_dropped')).toBe(4);
    expect(perfValue(r, 'tr_dropped')).toBe(7);
    expect(r.stdout).toMatch(/malformed datagrams: receiver riskcalc .* dropped 4 datagrams .*hdr 4/);
    expect(r.stdout).toMatch(/topic resolution: riskcalc .* dropped 7 topic resolution datagrams \(version 0, type 0, malformed 7\)/);
  });

  it('unknown LBT-RM datagrams growing fast (over 10/s) is WARNING; slow growth is not', async () => {
    await baseline();
    rcv.ctxc = { 'Unknown LBT-RM datagrams received': 150 }; // 150 in 30 s: 5/s
    sim.sample();
    expect((await run()).code).toBe(0);
    rcv.ctxc = { 'Unknown LBT-RM datagrams received': 150 + 900 }; // 900 in 30 s: 30/s
    sim.sample();
    const r = await run();
    expect(r.code).toBe(1);
    expect(perfValue(r, 'unknown_rate')).toBe(30);
    expect(r.stdout).toMatch(/unknown datagrams: riskcalc .* received 30\/s datagrams of transport sessions it did not subscribe to/);
  });

  it('the loss and unknown-traffic lines follow -w lost_max / unknown_rate, as the state does', async () => {
    await baseline();
    sim.bump(rcv, 'Lost LBT-RM datagrams detected', 50); // under the loss floor (100): no rate
    rcv.ctxc = { 'Unknown LBT-RM datagrams received': 150 }; // 5/s
    sim.sample();
    const quiet = await run(['--from-start', '--state-dir', join(dir, 'other-state')]);
    const tight = await run(['-w', 'lost_max=20', '-w', 'unknown_rate=2']);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).not.toMatch(/loss: receiver|unknown datagrams:/);
    expect(tight.code).toBe(1);
    expect(tight.stdout).toMatch(/loss: receiver riskcalc .* lost 50 datagrams from \S+ in one interval /);
    expect(tight.stdout).toMatch(/unknown datagrams: riskcalc .* received 5\/s datagrams/);
  });

  it('messages for topics nobody subscribed: a metric worth knowing, never an alert by default', async () => {
    await baseline();
    sim.bump(rcv, 'LBT-RM LBM messages received', 600);
    sim.bump(rcv, 'LBT-RM LBM messages received with uninteresting topic', 400);
    sim.sample();
    const r = await run();
    expect(r.code).toBe(0);
    expect(perfValue(r, 'no_topic_pct')).toBe(40);
    expect(r.stdout).toMatch(/topic mapping: receiver riskcalc .* got 40% of its messages/);
    expect((await run(['-w', 'no_topic_pct=25', '--dry-run'])).code).toBe(1);
  });

  it('IM source statistics blocks (the Java lbmmon prints them) are sources like any other: their loss and refused NAKs count', async () => {
    const im = new UmSim(join(dir, 'im.log'), 30_000, (c) => c.replace(/^Source statistics received from/gm, 'IM source statistics received from'));
    const s = im.add('gateway', 'source', 0xf06, '10.29.3.101');
    im.add('riskcalc', 'receiver', 0x5b9);
    im.sample(); im.sample();
    expect((await runBin(P, ['-f', join(dir, 'im.log')], env)).code).toBe(0);
    im.bump(s, 'LBT-RM NAKs received', 1500);
    im.bump(s, 'LBT-RM NAKs shed', 1);
    im.sample();
    const r = await runBin(P, ['-f', join(dir, 'im.log')], env);
    expect(r.stdout).toMatch(/loss: source gateway at 10.29.3.101 \(pid f06\) had 1500 datagrams NAKed/);
    expect(r.stdout).toMatch(/NAKs refused: source gateway /);
    expect(perfValue(r, 'naks_refused')).toBe(1);
  });

  it('event queues: the age of the oldest message, the slowest callback and the events queued have default bounds', async () => {
    const q = new UmSim(join(dir, 'evq.log'));
    const a = q.add('riskcalc', 'receiver', 0x5b9);
    const set = (age: number, svc: number, events: number) => {
      a.evq = {
        'Data messages currently enqueued': 10, 'Total data messages enqueued': (a.evq?.['Total data messages enqueued'] ?? 0) + 1000, 'Events currently enqueued': events, 'Total events enqueued': 5,
        'Data message service minimum time': 5, 'Data message service mean time': 400, 'Data message service maximum time': svc,
        'Event latency minimum time': 3, 'Event latency mean time': 1500, 'Event latency maximum time': age,
      };
    };
    const evq = (args: string[] = []) => runBin('check_um_event_queue', ['-f', join(dir, 'evq.log'), '--dry-run', ...args], env);
    set(2000, 9000, 3); q.sample(); q.sample();
    expect((await evq()).code).toBe(0);
    set(2_000_000, 9000, 3); q.sample();
    expect((await evq()).code).toBe(1); // a message waited 2 s
    set(20_000_000, 9000, 3); q.sample();
    expect((await evq()).code).toBe(2); // 20 s
    set(2000, 1_500_000, 3); q.sample();
    expect((await evq()).code).toBe(1); // one callback took 1.5 s
    set(2000, 9000, 40_000); q.sample();
    const r = await evq();
    expect(r.code).toBe(1);
    expect(perfValue(r, 'events_enqueued')).toBe(40000);
  });

  it('--help says each rule\'s latency for a given monitor interval', async () => {
    const h = await runBin(P, ['--help'], env);
    expect(h.stdout).toMatch(/Latency: a rule on one interval/);
    expect(h.stdout).toMatch(/600 s/);
  });
});
