#!/usr/bin/env node
// A stand-in OpMon for the --fetch tests: reads its external command pipe and, for each
// _OPDB_FETCH_DELAYED, appends an answer line to its log after a delay, the way the test asks:
//   node fake-opmon.mjs '{"fifo": "...", "log": "...", "count": 42, "delayMs": 300,
//                         "mode": "answer|never|twice|rotate|noise", "wording": "... {n} ..."}'
// It logs each command it receives as Nagios does ("[epoch] EXTERNAL COMMAND: ..."), prints
// "ready" when it reads the pipe, and runs until killed.
import { appendFileSync, openSync, renameSync, createReadStream } from 'node:fs';

const cfg = JSON.parse(process.argv[2]);
const wording = cfg.wording ?? 'Delayed messages in queue: {n}';
const stamp = () => `[${Math.floor(Date.now() / 1000)}]`;
const log = (line) => appendFileSync(cfg.log, `${line}\n`);
const answer = (n) => log(`${stamp()} ${wording.replace('{n}', String(n))}`);

// O_RDWR: the pipe always has a reader and never reaches EOF when a writer closes it
const fd = openSync(cfg.fifo, 'r+');
let buf = '';
createReadStream('', { fd, encoding: 'latin1' }).on('data', (chunk) => {
  buf += chunk;
  let nl;
  while ((nl = buf.indexOf('\n')) >= 0) {
    const cmd = buf.slice(0, nl);
    buf = buf.slice(nl + 1);
    log(`${stamp()} EXTERNAL COMMAND: ${cmd.replace(/^\[\d+\] /, '')};`);
    if (!cmd.includes('_OPDB_FETCH_DELAYED')) continue;
    const delay = cfg.delayMs ?? 200;
    if (cfg.mode === 'never') continue;
    if (cfg.mode === 'noise') {
      for (let i = 0; i < 50; i++) log(`${stamp()} SERVICE ALERT: host${i};svc;OK;HARD;1;all fine ${i}`);
    }
    setTimeout(() => {
      if (cfg.mode === 'rotate') {
        renameSync(cfg.log, `${cfg.log}.1`); // logrotate between the request and the answer
        log(`${stamp()} LOG ROTATION: DAILY`);
      }
      answer(cfg.count);
      if (cfg.mode === 'twice') setTimeout(() => answer(cfg.count + 1000), 50);
    }, delay);
  }
});
process.stdout.write('ready\n');
