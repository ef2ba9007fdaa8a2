// Saved state is distrusted: every state shape has one schema checked on load, and a clock that
// went back is handled explicitly (tested with a faked clock: `now` is a parameter).
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BATCH, keep, type Batch } from '../../src/checks/check_broker_command_timeouts/window.js';
import { combine, DUMP_STATE } from '../../src/checks/check_delayed_dump/history.js';
import { QUEUE } from '../../src/checks/check_um_event_queue/queues.js';
import { SERIES } from '../../src/checks/check_um_naks/series.js';
import { validate } from '../../src/lib/state/schema.js';
import { StateFile } from '../../src/lib/state/store.js';
import { FILE_POSITION } from '../../src/lib/tail/identity.js';
import { APPS } from '../../src/um/apps.js';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const queue = { appid: 'a', ip: '10.0.0.1', pid: '1f', oid: '2a', sent: NOW, enqueued: 3, total: 10, serviceMean: 5, serviceMax: 9, latencyMean: null, latencyMax: null, streak: 0, rate: 1.5, disabled: false };
const series = {
  kind: 'rcv', appid: 'a', ip: '10.0.0.1', pid: '1f', ctx: '0123456789abcdef', title: 'Receiver statistics received', source: 'LBTRM:1', transport: 'LBT-RM',
  sent: NOW, recent: [[NOW, 3]], cmp: null, values: { naks: 3 }, streak: 0, nonzero: 0, lastGrowth: null,
};

describe('state schemas', () => {
  it('accept what the checks save', () => {
    expect(validate(QUEUE, queue).ok).toBe(true);
    expect(validate(SERIES, series).ok).toBe(true);
    // a growth as saved since 0.4 (its non-zero counters), and as saved before (every counter;
    // before 0.3 the first eleven): all read
    const full = { naks: 2, ncfIgnored: 0, ncfShed: 0, ncfDelay: 0, ncfUnknown: 0, windowAdvance: 0, nakExpiry: 1, fragments: 0, srcNaks: 0, sent: 0, retrans: 0 };
    for (const lastGrowth of [{ naks: 2, nakExpiry: 1 }, {}, full, { ...full, lost: 0, received: 40, unknownRu: 0 }]) {
      expect(validate(SERIES, { ...series, lastGrowth }).ok, JSON.stringify(lastGrowth)).toBe(true);
    }
    expect(validate(SERIES, { ...series, lastGrowth: { naks: -1 } }).ok).toBe(false);
    expect(validate(SERIES, { ...series, lastGrowth: { naks: 1, bogus: 1 } }).ok).toBe(false);
    expect(validate(DUMP_STATE, { nonEmptySince: NOW - 60_000, messages: 4, seenAt: NOW }, NOW).ok).toBe(true);
    expect(validate(BATCH, { seenAt: NOW, groups: { k: { broker: 'b', module: 'm', command: 'c', counts: { timeouts_failed: 1 } } } }, NOW).ok).toBe(true);
  });

  it('refuse each value the fuzzer planted, naming the field', () => {
    const cases: [ReturnType<typeof validate>, RegExp][] = [
      [validate(QUEUE, { ...queue, serviceMax: { a: 1 } }), /serviceMax: expected a number in \[0, inf\], got \{"a":1\}/],
      [validate(SERIES, { ...series, pid: 1.5 }), /state.pid: expected a string/],
      [validate(DUMP_STATE, { nonEmptySince: 0, messages: 4, seenAt: NOW }, NOW), /nonEmptySince: expected a time/],
      [validate(DUMP_STATE, { nonEmptySince: NOW, messages: 1.5, seenAt: NOW }, NOW), /messages: expected a whole number/],
      // a batch "seen" after the state was saved cannot be ours
      [validate(BATCH, { seenAt: NOW + 60_000, groups: {} }, NOW), /seenAt: expected a time .*not after the save/],
      [validate(BATCH, { seenAt: NOW, groups: { k: { broker: 'b', module: 'm', command: 'c', counts: { bogus: 1 } } } }, NOW), /unknown kind/],
      [validate(FILE_POSITION, { dev: 1, ino: 2, offset: -1, size: 0, mtimeMs: 0, fp: 'x', fpLen: 0 }), /offset/],
      [validate(FILE_POSITION, { dev: 1, ino: 2, offset: 0, size: 0, mtimeMs: 0, fp: 'x', fpLen: 0 }), /fp is not a SHA-1/],
      [validate(APPS, { k: { appid: 'a', ip: '', pid: '1', lastSent: NOW, interval: 0 } }), /interval: expected a number in \[1, inf\]/],
      [validate(SERIES, { ...series, recent: Array(9).fill([NOW, 1]) }), /recent: more than 8 entries/],
    ];
    for (const [r, re] of cases) {
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.problem).toMatch(re);
    }
  });

  it('ok (no paths, run first) and check (with paths, for the note) agree on every value', () => {
    const schemas = [QUEUE, SERIES, DUMP_STATE, BATCH, FILE_POSITION, APPS] as const;
    const agree = (v: unknown) => { for (const s of schemas) expect(s.ok(v), JSON.stringify(v)).toBe(s.check(v, 'state') === null); };
    fc.assert(fc.property(fc.jsonValue(), agree), { numRuns: 2000, seed: 9 });
    // near misses: a valid value with one field replaced, removed or added
    for (const base of [queue, series]) {
      fc.assert(fc.property(fc.oneof(fc.constantFrom(...Object.keys(base)), fc.string({ maxLength: 12 })), fc.oneof(fc.jsonValue(), fc.constant(undefined)), (key, v) => {
        agree({ ...base, [key]: v });
      }), { numRuns: 2000, seed: 10 });
    }
    agree(queue); agree(series); agree({ ...series, values: { naks: -1 } }); agree({ ...series, recent: [[NOW, 1, 2]] });
  });

  it('never throw on arbitrary JSON, and never accept a value of the wrong type', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      for (const s of [QUEUE, SERIES, DUMP_STATE, BATCH, FILE_POSITION, APPS]) validate(s as never, v, NOW);
    }), { numRuns: 3000, seed: 7 });
    fc.assert(fc.property(fc.constantFrom(...Object.keys(queue)), fc.jsonValue(), (k, v) => {
      const mutated = { ...queue, [k]: v };
      const r = validate(QUEUE, mutated);
      const base = (queue as Record<string, unknown>)[k];
      if (r.ok) expect(base === null ? v === null || typeof v === 'number' : typeof v === typeof base || v === null).toBe(true);
    }), { numRuns: 3000, seed: 8 });
  });
});

