import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { perfValue, runBin, scratch } from '../helpers';

const P = 'check_delayed_dump';
let dir: string;
let dump: string;
let env: Record<string, string>;

scratch('delayed-messages.dump', (s) => ({ dir, file: dump, env } = s));

const waitFor = async (path: string) => {
  for (let i = 0; i < 100 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 50));
};
const run = (args: string[] = []) => runBin(P, ['-f', dump, ...args], env);

describe('check_delayed_dump', () => {
  it('absent dump: OK, zero messages', async () => {
    const r = await run();
    expect(r.code).toBe(0);
    expect(r.line1).toMatch(/^DELAYED_DUMP OK - no undelivered messages \(.* absent\)/);
    expect(perfValue(r, 'messages')).toBe(0);
    expect(perfValue(r, 'age')).toBe(0);
  });

  it('absent dump with --missing CRITICAL', async () => {
    const r = await run(['--missing', 'CRITICAL']);
    expect(r.code).toBe(2);
    expect(r.line1).toMatch(/does not exist/);
  });

  it('empty dump: OK', async () => {
    writeFileSync(dump, '');
    const r = await run();
    expect(r.code).toBe(0);
    expect(r.line1).toMatch(/dump empty/);
  });

  it('one line: WARNING by default, with what to do', async () => {
    writeFileSync(dump, 'check_results dHlwZT1zZXJ2aWNl\n');
    const r = await run();
    expect(r.code).toBe(1);
    expect(r.line1).toMatch(/1 undelivered message in 1 queue \(check_results 1\)/);
    expect(r.line1).toMatch(/import_opmon_delayed_messages/);
    expect(r.perf.messages).toBe('1;0;;0');
    expect(perfValue(r, 'queue_check_results')).toBe(1);
  });

  it('many queues: per-queue counts largest first, in long output and perfdata', async () => {
    const lines: string[] = [];
    const queues = { check_results: 500, host: 20, service: 300, hostgroup_linux: 7, eventhandler: 1 };
    for (const [q, n] of Object.entries(queues)) for (let i = 0; i < n; i++) lines.push(`${q} msg${i}`);
    writeFileSync(dump, lines.sort(() => 0.5 - Math.random()).join('\n') + '\n');
    const r = await run(['-c', 'messages=800']);
    expect(r.code).toBe(2);
    expect(perfValue(r, 'messages')).toBe(828);
    const detail = r.stdout.split('\n').filter((l) => l.startsWith('queue '));
    // job queues are named as such: the handler's --gearman leaves them in the dump by default
    const jobs = ' (jobs: handle_delayed_dump --gearman leaves them in the dump; --queue to re-run, --retire-queue to archive)';
    expect(detail).toEqual([
      'queue check_results: 500 messages', `queue service: 300 messages${jobs}`, `queue host: 20 messages${jobs}`,
      `queue hostgroup_linux: 7 messages${jobs}`, `queue eventhandler: 1 message${jobs}`,
    ]);
    for (const [q, n] of Object.entries(queues)) expect(perfValue(r, `queue_${q}`)).toBe(n);
  });

  it('2,000 queues: the long output names the largest that --max-output holds and counts the rest, the JSON output has every one', async () => {
    const lines: string[] = [];
    for (let k = 0; k < 2000; k++) for (let i = 0; i <= k % 7; i++) lines.push(`hostgroup_${'x'.repeat(100)}${k} m${i}`);
    writeFileSync(dump, lines.join('\n') + '\n');
    const r = await run();
    const detail = r.stdout.split('\n').filter((l) => l.startsWith('queue '));
    expect(detail.length).toBeGreaterThan(10);
    expect(detail.length).toBeLessThan(100);
    expect(detail[0]).toMatch(/: 7 messages/);
    const shown = detail.reduce((n, l) => n + Number(/: (\d+) messages?/.exec(l)![1]), 0);
    const more = /^\.\.\. (\d+) more queues with (\d+) messages \(each in --output-format json\)$/m.exec(r.stdout);
    expect(more).not.toBeNull();
    expect(detail.length + Number(more![1])).toBe(2000);
    expect(shown + Number(more![2])).toBe(lines.length);
    const all = await run(['--max-output', '4MiB']);
    expect(all.stdout.split('\n').filter((l) => l.startsWith('queue '))).toHaveLength(2000);
    const j = JSON.parse((await run(['--output-format', 'json'])).stdout);
    expect(Object.keys(j.json?.queues ?? j.queues ?? {})).toHaveLength(2000);
  });

  it('queue names that sanitise alike keep their own perfdata labels, named in the long output', async () => {
    writeFileSync(dump, ["a=b 1", "a_b 1", "a_b 2", "a'b 1", 'a|b 1', 'a|b 2', 'a|b 3'].join('\n') + '\n');
    const r = await run(['--dry-run']);
    const labels = Object.keys(r.perf).filter((l) => l.startsWith('queue_'));
    expect(labels).toHaveLength(4);
    expect(r.perf.queue_a_b).toBe('2;;;0');
    const hashed = labels.filter((l) => l.includes('#'));
    expect(hashed).toHaveLength(3);
    expect(r.stdout).toMatch(/queue a%7Cb: 3 messages \(perfdata 'queue_a_b#[0-9a-f]{8}'\)/);
  });

  it('malformed lines of each kind are counted apart from messages', async () => {
    const body = Buffer.concat([
      Buffer.from('good message\n'),
      Buffer.from('nospace\n'),
      Buffer.from(' empty-queue\n'),
      Buffer.from('\n'),
      Buffer.from([0x00, 0xff, 0x20, 0x41, 0x0a]), // binary queue name
      Buffer.from('queue \n'), // empty message
      Buffer.from('q2 with\x00nul\n'),
      Buffer.from('q3 ' + 'y'.repeat(2 << 20) + '\n'), // over-long (limit 1 MiB)
      Buffer.from('good again\n'),
    ]);
    writeFileSync(dump, body);
    const r = await run();
    expect(perfValue(r, 'messages')).toBe(2);
    expect(perfValue(r, 'malformed')).toBe(7);
    expect(r.stdout).toMatch(/malformed lines: 7 \(.*no-space 1.*\)/);
    for (const k of ['no-space', 'empty-queue', 'empty-line', 'binary 2', 'empty-message', 'too-long']) expect(r.stdout).toContain(k);
    expect(r.code).toBe(1);
  });

  it('a file with no <queue> <message> line at all (a wrong -f, a binary) is UNKNOWN, not "OK, 0 messages"', async () => {
    writeFileSync(dump, Buffer.concat([Buffer.from('nospace\nanother\n\n'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x20, 0x01, 0x0a])]));
    const r = await run();
    expect(r.code).toBe(3);
    expect(r.stdout.split('\n')[0]).toMatch(/^DELAYED_DUMP UNKNOWN - .*is not an OpMon dump: none of its 4 lines is '<queue> <message>' \(.*no-space 2.*\); check -f/);
    expect(perfValue(r, 'malformed')).toBe(4);
    // one good line among them is a dump with malformed lines, judged as usual
    writeFileSync(dump, 'nospace\nq message\n');
    const ok = await run();
    expect(ok.code).toBe(1);
    expect(ok.stdout).not.toContain('not an OpMon dump');
  });

  it('CRLF lines and a last line without newline are messages', async () => {
    writeFileSync(dump, 'a x\r\nb y\r\nc z');
    const r = await run();
    expect(perfValue(r, 'messages')).toBe(3);
    expect(perfValue(r, 'malformed')).toBe(0);
    expect(r.stdout).toContain('queue c: 1 message');
  });

  it('a 5 MiB line is one malformed line, and the file is still counted', async () => {
    writeFileSync(dump, 'a x\n' + 'q ' + 'm'.repeat(5 << 20) + '\nb y\n');
    const r = await run(['--max-line', '1MiB']);
    expect(perfValue(r, 'messages')).toBe(2);
    expect(perfValue(r, 'malformed')).toBe(1);
  });

  it('growth between runs, then a re-import is noticed and reported', async () => {
    writeFileSync(dump, 'q a\nq b\n');
    let r = await run();
    expect(r.perf.growth).toBe('U');
    writeFileSync(dump, 'q a\nq b\nq c\nq d\nq e\n');
    r = await run();
    expect(perfValue(r, 'growth')).toBe(3);
    unlinkSync(dump);
    r = await run();
    expect(r.code).toBe(0);
    expect(perfValue(r, 'growth')).toBe(-5);
    expect(r.line1).toMatch(/5 messages were re-imported or cleared since the last check/);
    r = await run();
    expect(r.line1).not.toMatch(/re-imported/);
  });

  it('age: from the file mtime on a first run, then kept in the state; thresholds apply', async () => {
    writeFileSync(dump, 'q a\n');
    const t = Date.now() / 1000 - 3600;
    utimesSync(dump, t, t);
    let r = await run(['-c', 'age=1800']);
    expect(perfValue(r, 'age')!).toBeGreaterThanOrEqual(3600);
    expect(r.code).toBe(2);
    expect(r.line1).toMatch(/waiting since .* \(60m/);
    writeFileSync(dump, 'q a\nq b\n'); // rewritten: mtime now, but not emptied
    r = await run(['-c', 'age=1800']);
    expect(perfValue(r, 'age')!).toBeGreaterThanOrEqual(3600);
    writeFileSync(dump, '');
    r = await run(['-c', 'age=1800']);
    expect(perfValue(r, 'age')).toBe(0);
    expect(r.code).toBe(0);
    writeFileSync(dump, 'q new\n');
    r = await run(['-c', 'age=1800']);
    expect(perfValue(r, 'age')!).toBeLessThan(60);
    expect(r.code).toBe(1);
  });

  it('bytes is the file size', async () => {
    writeFileSync(dump, 'q 123456789\n');
    const r = await run();
    expect(r.perf.bytes).toBe('12B;;;0');
  });
});

