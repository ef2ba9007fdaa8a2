// The programs' tables as the built executable reports them (`msgwatch --describe`, from
// src/registry.ts): what the man pages and the Icinga 2 commands are generated from.
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function describeBuilt() {
  return JSON.parse(execFileSync(join(root, 'dist', 'bin', 'msgwatch'), ['--describe'], { encoding: 'utf8' }));
}
