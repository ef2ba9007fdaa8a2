/**
 * A loop that makes a great deal of short-lived garbage per item with some of it surviving a
 * while (the Gearman import: buffers and promises per job) makes V8 grow its young generation
 * from 1 MiB towards 16 MiB per semispace: 30+ MiB of anonymous memory that grows with the dump.
 * The handler holds it at a few MiB. The log scans no longer need this: they make little garbage
 * that survives, and their anonymous memory was the same with and without the hold (15-17 MiB on
 * 256 MiB to 1 GiB scans; test/e2e/memory.test.ts, BENCHMARKS.md), so they do not load node:v8
 * for it (8-10 ms a scan).
 *
 * Only once the handler has read SCAN_BYTES: a small run should not pay for node:v8. V8 reads the
 * flag each time it would grow the space, so setting it late is enough.
 */
export const SCAN_BYTES = 8 << 20;

let held = false;

function holdYoungGeneration(): void {
  if (held) return;
  held = true;
  try {
    process.getBuiltinModule('node:v8').setFlagsFromString('--semi-space-growth-factor=1');
  } catch { /* a runtime without the flag: only memory is at stake */ }
}

/**
 * Holds the young generation once it has grown to `bytes`. A loop that makes much short-lived
 * garbage per item (the Gearman import: buffers and promises per job) spent 5x longer in
 * scavenges with it held at its first size (1 MiB) and ran 14% slower than before it was held;
 * let grow to a few MiB first, it is as fast and its memory still flat. Called now and then (it
 * reads the heap's statistics).
 */
export function holdYoungGenerationFrom(bytes: number): void {
  if (held) return;
  const space = process.getBuiltinModule('node:v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  if (space === undefined || space.space_size >= bytes) holdYoungGeneration();
}

/** how far a long import's young generation may grow: at 4 MiB the import ran as fast as with no hold (BENCHMARKS.md) */
export const YOUNG_BYTES = 4 << 20;
