// The Java and .NET lbmmon examples print the same statistics with other headers, stamps and
// (Java) labels. The same scenario written in each dialect must give the same states and values.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toDialect } from '../gen/dialects';
import { perfValue, runBin, tempDir } from '../helpers';
import { UmSim } from '../um-sim';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const METRICS = { check_um_naks: ['streak', 'naks', 'ncfs', 'unrecoverable', 'naks_unanswered', 'unresolved_topics'], check_um_event_queue: ['enqueued', 'enqueued_peak', 'growth_streak', 'service_mean', 'latency_max'] } as const;

/** Runs one scenario in a dialect: after each interval, both UM checks; returns what they said. */
async function scenario(dialect: 'c' | 'java' | 'dotnet'): Promise<string[]> {
  const log = join(dir, `${dialect}.log`);
  const sim = new UmSim(log, 30_000, dialect === 'c' ? (c) => c : (c) => toDialect(c, dialect));
  const src = sim.add('pricefeed', 'source', 0x96ee, '10.20.1.11');
  const rcv = sim.add('riskcalc', 'receiver', 0x5b9);
  rcv.evq = {};
  const env = { MSGWATCH_STATE_DIR: join(dir, `state-${dialect}`) };
  const out: string[] = [];
  const steps: (() => void)[] = [
    () => {}, () => {},
    () => { sim.bump(rcv, 'LBT-RM NAKs sent', 5); sim.bump(src, 'LBT-RM NAKs received', 5); },
    () => { sim.bump(rcv, 'LBT-RM NAKs sent', 7); sim.bump(src, 'LBT-RM NAKs received', 7); rcv.unresolved = 1; },
    () => { sim.bump(rcv, 'LBT-RM datagrams unrecoverable (NAK generation expiration)', 3); sim.bump(rcv, 'NCFs received (shed)', 2); },
    () => { sim.bump(rcv, 'LBT-RM NAKs sent', 9); rcv.unresolved = 0; },
    () => { sim.bump(rcv, 'LBT-RM NAKs sent', 9); },
    () => {},
  ];
  for (const [i, step] of steps.entries()) {
    step();
    rcv.evq = { 'Data messages currently enqueued': 100 * i, 'Total data messages enqueued': 1000 * i, 'Events currently enqueued': 100 * i, 'Total events enqueued': 1000 * i, 'Data message service minimum time': 5, 'Data message service mean time': 40 + i, 'Data message service maximum time': 900, 'Event latency minimum time': 3, 'Event latency mean time': 150, 'Event latency maximum time': 2500 + i };
    sim.sample();
    for (const [program, names] of Object.entries(METRICS)) {
      const r = await runBin(program, ['-f', log, '-w', program === 'check_um_naks' ? 'unresolved_topics=0' : 'enqueued=250'], env);
      out.push(`${i} ${program} exit ${r.code} ${names.map((n) => `${n}=${perfValue(r, n)}`).join(' ')}`);
    }
  }
  return out;
}

describe('lbmmon dialects give the same verdicts', () => {
  it('C, Java and .NET output of one scenario: same exit codes and values, interval by interval', async () => {
    const c = await scenario('c');
    expect(c.some((l) => / exit 2 /.test(l)), c.join('\n')).toBe(true); // the scenario does alert
    expect(c.some((l) => /check_um_event_queue exit 1 /.test(l)), c.join('\n')).toBe(true);
    expect(await scenario('java')).toEqual(c);
    expect(await scenario('dotnet')).toEqual(c);
  });
});
