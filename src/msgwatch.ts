/**
 * msgwatch: one executable for every program. Installed as `msgwatch` with the programs as
 * symlinks or hardlinks to it, it runs the program it was invoked as (a standalone executable
 * keeps that name in argv[1]); `msgwatch <program> [options]` works too. Each program's modules
 * are evaluated only when it runs (esbuild keeps dynamic imports lazy in the bundle), so one
 * binary starts as fast as five.
 */
import { basename } from 'node:path';
import { startPlugin } from './lib/plugin.js';
import { VERSION, versionLine } from './lib/version.js';
import { writeAllSync } from './lib/write.js';

const PROGRAMS: Record<string, { what: string; run: (argv: string[]) => Promise<void> }> = {
  check_delayed_dump: {
    what: "OpMon's undelivered messages",
    run: async (argv) => startPlugin((await import('./checks/check_delayed_dump/definition.js')).definition, argv),
  },
  check_broker_command_timeouts: {
    what: 'Shinken broker command calls that fail',
    run: async (argv) => startPlugin((await import('./checks/check_broker_command_timeouts/definition.js')).definition, argv),
  },
  check_um_naks: {
    what: 'Ultra Messaging NAKs and loss (lbmmon)',
    run: async (argv) => startPlugin((await import('./checks/check_um_naks/definition.js')).definition, argv),
  },
  check_um_event_queue: {
    what: 'Ultra Messaging event queues (lbmmon)',
    run: async (argv) => startPlugin((await import('./checks/check_um_event_queue/definition.js')).definition, argv),
  },
  handle_delayed_dump: {
    what: 'event handler: re-imports the dump safely',
    run: async (argv) => (await import('./handlers/handle_delayed_dump/handler.js')).runHandler(argv),
  },
};

export const PROGRAM_NAMES = Object.keys(PROGRAMS);

function usage(): string {
  return [
    `msgwatch v${VERSION}: Nagios/OpMon checks for where messages are lost or delayed.`,
    '',
    'Usage: <program> [options]   (each program is installed as a link to msgwatch)',
    '       msgwatch <program> [options]',
    '',
    '       msgwatch --runtime-check [SQLITE_DB]   (the embedded Node, glibc, node:sqlite)',
    '',
    'Programs (each has --help):',
    ...Object.entries(PROGRAMS).map(([n, p]) => `  ${n.padEnd(31)}${p.what}`),
    '',
  ].join('\n');
}

/** The name this executable was invoked by: argv[1] in a standalone executable, the bundle's name under node. */
function invokedAs(): string {
  const a1 = process.argv[1] ?? '';
  return a1.endsWith('.js') ? basename(a1, '.js') : basename(a1);
}

/**
 * A name the executable does not serve is a plugin misnamed by the operator (a link called
 * check_delayed_dump.sh, a typo in a command definition): the scheduler runs it as a check, so it
 * must be UNKNOWN on stdout, never help and exit 0. Only `msgwatch` itself prints general help.
 */
function unknownProgram(what: string): void {
  writeAllSync(1, `MSGWATCH UNKNOWN - ${what} is not a msgwatch program (it serves ${PROGRAM_NAMES.join(', ')})\n`);
  process.exitCode = 3;
}

const name = invokedAs();
const argv = process.argv.slice(2);
if (Object.hasOwn(PROGRAMS, name)) {
  void PROGRAMS[name].run(argv);
} else if (name !== 'msgwatch') {
  unknownProgram(`invoked as ${JSON.stringify(name.slice(0, 100))}: this name`);
} else if (argv.length && Object.hasOwn(PROGRAMS, argv[0])) {
  void PROGRAMS[argv[0]].run(argv.slice(1));
} else if (argv[0] === '--runtime-check') {
  void import('./lib/runtime.js').then(({ runtimeReport }) => {
    const r = runtimeReport(argv[1]);
    writeAllSync(1, r.text);
    process.exitCode = r.ok ? 0 : 3;
  });
} else if (argv[0] === '--version' || argv[0] === '-V') {
  writeAllSync(1, versionLine('msgwatch'));
} else if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') {
  writeAllSync(1, usage());
} else {
  unknownProgram(JSON.stringify(argv[0].slice(0, 100)));
}
