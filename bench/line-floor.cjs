// The floor of a JavaScript line reader, a peer in the benchmark: the file read as the plugins
// read it (synchronous 1 MiB reads) and each line's end found with one native Buffer.indexOf,
// nothing else. A scan that looks at every line cannot take less; prints the line count.
'use strict';
const { openSync, readSync } = require('node:fs');

const fd = openSync(process.argv[2], 'r');
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
