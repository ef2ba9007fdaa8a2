// The NAK accounting's ring (check_um_naks/gap.ts): a series keeps its newest 8 (instant, NAKs)
// samples, oldest first, and a full ring reuses its oldest pair for the newest. The source/receiver
// comparison reads it by index, and the state saves it: any sample lost, repeated or out of order
// would compare a source with the wrong receiver samples.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { remember } from '../../src/checks/check_um_naks/gap.js';
import type { Series } from '../../src/checks/check_um_naks/series.js';

const series = (): Series => ({
  kind: 'rcv', appid: 'a', ip: '10.0.0.1', pid: '1', ctx: '0123456789abcdef', title: 'Receiver statistics received',
  source: 'LBTRM:1', transport: 'LBT-RM', sent: null, recent: [], cmp: null, values: {}, streak: 0, nonzero: 0, lastGrowth: null,
});

describe('the NAK ring', () => {
  it('holds the newest 8 samples in order, whatever came before, like a list cut to its tail', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.option(fc.nat(1000), { nil: null }), fc.option(fc.nat(1e6), { nil: null })), { maxLength: 60 }),
      (steps) => {
        const s = series();
        const ref: [number, number][] = [];
        let t = 1_700_000_000_000;
        for (const [dt, v, skip] of steps) {
          t += dt * 1000;
          const at = skip === null ? null : t;
          remember(s, at, v);
          if (at !== null && v !== null && (ref.length === 0 || ref[ref.length - 1][0] < at)) ref.push([at, v]);
          expect(s.recent).toEqual(ref.slice(-8));
        }
        // no pair is shared: a pair reused for the newest sample is no longer the oldest's
        expect(new Set(s.recent).size).toBe(s.recent.length);
      },
    ), { numRuns: 300 });
  });
});
