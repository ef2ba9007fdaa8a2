// The broker line matcher: same answers as the regexes it replaced (kept here as the oracle),
// and linear time on the long near-miss lines that made those regexes run for 20 s.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commandEvent, parseLine, type Event, type LogLine } from '../../src/checks/check_broker_command_timeouts/parse.js';

const NAME = String.raw`\[\s*(.+?)\s*\]`;
const OLD = {
  retried: new RegExp(String.raw`^The command call ${NAME} for module (.+?) was sent,? but the call timed out\b`, 'i'),
  wrong: new RegExp(String.raw`^The command call ${NAME} was sent but another answer was received`, 'i'),
  failedTimeout: new RegExp(String.raw`^Failed to send command call ${NAME} for module (.+?) because of timeout\b`, 'i'),
  failedError: new RegExp(String.raw`^Failed to send command call ${NAME} for module (.+?) because of error\b`, 'i'),
  unknown: new RegExp(String.raw`^Received unknown command ${NAME} to execute`, 'i'),
  execError: new RegExp(String.raw`^Failed to execute received command ${NAME} with error\b`, 'i'),
  executed: new RegExp(String.raw`^The command call ${NAME} was executed by the module (.+?) in ([0-9.]+)\s*s\b`, 'i'),
};

function oldEvent(l: LogLine): Event | null {
  const broker = l.names.length >= 2 ? l.names[0] : '';
  const modName = l.names[l.names.length - 1];
  const t = l.text;
  let m: RegExpExecArray | null;
  if ((m = OLD.failedTimeout.exec(t))) return { kind: 'timeouts_failed', command: m[1], module: m[2].trim() || modName, broker };
  if ((m = OLD.failedError.exec(t))) return { kind: 'send_errors', command: m[1], module: m[2].trim() || modName, broker };
  if ((m = OLD.retried.exec(t))) return { kind: 'timeouts_retried', command: m[1], module: m[2].trim() || modName, broker };
  if ((m = OLD.wrong.exec(t))) return { kind: 'wrong_answers', command: m[1], module: modName, broker };
  if ((m = OLD.unknown.exec(t))) return { kind: 'unknown_commands', command: m[1], module: modName, broker };
  if ((m = OLD.execError.exec(t))) return { kind: 'exec_errors', command: m[1], module: modName, broker };
  if ((m = OLD.executed.exec(t))) return { kind: 'exec_time', command: m[1], module: m[2].trim() || modName, broker, seconds: Number(m[3]) };
  return null;
}

const HEAD = /^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\]\s*([A-Za-z]+)\s*:\s*/;
const CATEGORIES = new Set(['COMMAND CALL', 'CLEAN AFTER FORK']);
/** The regex-and-slice line parser the index scanner replaced: the oracle. */
function oldParseLine(line: string): LogLine | null {
  const h = HEAD.exec(line);
  if (!h) return null;
  let rest = line.slice(h[0].length);
  const names: string[] = [];
  let category = '';
  for (let i = 0; i < 4; i++) {
    const m = /^\[([^\]]*)\]\s*/.exec(rest);
    if (!m) return null;
    rest = rest.slice(m[0].length);
    const v = m[1].trim();
    if (CATEGORIES.has(v.toUpperCase())) { category = v.toUpperCase(); break; }
    names.push(v);
  }
  if (!category || names.length === 0) return null;
  let pid = '';
  let extra = '';
  const p = /^\[\s*pid\s*:\s*(\d+)\s*\]\s*/i.exec(rest);
  if (p) {
    pid = p[1];
    rest = rest.slice(p[0].length);
    const x = /^\[([^\]]*)\]\s*/.exec(rest);
    if (x) { extra = x[1].trim(); rest = rest.slice(x[0].length); }
  }
  return { time: h[1], level: h[2].toUpperCase(), names, category, pid, extra, text: rest.trimEnd() };
}

const line = (text: string): LogLine => ({ time: '2026-11-22 10:00:00', level: 'ERROR', names: ['broker-1', 'mod'], category: 'COMMAND CALL', pid: '1', extra: 't', text });
// the regex trims the name's inner spaces only where it can; compare trimmed
const norm = (e: Event | null) => (e ? { ...e, command: e.command.trim() } : null);

