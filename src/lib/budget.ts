/**
 * Waits inside a run's -t budget. An option asks for a wait (--fetch-wait, --dump-wait); -t may
 * leave less. A wait that -t cut short must say so and take the -t state the operator chose,
 * never claim it waited what the option asked.
 */
import type { TimeoutSpec } from './cli.js';
import { State } from './status.js';

export interface Wait {
  /** when the wait ends (ms since the epoch) */
  until: number;
  /** -t, not the option, ends it */
  cut: boolean;
  /** seconds it can last, to one decimal */
  seconds: number;
}

/** A wait of `askedMs` that must end `reserveMs` before the run's deadline. */
export function waitWithin(askedMs: number, deadline: number, reserveMs: number, now = Date.now()): Wait {
  const own = now + askedMs;
  const cap = deadline - reserveMs;
  const until = Math.min(own, cap);
  return { until, cut: cap < own, seconds: Math.max(0, Math.round((until - now) / 100) / 10) };
}

/** "within the 2.3s that -t 3 left of --fetch-wait 30s", or "within 30s" when not cut. */
export function waitedText(w: Wait, option: string, askedSeconds: number, t: TimeoutSpec): string {
  return w.cut ? `within the ${w.seconds}s that -t ${t.seconds} left of ${option} ${askedSeconds}s (raise -t)` : `within ${askedSeconds}s`;
}

/** The state of a wait that ended without its answer: the -t state when -t cut it. */
export function waitState(w: Wait, t: TimeoutSpec, otherwise: State): State {
  return w.cut ? t.state : otherwise;
}
