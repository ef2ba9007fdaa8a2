// One run feeds Nagios and Prometheus (issue 43): --output-format openmetrics and --textfile DIR
// against the real tools: promtool (Debian's prometheus) checks every program's exposition, a real
// prometheus-node-exporter started here on 127.0.0.1 reads the textfiles, and a real Prometheus
// server scraping it evaluates the shipped alert rules and fires one for a failing check. Each
// server is started by the test and stopped by its PID.
import { execa } from 'execa';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HAVE_REAL, REAL, ROOT, runBin, tempDir, until } from '../helpers';

const PROMTOOL = '/usr/bin/promtool';
const EXPORTER = '/usr/bin/prometheus-node-exporter';
const PROMETHEUS = '/usr/bin/prometheus';
const available = [PROMTOOL, EXPORTER, PROMETHEUS].every((p) => existsSync(p));
if (!available && process.env.CI) throw new Error('CI must install prometheus and prometheus-node-exporter');

let dir: string;
let cleanup: () => void;
const procs: ChildProcess[] = [];
beforeEach(() => ({ dir, cleanup } = tempDir('msgwatch-prom-')));
afterEach(async () => {
  for (const p of procs.splice(0)) if (p.exitCode === null) { p.kill('SIGKILL'); await new Promise((r) => p.once('exit', r)); }
  cleanup();
});

function freePort(): Promise<number> {
  return new Promise((resolve) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); }); });
}
const D = join(ROOT, 'examples', 'data');
const env = () => ({ MSGWATCH_STATE_DIR: join(dir, 'state') });
const promtool = (text: string) => execa(PROMTOOL, ['check', 'metrics'], { input: text, reject: false });

/** Every program on the demo data and on an error path, as OpenMetrics. */
const RUNS: [string, string[]][] = [
  ['check_delayed_dump', ['-f', join(D, 'delayed-messages.dump')]],
  ['check_broker_command_timeouts', ['-f', join(D, 'brokerd.log'), '--from-start']],
  ['check_um_naks', ['-f', join(D, 'lbmmon.log'), '--stale-log', '0']],
  ['check_um_event_queue', ['-f', join(D, 'lbmmon.log'), '--stale-log', '0']],
  ['check_um_store', ['-f', join(D, 'mcs-daemons.jsonl'), '--stale-log', '0']],
  ['check_um_dro', ['-f', join(D, 'mcs-daemons.jsonl'), '--stale-log', '0']],
  ['check_gearman_queues', ['-H', '127.0.0.1:1']],
  ['check_um_naks', ['-f', '/nonexistent/lbmmon.log']],
  ['check_delayed_dump', ['-w', 'nonsense']],
  // the real captures (../shared/real), where they are
  ...(HAVE_REAL ? [
    ['check_um_naks', ['-f', join(REAL, 'lbmmon', 'um_troubleshoot-lbmmon.log'), '--stale-log', '0', '--from-start']],
    ['check_um_event_queue', ['-f', join(REAL, 'lbmmon', 'mcs_demo-mcs-jsonl.out'), '--stale-log', '0', '--from-start']],
    ['check_um_store', ['-f', join(REAL, 'lbmmon', 'mcs_demo-mcs-jsonl.out'), '--stale-log', '0', '--from-start']],
    ['check_um_dro', ['-f', join(REAL, 'lbmmon', 'mcs_demo-mcs-jsonl.out'), '--stale-log', '0', '--from-start']],
    ['check_broker_command_timeouts', ['-f', join(REAL, 'derived', 'seed002-doc-examples-unwrapped.log'), '--from-start', '--stale-log', '0']],
  ] as [string, string[]][] : []),
];

