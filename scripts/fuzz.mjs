#!/usr/bin/env node
// Longer fuzzing than CI's bounded run: `npm run fuzz -- --minutes N [--seed S]`.
// Runs the end-to-end fuzz suite (test/e2e/fuzz.test.ts) again and again with new seeds until
// N minutes have passed, and stops at the first failure, printing its seed to replay with
// `MSGWATCH_FUZZ_SEED=S npx vitest run test/e2e/fuzz.test.ts`.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : def; };
const minutes = Number(opt('minutes', '5'));
const cases = opt('cases', '400');
if (!(minutes > 0)) { console.error('usage: npm run fuzz -- --minutes N [--seed S] [--cases C]'); process.exit(2); }
let seed = Number(opt('seed', String(Date.now() % 1e9)));
const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS; // a scheduler runs plugins without it; it only slows each start
delete env.NODE_OPTIONS;

spawnSync('bash', [join(root, 'scripts', 'ensure-built.sh')], { stdio: 'inherit', cwd: root });
const until = Date.now() + minutes * 60_000;
let rounds = 0;
while (Date.now() < until) {
  process.stdout.write(`fuzz: seed ${seed} (${cases} command lines, 50 rotation rounds) ... `);
  const r = spawnSync('npx', ['vitest', 'run', 'test/e2e/fuzz.test.ts'], {
    cwd: root, env: { ...env, MSGWATCH_FUZZ_SEED: String(seed), MSGWATCH_FUZZ_CASES: cases }, encoding: 'utf8',
  });
  if (r.status !== 0) {
    console.log('FAILED');
    console.log(r.stdout.split('\n').filter((l) => /seed \d+ case|argv|Error/.test(l)).join('\n'));
    console.log(`replay: MSGWATCH_FUZZ_SEED=${seed} MSGWATCH_FUZZ_CASES=${cases} npx vitest run test/e2e/fuzz.test.ts`);
    process.exit(1);
  }
  console.log('ok');
  rounds++;
  seed++;
}
console.log(`fuzz: ${rounds} seeds, nothing found in ${minutes} min`);