describe('--request-dump', () => {
  let cmd: string;
  beforeEach(() => { cmd = join(dir, 'opmon.cmd'); });

  it('writes the command to the FIFO in one write and reads the dump OpMon rewrites', async () => {
    execFileSync('mkfifo', [cmd]);
    writeFileSync(dump, 'old x\n');
    // a stand-in OpMon: reads one command line, then writes a fresh dump
    const fake = spawn('bash', ['-c', `exec 3<>"${cmd}"; touch "${dir}/ready"; read line <&3; echo "$line" > "${dir}/received"; sleep 0.3; printf 'q1 a\\nq1 b\\nq2 c\\n' > "${dump}.tmp"; mv "${dump}.tmp" "${dump}"`]);
    const exited = new Promise((res) => fake.on('exit', res));
    await waitFor(join(dir, 'ready'));
    const r = await run(['--request-dump', '--command-file', cmd, '--dump-wait', '5s']);
    await Promise.race([exited, new Promise((res) => setTimeout(res, 3000))]);
    fake.kill();
    expect(readFileSync(join(dir, 'received'), 'utf8')).toMatch(/^\[\d{10}\] _OPDB_DUMP_DELAYED\n$/);
    expect(perfValue(r, 'messages')).toBe(3);
    expect(r.code).toBe(1);
  });

  it('no reader (OpMon stopped): a clear message at once, never a hang', async () => {
    execFileSync('mkfifo', [cmd]);
    writeFileSync(dump, 'q a\n');
    const t0 = Date.now();
    const r = await run(['--request-dump', '--command-file', cmd]);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(r.line1).toMatch(/nobody reads the command pipe .*OpMon is not running; reporting the dump on disk/);
    expect(perfValue(r, 'messages')).toBe(1);
    expect(statSync(cmd).isFIFO()).toBe(true);
  });

  it('a regular file at the pipe path is refused and left alone', async () => {
    writeFileSync(cmd, '');
    writeFileSync(dump, 'q a\n');
    const r = await run(['--request-dump', '--command-file', cmd]);
    expect(r.code).toBe(1); // WARNING for the message outranks the UNKNOWN finding
    expect(r.line1).toMatch(/is not a named pipe; not writing to it/);
    writeFileSync(dump, '');
    expect((await run(['--request-dump', '--command-file', cmd])).code).toBe(3);
    expect(readFileSync(cmd, 'utf8')).toBe('');
    expect(perfValue(r, 'messages')).toBe(1);
  });

  it('no pipe at all: says so and does not create one', async () => {
    const r = await run(['--request-dump', '--command-file', cmd]);
    expect(r.line1).toMatch(/does not exist: OpMon is not running/);
    expect(existsSync(cmd)).toBe(false);
  });

  it('OpMon reads the command but does not rewrite the dump: a note, existing file counted', async () => {
    execFileSync('mkfifo', [cmd]);
    writeFileSync(dump, 'q a\n');
    const fake = spawn('bash', ['-c', `exec 3<>"${cmd}"; touch "${dir}/ready"; read line <&3; sleep 5`]);
    await waitFor(join(dir, 'ready'));
    const r = await run(['--request-dump', '--command-file', cmd, '--dump-wait', '1s']);
    fake.kill();
    expect(r.stdout).toMatch(/note: OpMon did not rewrite .* within 1s/);
    expect(perfValue(r, 'messages')).toBe(1);
  });
});
