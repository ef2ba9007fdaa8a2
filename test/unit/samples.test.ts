// When a transport series has ended (src/um/samples.ts), for one series and for thousands: the
// contexts are indexed by process once, and the answers are those of the rule the module states.
import { describe, expect, it } from 'vitest';
import { endings, type Samples } from '../../src/um/samples.js';

const ctx = (appid: string, pid: string, ctxId: string, prev: number | null, newest: number) =>
  [`${appid}\u000110.0.0.1\u0001${pid}\u0001${ctxId}`, { appid, ip: '10.0.0.1', pid, ctx: ctxId, prev, newest }] as const;
const series = (appid: string, pid: string, ctxId: string, sent: number | null) => ({ appid, ip: '10.0.0.1', pid, ctx: ctxId, sent });

describe('endings', () => {
  it('a series its context sampled twice since has ended; one sampled in the last complete sample has not', () => {
    const samples: Samples = Object.fromEntries([ctx('a', '1', 'c1', 20_000, 25_000)]);
    const endedAt = endings(samples);
    expect(endedAt(series('a', '1', 'c1', 10_000))).toBe(20_000);
    expect(endedAt(series('a', '1', 'c1', 20_000))).toBeNull();
    expect(endedAt(series('a', '1', 'c1', null))).toBeNull();
    expect(endedAt(series('b', '1', 'c1', 10_000))).toBeNull(); // no such context
  });

  it('a context gone quiet while its process reports under another one has ended; another process does not count', () => {
    const samples: Samples = Object.fromEntries([
      ctx('a', '1', 'old', 5_000, 10_000), ctx('a', '1', 'new', 60_000, 65_000),
      ctx('b', '2', 'old', 5_000, 10_000), ctx('c', '3', 'other', 60_000, 65_000),
    ]);
    const endedAt = endings(samples);
    expect(endedAt(series('a', '1', 'old', 10_000))).toBe(10_000);
    expect(endedAt(series('b', '2', 'old', 10_000))).toBeNull();
  });

  it('answers for 4,000 series of 2,000 processes as for each alone', () => {
    const entries = [];
    for (let k = 0; k < 2000; k++) entries.push(ctx(`app${k}`, String(k), 'c', 100_000, 105_000), ...(k % 2 ? [ctx(`app${k}`, String(k), 'd', 500_000, 505_000)] : []));
    const samples: Samples = Object.fromEntries(entries);
    const endedAt = endings(samples);
    for (let k = 0; k < 2000; k++) {
      expect(endedAt(series(`app${k}`, String(k), 'c', 105_000))).toBe(k % 2 ? 105_000 : null);
      const alone: Samples = Object.fromEntries(entries.filter(([key]) => key.startsWith(`app${k}\u0001`)));
      expect(endings(alone)(series(`app${k}`, String(k), 'c', 105_000))).toBe(endedAt(series(`app${k}`, String(k), 'c', 105_000)));
    }
  });
});
