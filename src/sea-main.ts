/**
 * The standalone executable's entry point: runs the bundle of the program it was invoked as (an
 * asset of the executable) with a V8 code cache made for it, or, for `msgwatch` itself and names
 * it does not serve, the bundle of all programs (src/msgwatch.ts, the dispatcher). A program's own
 * bundle is a third of the whole: less source to read and less cache to deserialise at each start.
 * `msgwatch <program> [options]` runs as the program does, with the program's name taken out of
 * argv (the program's bundle reads its options from argv[2] on).
 *
 * Why not Node's own `useCodeCache`: that cache is made right after compiling the bundle, so it
 * holds only the top-level code; every function a run calls is still compiled on first call.
 * The build runs each program once on sample data and saves the cache at exit, when it holds
 * those functions too (scripts/warm-cache.cjs): a minimal run is ~3.5 ms faster (BENCHMARKS.md).
 * A rejected cache (another V8) only costs that time back: the bundle is compiled as usual.
 *
 * This file must stay tiny and load nothing but built-ins: it runs before the cache helps.
 */
import { basename } from 'node:path';
import { getAsset } from 'node:sea';
import { Script } from 'node:vm';

const invoked = basename(process.argv[1] ?? '');

function asset(key: string): Uint8Array | undefined {
  try {
    return new Uint8Array(getAsset(key));
  } catch {
    return undefined; // none for this name (an unknown link name, `msgwatch --version`)
  }
}

const named = invoked === 'msgwatch' ? (process.argv[2] ?? '') : invoked;
const own = asset(`js/${named}`);
const cachedData = own !== undefined ? asset(`cache/${named}`) : asset('cache/msgwatch');
if (own !== undefined && invoked === 'msgwatch') process.argv.splice(2, 1);
// latin1, not getAsset(key, 'utf8'): TextDecoder would page in ~11 MiB of ICU data on every run;
// the bundles are ASCII (esbuild escapes everything else; the build checks)
const bytes = own ?? asset('msgwatch.js')!;
const source = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
const script = new Script(source, { filename: 'msgwatch.js', cachedData });
if (process.env.MSGWATCH_CODE_CACHE_CHECK) {
  process.stderr.write(`msgwatch code cache for ${own ? named : 'msgwatch'}: ${cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'accepted'}\n`);
}
const module = { exports: {} };
(script.runInThisContext() as (e: object, r: NodeJS.Require, m: object, f: string, d: string) => void)(
  module.exports, require, module, process.execPath, '/');
