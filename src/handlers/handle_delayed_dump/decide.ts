/** Whether the event handler acts on this state change (pure). */

export interface Trigger {
  state: string; // OK, WARNING, CRITICAL, UNKNOWN
  type: string; // SOFT or HARD
  attempt: number | null;
}

export interface Policy {
  on: string[];
  softAttempt: number | null;
}

export function decide(t: Trigger, p: Policy): { act: boolean; why: string } {
  const state = t.state.toUpperCase();
  const type = t.type.toUpperCase();
  const desc = `${state || '?'} ${type || '?'}${t.attempt ? ` attempt ${t.attempt}` : ''}`;
  if (!p.on.includes(state)) return { act: false, why: `${desc}: acts only on ${p.on.join('/')}` };
  if (type === 'HARD') return { act: true, why: desc };
  if (type === 'SOFT' && p.softAttempt !== null && t.attempt === p.softAttempt) return { act: true, why: `${desc} (--soft-attempt ${p.softAttempt})` };
  return { act: false, why: `${desc}: acts only in a HARD state${p.softAttempt !== null ? ` or at SOFT attempt ${p.softAttempt}` : ''}` };
}
