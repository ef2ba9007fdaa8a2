// Whether a file is a Shinken broker log at all (format.ts): what a wrong -f must not pass for.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOOK_BACK, notBrokerTail } from '../../src/checks/check_broker_command_timeouts/format.js';
import { broker as L } from '../fixtures';
import { HAVE_REAL, REAL } from '../helpers';
import { rng } from '../fuzz/fuzz';

// the real captures, where they are (test/helpers.ts)
const real = (...p: string[]) => (HAVE_REAL ? readFileSync(join(REAL, ...p)) : null);
const tail = (b: Buffer) => notBrokerTail(b.subarray(Math.max(0, b.length - LOOK_BACK)), b.length <= LOOK_BACK);

describe('is it a broker log', () => {
  it('a broker log is one, however its end is cut and whatever its continuation lines', () => {
    const log = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i % 7 === 3 ? 'Traceback continuation line' : L.noise(i))).join('\n') + '\n');
    for (let cut = 0; cut < 3000; cut += 97) expect(tail(log.subarray(0, log.length - cut))).toBeNull();
    // the real examples as the document wraps them: 14 of 40 lines unstamped
    const doc = real('shinken', 'seed002-doc-examples-verbatim.log');
    if (doc) expect(tail(doc)).toBeNull();
    // one stamped line among many continuation lines is enough
    expect(tail(Buffer.from(`${'  File "x.py", line 1\n'.repeat(500)}${L.failed()}\n${'  raise IOError\n'.repeat(10)}`))).toBeNull();
  });

  it('says nothing of an empty file or a single line being written', () => {
    expect(tail(Buffer.alloc(0))).toBeNull();
    expect(tail(Buffer.from('[2026-11-22 10:0'))).toBeNull();
    expect(tail(Buffer.from('partial line without its end'))).toBeNull();
  });

  it('an lbmmon capture, syslog, a dump or binary data is not one', () => {
    const lbm = real('lbmmon', 'um_troubleshoot-lbmmon.log');
    if (lbm) expect(tail(lbm)).toMatch(/^none of the \d+ lines at its end starts with \[YYYY-MM-DD HH:MM:SS\]$/);
    expect(tail(Buffer.from('Nov 22 07:01:32 host sshd[123]: Accepted publickey for root\n'))).toBe('none of the 1 line at its end starts with [YYYY-MM-DD HH:MM:SS]');
    expect(tail(Buffer.from('check_results aGVsbG8=\n'.repeat(10000)))).toMatch(/^none of the \d+ lines/);
    // a stamp of another shape: epoch seconds, or the date without brackets
    expect(tail(Buffer.from('[1416317402] INFO: broker started\n'))).not.toBeNull();
    expect(tail(Buffer.from('2026-11-22 10:00:00 INFO : [ b ] [ m ] [ COMMAND CALL ] x\n'))).not.toBeNull();
    const r = rng(3);
    const binary = Buffer.from(Array.from({ length: 100_000 }, () => Math.floor(r() * 256)).map((b) => (b === 10 ? 0 : b)));
    expect(tail(binary)).toBe('no line ends in its last 64 KiB');
    binary[50_000] = 10;
    expect(tail(binary)).toMatch(/^no line ends in its last \d+ KiB$/);
  });
});
