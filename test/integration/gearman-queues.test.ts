// check_gearman_queues against real gearmand servers (Debian's gearman-job-server), started by each
// test on 127.0.0.1 and free ports and stopped by PID, with real `gearman -w` workers started and
// killed by PID; and against stand-in servers that are not gearmand (an HTTP server, a silent one,
// one with 10,000 functions and odd names) made here with node:net.
import { execa } from 'execa';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer, type Server as NetServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allPerfdata, perfValue, runBin, tempDir, validatePerfdata } from '../helpers';

const available = existsSync('/usr/sbin/gearmand') && existsSync('/usr/bin/gearadmin') && existsSync('/usr/bin/gearman');
if (!available && process.env.CI) throw new Error('CI must install gearman-job-server and gearman-tools');

let dir: string;
let cleanup: () => void;
const procs: ChildProcess[] = [];
const servers: NetServer[] = [];
let env: Record<string, string>;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const admin = (port: number) => execa('gearadmin', ['-h', '127.0.0.1', '-p', String(port), '--status'], { reject: false });

async function gearmand(): Promise<{ port: number; proc: ChildProcess }> {
  const port = await freePort();
  const proc = spawn('/usr/sbin/gearmand', ['-L', '127.0.0.1', '-p', String(port), '-l', join(dir, `gearmand-${port}.log`)], { stdio: 'ignore' });
  procs.push(proc);
  for (let i = 0; i < 100; i++) {
    if ((await admin(port)).exitCode === 0) return { port, proc };
    await sleep(50);
  }
  throw new Error('gearmand did not start');
}

async function stop(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  p.kill('SIGKILL');
  await new Promise((r) => p.once('exit', r));
}

/** A real worker for `fn` running `cmd` per job (none: it prints the job and answers nothing). */
async function worker(port: number, fn: string, cmd: string[] = ['cat']): Promise<ChildProcess> {
  const w = spawn('gearman', ['-h', '127.0.0.1', '-p', String(port), '-w', '-f', fn, '--', ...cmd], { stdio: 'ignore' });
  procs.push(w);
  for (let i = 0; i < 100; i++) {
    const st = (await admin(port)).stdout;
    if (new RegExp(`^${fn}\\t\\d+\\t\\d+\\t[1-9]`, 'm').test(st)) return w;
    await sleep(50);
  }
  throw new Error(`worker for ${fn} did not register`);
}

const submit = (port: number, fn: string, n: number) => Promise.all(Array.from({ length: n }, (_, i) => execa('gearman', ['-h', '127.0.0.1', '-p', String(port), '-b', '-f', fn, `job ${i}`])));
const check = (args: string[], e = env) => runBin('check_gearman_queues', args, e);

beforeEach(() => {
  ({ dir, cleanup } = tempDir('msgwatch-gq-'));
  env = { MSGWATCH_STATE_DIR: join(dir, 'state') };
});
afterEach(async () => {
  for (const p of procs.splice(0)) await stop(p);
  for (const s of servers.splice(0)) s.close();
  cleanup();
});

describe.skipIf(!available)('check_delayed_dump --gearman', () => {
  it("names the dump's queues no worker serves now, and those that have workers; an unreachable server is said", async () => {
    const g = await gearmand();
    await worker(g.port, 'perfdata', ['true']);
    const dump = join(dir, 'delayed-messages.dump');
    writeFileSync(dump, 'check_results a\ncheck_results b\nperfdata c\n');
    const r = await runBin('check_delayed_dump', ['-f', dump, '--gearman', `127.0.0.1:${g.port}`], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`no worker now on gearmand 127\\.0\\.0\\.1:${g.port} for check_results \\(2 in the dump\\): the likely reason the dump is not draining`));
    expect(r.stdout).toMatch(/has workers for perfdata \(1\)/);
    const closed = await freePort();
    const x = await runBin('check_delayed_dump', ['-f', dump, '--gearman', `127.0.0.1:${closed}`], env);
    expect(x.stdout).toMatch(new RegExp(`gearmand 127\\.0\\.0\\.1:${closed} could not be asked which queues have workers: cannot connect`));
  });
});

