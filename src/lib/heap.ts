/**
 * A long scan makes a great deal of short-lived garbage. V8 then grows its young generation from
 * 1 MiB towards 16 MiB per semispace, which shows as 30+ MiB of anonymous memory although almost
 * nothing survives. Held at its first size, a scan's anonymous memory stays flat (about 20 MiB
 * whatever the input) for a few percent of its time: BENCHMARKS.md has both figures.
 *
 * Only once a run has read SCAN_BYTES: node:v8 costs start-up time that a small run should not
 * pay. V8 reads this flag each time it would grow the space, so setting it late is enough.
 */
export const SCAN_BYTES = 8 << 20;

let held = false;

export function holdYoungGeneration(): void {
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
