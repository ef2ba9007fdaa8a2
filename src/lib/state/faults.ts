/**
 * Fault injection for crash-safety tests: MSGWATCH_FAULT_INJECT=<point>[,<point>...] makes the
 * process kill itself (SIGKILL, no cleanup, like a power cut for this process) or throw at a
 * named point. Production runs never set it.
 */
// read lazily: a startup snapshot would otherwise freeze the environment of the build
let cached: Set<string> | null = null;
const points = () => (cached ??= new Set((process.env.MSGWATCH_FAULT_INJECT ?? '').split(',').filter(Boolean)));

export function faultPoint(name: string): void {
  const p = points();
  if (p.size === 0) return;
  if (p.has(`kill:${name}`)) process.kill(process.pid, 'SIGKILL');
  if (p.has(`throw:${name}`)) throw new Error(`injected fault at ${name}`);
  // pause:<name>: stop here for MSGWATCH_FAULT_PAUSE_MS (default 1000), so a test can act in
  // the window (rename the log between the reader's open and its read)
  if (p.has(`pause:${name}`)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(process.env.MSGWATCH_FAULT_PAUSE_MS ?? 1000));
}

export function faultEnabled(name: string): boolean {
  return points().has(name);
}
