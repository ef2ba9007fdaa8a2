/**
 * Nagios plugin states. Exit codes are exactly these four values, never anything else.
 *
 * Combining results follows the monitoring-plugins order CRITICAL > WARNING > UNKNOWN > OK:
 * a real problem that was measured outranks a part of the check that could not run.
 */
export enum State {
  OK = 0,
  WARNING = 1,
  CRITICAL = 2,
  UNKNOWN = 3,
}

const RANK: Record<State, number> = {
  [State.OK]: 0,
  [State.UNKNOWN]: 1,
  [State.WARNING]: 2,
  [State.CRITICAL]: 3,
};

export function stateName(s: State): string {
  return State[s];
}

/** A state's rank in that order (OK 0, UNKNOWN 1, WARNING 2, CRITICAL 3): for sorting worst first. */
export function severity(s: State): number {
  return RANK[s];
}

export function worst(...states: State[]): State {
  let w = State.OK;
  for (const s of states) if (RANK[s] > RANK[w]) w = s;
  return w;
}

/** Accepts names (case-insensitive, also WARN/CRIT), first letters and digits 0-3. */
export function parseState(text: string): State {
  const t = text.trim().toUpperCase();
  const table: Record<string, State> = {
    OK: State.OK, O: State.OK, '0': State.OK,
    WARNING: State.WARNING, WARN: State.WARNING, W: State.WARNING, '1': State.WARNING,
    CRITICAL: State.CRITICAL, CRIT: State.CRITICAL, C: State.CRITICAL, '2': State.CRITICAL,
    UNKNOWN: State.UNKNOWN, U: State.UNKNOWN, '3': State.UNKNOWN,
  };
  const s = table[t];
  if (s === undefined) throw new Error(`invalid state '${text}' (use OK, WARNING, CRITICAL or UNKNOWN)`);
  return s;
}
