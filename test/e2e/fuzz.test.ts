// The end-to-end fuzz suite, bounded for CI (about a minute). Seeded: a failure prints its seed;
// MSGWATCH_FUZZ_SEED=S replays it, and `npm run fuzz -- --minutes N` runs longer with new seeds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzRotations, fuzzRuns, fuzzUnsaved, type Failure } from '../fuzz/fuzz';
import { tempDir } from '../helpers';

const SEED = Number(process.env.MSGWATCH_FUZZ_SEED ?? 20261122);
const CASES = Number(process.env.MSGWATCH_FUZZ_CASES ?? 150);
let dir: string;
let cleanup: () => void;
beforeAll(() => { ({ dir, cleanup } = tempDir('msgwatch-fuzz-')); });
afterAll(() => cleanup());

const report = (f: Failure[]) => f.map((x) => `seed ${x.seed} case ${x.case}: ${x.what}\n  argv ${JSON.stringify(x.argv).slice(0, 300)}\n  ${x.output.split('\n')[0].slice(0, 300)}`).join('\n');

describe(`fuzz (seed ${SEED})`, () => {
  it(`${CASES} random command lines on mutated inputs: exit 0-3, one well-formed line, valid unique perfdata, caps, -t`, async () => {
    const failures = await fuzzRuns(SEED, CASES, dir);
    expect(report(failures)).toBe('');
  }, 300_000);

  it('the state as a directory: no run whose state could not be saved is OK', async () => {
    const failures = await fuzzUnsaved(SEED, 40, dir);
    expect(report(failures)).toBe('');
  }, 300_000);

  it('known events appended in random pieces across random rotations are counted exactly once', async () => {
    const failures = [...await fuzzRotations(SEED, 25, dir), ...await fuzzRotations(SEED + 1, 25, dir)];
    expect(report(failures)).toBe('');
  }, 300_000);
});
