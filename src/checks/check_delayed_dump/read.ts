/**
 * Streams the whole dump (it is a snapshot, rewritten by OpMon, not an appended log) through the
 * counter with a fixed-size buffer. The last line counts even without a trailing LF: OpMon
 * writes the dump in one go when it stops or is asked to.
 */
import { closeSync, constants, existsSync, fstatSync, openSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { PluginError, describeError } from '../../lib/errors.js';
import { LineAssembler, pump } from '../../lib/tail/lines.js';
import { countLine, countLines, countTooLong, newCounts, type DumpCounts } from '../../dump/count.js';
import { dumpLineBuffer } from '../../dump/names.js';

export interface DumpRead {
  exists: boolean;
  stat?: Stats;
  counts: DumpCounts;
}

export async function readDump(path: string, maxLine: number, deadline: number): Promise<DumpRead> {
  const counts = newCounts();
  let fd: number;
  try {
    // synchronous (no thread pool to start) and O_NONBLOCK (a FIFO at the path cannot block)
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      // a missing dump is normal (deleted after a re-import); a missing directory is a typo
      const dir = dirname(path);
      if (!existsSync(dir)) throw new PluginError(`the directory of the dump, ${dir}, does not exist (check -f)`);
      return { exists: false, counts };
    }
    throw new PluginError(`cannot read ${describeError(e)}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new PluginError(`${path} is not a regular file`);
    const asm = new LineAssembler(
      { lines: (b, s, e) => countLines(counts, b, s, e), longLine: () => countTooLong(counts) },
      0, maxLine, dumpLineBuffer,
    );
    if (pump(fd, asm, () => Date.now() > deadline).stopped) {
      throw new PluginError(`stopped counting ${path} at the deadline after ${asm.consumed} bytes; raise -t`);
    }
    // the final line without LF, if any, is still in the assembler
    if (asm.nextOffset > asm.consumed) {
      const last = asm.pending();
      if (last === null) countTooLong(counts);
      else countLine(counts, last, 0, last.length, last.indexOf(0) >= 0);
    }
    return { exists: true, stat: st, counts };
  } catch (e) {
    if (e instanceof PluginError) throw e;
    throw new PluginError(`cannot read ${path}: ${describeError(e)}`);
  } finally {
    closeSync(fd);
  }
}
