// handle_delayed_dump --gearman against a real gearmand (Debian's gearman-job-server), started by
// each test on 127.0.0.1 and a free port with no workers, and stopped by PID. What the server
// holds is read with gearadmin, payloads with a real worker (gearman -w), one file per job.
import { execa } from 'execa';
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statfsSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
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

// most tests read what gearmand holds with no worker taking it: they allow that explicitly
const guarded = (args: string[]) => execa(join(BIN, 'handle_delayed_dump'),
  ['--service-state', 'CRITICAL', '--state-type', 'HARD', '-f', dump, '--gearman', `127.0.0.1:${port}`, ...args],
  { reject: false, env: { PATH: '/usr/bin:/bin' }, extendEnv: false, encoding: 'buffer' });
const handler = (args: string[]) => guarded(['--allow-no-worker', ...args]);
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
    // transport only: these payloads are not mod_gearman's, and every queue is named
    const r = await handler(['--skip-queue', 'eventhandler', '--rate', '0', '--no-validate', '--queue', 'check_results', '--queue', 'host', '--queue', 'perfdata', '--queue', 'eventhandler']);
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
    const r = await handler(['--dry-run', '--no-validate', '--queue', 'check_results', '--queue', 'host']);
    expect(r.exitCode).toBe(0);
    expect(text(r.stdout)).toMatch(/dry run: would archive into .* and submit 3 jobs to gearmand 127\.0\.0\.1:\d+ \(check_results 2, host 1\)/);
    expect(readFileSync(dump, 'latin1')).toBe('check_results a\ncheck_results b\nhost c\n');
  });

  it('gearmand killed mid-import: a partial import, the dump keeps exactly the unacknowledged lines, the next run completes the rest', async () => {
    await startGearmand();
    const lines = Array.from({ length: 6000 }, (_, i) => `check_results job-${i}`);
    writeFileSync(dump, lines.join('\n') + '\n');
    const run = handler(['--rate', '1500', '--journal-batch', '50', '--no-validate']);
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
    const again = await handler(['--rate', '0', '--no-validate']);
    expect(again.exitCode, text(again.stdout)).toBe(0);
    expect(await status()).toEqual({ check_results: lines.length - acked });
    expect(existsSync(dump)).toBe(false);
  }, 60_000);

  it('a job server that stops answering (SIGSTOP): the import stops after the ack timeout, the dump keeps every unacknowledged line', async () => {
    await startGearmand();
    const lines = Array.from({ length: 300 }, (_, i) => `check_results job-${i}`);
    writeFileSync(dump, lines.join('\n') + '\n');
    process.kill(gearmand!.pid!, 'SIGSTOP'); // the kernel still accepts the connection; nothing answers
    try {
      const t0 = Date.now();
      // each connection fails after the 10 s acknowledgement timeout; the handler connects again until --import-timeout
      const r = await handler(['--rate', '0', '--no-validate', '--max-queue-depth', '0', '--import-timeout', '15s']);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(14_000);
      expect(r.exitCode, text(r.stdout)).toBe(2);
      expect(text(r.stdout)).toMatch(/300 messages not acknowledged/);
      expect(readFileSync(join(dir, 'handle_delayed_dump.log'), 'utf8')).toMatch(/did not acknowledge a job within 10s\); \d+ jobs not acknowledged will be submitted again/);
      expect(readFileSync(dump, 'latin1').split('\n').filter(Boolean)).toEqual(lines);
    } finally {
      process.kill(gearmand!.pid!, 'SIGCONT');
    }
  }, 90_000);

  it('the handler killed (SIGKILL) mid-import, then run again: nothing lost, at most one journal batch twice', async () => {
    await startGearmand();
    const lines = Array.from({ length: 4000 }, (_, i) => `host job-${i}`);
    writeFileSync(dump, lines.join('\n') + '\n');
    const run = handler(['--rate', '1000', '--journal-batch', '100', '--no-validate', '--queue', 'host']);
    for (let i = 0; i < 200; i++) {
      if (((await status()).host ?? 0) >= 1000) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    run.kill('SIGKILL');
    await run;
    expect(readFileSync(dump, 'latin1').split('\n').filter(Boolean)).toEqual(lines); // untouched
    const before = (await status()).host;
    const again = await handler(['--rate', '0', '--journal-batch', '100', '--no-validate', '--queue', 'host']);
    expect(again.exitCode, text(again.stdout)).toBe(0);
    expect(text(again.stdout)).toMatch(/already acknowledged by an interrupted earlier run/);
    const total = (await status()).host;
    expect(total).toBeGreaterThanOrEqual(lines.length);
    expect(total - lines.length).toBeLessThanOrEqual(100 + 256); // one unsynced batch, and the jobs in flight when killed
    expect(before).toBeGreaterThanOrEqual(1000);
    expect(existsSync(dump)).toBe(false);
  }, 60_000);

  // A full disk writes what fits and then fails: the journal must end on a whole line (half a line
  // number names another line, which the next run would take as submitted) and the dump stay.
  it.skipIf(process.getuid?.() !== 0)('the disk fills mid-import (a tmpfs): exit 2, the dump and the journal whole; with room again the next run completes, nothing lost, at most a batch and the jobs in flight twice', async (ctx) => {
    await startGearmand();
    const fsDir = join(dir, 'tmpfs');
    mkdirSync(fsDir);
    const m = await execa('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', fsDir], { reject: false });
    if (m.exitCode !== 0) {
      // root in a container without the right to mount: said, and skipped
      console.warn(`the full-disk test is SKIPPED: cannot mount a tmpfs (${m.stderr.trim()})`);
      ctx.skip();
      return;
    }
    try {
      const d = join(fsDir, 'delayed-messages.dump');
      const lines = Array.from({ length: 20_000 }, (_, i) => `host job-${i}`);
      writeFileSync(d, lines.join('\n') + '\n');
      // the rest filled but for the archived copy and six pages, where the journal runs out of room
      const page = 4096;
      const st = statfsSync(fsDir);
      writeFileSync(join(fsDir, 'filler'), Buffer.alloc(st.bavail * st.bsize - Math.ceil(statSync(d).size / page) * page - 6 * page));
      const run = () => execa(join(BIN, 'handle_delayed_dump'), ['--service-state', 'CRITICAL', '--state-type', 'HARD', '-f', d, '--gearman', `127.0.0.1:${port}`,
        '--allow-no-worker', '--rate', '0', '--max-queue-depth', '0', '--journal-batch', '100', '--no-validate', '--queue', 'host', '--log', join(dir, 'handler.log')],
      { reject: false, env: { PATH: '/usr/bin:/bin' }, extendEnv: false });
      const r = await run();
      expect(r.exitCode, r.stdout).toBe(2);
      expect(r.stdout).toMatch(/failed: .*ENOSPC/);
      expect(readFileSync(d, 'latin1')).toBe(lines.join('\n') + '\n'); // untouched
      const archive = join(fsDir, 'delayed-messages.archive');
      const journal = readFileSync(join(archive, readdirSync(archive).find((n) => n.endsWith('.gearman-journal'))!), 'latin1');
      expect(journal.endsWith('\n'), JSON.stringify(journal.slice(-20))).toBe(true);
      const journaled = journal.split('\n').slice(1, -1);
      expect(journaled.length).toBeGreaterThan(0);
      expect(journaled.every((l) => /^\d+$/.test(l) && lines[Number(l)] !== undefined)).toBe(true);
      const first = (await status()).host;
      expect(first).toBeGreaterThanOrEqual(journaled.length);
      expect(first).toBeLessThan(lines.length);
      rmSync(join(fsDir, 'filler'));
      const again = await run();
      expect(again.exitCode, again.stdout).toBe(0);
      const total = (await status()).host;
      expect(total).toBeGreaterThanOrEqual(lines.length);
      expect(total - lines.length).toBeLessThanOrEqual(100 + 256);
      expect(existsSync(d)).toBe(false);
    } finally {
      await execa('umount', ['-l', fsDir], { reject: false });
    }
  }, 60_000);

  // The journal of a settled import must say so before the settle's own record is gone: killed
  // in between, the next run read the journal as an interrupted import and skipped its lines in
  // the new dump, where OpMon had written the same messages again: they left the dump unsubmitted.
  it('killed after the settle, before anything else: the same messages written again are all submitted by the next run', async () => {
    await startGearmand();
    const lines = Array.from({ length: 20 }, (_, i) => `host job-${i}`);
    writeFileSync(dump, lines.join('\n') + '\n');
    const run = (env: Record<string, string> = {}) => execa(join(BIN, 'handle_delayed_dump'), ['--service-state', 'CRITICAL', '--state-type', 'HARD', '-f', dump, '--gearman', `127.0.0.1:${port}`,
      '--allow-no-worker', '--rate', '0', '--max-queue-depth', '0', '--no-validate', '--queue', 'host'],
    { reject: false, env: { PATH: '/usr/bin:/bin', ...env }, extendEnv: false });
    const killed = await run({ MSGWATCH_FAULT_INJECT: 'kill:gearman-settled' });
    expect(killed.exitCode).not.toBe(0);
    expect(existsSync(dump)).toBe(false); // settled: every line left the dump
    expect((await status()).host).toBe(lines.length);
    writeFileSync(dump, lines.join('\n') + '\n'); // OpMon writes the same messages again
    const again = await run();
    expect(again.exitCode, again.stdout).toBe(0);
    expect(again.stdout).not.toMatch(/already acknowledged/);
    expect((await status()).host).toBe(2 * lines.length);
    expect(existsSync(dump)).toBe(false);
  }, 30_000);

  // Two interrupted imports: the second resumed the first's acknowledgement (journaling it again)
  // on a copy the new dump begins with; the first's copy the dump no longer begins with. Counted
  // twice, one acknowledgement skipped the same message written again, which left unsubmitted.
  it('resumes from two interrupted imports, one read by line and one by content: a message written again after them is submitted', async () => {
    await startGearmand();
    const archive = join(dir, 'delayed-messages.archive');
    mkdirSync(archive, { mode: 0o700 });
    const earlier = (n: number, text: string, journal: string) => {
      const copy = join(archive, `${basename(dump)}.20261205-1200${n}.${100 + n}`);
      writeFileSync(copy, text);
      writeFileSync(`${copy}.gearman-journal`, `copy ${Buffer.byteLength(text)} ${createHash('sha256').update(text).digest('hex')}\n${journal}`);
    };
    earlier(10, 'host z\nhost c\n', '1\n'); // acknowledged its "host c", on a dump rewritten since
    earlier(11, 'host c\nhost x\n', '0\n'); // skipped that one (journaled again), killed before "host x"
    writeFileSync(dump, 'host c\nhost x\nhost c\n'); // and OpMon wrote the same message again
    const r = await handler(['--rate', '0', '--max-queue-depth', '0', '--no-validate', '--queue', 'host']);
    expect(r.exitCode, text(r.stdout)).toBe(0);
    expect(text(r.stdout)).toMatch(/re-submitted 3 messages .*\(1 already acknowledged by an interrupted earlier run\) in [\d.]+s; dump removed/);
    expect((await status()).host).toBe(2); // "host x" and the new "host c"
    expect(existsSync(dump)).toBe(false);
  });

  // An import that resumed from an interrupted one's journal and then settled took those lines out
  // of the dump too: the older journal must no longer count, or the run after it would skip the
  // same message written again (its copy no longer begins the dump: it is read by content).
  it('the journal a completed import resumed from counts no more: the same message written again later is submitted', async () => {
    await startGearmand();
    const archive = join(dir, 'delayed-messages.archive');
    mkdirSync(archive, { mode: 0o700 });
    const first = 'host c\nhost x\n';
    const copy = join(archive, `${basename(dump)}.20261205-120010.110`);
    writeFileSync(copy, first);
    writeFileSync(`${copy}.gearman-journal`, `copy ${first.length} ${createHash('sha256').update(first).digest('hex')}\n0\n`); // "host c" acknowledged, then killed
    writeFileSync(dump, first); // the dump as that import left it
    const args = ['--rate', '0', '--max-queue-depth', '0', '--no-validate', '--queue', 'host'];
    const resumed = await handler(args);
    expect(resumed.exitCode, text(resumed.stdout)).toBe(0);
    expect(text(resumed.stdout)).toMatch(/\(1 already acknowledged by an interrupted earlier run\)/);
    expect((await status()).host).toBe(1); // "host x"
    expect(existsSync(dump)).toBe(false);
    writeFileSync(dump, 'host c\n'); // OpMon writes the same message again
    const later = await handler(args);
    expect(later.exitCode, text(later.stdout)).toBe(0);
    expect(text(later.stdout)).not.toMatch(/already acknowledged/);
    expect((await status()).host).toBe(2);
    expect(existsSync(dump)).toBe(false);
  });

  it('pauses while the target queue is deeper than --max-queue-depth, and stops at the import timeout', async () => {
    await startGearmand();
    writeFileSync(dump, Array.from({ length: 50 }, (_, i) => `service job-${i}`).join('\n') + '\n');
    const r = await handler(['--rate', '0', '--max-queue-depth', '20', '--import-timeout', '3s', '--no-validate', '--queue', 'service']);
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
    const r = await handler(['--rate', '0', '--no-validate']);
    expect(r.exitCode, text(r.stdout)).toBe(0);
    const archive = join(dir, 'delayed-messages.archive');
    const journal = readdirSync(archive).find((n) => n.endsWith('.gearman-journal'))!;
    expect(statSync(join(archive, journal)).uid).toBe(65534);
  });

  it('never re-submits into a function no worker serves: its lines stay, said so (exit 1); once a worker is there they go', async () => {
    await startGearmand();
    const lines = Array.from({ length: 20 }, (_, i) => `check_results ${Buffer.from(`host_name=h${i}\nreturn_code=0\n`).toString('base64')}`);
    writeFileSync(dump, lines.join('\n') + '\n');
    // the function exists on the server (a job waits in it) but no worker serves it
    await execa('gearman', ['-h', '127.0.0.1', '-p', String(port), '-b', '-f', 'check_results', 'x']);
    let r = await guarded(['--rate', '0']);
    expect(r.exitCode, text(r.stdout)).toBe(1);
    expect(text(r.stdout)).toMatch(new RegExp(`nothing re-submitted .*left in .*: 20 results, no worker for check_results on 127\\.0\\.0\\.1:${port}`));
    expect(readFileSync(dump, 'latin1').split('\n').filter(Boolean)).toEqual(lines);
    expect(await status()).toEqual({ check_results: 1 });
    // a function the server has never heard of: no worker either
    writeFileSync(dump, lines.map((l) => l.replace('check_results', 'perfdata')).join('\n') + '\n');
    r = await guarded(['--rate', '0']);
    expect(text(r.stdout)).toMatch(/20 results, no worker for perfdata/);
    writeFileSync(dump, lines.join('\n') + '\n');
    // a worker comes: the next run submits, and the worker gets every job
    const out = join(dir, 'served');
    mkdirSync(out);
    const w = spawn('gearman', ['-h', '127.0.0.1', '-p', String(port), '-w', '-f', 'check_results', '--', 'sh', '-c', `cat > "${out}/$(date +%s%N)-$$"`], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 100 && !(await execa('gearadmin', ['-h', '127.0.0.1', '-p', String(port), '--status'])).stdout.match(/^check_results\t\d+\t\d+\t1$/m); i++) await new Promise((res) => setTimeout(res, 50));
      r = await guarded(['--rate', '0']);
      expect(r.exitCode, text(r.stdout)).toBe(0);
      expect(text(r.stdout)).toMatch(/re-submitted 20 messages .*; dump removed/);
      expect(existsSync(dump)).toBe(false);
      for (let i = 0; i < 100 && readdirSync(out).length < 21; i++) await new Promise((res) => setTimeout(res, 50));
      expect(readdirSync(out).length).toBe(21); // the 20 and the one that waited
    } finally {
      w.kill('SIGKILL');
    }
  });

  it('no server reachable: nothing leaves the dump', async () => {
    writeFileSync(dump, 'check_results a\n');
    const r = await handler([]);
    expect(r.exitCode).toBe(2);
    expect(text(r.stdout)).toMatch(/no Gearman job server could be reached/);
    expect(readFileSync(dump, 'latin1')).toBe('check_results a\n');
  });
});

