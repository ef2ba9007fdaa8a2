// handle_delayed_dump --gearman against a real gearmand (Debian's gearman-job-server), started by
// each test on 127.0.0.1 and a free port with no workers, and stopped by PID. What the server
// holds is read with gearadmin, payloads with a real worker (gearman -w), one file per job.
import { execa } from 'execa';
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, tempDir } from '../helpers';

const available = existsSync('/usr/sbin/gearmand') && existsSync('/usr/bin/gearadmin') && existsSync('/usr/bin/gearman');
if (!available && process.env.CI) throw new Error('CI must install gearman-job-server and gearman-tools');

let dir: string;
let cleanup: () => void;
let dump: string;
let port: number;
let gearmand: ChildProcess | null = null;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
  });
}

async function startGearmand(): Promise<void> {
  gearmand = spawn('/usr/sbin/gearmand', ['-L', '127.0.0.1', '-p', String(port), '-l', join(dir, 'gearmand.log')], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    if ((await execa('gearadmin', ['-h', '127.0.0.1', '-p', String(port), '--status'], { reject: false })).exitCode === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('gearmand did not start');
}

async function stopGearmand(): Promise<void> {
  if (!gearmand?.pid) return;
  const g = gearmand;
  gearmand = null;
  try { process.kill(g.pid!, 'SIGKILL'); } catch { /* gone */ }
  await new Promise((r) => (g.exitCode !== null ? r(null) : g.once('exit', r)));
}

/** Jobs queued per function, as gearadmin --status shows them. */
async function status(): Promise<Record<string, number>> {
  const r = await execa('gearadmin', ['-h', '127.0.0.1', '-p', String(port), '--status']);
  return Object.fromEntries(r.stdout.split('\n').map((l) => l.split('\t')).filter((f) => f.length >= 4 && Number(f[1]) > 0).map((f) => [f[0], Number(f[1])]));
}

/** Runs a real worker for `fn` until `n` jobs were done: each payload, as received. */
async function work(fn: string, n: number): Promise<Buffer[]> {
  const out = join(dir, `work-${fn}`);
  mkdirSync(out, { recursive: true });
  await execa('gearman', ['-h', '127.0.0.1', '-p', String(port), '-w', '-f', fn, '-c', String(n), '--', 'sh', '-c', `cat > "${out}/$(date +%s%N)-$$"`], { timeout: 60_000 });
  return readdirSync(out).map((f) => readFileSync(join(out, f)));
}

const handler = (args: string[]) => execa(join(BIN, 'handle_delayed_dump'),
  ['--service-state', 'CRITICAL', '--state-type', 'HARD', '-f', dump, '--gearman', `127.0.0.1:${port}`, ...args],
  { reject: false, env: { PATH: '/usr/bin:/bin' }, extendEnv: false, encoding: 'buffer' });
const text = (b: unknown) => Buffer.from(b as Uint8Array).toString('latin1');

beforeEach(async () => {
  ({ dir, cleanup } = tempDir('msgwatch-gearman-'));
  dump = join(dir, 'delayed-messages.dump');
  port = await freePort();
});
afterEach(async () => { await stopGearmand(); cleanup(); });

describe.skipIf(!available)('handle_delayed_dump --gearman', () => {
  it('submits each message as a background job of its queue, payloads byte-identical; skipped and malformed lines stay', async () => {
    await startGearmand();
    const big = Buffer.alloc(1 << 20, 'm');
    const weird = Buffer.concat([Buffer.from('a b\tc | d '), Buffer.from([0xff, 0xfe, 0x80, 0xc3]), Buffer.from(' end')]);
    const lines = [
      Buffer.from('check_results first result'), Buffer.from('check_results second result'), Buffer.concat([Buffer.from('check_results '), weird]),
      Buffer.from('host up'), Buffer.concat([Buffer.from('perfdata '), big]), Buffer.from('eventhandler old-job'), Buffer.from('garbage-without-message'),
    ];
    writeFileSync(dump, Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')])));
    const r = await handler(['--skip-queue', 'eventhandler', '--rate', '0']);
    expect(r.exitCode, text(r.stdout)).toBe(0);
    expect(text(r.stdout)).toMatch(/re-submitted 5 messages to gearmand 127\.0\.0\.1:\d+ .*; left in .*: 1 message of skipped queues, 1 malformed line/);
    expect(await status()).toEqual({ check_results: 3, host: 1, perfdata: 1 });
    const got = await work('check_results', 3);
    expect(got.map((b) => b.toString('latin1')).sort()).toEqual(['first result', 'second result', weird.toString('latin1')].sort());
    const [payload] = await work('perfdata', 1);
    expect(payload.equals(big)).toBe(true);
    expect(readFileSync(dump, 'latin1')).toBe('eventhandler old-job\ngarbage-without-message\n');
    expect(readFileSync(join(dir, 'handle_delayed_dump.log'), 'utf8')).toMatch(/queue check_results: 3 submitted, 3 acknowledged/);
  });

  it('dry run says per queue how many jobs would go to which server, and changes nothing', async () => {
    writeFileSync(dump, 'check_results a\ncheck_results b\nhost c\n');
    const r = await handler(['--dry-run']);
    expect(r.exitCode).toBe(0);
    expect(text(r.stdout)).toMatch(/dry run: would archive into .* and submit 3 jobs to gearmand 127\.0\.0\.1:\d+ \(check_results 2, host 1\)/);
    expect(readFileSync(dump, 'latin1')).toBe('check_results a\ncheck_results b\nhost c\n');
  });

  it('gearmand killed mid-import: a partial import, the dump keeps exactly the unacknowledged lines, the next run completes the rest', async () => {
    await startGearmand();
    const lines = Array.from({ length: 6000 }, (_, i) => `check_results job-${i}`);
    writeFileSync(dump, lines.join('\n') + '\n');
    const run = handler(['--rate', '1500', '--journal-batch', '50']);
    for (let i = 0; i < 200; i++) {
      const s = await status().catch(() => ({} as Record<string, number>));
      if ((s.check_results ?? 0) >= 1500) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    await stopGearmand();
    const r = await run;
    expect(r.exitCode, text(r.stdout)).toBe(2);
    expect(text(r.stdout)).toMatch(/partial import: re-submitted \d+ messages .*not acknowledged/);
    const acked = Number(/re-submitted (\d+) messages/.exec(text(r.stdout))![1]);
    expect(acked).toBeGreaterThanOrEqual(1500);
    const left = readFileSync(dump, 'latin1').split('\n').filter(Boolean);
    expect(left).toEqual(lines.slice(acked)); // submitted in order, acknowledged in order
    await startGearmand();
    const again = await handler(['--rate', '0']);
    expect(again.exitCode, text(again.stdout)).toBe(0);
    expect(await status()).toEqual({ check_results: lines.length - acked });
    expect(existsSync(dump)).toBe(false);
  }, 60_000);

  it('the handler killed (SIGKILL) mid-import, then run again: nothing lost, at most one journal batch twice', async () => {
    await startGearmand();
    const lines = Array.from({ length: 4000 }, (_, i) => `host job-${i}`);
    writeFileSync(dump, lines.join('\n') + '\n');
    const run = handler(['--rate', '1000', '--journal-batch', '100']);
    for (let i = 0; i < 200; i++) {
      if (((await status()).host ?? 0) >= 1000) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    run.kill('SIGKILL');
    await run;
    expect(readFileSync(dump, 'latin1').split('\n').filter(Boolean)).toEqual(lines); // untouched
    const before = (await status()).host;
    const again = await handler(['--rate', '0', '--journal-batch', '100']);
    expect(again.exitCode, text(again.stdout)).toBe(0);
    expect(text(again.stdout)).toMatch(/already acknowledged by an interrupted earlier run/);
    const total = (await status()).host;
    expect(total).toBeGreaterThanOrEqual(lines.length);
    expect(total - lines.length).toBeLessThanOrEqual(100 + 256); // one unsynced batch, and the jobs in flight when killed
    expect(before).toBeGreaterThanOrEqual(1000);
    expect(existsSync(dump)).toBe(false);
  }, 60_000);

  it('pauses while the target queue is deeper than --max-queue-depth, and stops at the import timeout', async () => {
    await startGearmand();
    writeFileSync(dump, Array.from({ length: 50 }, (_, i) => `service job-${i}`).join('\n') + '\n');
    const r = await handler(['--rate', '0', '--max-queue-depth', '20', '--import-timeout', '3s']);
    expect(r.exitCode).toBe(2);
    expect(text(r.stdout)).toMatch(/partial import: .*not acknowledged \(the import timeout was reached\)/);
    const queued = (await status()).service;
    expect(queued).toBeGreaterThan(0);
    expect(queued).toBeLessThanOrEqual(20);
    expect(readFileSync(join(dir, 'handle_delayed_dump.log'), 'utf8')).toMatch(/pausing: service has \d+ jobs queued/);
  }, 30_000);

  it.skipIf(process.getuid?.() !== 0)('run as root, the journal is given to the dump directory\'s owner, like the archived copy', async () => {
    await startGearmand();
    chownSync(dir, 65534, 65534);
    writeFileSync(dump, 'check_results a\n');
    const r = await handler(['--rate', '0']);
    expect(r.exitCode, text(r.stdout)).toBe(0);
    const archive = join(dir, 'delayed-messages.archive');
    const journal = readdirSync(archive).find((n) => n.endsWith('.gearman-journal'))!;
    expect(statSync(join(archive, journal)).uid).toBe(65534);
  });

  it('no server reachable: nothing leaves the dump', async () => {
    writeFileSync(dump, 'check_results a\n');
    const r = await handler([]);
    expect(r.exitCode).toBe(2);
    expect(text(r.stdout)).toMatch(/no Gearman job server could be reached/);
    expect(readFileSync(dump, 'latin1')).toBe('check_results a\n');
  });
});
