/**
 * Fault injection for crash-safety tests: MSGWATCH_FAULT_INJECT=<point>[,<point>...] makes the
 * process kill itself (SIGKILL, no cleanup, like a power cut for this process) or throw at a
 * named point. Production runs never set it.
 */
const points = new Set((process.env.MSGWATCH_FAULT_INJECT ?? '').split(',').filter(Boolean));

export function faultPoint(name: string): void {
  if (points.size === 0) return;
  if (points.has(`kill:${name}`)) process.kill(process.pid, 'SIGKILL');
  if (points.has(`throw:${name}`)) throw new Error(`injected fault at ${name}`);
}

export function faultEnabled(name: string): boolean {
  return points.has(name);
}
