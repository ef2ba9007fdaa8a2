// Builds every plugin in src/checks/* and every handler in src/handlers/*:
//   dist/<name>.js   one CommonJS bundle with a node shebang (needs only `node`)
//   dist/bin/<name>  a standalone executable (Node Single Executable Application, code cache),
//                    made from a copy of node that is stripped BEFORE the blob is injected
//                    (stripping afterwards gives a binary that segfaults).
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const jsOnly = process.argv.includes('--js-only');
const only = process.argv.filter((a) => !a.startsWith('-')).slice(2);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const dist = join(root, 'dist');
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
const t0 = Date.now();
await Promise.all(list.map(({ name, main }) => esbuild.build({
  entryPoints: [main],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: !process.env.MSGWATCH_NO_MINIFY,
  legalComments: 'none',
  define: { __MSGWATCH_VERSION__: JSON.stringify(pkg.version) },
  banner: { js: '#!/usr/bin/env node' },
  outfile: join(dist, `${name}.js`),
  logLevel: 'warning',
})));
for (const { name } of list) chmodSync(join(dist, `${name}.js`), 0o755);
console.log(`bundled ${list.length} programs in ${Date.now() - t0} ms`);
if (jsOnly) process.exit(0);

// One stripped copy of node serves as the base of every executable.
const base = join(build, 'node-stripped');
const nodeStat = JSON.stringify([process.execPath, process.version]);
if (!existsSync(base) || !existsSync(`${base}.id`) || readFileSync(`${base}.id`, 'utf8') !== nodeStat) {
  copyFileSync(process.execPath, base);
  execFileSync('strip', [base]);
  writeFileSync(`${base}.id`, nodeStat);
}

const postject = join(root, 'node_modules', '.bin', 'postject');

async function makeBinary({ name }) {
  const cfgPath = join(build, `${name}.sea.json`);
  const blob = join(build, `${name}.blob`);
  writeFileSync(cfgPath, JSON.stringify({
    main: join(dist, `${name}.js`),
    output: blob,
    // a code cache, not a startup snapshot: with the light option parser it starts as fast, uses
    // 4.5 MiB less memory, and cannot carry a Map built at snapshot time into the run (BENCHMARKS.md)
    useCodeCache: true,
    disableExperimentalSEAWarning: true,
  }));
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  delete env.NODE_EXTRA_CA_CERTS;
  execFileSync(process.execPath, ['--experimental-sea-config', cfgPath], { stdio: 'pipe', env });
  const out = join(dist, 'bin', name);
  rmSync(out, { force: true });
  copyFileSync(base, out);
  await new Promise((res, rej) => {
    import('node:child_process').then(({ execFile }) => {
      execFile(postject, [out, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'],
        { env }, (err, _so, se) => (err ? rej(new Error(`postject ${name}: ${se}`)) : res()));
    });
  });
  chmodSync(out, 0o755);
}

const t1 = Date.now();
const queue = [...list];
const workers = Array.from({ length: Math.max(1, Math.min(cpus().length, 4)) }, async () => {
  for (let item = queue.shift(); item; item = queue.shift()) await makeBinary(item);
});
await Promise.all(workers);
console.log(`built ${list.length} standalone executables in dist/bin in ${Date.now() - t1} ms`);
