// A long scan's anonymous memory stays flat: what a scan keeps is its state, and its garbage dies
// young. A parser that made garbage surviving a while (a cache of every stamp, records per line)
// would make V8 grow its young generation towards 16 MiB a semispace, 30+ MiB more on a long scan
// (src/lib/heap.ts). npm run bench has the figures on 256 MiB to 1 GiB inputs.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs module without types
import { variedBrokerLog } from '../../bench/varied.mjs';
import { runBin, tempDir } from '../helpers';

let t: ReturnType<typeof tempDir>;
beforeAll(() => { t = tempDir('msgwatch-memory-'); });
afterAll(() => t.cleanup());

const anonKiB = async (log: string, state: string) => {
  const r = await runBin('check_broker_command_timeouts', ['-f', log, '--from-start', '--state-dir', join(t.dir, state), '-t', '120'], { MSGWATCH_MEMORY_REPORT: '1' }, { timeout: 120_000 });
  expect(r.code, r.stdout).toBeLessThanOrEqual(2);
  return Number(/rss_anon_kib=(\d+)/.exec(r.stderr)![1]);
};

it('the anonymous memory of a 96 MiB DEBUG broker scan (PIDs, threads and times at random) is within 6 MiB of a 1 MiB one', async () => {
  const small = join(t.dir, 'small.log');
  const large = join(t.dir, 'large.log');
  variedBrokerLog(small, 1 << 20, 5, { debug: true, worst: true });
  variedBrokerLog(large, 96 << 20, 5, { debug: true, worst: true });
  const a = await anonKiB(small, 's1');
  const b = await anonKiB(large, 's2');
  expect(b - a).toBeLessThanOrEqual(6 * 1024);
}, 180_000);