describe.skipIf(!available)('OpenMetrics against promtool, node_exporter and Prometheus', () => {
  it('promtool check metrics accepts every program\'s exposition, on the demo data and on error paths; unmeasured values are left out', async () => {
    for (const [p, args] of RUNS) {
      const r = await runBin(p, [...args, '--output-format', 'openmetrics'], env());
      expect(r.stdout.endsWith('# EOF\n'), `${p}: ${r.stdout.slice(-200)}`).toBe(true);
      const c = await promtool(r.stdout);
      expect(c.exitCode, `${p} ${args.join(' ')}: ${c.stdout}${c.stderr}\n${r.stdout.slice(0, 400)}`).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^msgwatch_check_state\\{program="${p}",instance="[^"]*"\\} ${r.code}$`, 'm'));
      expect(r.stdout).not.toMatch(/ NaN$/m);
    }
    // the check's own metrics of a run that read nothing are absent, not 0
    const e = await runBin('check_um_naks', ['-f', '/nonexistent/lbmmon.log', '--output-format', 'openmetrics'], env());
    expect(e.stdout).not.toMatch(/msgwatch_check_um_naks_/);
  });

  it('examples/prometheus: the rules are what the programs\' default thresholds give, and promtool accepts the rules and the config', async () => {
    expect((await execa('node', [join(ROOT, 'scripts', 'prometheus-rules.mjs'), '--check'], { reject: false })).exitCode).toBe(0);
    const rules = await execa(PROMTOOL, ['check', 'rules', join(ROOT, 'examples', 'prometheus', 'msgwatch-rules.yml')], { reject: false });
    expect(rules.exitCode, rules.stdout + rules.stderr).toBe(0);
    const config = await execa(PROMTOOL, ['check', 'config', join(ROOT, 'examples', 'prometheus', 'prometheus.yml')], { reject: false });
    expect(config.exitCode, config.stdout + config.stderr).toBe(0);
  });

  it('a real node_exporter reads the --textfile files: our series with their labels and values, no scrape error; odd names come out escaped', async () => {
    const tf = join(dir, 'textfiles');
    mkdirSync(tf);
    const port = await freePort();
    const ne = spawn(EXPORTER, [`--web.listen-address=127.0.0.1:${port}`, '--collector.disable-defaults', '--collector.textfile', `--collector.textfile.directory=${tf}`], { stdio: 'ignore' });
    procs.push(ne);
    const dump = join(dir, 'a "quoted" \\ back=slash\nnew line.dump');
    writeFileSync(dump, readFileSync(join(D, 'delayed-messages.dump')));
    const r = await runBin('check_delayed_dump', ['-f', dump, '--textfile', tf], env());
    expect(r.code).toBe(1);
    expect(r.line1).toMatch(/^DELAYED_DUMP WARNING - 42 undelivered messages/); // stdout is the Nagios output as usual
    await runBin('check_delayed_dump', ['-f', join(D, 'delayed-messages.dump'), '--textfile', tf], env());
    await runBin('check_um_naks', ['-f', join(D, 'lbmmon.log'), '--stale-log', '0', '--textfile', tf], env());
    const files = readdirSync(tf);
    expect(files.filter((f) => f.endsWith('.prom'))).toHaveLength(3); // two dumps never share a file
    expect(files.filter((f) => !f.endsWith('.prom'))).toEqual([]); // no temp file left
    for (const f of files) expect((await promtool(readFileSync(join(tf, f), 'utf8'))).exitCode).toBe(0);
    const metrics = await until('node_exporter answering', async () => {
      try { const res = await fetch(`http://127.0.0.1:${port}/metrics`); return res.ok ? await res.text() : undefined; } catch { return undefined; }
    }, 20_000);
    expect(metrics).toMatch(/^node_textfile_scrape_error 0$/m);
    expect(metrics).toMatch(/^msgwatch_check_delayed_dump_messages\{instance="[^"]*examples\/data\/delayed-messages.dump",program="check_delayed_dump"\} 42$/m);
    expect(metrics).toMatch(/^msgwatch_check_delayed_dump_queue_messages\{instance="[^"]*examples\/data\/delayed-messages.dump",program="check_delayed_dump",queue="check_results"\} 21$/m);
    expect(metrics).toContain('instance="' + dump.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') + '"');
    expect(metrics).toMatch(/^msgwatch_check_state\{instance="[^"]*lbmmon.log",program="check_um_naks"\} 0$/m);
  });

  it('an unwritable textfile directory is a note, never a half-written .prom; --instance names the file', async () => {
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    chmodSync(ro, 0o500);
    const asNobody = process.getuid?.() === 0; // root writes anywhere: a file in the directory's place instead
    const target = asNobody ? join(dir, 'not-a-dir') : ro;
    if (asNobody) writeFileSync(target, '');
    const r = await runBin('check_delayed_dump', ['-f', join(D, 'delayed-messages.dump'), '--textfile', target], env());
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/note: --textfile: .*(is not a directory|cannot write)/);
    const ok = join(dir, 'tf');
    mkdirSync(ok);
    await runBin('check_delayed_dump', ['-f', join(D, 'delayed-messages.dump'), '--textfile', ok, '--instance', 'opmon-main'], env());
    expect(readdirSync(ok)).toEqual(['msgwatch_check_delayed_dump_opmon_main.prom']);
    expect(readFileSync(join(ok, 'msgwatch_check_delayed_dump_opmon_main.prom'), 'utf8')).toMatch(/instance="opmon-main"/);
  });

  it('a real Prometheus scraping that node_exporter evaluates the shipped rules and fires one for a failing check', async () => {
    const tf = join(dir, 'textfiles');
    mkdirSync(tf);
    const nport = await freePort();
    procs.push(spawn(EXPORTER, [`--web.listen-address=127.0.0.1:${nport}`, '--collector.disable-defaults', '--collector.textfile', `--collector.textfile.directory=${tf}`], { stdio: 'ignore' }));
    const r = await runBin('check_delayed_dump', ['-f', join(D, 'delayed-messages.dump'), '-c', 'messages=10', '--textfile', tf], env());
    expect(r.code).toBe(2);
    const pport = await freePort();
    writeFileSync(join(dir, 'prometheus.yml'), [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      `rule_files: [ "${join(ROOT, 'examples', 'prometheus', 'msgwatch-rules.yml')}" ]`,
      'scrape_configs:',
      `  - job_name: node`,
      `    static_configs: [ { targets: [ "127.0.0.1:${nport}" ] } ]`, '',
    ].join('\n'));
    procs.push(spawn(PROMETHEUS, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${pport}`], { stdio: 'ignore' }));
    const alerts = await until('the alert firing in Prometheus', async () => {
      try {
        const res = await fetch(`http://127.0.0.1:${pport}/api/v1/alerts`);
        const j = await res.json() as { data: { alerts: { labels: Record<string, string>; state: string }[] } };
        const a = j.data.alerts.filter((x) => x.labels.alertname === 'MsgwatchCheckCritical' && x.labels.program === 'check_delayed_dump' && x.state === 'firing');
        return a.length ? j.data.alerts : undefined;
      } catch { return undefined; }
    }, 60_000);
    // and the rule equivalent to the default -w messages=0 fires with it
    expect(alerts.some((a) => a.labels.alertname === 'MsgwatchCheckDelayedDumpMessagesWarning' && a.state === 'firing')).toBe(true);
  }, 90_000);
});
