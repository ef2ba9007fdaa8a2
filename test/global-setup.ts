import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROGRAM_NAMES } from '../src/registry';

/** The end-to-end tests run the built executables: say so plainly when there are none. */
export default function setup(): void {
  const bin = join(__dirname, '..', 'dist', 'bin');
  const need = PROGRAM_NAMES;
  const missing = need.filter((n) => !existsSync(join(bin, n)));
  if (missing.length) throw new Error(`dist/bin lacks ${missing.join(', ')}: run "npm run build" before "npm test"`);
  const real = process.env.MSGWATCH_REAL_CAPTURES || join(__dirname, '..', '..', 'shared', 'real');
  if (!existsSync(join(real, 'README.md'))) {
    process.stdout.write(`real captures: none at ${real}; their tests are SKIPPED. Put the project's shared/ beside the checkout (../shared/real) or set MSGWATCH_REAL_CAPTURES=DIR (CI does, and fails without them)\n`);
  }
}
