// A state is serialised once, in chunks, and compared with the file's bytes before anything is
// written: the text must be JSON.stringify's to the byte, and unchanged data must write nothing.
import fc from 'fast-check';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jsonChunks } from '../../src/lib/state/json-stream.js';
import { record, num, type Schema } from '../../src/lib/state/schema.js';
import { StateFile } from '../../src/lib/state/store.js';

const text = (v: unknown): Buffer => {
  const parts: Buffer[] = [];
  jsonChunks(v, (b) => { expect(b.length).toBeGreaterThan(0); parts.push(Buffer.from(b)); });
  return Buffer.concat(parts);
};

// values as states hold them, and what JSON.stringify treats specially: undefined members,
// functions, toJSON, null prototypes, unicode (astral, lone surrogates), -0, huge records
const leaf = fc.oneof(
  fc.jsonValue(), fc.string({ unit: 'binary' }), fc.constant(undefined), fc.constant(-0), fc.double(),
  fc.constant(new Date(Date.UTC(2026, 0, 1))), fc.constant(() => 1),
);
const { tree } = fc.letrec((t) => ({
  tree: fc.oneof({ depthSize: 'small' }, leaf, fc.array(t('tree')), fc.dictionary(fc.string({ unit: 'binary' }), t('tree')),
    fc.dictionary(fc.string(), t('tree')).map((o) => Object.assign(Object.create(null) as object, o))),
}));

describe('jsonChunks', () => {
  it('writes JSON.stringify\'s text to the byte, whatever the value', () => {
    fc.assert(fc.property(tree, (v) => {
      expect(text(v).toString('utf8')).toBe(JSON.stringify(v) ?? 'null');
    }), { numRuns: 3000, seed: 44 });
  });

  it('hands a large state out in chunks of about 64 KiB', () => {
    const big = { items: Object.fromEntries(Array.from({ length: 4000 }, (_, i) => [`k${i}\u0001é`, { values: { naks: i, lost: null }, source: 'LBTRM:10.0.0.1:'.repeat(20) }])) };
    const sizes: number[] = [];
    jsonChunks(big, (b) => sizes.push(b.length));
    expect(sizes.length).toBeGreaterThan(10);
    expect(Math.max(...sizes)).toBeLessThan(80_000);
    expect(text(big).toString('utf8')).toBe(JSON.stringify(big));
  });
});

describe('a state saved only when it changed', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'msgwatch-jsonstream-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const NOW = Date.UTC(2026, 11, 5, 12);
  const SCHEMA = record(num()) as Schema<Record<string, number>>;
  const big = (n: number, bump = -1) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`series-${i}`, i === bump ? i + 0.5 : i]));

  it('the file is JSON.stringify of its envelope, and unchanged data is neither written nor fsynced', () => {
    const f = new StateFile<Record<string, number>>(dir, 'check_x', ['k']);
    f.save(big(20_000), NOW);
    const path = f.path;
    expect(readFileSync(path, 'utf8')).toBe(JSON.stringify({ format: 'msgwatch-state', version: 1, plugin: 'check_x', key: ['k'], savedAt: NOW, data: big(20_000) }));
    const loaded = f.load(SCHEMA, NOW + 1000);
    expect(loaded.dataBytes?.length).toBe(JSON.stringify(big(20_000)).length);
    const ino = statSync(path).ino;
    expect(f.stage(big(20_000), NOW + 1000, loaded.dataBytes)).toBeNull();
    expect(readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([]);
    expect(statSync(path).ino).toBe(ino); // not replaced
  });

  it('a change anywhere (first chunk, a middle one, the last; longer, shorter) is written whole', () => {
    const f = new StateFile<Record<string, number>>(dir, 'check_x', ['k']);
    f.save(big(20_000), NOW);
    const variants = [big(20_000, 0), big(20_000, 9_000), big(20_000, 19_999), big(20_001), big(19_999), {}];
    for (const [i, v] of variants.entries()) {
      const loaded = f.load(SCHEMA, NOW + 1000);
      expect(loaded.data).toBeDefined();
      const staged = f.stage(v, NOW + 1000 + i, loaded.dataBytes);
      expect(staged, `variant ${i}`).not.toBeNull();
      staged!.commit();
      expect(JSON.parse(readFileSync(f.path, 'utf8'))).toEqual({ format: 'msgwatch-state', version: 1, plugin: 'check_x', key: ['k'], savedAt: NOW + 1000 + i, data: v });
    }
  });

  it('a file in another shape (spaces, other key order) gives no bytes to compare with: the save writes', () => {
    const f = new StateFile<Record<string, number>>(dir, 'check_x', ['k']);
    f.save(big(3), NOW);
    const env = JSON.parse(readFileSync(f.path, 'utf8')) as Record<string, unknown>;
    const { data, ...rest } = env;
    for (const shape of [JSON.stringify(env, null, 1), JSON.stringify({ data, ...rest })]) {
      writeFileSync(f.path, shape, { mode: 0o600 });
      const loaded = f.load(SCHEMA, NOW + 1000);
      expect(loaded.data).toEqual(big(3));
      expect(loaded.dataBytes).toBeUndefined();
      const staged = f.stage(big(3), NOW + 1000, loaded.dataBytes);
      expect(staged).not.toBeNull();
      staged!.commit();
      expect(readFileSync(f.path, 'utf8')).toBe(JSON.stringify({ format: 'msgwatch-state', version: 1, plugin: 'check_x', key: ['k'], savedAt: NOW + 1000, data: big(3) }));
    }
  });
});
