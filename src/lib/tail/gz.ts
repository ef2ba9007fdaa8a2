/** Reading the lines of a rotated .gz log from an uncompressed offset, with the deadline and damage in mind. */
import { createReadStream } from 'node:fs';
import { zlib } from '../builtins.js';
import type { LineAssembler } from './lines.js';

export interface GzRead {
  bytes: number;
  /** stopped at the deadline with data left */
  stopped: boolean;
  /** the gzip data ended in damage: what could be decompressed was read */
  damage: string | null;
}

export function readGzLines(path: string, from: number, asm: LineAssembler, pastDeadline: () => boolean): Promise<GzRead> {
  const out: GzRead = { bytes: 0, stopped: false, damage: null };
  let skip = from;
  return new Promise<GzRead>((resolve, reject) => {
    const src = createReadStream(path, { highWaterMark: 1 << 20 });
    const gun = zlib().createGunzip({ chunkSize: 1 << 18 });
    const stop = () => { src.unpipe(gun); src.destroy(); gun.destroy(); resolve(out); };
    gun.on('data', (chunk: Buffer) => {
      if (skip > 0) {
        if (chunk.length <= skip) { skip -= chunk.length; return; }
        chunk = chunk.subarray(skip);
        skip = 0;
      }
      out.bytes += chunk.length;
      asm.push(chunk);
      if (pastDeadline()) { out.stopped = true; stop(); }
    });
    gun.on('end', () => resolve(out));
    gun.on('error', (e) => { out.damage = e.message; stop(); });
    src.on('error', reject);
    src.pipe(gun);
  });
}
