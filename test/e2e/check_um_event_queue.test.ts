import { beforeEach, describe, expect, it } from 'vitest';
import { perfValue, runBin, scratch } from '../helpers';
import { UmSim, type SimApp } from '../um-sim';

const P = 'check_um_event_queue';
let log: string;
let env: Record<string, string>;
let sim: UmSim;
let rcv: SimApp;
let other: SimApp;

function depth(a: SimApp, n: number, rate = 30000) {
  const total = (a.evq!['Total data messages enqueued'] ?? 0) + rate * 30;
  a.evq = {
    ...a.evq, 'Data messages currently enqueued': n, 'Total data messages enqueued': total, 'Events currently enqueued': n, 'Total events enqueued': total,
    'Data message service minimum time': 5, 'Data message service mean time': 412, 'Data message service maximum time': 9000,
    'Event latency minimum time': 3, 'Event latency mean time': 1500, 'Event latency maximum time': 250000,
  };
}

scratch('lbmmon.log', (s) => ({ file: log, env } = s));
beforeEach(() => {
  sim = new UmSim(log);
  rcv = sim.add('riskcalc', 'receiver', 0x5b9);
  rcv.evq = {};
  depth(rcv, 10);
  other = sim.add('pricefeed', 'receiver', 0x96ee, '10.20.1.11');
  other.evq = {};
  depth(other, 5);
});

const run = (args: string[] = []) => runBin(P, ['-f', log, ...args], env);
const step = (n: number, args: string[] = []) => { depth(rcv, n); depth(other, 5); sim.sample(); return run(args); };

describe('check_um_event_queue', () => {
  it('a steady queue is OK, with depth, rate, service and age in the perfdata', async () => {
    sim.sample(); sim.sample();
    await run();
    const r = await step(10);
    expect(r.code).toBe(0);
    expect(r.line1).toMatch(/^UM_EVENT_QUEUE OK - riskcalc at 10.20.1.5 \(pid 5b9\) queue [0-9a-f]+: 10 data messages queued \(not growing/);
    expect(r.perf.enqueued).toBe('10;30000;60000;0');
    expect(perfValue(r, 'enqueue_rate')).toBe(30000);
    expect(r.perf.service_mean).toBe('412us;;;0');
    expect(r.perf.latency_max).toBe('250000us;1000000;10000000;0'); // age: WARNING above 1 s, CRITICAL above 10 s
    expect(r.stdout).toMatch(/pricefeed at 10.20.1.11/);
  });

  it('a queue growing past warning then critical, with its growth streak, then recovering', async () => {
    sim.sample();
    await run();
    let r = await step(20000);
    expect(r.code).toBe(0);
    r = await step(35000);
    expect(r.code).toBe(1);
    expect(r.line1).toMatch(/35000 data messages queued \(growing for 2 intervals.*slower than they arrive/);
    r = await step(65000);
    expect(r.code).toBe(2);
    expect(perfValue(r, 'growth_streak')).toBe(3);
    r = await step(100);
    expect(r.code).toBe(0);
    expect(perfValue(r, 'growth_streak')).toBe(0);
  });

  it('a growth streak alone warns at 3 intervals', async () => {
    sim.sample();
    await run();
    await step(100); await step(200);
    const r = await step(300);
    expect(r.code).toBe(1);
    expect(perfValue(r, 'growth_streak')).toBe(3);
    expect(perfValue(r, 'enqueued')).toBe(300);
  });

  it('the peak among samples read since the last run is reported', async () => {
    sim.sample();
    await run();
    depth(rcv, 50000); sim.sample();
    depth(rcv, 20); sim.sample();
    const r = await run();
    expect(perfValue(r, 'enqueued')).toBe(20);
    expect(perfValue(r, 'enqueued_peak')).toBe(50000);
  });

  it('custom -w/-c and --max-rate', async () => {
    sim.sample(); sim.sample();
    await run();
    depth(rcv, 1500); sim.sample();
    expect((await run(['-w', '1000', '-c', '2000'])).code).toBe(1);
    expect((await run(['-c', '1200'])).code).toBe(2);
    const r = await run(['--max-rate', '1000']);
    expect(r.code).toBe(1);
    expect(r.perf.enqueued).toBe('1500;1000;2000;0');
    expect((await run(['--max-rate', '700'])).code).toBe(2);
  });

  it('sizing advice when the critical threshold exceeds half the retransmission window', async () => {
    sim.sample(); sim.sample();
    let r = await run(['--message-size', '200']);
    expect(r.stdout).toMatch(/holds about 125829 messages; the critical threshold 60000 is within the safe half \(62914\)/);
    r = await run(['--message-size', '400']);
    expect(r.line1).toMatch(/a message at the back of the queue may no longer be recoverable; use -c 31457 or less/);
    r = await run(['--message-size', '200', '--retransmit-window', '8MiB']);
    expect(r.line1).toMatch(/use -c 20971 or less/);
  });

  it('a disabled queue is a hint, not an alert; sentinels are U', async () => {
    rcv.evq = {};
    other.evq = {};
    // eventQueueBlock prints zeros and sentinel minimums when nothing is set
    sim.sample(); sim.sample();
    const r = await run();
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/note: event queue statistics look disabled for riskcalc queue .*queue_count_enabled 1/);
    expect(r.perf.enqueued).toMatch(/^U/);
    expect(r.perf.service_mean).toMatch(/^U/);
  });

  it('a stale application warns; a restart does not', async () => {
    sim.sample(); sim.sample();
    await run();
    other.silent = true;
    for (let i = 0; i < 5; i++) sim.sample();
    let r = await run();
    expect(r.code).toBe(1);
    expect(perfValue(r, 'stale_apps')).toBe(1);
    other.silent = false;
    other.pid = 0x1234;
    other.evq = {};
    depth(other, 5);
    sim.sample(); sim.sample();
    r = await run();
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/restarted: pricefeed at 10.20.1.11 \(pid 96ee\)/);
  });

  it('a queue deep when its application stopped reporting: its depth is history, not the headline; the alert clears when it comes back', async () => {
    sim.sample(); sim.sample();
    await run();
    depth(other, 900000); // pricefeed's queue is critical in its last sample, then it stops
    sim.sample();
    let r = await run();
    expect(r.code).toBe(2);
    other.silent = true;
    for (let i = 0; i < 5; i++) { depth(rcv, 10); sim.sample(); }
    for (let k = 0; k < 2; k++) {
      r = await run();
      expect(r.code, r.stdout).toBe(1); // the stale application, not the depth it had
      expect(r.line1).toMatch(/UM_EVENT_QUEUE WARNING - riskcalc .* 10 data messages queued.*1 application stopped reporting/);
      expect(perfValue(r, 'enqueued')).toBe(10);
      expect(perfValue(r, 'stale_apps')).toBe(1);
      expect(r.stdout).toMatch(/stale: last sample before it stopped \(\d\d:\d\d:\d\d\): pricefeed at 10.20.1.11 \(pid 96ee\) queue \S+: 900000 data messages queued/);
    }
    other.silent = false;
    depth(other, 5);
    sim.sample(); sim.sample();
    r = await run();
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).not.toMatch(/900000/);
  });

  it('no event queue statistics: UNKNOWN with a hint', async () => {
    rcv.evq = undefined;
    other.evq = undefined;
    sim.sample();
    const r = await run();
    expect(r.code).toBe(3);
    expect(r.line1).toMatch(/no lbmmon event queue statistics in .*monitor_interval/);
  });
});
