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