describe.skipIf(!available)('check_gearman_queues against a real gearmand', () => {
  it('jobs waiting with no worker: CRITICAL naming queue and server; a worker comes back and takes them: OK', async () => {
    const g = await gearmand();
    await submit(g.port, 'check_results', 20);
    let r = await check(['-H', `127.0.0.1:${g.port}`]);
    expect(r.code, r.stdout).toBe(2);
    expect(r.line1).toMatch(new RegExp(`^GEARMAN CRITICAL - 20 jobs waiting in check_results on 127\\.0\\.0\\.1:${g.port} and no worker`));
    expect(perfValue(r, 'check_results_waiting')).toBe(20);
    expect(perfValue(r, 'check_results_workers')).toBe(0);
    expect(perfValue(r, 'no_worker')).toBe(1);
    validatePerfdata(allPerfdata(r.stdout));
    await worker(g.port, 'check_results', ['true']);
    for (let i = 0; i < 100 && !/^check_results\t0\t/m.test((await admin(g.port)).stdout); i++) await sleep(50);
    r = await check(['-H', `127.0.0.1:${g.port}`]);
    expect(r.code, r.stdout).toBe(0);
    expect(r.line1).toMatch(/^GEARMAN OK - 1 queue on .*: 0 waiting, 0 running/);
    expect(perfValue(r, 'check_results_workers')).toBe(1);
    expect(r.stdout).toMatch(/check_results on \S+: 0 waiting .*1 worker on 1 host; draining at [\d.]+ jobs\/s/);
  });

  it('the worst queue gives the state, not the last one; thresholds per queue; --include of a name no server has is said', async () => {
    const g = await gearmand();
    await worker(g.port, 'a_first', ['sleep', '1000']); // takes one job and hangs: the rest wait
    await worker(g.port, 'z_last', ['sleep', '1000']);
    await submit(g.port, 'a_first', 150);
    await submit(g.port, 'z_last', 20);
    let r = await check(['-H', `127.0.0.1:${g.port}`]);
    expect(r.code, r.stdout).toBe(2); // a_first: 149 waiting > 100 (CRITICAL), z_last: 19 > 10 (WARNING) comes later by name
    expect(r.line1).toMatch(/^GEARMAN CRITICAL - a_first on \S+: waiting 149 \(outside 100\)/);
    r = await check(['-H', `127.0.0.1:${g.port}`, '--queue-critical', 'a_*:waiting=1000', '--queue-warning', 'a_*:waiting=1000']);
    expect(r.code, r.stdout).toBe(1);
    expect(r.line1).toMatch(/z_last on \S+: waiting 19 \(outside 10\)/);
    r = await check(['-H', `127.0.0.1:${g.port}`, '--include', 'z_last', '--include', 'check_results', '-c', 'workers=@0:1']);
    expect(r.code, r.stdout).toBe(2);
    expect(r.stdout).toMatch(/z_last on \S+: workers 1 \(outside @0:1\)/);
    expect(r.stdout).toMatch(/check_results is not a queue on /);
    expect((await check(['-H', `127.0.0.1:${g.port}`, '--queue-warning', 'a_first:wating=5'])).line1).toMatch(/^GEARMAN UNKNOWN - --queue-warning: .*is not QUEUE:NAME=RANGE/);
  });

  it('a queue draining over several runs gives its rate and time to empty; one that does not go down for 3 runs is stuck', async () => {
    const g = await gearmand();
    await submit(g.port, 'slow', 40);
    await submit(g.port, 'hung', 5);
    await worker(g.port, 'hung', ['sleep', '1000']);
    let r = await check(['-H', `127.0.0.1:${g.port}`, '--no-worker', 'OK']);
    await worker(g.port, 'slow', ['sh', '-c', 'sleep 0.05; cat']);
    await sleep(700);
    r = await check(['-H', `127.0.0.1:${g.port}`]);
    expect(r.stdout).toMatch(/slow on \S+: \d+ waiting .*; draining at [\d.]+ jobs\/s, empty in about \d+/);
    for (let i = 0; i < 2; i++) r = await check(['-H', `127.0.0.1:${g.port}`]);
    expect(r.stdout).toMatch(/stuck: 4 jobs waiting in hung on \S+, not gone down in 3 runs though 1 worker serve/);
    expect(perfValue(r, 'stuck')).toBe(1);
    expect(r.code).toBe(1);
  });

  it('an orphaned worker_<host> queue is its own finding after --stuck-runs runs, not an outage; --exclude drops it', async () => {
    const g = await gearmand();
    await submit(g.port, 'worker_oldhost', 1);
    let r = await check(['-H', `127.0.0.1:${g.port}`]);
    expect(r.code).toBe(2); // the first runs cannot tell it from an outage
    for (let i = 0; i < 3; i++) r = await check(['-H', `127.0.0.1:${g.port}`]);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/orphaned: worker_oldhost on \S+ has had no worker and 1 job for 3 runs/);
    expect(perfValue(r, 'orphaned')).toBe(1);
    expect((await check(['-H', `127.0.0.1:${g.port}`, '--orphaned', 'WARNING'])).code).toBe(1);
    const x = await check(['-H', `127.0.0.1:${g.port}`, '--exclude', 'worker_*'], { MSGWATCH_STATE_DIR: join(dir, 'other') });
    expect(x.code).toBe(0);
    expect(perfValue(x, 'queues')).toBe(0);
  });

  it('two servers, one stopped: its own state (--server-down); both stopped: CRITICAL; a restart that loses waiting jobs is said', async () => {
    const a = await gearmand();
    const b = await gearmand();
    await worker(a.port, 'check_results');
    const both = ['-H', `127.0.0.1:${a.port}`, '-H', `127.0.0.1:${b.port}`];
    expect((await check(both)).code).toBe(0);
    await stop(b.proc);
    let r = await check(both);
    expect(r.code).toBe(2);
    expect(r.line1).toMatch(new RegExp(`server down: cannot connect to 127\\.0\\.0\\.1:${b.port}`));
    expect(perfValue(r, 'servers_down')).toBe(1);
    expect((await check([...both, '--server-down', 'WARNING'])).code).toBe(1);
    await stop(a.proc);
    r = await check(both);
    expect(r.code).toBe(2);
    expect(r.line1).toMatch(/^GEARMAN CRITICAL - no Gearman job server answered/);
    expect(perfValue(r, 'queues')).toBeNull();
    // jobs waiting, then gearmand restarted on the same port: they are gone, and it says so
    const c = await gearmand();
    await submit(c.port, 'perfdata', 7);
    const one = ['-H', `127.0.0.1:${c.port}`, '--no-worker', 'OK'];
    expect((await check(one)).code).toBe(0);
    await stop(c.proc);
    const again = spawn('/usr/sbin/gearmand', ['-L', '127.0.0.1', '-p', String(c.port), '-l', join(dir, 'again.log')], { stdio: 'ignore' });
    procs.push(again);
    for (let i = 0; i < 100 && (await admin(c.port)).exitCode !== 0; i++) await sleep(50);
    await submit(c.port, 'other', 1);
    r = await check(one);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toMatch(/vanished: perfdata is no longer on \S+, with 7 jobs waiting at the previous run: gearmand restarted\?/);
  });

  it('a test job through a real worker: its round trip is perfdata; encrypted with --key-file; a worker with another key answers garbage: CRITICAL', async () => {
    const g = await gearmand();
    const key = join(dir, 'secret.key');
    writeFileSync(key, 'should-be-a-long-secret\n');
    await worker(g.port, 'echo', ['cat']);
    let r = await check(['-H', `127.0.0.1:${g.port}`, '--test-queue', 'echo', '--send', 'hello there', '--expect', 'hello']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.line1).toMatch(/test job on echo at \S+: answered in [\d.]+s: 'hello there'/);
    expect(perfValue(r, 'rtt')).toBeGreaterThan(0);
    r = await check(['-H', `127.0.0.1:${g.port}`, '--test-queue', 'echo', '--send', 'hello there', '--expect', 'hello', '--key-file', key]);
    expect(r.code, r.stdout).toBe(0); // the echo worker sends our ciphertext back: it decrypts with the key
    // a worker that answers with another key's ciphertext (openssl, not our code)
    const other = Buffer.concat([Buffer.from('another-key'), Buffer.alloc(21)]).toString('hex');
    await worker(g.port, 'wrongkey', ['sh', '-c', `printf 'ok from a worker with another key' | openssl enc -aes-256-ecb -K ${other} | base64 -w0`]);
    r = await check(['-H', `127.0.0.1:${g.port}`, '--test-queue', 'wrongkey', '--key-file', key]);
    expect(r.code, r.stdout).toBe(2);
    expect(r.line1).toMatch(/test job on wrongkey at \S+: the answer does not decrypt with --key-file/);
    // no worker: no job is sent (it would wait on the server for ever), CRITICAL
    r = await check(['-H', `127.0.0.1:${g.port}`, '--test-queue', 'nobody']);
    expect(r.code).toBe(2);
    expect(r.line1).toMatch(/test job on nobody at \S+: no worker serves nobody; no job sent/);
    expect(perfValue(r, 'rtt')).toBeNull();
  });
});