describe('a clock that went back (faked clock)', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'msgwatch-clock-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a small or a large step keeps the state (positions do not depend on the clock), with a note', () => {
    const f = new StateFile<{ nonEmptySince: number | null; messages: number; seenAt: number }>(dir, 'check_x', ['k']);
    f.save({ nonEmptySince: NOW - 1000, messages: 2, seenAt: NOW }, NOW);
    const small = f.load(DUMP_STATE, NOW - 90_000);
    expect(small.data?.messages).toBe(2);
    expect(small.note).toMatch(/the clock went back 90s since the last run/);
    expect(small.savedAt).toBe(NOW - 90_000);
    const large = f.load(DUMP_STATE, NOW - 3600_000);
    expect(large.data?.messages).toBe(2);
    expect(large.savedAt).toBe(NOW - 3600_000);
    expect(large.note).toMatch(/the clock went back 3600s since the last run; read positions kept/);
    expect(f.load(DUMP_STATE, NOW + 5000).note).toBeUndefined();
  });

  it('the dump\'s age never comes out negative or in the future', () => {
    const h = combine({ nonEmptySince: NOW, messages: 3, seenAt: NOW }, 3, NOW, NOW - 90_000);
    expect(h.since).toBe(NOW - 90_000);
    expect(h.ageSeconds).toBe(0);
  });

  it('a broker batch saved "after now" counts for one window from now, and never with --window 0', () => {
    const saved: Batch = { seenAt: NOW, groups: { k: { broker: 'b', module: 'm', command: 'c', counts: { timeouts_failed: 1 } } } };
    const empty = (t: number): Batch => ({ seenAt: t, groups: {} });
    expect(keep([saved], empty(NOW - 60_000), NOW - 60_000, 0)).toEqual([]); // was: counted on every run
    const kept = keep([saved], empty(NOW - 60_000), NOW - 60_000, 15 * 60_000);
    expect(kept).toEqual([{ ...saved, seenAt: NOW - 60_000 }]);
    expect(keep(kept, empty(NOW + 14 * 60_000), NOW + 14 * 60_000 - 60_000 + 1, 15 * 60_000)).toHaveLength(1);
    expect(keep(kept, empty(NOW + 15 * 60_000), NOW - 60_000 + 15 * 60_000, 15 * 60_000)).toEqual([]);
  });
});
