import { describe, expect, it } from 'vitest';
import { parseTimeout } from '../../src/lib/cli';
import { UsageError } from '../../src/lib/errors';
import { State, parseState, worst } from '../../src/lib/status';
import { resolveThresholds } from '../../src/lib/thresholds';
import { formatDuration, parseDuration, parseSize } from '../../src/lib/units';

describe('durations and sizes', () => {
  it.each([['90s', 90], ['15m', 900], ['2h', 7200], ['1d', 86400], ['45', 45], ['1.5m', 90], ['250ms', 0.25]])('%s = %ss', (t, s) => {
    expect(parseDuration(t)).toBe(s);
  });
  it.each([['64KiB', 65536], ['16MiB', 16777216], ['1GiB', 1073741824], ['100', 100], ['1kb', 1000], ['2M', 2097152]])('%s = %d bytes', (t, b) => {
    expect(parseSize(t)).toBe(b);
  });
  it.each(['', 'abc', '10x', '-5s', '1..2'])('rejects duration %j', (t) => expect(() => parseDuration(t)).toThrow());
  it.each(['', '12 parsecs', '-1KiB'])('rejects size %j', (t) => expect(() => parseSize(t)).toThrow());
  it('formats durations compactly', () => {
    expect(formatDuration(42)).toBe('42s');
    expect(formatDuration(3600 + 120)).toBe('62m');
    expect(formatDuration(86400 * 3 + 3600)).toBe('3d1h');
  });
});

describe('states', () => {
  it('combines CRITICAL > WARNING > UNKNOWN > OK', () => {
    expect(worst(State.OK, State.UNKNOWN)).toBe(State.UNKNOWN);
    expect(worst(State.UNKNOWN, State.WARNING)).toBe(State.WARNING);
    expect(worst(State.WARNING, State.CRITICAL, State.UNKNOWN)).toBe(State.CRITICAL);
    expect(worst()).toBe(State.OK);
  });
  it('parses names, abbreviations and digits', () => {
    expect(parseState('crit')).toBe(State.CRITICAL);
    expect(parseState('w')).toBe(State.WARNING);
    expect(parseState('3')).toBe(State.UNKNOWN);
    expect(() => parseState('bad')).toThrow();
  });
  it('parses -t SECONDS[:STATE]', () => {
    expect(parseTimeout('10')).toEqual({ seconds: 10, state: State.UNKNOWN });
    expect(parseTimeout('1m:CRITICAL')).toEqual({ seconds: 60, state: State.CRITICAL });
    expect(() => parseTimeout('0')).toThrow();
    expect(() => parseTimeout('10:maybe')).toThrow();
  });
});

describe('thresholds', () => {
  const names = ['messages', 'age', 'growth'];
  it('bare range goes to the primary metric; NAME=RANGE to that metric', () => {
    const t = resolveThresholds(['5', 'age=60'], ['growth=@1:10'], names, 'messages', {});
    expect(t.get('messages')?.warn?.end).toBe(5);
    expect(t.get('age')?.warn?.end).toBe(60);
    expect(t.get('growth')?.crit?.inside).toBe(true);
  });
  it('a user setting replaces the default for that metric only', () => {
    const t = resolveThresholds(['messages=10'], [], names, 'messages', { messages: { warn: '0', crit: '100' }, age: { warn: '600' } });
    expect(t.get('messages')?.warn?.end).toBe(10);
    expect(t.get('messages')?.crit?.end).toBe(100);
    expect(t.get('age')?.warn?.end).toBe(600);
  });
  it('NAME=none drops a default', () => {
    const t = resolveThresholds(['messages=none'], [], names, 'messages', { messages: { warn: '0' } });
    expect(t.get('messages')?.warn).toBeUndefined();
  });
  it('a repeated setting for one metric is a usage error (last-wins would drop one silently)', () => {
    expect(() => resolveThresholds(['age=1', 'age=2'], [], names, 'messages', {})).toThrow(UsageError);
  });
  it('an unknown metric is a usage error listing valid names', () => {
    expect(() => resolveThresholds(['bogus=1'], [], names, 'messages', {})).toThrow(UsageError);
    expect(() => resolveThresholds(['bogus=1'], [], names, 'messages', {})).toThrow(/messages, age, growth/);
  });
  it('an invalid range is a usage error', () => {
    expect(() => resolveThresholds([], ['age=2:1'], names, 'messages', {})).toThrow(UsageError);
  });
});

describe('metric names are checked', () => {
  it('a default or a threshold for a metric the check does not have is an error, never a silent skip', async () => {
    const { resolveThresholds } = await import('../../src/lib/thresholds.js');
    const { evaluate } = await import('../../src/lib/evaluate.js');
    expect(() => resolveThresholds([], [], ['a'], 'a', { b: { warn: '1' } })).toThrow(/default threshold names 'b'/);
    expect(() => resolveThresholds(['b=1'], [], ['a'], 'a', {})).toThrow(/unknown metric 'b'/);
    expect(() => evaluate([{ name: 'b', value: 1 }], [{ name: 'a', help: '' }], new Map(), [])).toThrow(/metric 'b' is not in the check's metric table/);
    // a per-item metric (a label of its own, named after data) carries no thresholds and is allowed
    expect(evaluate([{ name: 'queue_x', label: 'queue_x', value: 1 }], [{ name: 'a', help: '' }], new Map(), []).state).toBe(0);
  });
});