const MESSAGES = [
  'The command call [ get_host ] for module livedata was sent but the call timed out (30s)',
  'The command call [get_host] for module livedata was sent, but the call timed out',
  'The command call [ get_host ] was sent but another answer was received',
  'Failed to send command call [ push ] for module graphite because of timeout',
  'Failed to send command call [ push ] for module graphite because of error: broken pipe',
  'Received unknown command [ frob ] to execute',
  'Failed to execute received command [ frob ] with error: KeyError',
  'The command call [ get_host ] was executed by the module livedata in 0.25 s',
  'THE COMMAND CALL [ x ] FOR MODULE Y WAS SENT BUT THE CALL TIMED OUT',
];

describe('broker command-call matcher', () => {
  it('gives the replaced regexes\' answer on every known message', () => {
    for (const t of MESSAGES) {
      expect(commandEvent(line(t)), t).toEqual(oldEvent(line(t)));
      expect(commandEvent(line(t)), t).not.toBeNull();
    }
  });

  it('agrees with the regexes on near-misses built from the messages\' own fragments', () => {
    const frag = fc.constantFrom('The command call ', 'Failed to send command call ', 'Received unknown command ', 'Failed to execute received command ',
      '[', ']', ' ]', '[ ', 'a', 'x y', 'K', 'İ', ' for module ', ' was sent', ',', ' but the call timed out', 'x', ' because of timeout', ' because of error',
      ' was sent but another answer was received', ' to execute', ' with error', ' was executed by the module ', ' in ', '0.5', '12', ' s', 's', ' ', 'é', '_');
    fc.assert(fc.property(fc.array(frag, { maxLength: 14 }), (parts) => {
      const t = parts.join('');
      expect(norm(commandEvent(line(t)))).toEqual(norm(oldEvent(line(t))));
    }), { numRuns: 20000, seed: 15 });
  });

  it('the line parser gives the replaced regex parser\'s answer on lines built from real fragments', () => {
    const frag = fc.constantFrom('[2026-11-22 10:00:00]', '[2026-11-22 10:00:0]', ' ', '  ', '\t', '\u00a0', 'ERROR', 'info', 'WARNING', ':', ' : ',
      '[ broker-master ]', '[x]', '[]', '[ Livestatus ]', '[ COMMAND CALL ]', '[command call]', '[ CLEAN AFTER FORK ]', '[ PID:29341 ]', '[pid : 1]', '[ PID:x ]',
      '[ CP Server Thread-46 ]', 'The command call [a] was executed by the module M in 0.5s', ']', '[', 'é', 'K');
    fc.assert(fc.property(fc.array(frag, { maxLength: 12 }), (parts) => {
      const t = parts.join('');
      expect(parseLine(t)).toEqual(oldParseLine(t));
    }), { numRuns: 30000, seed: 20 });
    for (const t of MESSAGES) {
      const l = `[2026-11-22 10:00:00] ERROR : [ broker-master ] [ Livestatus ] [ COMMAND CALL ] [ PID:29341 ] [ CP Server Thread-46 ] ${t}`;
      expect(parseLine(l)).toEqual(oldParseLine(l));
      expect(parseLine(l)).not.toBeNull();
    }
  });

  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (t) => {
      commandEvent(line(t));
      parseLine(t);
    }), { numRuns: 5000, seed: 16 });
  });

  it('is linear on a long line of repeated near-matches (was 13-20 s for 1 MiB)', () => {
    const frags = ['c] for module M was sent but the call ti', '] for module ', ' in 1', '[ a ] was executed by the module ', ' in  '];
    for (const f of frags) {
      for (const pre of ['The command call [', 'Failed to send command call [', 'The command call [ x ] was executed by the module ']) {
        const t = pre + f.repeat(Math.ceil((1 << 20) / f.length));
        const t0 = performance.now();
        commandEvent(line(t));
        parseLine(`[2026-11-22 10:00:00] ERROR : [ b ] [ m ] [ COMMAND CALL ] [ PID:1 ] [ t ] ${t}`);
        // a quadratic scan of 1 MiB takes seconds; a linear one a few ms
        expect(performance.now() - t0, `${pre}${f}...`).toBeLessThan(1000);
      }
    }
  });
});
