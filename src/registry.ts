/**
 * The one list of programs. The dispatcher (msgwatch.ts), the build (code-cache sample runs),
 * the man pages, the install script, the Icinga 2 commands and the tests all derive from it
 * (scripts read it through `msgwatch --describe`). Adding a program is its folder plus one
 * entry here.
 */
import type { PluginDefinition, ProgramDescription } from './lib/check.js';
import type { OptionSpecs } from './lib/cli.js';

export type { ProgramDescription };

export interface Program {
  name: string;
  kind: 'check' | 'handler';
  /** one line for `msgwatch --help` */
  what: string;
  /** the Icinga 2 object (CheckCommand or EventCommand) and its variables' prefix, ITL style */
  icinga: { object: string; prefix: string };
  /** the run the build makes to warm its code cache: paths relative to examples/data */
  sample: string[];
  run(argv: string[]): Promise<void>;
  describe(): Promise<ProgramDescription>;
}

/** A check's entry: its definition module is loaded only when it runs (or is described). */
function check<T extends OptionSpecs>(entry: Pick<Program, 'name' | 'what' | 'icinga' | 'sample'>, load: () => Promise<{ definition: PluginDefinition<T> }>): Program {
  return {
    ...entry, kind: 'check',
    run: async (argv) => (await import('./lib/plugin.js')).startPlugin((await load()).definition, argv),
    describe: async () => (await import('./lib/plugin.js')).describePlugin((await load()).definition),
  };
}

export const PROGRAMS: Program[] = [
  check({ name: 'check_delayed_dump', what: "OpMon's undelivered messages", icinga: { object: 'msgwatch_delayed_dump', prefix: 'delayed_dump' }, sample: ['-f', 'delayed-messages.dump'] },
    () => import('./checks/check_delayed_dump/definition.js')),
  check({ name: 'check_broker_command_timeouts', what: 'Shinken broker command calls that fail', icinga: { object: 'msgwatch_broker_command_timeouts', prefix: 'broker_commands' }, sample: ['-f', 'brokerd.log'] },
    () => import('./checks/check_broker_command_timeouts/definition.js')),
  check({ name: 'check_um_naks', what: 'Ultra Messaging NAKs and loss (lbmmon, UM JSON, MCS)', icinga: { object: 'msgwatch_um_naks', prefix: 'um_naks' }, sample: ['-f', 'lbmmon.log'] },
    () => import('./checks/check_um_naks/definition.js')),
  check({ name: 'check_um_event_queue', what: 'Ultra Messaging event queues (lbmmon, UM JSON, MCS)', icinga: { object: 'msgwatch_um_event_queue', prefix: 'um_event_queue' }, sample: ['-f', 'lbmmon.log'] },
    () => import('./checks/check_um_event_queue/definition.js')),
  check({ name: 'check_um_store', what: 'Ultra Messaging Persistent Store (MCS umpmonmsg)', icinga: { object: 'msgwatch_um_store', prefix: 'um_store' }, sample: ['-f', 'mcs-daemons.jsonl', '--stale-log', '0'] },
    () => import('./checks/check_um_store/definition.js')),
  check({ name: 'check_um_dro', what: 'Ultra Messaging DRO and SRS (MCS dromonmsg, srsmonmsg)', icinga: { object: 'msgwatch_um_dro', prefix: 'um_dro' }, sample: ['-f', 'mcs-daemons.jsonl', '--stale-log', '0'] },
    () => import('./checks/check_um_dro/definition.js')),
  check({ name: 'check_gearman_queues', what: 'Gearman job servers: queues, workers, stuck and orphaned queues', icinga: { object: 'msgwatch_gearman_queues', prefix: 'gearman_queues' }, sample: ['-H', '127.0.0.1:1', '-t', '2'] },
    () => import('./checks/check_gearman_queues/definition.js')),
  {
    name: 'handle_delayed_dump', kind: 'handler', what: 'event handler: re-imports the dump safely',
    icinga: { object: 'msgwatch_handle_delayed_dump', prefix: 'handle_delayed_dump' },
    sample: ['--service-state', 'OK', '--state-type', 'HARD', '--attempt', '1', '-f', 'delayed-messages.dump'],
    run: async (argv) => (await import('./handlers/handle_delayed_dump/handler.js')).runHandler(argv),
    describe: async () => (await import('./handlers/handle_delayed_dump/handler.js')).describeHandler(),
  },
];

export const PROGRAM_NAMES = PROGRAMS.map((p) => p.name);

export function programNamed(name: string): Program | undefined {
  return PROGRAMS.find((p) => p.name === name);
}
