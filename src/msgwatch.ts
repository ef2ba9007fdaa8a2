/**
 * msgwatch: one executable for every program. Installed as `msgwatch` with the programs as
 * symlinks or hardlinks to it, it runs the program it was invoked as (a standalone executable
 * keeps that name in argv[1]); `msgwatch <program> [options]` works too. Each program's modules
 * are evaluated only when it runs (esbuild keeps dynamic imports lazy in the bundle), so one
 * binary starts as fast as five. The programs come from the registry (registry.ts).
 */
import { basename } from 'node:path';
import { PROGRAM_NAMES, PROGRAMS, programNamed } from './registry.js';
import { VERSION, versionLine } from './lib/version.js';
import { writeAllSync } from './lib/write.js';

function usage(): string {
  return [
    `msgwatch v${VERSION}: Nagios/OpMon checks for where messages are lost or delayed.`,
    '',
    'Usage: <program> [options]   (each program is installed as a link to msgwatch)',
    '       msgwatch <program> [options]',
    '       msgwatch --runtime-check [SQLITE_DB]   (the embedded Node, glibc, node:sqlite)',
    '       msgwatch --describe                    (every program\'s tables as JSON, for generators)',
    '',
    'Programs (each has --help):',
    ...PROGRAMS.map((p) => `  ${p.name.padEnd(31)}${p.what}`),
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

async function describeAll(): Promise<void> {
  const out = [];
  for (const p of PROGRAMS) out.push({ ...(await p.describe()), kind: p.kind, what: p.what, icinga: p.icinga, sample: p.sample });
  // coerce functions carry their placeholder (DURATION, SIZE) as a property: keep that, drop the code
  writeAllSync(1, `${JSON.stringify({ version: VERSION, node: process.version, programs: out }, (k, v) => (k === 'coerce' ? (v as { placeholder?: string }).placeholder ?? true : v))}\n`);
}

const name = invokedAs();
const argv = process.argv.slice(2);
const own = programNamed(name);
if (own) {
  void own.run(argv);
} else if (name !== 'msgwatch') {
  unknownProgram(`invoked as ${JSON.stringify(name.slice(0, 100))}: this name`);
} else if (argv.length && programNamed(argv[0])) {
  void programNamed(argv[0])!.run(argv.slice(1));
} else if (argv[0] === '--describe') {
  void describeAll();
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
