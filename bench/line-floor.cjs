// The floor of a JavaScript line reader, a peer in the benchmark: the file read as the plugins
// read it (synchronous 1 MiB reads) and each line's end found with one native Buffer.indexOf,
// nothing else. A scan that looks at every line cannot take less; prints the line count.
// With --read-only, the file is only read (1 MiB reads into one buffer, as the scans read):
// the floor of any scan in this runtime, start-up and the copy from the page cache.
'use strict';
const { openSync, readSync } = require('node:fs');

const fd = openSync(process.argv[2], 'r');
if (process.argv[3] === '--read-only') {
  const b = Buffer.allocUnsafeSlow(1 << 20);
  let total = 0;
  for (let n; (n = readSync(fd, b, 0, b.length, total)) > 0;) total += n;
  console.log(total);
  process.exit(0);
}
const buf = Buffer.allocUnsafeSlow(1 << 20);
let lines = 0;
let carry = 0;
let pos = 0;
for (;;) {
  const n = readSync(fd, buf, carry, buf.length - carry, pos);
  if (n <= 0) break;
  pos += n;
  const len = carry + n;
  let p = 0;
  for (;;) {
    const nl = buf.indexOf(10, p);
    if (nl < 0 || nl >= len) break;
    lines++;
    p = nl + 1;
  }
  buf.copyWithin(0, p, len);
  carry = len - p;
}
console.log(lines);
