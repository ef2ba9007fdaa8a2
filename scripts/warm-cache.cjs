// Build helper: makes the V8 code cache the standalone executable starts from (src/sea-main.ts).
//   node scripts/warm-cache.cjs <wrapped bundle> <cache out> cold
//   node scripts/warm-cache.cjs <wrapped bundle> <cache out> <program> [args...]
// The second form runs the program on its arguments and saves the cache when the process exits,
// so it holds every function that run compiled. It must run on the node the executable is made
// from, with no NODE_OPTIONS: V8 rejects a cache made under other flags.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { Script } = require('node:vm');

const [source, out, program, ...args] = process.argv.slice(2);
const script = new Script(readFileSync(source, 'utf8'), { filename: 'msgwatch.js' });
if (program === 'cold') {
  writeFileSync(out, script.createCachedData());
} else {
  process.argv = [process.execPath, program, ...args];
  process.on('exit', () => writeFileSync(out, script.createCachedData()));
  const module = { exports: {} };
  script.runInThisContext()(module.exports, require, module, process.execPath, '/');
}
