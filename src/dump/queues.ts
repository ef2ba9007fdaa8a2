/**
 * mod_gearman's queues in a dump hold two kinds of message: results (check_results, perfdata),
 * which reports lost, and jobs (host, service, hostgroup_*, eventhandler...), which would run now.
 * The dump check names them; handle_delayed_dump --gearman re-submits only results by default.
 */
export const RESULT_QUEUES = ['check_results', 'perfdata'];

export function isResultQueue(queue: string, more: string[] = []): boolean {
  return RESULT_QUEUES.includes(queue) || more.includes(queue);
}

/** A job queue's messages in words, for "left: 50 old host checks, 3 event handlers". */
export function jobsOf(queue: string, n: number): string {
  const what = queue === 'host' || queue.startsWith('hostgroup_') ? 'old host check'
    : queue === 'service' || queue.startsWith('servicegroup_') ? 'old service check'
      : queue === 'eventhandler' ? 'event handler'
        : queue === 'notification' ? 'notification' : null;
  return what ? `${n} ${what}${n === 1 ? '' : 's'}${queue.includes('_') ? ` (${queue})` : ''}` : `${n} ${queue} job${n === 1 ? '' : 's'}`;
}