/**
 * A mod_gearman payload made by an independent encoder: openssl (AES-256-ECB, no padding of its
 * own) over the text plus its NUL, zero-padded to 16-byte blocks, with the key zero-padded to
 * 32 bytes, as mod_gearman's common/crypt.c does; then base64.
 */
async function encrypted(text: string, key: string): Promise<string> {
  const plain = Buffer.concat([Buffer.from(text), Buffer.alloc(1)]);
  const padded = Buffer.concat([plain, Buffer.alloc((16 - (plain.length % 16)) % 16)]);
  const hexKey = Buffer.concat([Buffer.from(key), Buffer.alloc(32 - key.length)]).toString('hex');
  const r = await execa('openssl', ['enc', '-aes-256-ecb', '-nopad', '-K', hexKey], { input: padded, encoding: 'buffer' });
  return Buffer.from(r.stdout as Uint8Array).toString('base64');
}

describe.skipIf(!available)('handle_delayed_dump --gearman: what mod_gearman will accept, and nothing stale', () => {
  const KEY = 'should-be-a-long-secret';

  it('with --key-file: messages that decrypt are submitted and a worker decrypts them; the wrong key, plain text and broken base64 stay, counted by reason', async () => {
    await startGearmand();
    writeFileSync(join(dir, 'secret.key'), `${KEY}\n`);
    const good = await Promise.all(Array.from({ length: 20 }, (_, i) => encrypted(`host_name=h${i}\nservice_description=disk\nreturn_code=2\noutput=CRITICAL ${i}\n`, KEY)));
    const perf = await encrypted('DATATYPE::SERVICEPERFDATA\tTIMET::1700000000\tHOSTNAME::h1\tSERVICEPERFDATA::x=1', KEY);
    const wrongKey = await encrypted('host_name=x\nreturn_code=0\n', 'another-key');
    const plain = Buffer.from('host_name=x\nreturn_code=0\n').toString('base64');
    const bad = [`check_results ${wrongKey}`, `check_results ${plain}`, `check_results ${good[0].slice(0, 21)}`, 'check_results not*base64'];
    writeFileSync(dump, [...good.map((g) => `check_results ${g}`), `perfdata ${perf}`, ...bad].join('\n') + '\n');
    const r = await handler(['--rate', '0', '--key-file', join(dir, 'secret.key')]);
    expect(r.exitCode, text(r.stdout)).toBe(0);
    expect(text(r.stdout)).toMatch(/re-submitted 21 messages .*; left in .*: .*2 messages \(does not decrypt with the key\)/);
    expect(text(r.stdout)).toMatch(/left in .*2 messages \(not base64\)/);
    expect(readFileSync(dump, 'latin1').split('\n').filter(Boolean)).toEqual(bad);
    // a worker gets each payload byte for byte, and openssl decrypts it with the key
    const got = await work('check_results', 20);
    const hexKey = Buffer.concat([Buffer.from(KEY), Buffer.alloc(32 - KEY.length)]).toString('hex');
    const texts = await Promise.all(got.map(async (b) => {
      const d = await execa('openssl', ['enc', '-d', '-aes-256-ecb', '-nopad', '-K', hexKey], { input: Buffer.from(b.toString('latin1'), 'base64'), encoding: 'buffer' });
      return Buffer.from(d.stdout as Uint8Array).toString('latin1').replace(/\0+$/, '');
    }));
    expect(texts.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `host_name=h${i}\nservice_description=disk\nreturn_code=2\noutput=CRITICAL ${i}\n`).sort());
  });

  it('--accept-clear-results: clear type= results in check_results go too (mod_gearman accept_clear_results); clear jobs and host_name= texts stay', async () => {
    await startGearmand();
    writeFileSync(join(dir, 'secret.key'), `${KEY}\n`);
    const b64 = (t: string) => Buffer.from(t).toString('base64');
    const enc = await encrypted('type=active\nhost_name=h1\nreturn_code=0\noutput=OK\n', KEY);
    const clear = b64('type=passive\nhost_name=h2\nreturn_code=2\noutput=CRITICAL\n');
    const stay = [`check_results ${b64('host_name=h3\nreturn_code=0\n')}`, `perfdata ${b64('DATATYPE::SERVICEPERFDATA\tHOSTNAME::h1')}`];
    writeFileSync(dump, [`check_results ${enc}`, `check_results ${clear}`, ...stay].join('\n') + '\n');
    // without the option the clear result does not decrypt: it stays
    let r = await handler(['--rate', '0', '--key-file', join(dir, 'secret.key'), '--dry-run']);
    expect(text(r.stdout)).toMatch(/3 messages \(does not decrypt with the key\)/);
    r = await handler(['--rate', '0', '--key-file', join(dir, 'secret.key'), '--accept-clear-results']);
    expect(r.exitCode, text(r.stdout)).toBe(0);
    expect(text(r.stdout)).toMatch(/re-submitted 2 messages .*left in .*: .*2 messages \(does not decrypt with the key\)/);
    expect(await status()).toEqual({ check_results: 2 });
    expect(readFileSync(dump, 'latin1').split('\n').filter(Boolean)).toEqual(stay);
    const got = (await work('check_results', 2)).map((b) => b.toString('latin1')).sort();
    expect(got).toEqual([enc, clear].sort());
  });

  it('without a key: base64 of a job or result is submitted; anything else is never submitted', async () => {
    await startGearmand();
    const b64 = (t: string) => Buffer.from(t).toString('base64');
    const good = [`check_results ${b64('host_name=a\nreturn_code=0\n')}`, `perfdata ${b64('DATATYPE::HOSTPERFDATA\tHOSTNAME::a')}`];
    const bad = ['check_results plain text result', `check_results ${b64('hello world')}`, `check_results ${b64('host_name=a').slice(0, 7)}`];
    writeFileSync(dump, [...good, ...bad].join('\n') + '\n');
    const r = await handler(['--rate', '0']);
    expect(r.exitCode, text(r.stdout)).toBe(0);
    expect(text(r.stdout)).toMatch(/re-submitted 2 messages .*left in .*: .*1 message \(not a mod_gearman job or result\)/);
    expect(text(r.stdout)).toMatch(/left in .*2 messages \(not base64\)/);
    expect(await status()).toEqual({ check_results: 1, perfdata: 1 });
    expect(readFileSync(dump, 'latin1').split('\n').filter(Boolean)).toEqual(bad);
  });

  it('old jobs are not re-run by default: results go, host checks and event handlers stay and are named; --queue re-runs, --retire-queue moves them to the archive', async () => {
    await startGearmand();
    const b64 = (t: string) => Buffer.from(t).toString('base64');
    const results = Array.from({ length: 10 }, (_, i) => `check_results ${b64(`host_name=h${i}\nreturn_code=0\n`)}`);
    const hosts = Array.from({ length: 50 }, (_, i) => `host ${b64(`type=host\nhost_name=h${i}\n`)}`);
    const handlers = Array.from({ length: 3 }, (_, i) => `eventhandler ${b64(`type=eventhandler\ncommand_line=restart ${i}\n`)}`);
    const groups = [`hostgroup_linux ${b64('type=host\nhost_name=g\n')}`];
    writeFileSync(dump, [...results, ...hosts, ...handlers, ...groups].join('\n') + '\n');
    const dry = await handler(['--dry-run']);
    expect(text(dry.stdout)).toMatch(/submit 10 jobs .*\(check_results 10\); would leave 50 old host checks, 3 event handlers, 1 old host check \(hostgroup_linux\) \(jobs, not re-run/);
    const r = await handler(['--rate', '0']);
    expect(r.exitCode, text(r.stdout)).toBe(0);
    expect(text(r.stdout)).toMatch(/re-submitted 10 messages .*; left in .*: 50 old host checks, 3 event handlers, 1 old host check \(hostgroup_linux\) \(jobs, not re-run: --queue to re-run, --retire-queue to move them to the verified archive\)/);
    expect(await status()).toEqual({ check_results: 10 });
    expect(readFileSync(dump, 'latin1').split('\n').filter(Boolean)).toEqual([...hosts, ...handlers, ...groups]);
    // the dump check names what is left, by queue
    const c = await execa(join(BIN, 'check_delayed_dump'), ['-f', dump, '--state-dir', join(dir, 'state')], { reject: false });
    expect(c.stdout).toMatch(/queue host: 50 messages/);
    // retire the host checks (they are in the verified archive copy), re-run the event handlers
    const r2 = await handler(['--rate', '0', '--retire-queue', 'host', '--retire-queue', 'hostgroup_linux', '--queue', 'eventhandler']);
    expect(r2.exitCode, text(r2.stdout)).toBe(0);
    expect(text(r2.stdout)).toMatch(/re-submitted 3 messages .*; retired 51 messages \(host, hostgroup_linux\) to the verified archive \S+; dump removed/);
    expect(await status()).toEqual({ check_results: 10, eventhandler: 3 });
    expect(existsSync(dump)).toBe(false);
    const archive = join(dir, 'delayed-messages.archive');
    const copies = readdirSync(archive).filter((n) => !n.includes('journal')).map((n) => readFileSync(join(archive, n), 'latin1'));
    expect(copies.some((t) => hosts.every((h) => t.includes(h)))).toBe(true); // nothing deleted without a verified copy
  });

  it('queues named in UTF-8 (a servicegroup in the site\'s language) are counted, shown and re-submitted byte for byte; a name that is no UTF-8 stays as malformed', async () => {
    await startGearmand();
    const b64 = (t: string) => Buffer.from(t).toString('base64');
    const sp = 'servicegroup_são-paulo';
    const jobs = Array.from({ length: 3 }, (_, i) => `${sp} ${b64(`type=service\nhost_name=h${i}\n`)}`);
    const results = Array.from({ length: 2 }, (_, i) => `resultados_zürich ${b64(`host_name=z${i}\nreturn_code=0\n`)}`);
    const bad = Buffer.concat([Buffer.from('servicegroup_s'), Buffer.from([0xe3]), Buffer.from(`o ${b64('type=service\n')}`)]);
    writeFileSync(dump, Buffer.concat([Buffer.from([...jobs, ...results].join('\n') + '\n', 'utf8'), bad, Buffer.from('\n')]));
    const c = await execa(join(BIN, 'check_delayed_dump'), ['-f', dump, '--state-dir', join(dir, 'state')], { reject: false });
    expect(c.stdout).toMatch(/^DELAYED_DUMP WARNING - 5 undelivered messages in 2 queues \(servicegroup_são-paulo 3, resultados_zürich 2\)/);
    // perfdata labels stay ASCII for graphers: the long output names which label is which queue
    expect(c.stdout).toMatch(/'queue_servicegroup_s_o-paulo#[0-9a-f]{8}'=3;;;0/);
    expect(c.stdout).toMatch(/queue servicegroup_são-paulo: 3 messages \(perfdata 'queue_servicegroup_s_o-paulo#[0-9a-f]{8}'\)/);
    expect(c.stdout).toMatch(/malformed lines: 1 \(binary 1\)/);
    // given on the command line as text, matched against the dump's bytes
    const r = await guarded(['--rate', '0', '--result-queue', 'resultados_zürich', '--queue', sp, '--queue', 'resultados_zürich', '--allow-no-worker']);
    expect(r.exitCode, text(r.stdout)).toBe(0);
    expect(Buffer.from(r.stdout as Uint8Array).toString('utf8')).toMatch(/re-submitted 5 messages .*; left in .*: 1 malformed line/);
    expect(await status()).toEqual({ [sp]: 3, resultados_zürich: 2 });
    const got = await work(sp, 3);
    expect(got.map((b) => b.toString('latin1')).sort()).toEqual(jobs.map((l) => l.slice(sp.length + 1)).sort());
    expect(readFileSync(dump).equals(Buffer.concat([bad, Buffer.from('\n')]))).toBe(true);
    expect(readFileSync(join(dir, 'handle_delayed_dump.log'), 'utf8')).toMatch(/queue servicegroup_são-paulo: 3 submitted, 3 acknowledged/);
  });

  it('flat memory: the peak RSS of a 400,000-line import is within 1.25x of a 20,000-line one (npm run bench: 2,000,000 lines)', async () => {
    await startGearmand();
    const b64 = (t: string) => Buffer.from(t).toString('base64');
    const peak = async (n: number) => {
      const fd = openSync(dump, 'w');
      for (let i = 0; i < n; i += 10_000) {
        writeSync(fd, Array.from({ length: Math.min(10_000, n - i) }, (_, k) => `check_results ${b64(`host_name=host-${i + k}\nservice_description=svc\nreturn_code=0\noutput=OK - fine ${i + k}\n`)}\n`).join(''));
      }
      closeSync(fd);
      const r = await execa(join(BIN, 'handle_delayed_dump'), ['--service-state', 'CRITICAL', '--state-type', 'HARD', '-f', dump, '--gearman', `127.0.0.1:${port}`, '--rate', '0', '--max-queue-depth', '0', '--import-timeout', '120s', '--allow-no-worker'],
        { reject: false, env: { PATH: '/usr/bin:/bin', MSGWATCH_MEMORY_REPORT: '1' }, extendEnv: false });
      expect(r.exitCode, r.stdout).toBe(0);
      return Number(/hwm_kib=(\d+)/.exec(r.stderr)![1]);
    };
    const small = await peak(20_000);
    const large = await peak(400_000);
    expect(large / small).toBeLessThanOrEqual(1.25);
  }, 180_000);
});
