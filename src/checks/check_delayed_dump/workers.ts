/**
 * --gearman: which of the dump's queues no worker serves on the job server now, the likely reason
 * the dump is not draining (a re-import would leave them: handle_delayed_dump never submits into
 * a function no worker serves). Long output only: the dump's own figures give the state.
 */
import { readStatus } from '../../gearman/admin.js';
import { label, type Server } from '../../gearman/server.js';
import { shown } from '../../gearman/names.js';

export async function workerLines(servers: Server[], queues: [string, number][], deadline: number): Promise<string[]> {
  if (queues.length === 0) return [];
  const out: string[] = [];
  for (const s of servers) {
    try {
      const st = await readStatus(s, Math.max(500, Math.min(5000, deadline - Date.now())));
      const none = queues.filter(([q]) => (st.get(q)?.workers ?? 0) === 0);
      const served = queues.filter(([q]) => (st.get(q)?.workers ?? 0) > 0);
      if (none.length) out.push(`no worker now on gearmand ${label(s)} for ${none.map(([q, n]) => `${shown(q)} (${n} in the dump)`).join(', ')}: the likely reason the dump is not draining; handle_delayed_dump leaves these queues in it until a worker serves them`);
      if (served.length) out.push(`gearmand ${label(s)} has workers for ${served.map(([q]) => `${shown(q)} (${st.get(q)!.workers})`).join(', ')}`);
    } catch (e) {
      out.push(`gearmand ${label(s)} could not be asked which queues have workers: ${(e as Error).message}`);
    }
  }
  return out;
}