/** A stand-in server on a free port that answers each connection with `reply` (or nothing). */
async function standIn(reply: ((cmd: string) => string | Buffer) | null): Promise<number> {
  const port = await freePort();
  const s = createServer((sock) => {
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const cmd = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (reply) sock.write(reply(cmd));
      }
    });
    sock.on('error', () => { /* the check hung up */ });
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(port, '127.0.0.1', () => r()));
  return port;
}

describe('check_gearman_queues against servers that are not gearmand', () => {
  it('an HTTP server, one that never answers, a closed port: one clear line within -t each', async () => {
    const http = await standIn(() => 'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
    const silent = await standIn(null);
    const closed = await freePort();
    for (const [port, what] of [[http, /does not speak gearmand's admin protocol: it answered 'version' with 'HTTP\/1.1 400 Bad Request'/], [silent, /did not answer 'version' in time/], [closed, /cannot connect to/]] as const) {
      const t0 = Date.now();
      const r = await check(['-H', `127.0.0.1:${port}`, '-t', '3']);
      expect(Date.now() - t0).toBeLessThan(3500);
      expect(r.code, r.stdout).toBe(2);
      expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1);
      expect(r.line1).toMatch(what);
    }
  });

  it('10,000 functions, names with spaces, tabs and non-UTF-8 bytes, CRLF lines, no prioritystatus: every queue read, valid unique labels', async () => {
    const names = [...Array.from({ length: 10_000 }, (_, i) => `fn_${i}`), 'with space', 'with\ttab', Buffer.from([0x71, 0xe9, 0xff]).toString('latin1'), "quo'te=eq|pipe"];
    const status = names.map((n, i) => `${n}\t${i % 7}\t${i % 2 ? 1 : 0}\t${i % 5 ? 2 : 0}\r\n`).join('') + '.\r\n';
    const port = await standIn((cmd) => (cmd === 'version' ? 'OK 1.1.99\r\n' : cmd === 'status' ? Buffer.from(status, 'latin1')
      : cmd === 'workers' ? '30 10.0.0.1 - : fn_1 fn_2\n31 10.0.0.2 w2 : fn_1\n.\n' : 'ERR UNKNOWN_COMMAND Unknown+server+command\n'));
    const r = await check(['-H', `127.0.0.1:${port}`, '--max-queue-perfdata', '20000', '--max-output', '4MiB', '--no-worker', 'OK', '-w', 'none', '-c', 'none']);
    expect(r.code, r.stdout.slice(0, 500)).toBe(0);
    expect(perfValue(r, 'queues')).toBe(names.length);
    const labels = validatePerfdata(allPerfdata(r.stdout));
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels).toContain('with_space#' + labels.find((l) => l.startsWith('with_space#'))!.split('#')[1]);
    expect(r.stdout).toMatch(/\.\.\. 9804 more queues \(--output-format json lists every one\)/); // the 200 worst are described
    const j = JSON.parse((await check(['-H', `127.0.0.1:${port}`, '--no-worker', 'OK', '-w', 'none', '-c', 'none', '--output-format', 'json'])).stdout);
    expect(j.queues).toHaveLength(names.length);
    expect(j.queues.find((q: { name: string }) => q.name === 'fn_1')).toMatchObject({ running: 1, workers: 2, hosts: 2 });
    expect(j.queues.map((q: { name: string }) => q.name)).toEqual(expect.arrayContaining(['q\\xe9\\xff', 'with\\x09tab', 'with space']));
    // the same names as OpenMetrics label values: escaped, and valid for promtool where it is installed
    const om = await check(['-H', `127.0.0.1:${port}`, '--no-worker', 'OK', '-w', 'none', '-c', 'none', '--max-queue-perfdata', '20000', '--output-format', 'openmetrics']);
    expect(om.stdout).toContain('queue="q\\\\xe9\\\\xff"');
    expect(om.stdout).toContain('queue="quo\'te=eq|pipe"');
    if (existsSync('/usr/bin/promtool')) expect((await execa('/usr/bin/promtool', ['check', 'metrics'], { input: om.stdout, reject: false })).exitCode).toBe(0);
    const totalWaiting = names.reduce((n, _, i) => n + Math.max(0, (i % 7) - (i % 2 ? 1 : 0)), 0);
    expect(perfValue(r, 'total_waiting')).toBe(totalWaiting);
  });

  it('a status line that is not three numbers is a protocol error, not a queue of zero', async () => {
    const port = await standIn((cmd) => (cmd === 'version' ? 'OK 1.1.99\n' : cmd === 'status' ? 'check_results\t5\tbogus\t1\n.\n' : '.\n'));
    const r = await check(['-H', `127.0.0.1:${port}`]);
    expect(r.code).toBe(2);
    expect(r.line1).toMatch(/not a status line: 'check_results/);
  });
});
