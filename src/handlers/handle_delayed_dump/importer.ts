/**
 * Step 4-5: run the import command through /bin/sh in its own process group, with a timeout
 * that kills the whole group, capturing (a bounded amount of) its output.
 */
import { childProcess } from '../../lib/builtins.js';

export interface ImportResult {
  ok: boolean;
  code: number | null;
  signal: string | null;
  timedOut: boolean;
  output: string;
  why: string;
}

const KEEP = 64 * 1024;

export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(template: string, archived: string): string {
  return template.includes('{file}') ? template.split('{file}').join(shellQuote(archived)) : template;
}

export function runImport(cmd: string, timeoutMs: number, successPattern: RegExp | null): Promise<ImportResult> {
  return new Promise((resolve) => {
    const child = childProcess().spawn('/bin/sh', ['-c', cmd], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let timedOut = false;
    const take = (b: Buffer) => { if (output.length < KEEP) output += b.toString('utf8').slice(0, KEEP - output.length); };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* gone */ }
      setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 2000).unref();
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ ok: false, code: null, signal: null, timedOut: false, output, why: `could not start: ${e.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let ok = !timedOut && code === 0;
      let why = timedOut ? `timed out after ${timeoutMs / 1000}s` : code === 0 ? 'exit 0' : signal ? `killed by ${signal}` : `exit ${code}`;
      // the shell's "not found": say it plainly, with where it looked (a scheduler's PATH is short)
      if (code === 126 || code === 127) {
        const word = cmd.trim().split(/\s+/)[0] ?? cmd;
        why = `exit ${code}: the import command ${word} was ${code === 127 ? 'not found' : 'not executable'}`
          + `${word.includes('/') ? '' : ` in this run's PATH (${process.env.PATH ?? 'unset'})`}; give its full path with --import-command`;
      }
      if (ok && successPattern && !successPattern.test(output)) {
        ok = false;
        why = `exit 0 but the output does not match /${successPattern.source}/`;
      }
      resolve({ ok, code, signal, timedOut, output, why });
    });
  });
}
