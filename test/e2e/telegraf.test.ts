// Telegraf's `nagios` input parser (influxdata/telegraf plugins/parsers/nagios/parser.go) as a
// table of its rules, run over every program's normal output: the first line split on '|' into
// at most two parts, long output up to the first later line with '|', the rest perfdata; items
// found by ([^=]+=\S+), parsed by its value/unit/threshold expression. Every perfdata value we
// print, but the unmeasured U (which it drops, as it should: nothing was measured), must come out
// of it as the same number under the same label.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePerf, ROOT, runBin, tempDir } from '../helpers';

const SPLIT = /([^=]+=\S+)/g;
const ITEM = /^([^=]+)=([\d.\-+eE]+)([\w/%]*);?([\d.\-+eE:~@]+)?;?([\d.\-+eE:~@]+)?;?([\d.\-+eE]+)?;?([\d.\-+eE]+)?;?\s*/;

/** What Telegraf keeps of one output: label -> value; throws where it would fail the whole output. */
function telegraf(out: string): Map<string, number> {
  const lines = out.split('\n');
  const parts = lines[0].split('|');
  if (parts.length > 2) throw new Error('illegal output format');
  const perf: string[] = parts.length === 2 ? [parts[1]] : [];
  let i = 1;
  for (; i < lines.length; i++) if (lines[i].includes('|')) { perf.push(lines[i].split('|')[1]); i++; break; }
  perf.push(...lines.slice(i));
  const got = new Map<string, number>();
  for (const chunk of perf) for (const raw of chunk.match(SPLIT) ?? []) {
    const m = ITEM.exec(raw.trim());
    if (!m || !m[1] || !m[2]) continue;
    const v = Number.parseFloat(m[2]);
    if (!Number.isNaN(v)) got.set(m[1].replace(/^'+|'+$/g, ''), v);
  }
  return got;
}

const D = join(ROOT, 'examples', 'data');
const RUNS: [string, string[]][] = [
  ['check_delayed_dump', ['-f', join(D, 'delayed-messages.dump')]],
  ['check_broker_command_timeouts', ['-f', join(D, 'brokerd.log'), '--from-start']],
  ['check_um_naks', ['-f', join(D, 'lbmmon.log'), '--stale-log', '0', '-v']],
  ['check_um_event_queue', ['-f', join(D, 'lbmmon.log'), '--stale-log', '0']],
  ['check_um_store', ['-f', join(D, 'mcs-daemons.jsonl'), '--stale-log', '0']],
  ['check_um_dro', ['-f', join(D, 'mcs-daemons.jsonl'), '--stale-log', '0']],
  ['check_gearman_queues', ['-H', '127.0.0.1:1']],
  ['check_delayed_dump', ['-f', join(D, 'delayed-messages.dump'), '--max-output', '300']],
  ['check_um_naks', ['-f', '/nonexistent/lbmmon.log']],
];

describe("Telegraf's nagios parser reads every program's output with every measured value kept", () => {
  for (const [p, args] of RUNS) {
    it(`${p} ${args.slice(-2).join(' ')}`, async () => {
      const { dir, cleanup } = tempDir();
      try {
        const r = await runBin(p, args, { MSGWATCH_STATE_DIR: join(dir, 's') });
        const ours = parsePerf(r.stdout);
        const theirs = telegraf(r.stdout);
        const measured = Object.entries(ours).filter(([, f]) => !f.startsWith('U'));
        expect(measured.length + Object.keys(ours).length).toBeGreaterThan(0);
        for (const [label, field] of measured) {
          expect(theirs.get(label), `${label} in ${r.stdout.slice(0, 300)}`).toBe(Number.parseFloat(field));
        }
        // nothing Telegraf reads that we did not print as a number
        for (const label of theirs.keys()) expect(Object.keys(ours)).toContain(label);
      } finally {
        cleanup();
      }
    });
  }

  it('a label with =, quotes or spaces reaches Telegraf escaped, under one label', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const { writeFileSync } = await import('node:fs');
      const dump = join(dir, 'dump');
      writeFileSync(dump, "a=b x\nq'uote y\nwith space z\n");
      const r = await runBin('check_delayed_dump', ['-f', dump], { MSGWATCH_STATE_DIR: join(dir, 's') });
      const theirs = telegraf(r.stdout);
      const labels = [...theirs.keys()].filter((l) => l.startsWith('queue_'));
      expect(labels).toHaveLength(3); // a=b, q'uote and with (a queue name ends at the first space)
      for (const l of labels) expect(l).toMatch(/^queue_[A-Za-z0-9_.:/@+#-]+$/);
    } finally {
      cleanup();
    }
  });
});
