/**
 * The WebAssembly kernels ship as bytes in their TypeScript files; their text (a .wat file beside
 * them, or the comment above the bytes) is what a reader can check and change. Each text is
 * assembled again with wabt's wat2wasm and must give the shipped bytes to the byte.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers';

const wabt = !spawnSync('wat2wasm', ['--version']).error;

/** the bytes a TypeScript file ships: its `KERNEL` in base64 */
function shipped(ts: string): Buffer {
  const m = /const KERNEL = Uint8Array\.from\(Buffer\.from\('([^']+)', 'base64'\)\)/.exec(readFileSync(join(ROOT, ts), 'utf8'));
  if (!m) throw new Error(`${ts}: no KERNEL bytes`);
  return Buffer.from(m[1], 'base64');
}

/** the text in the comment after "into the bytes below (N bytes):", as a module */
function commentText(ts: string): string {
  const src = readFileSync(join(ROOT, ts), 'utf8');
  const from = src.indexOf('\n', src.search(/into the bytes below \([\d,]+ bytes\):/)) + 1;
  const body = src.slice(from, src.indexOf(' */', from)).split('\n').map((l) => l.replace(/^ \*( {2})?/, '')).join('\n');
  return body.trimStart().startsWith('(module') ? body : `(module\n(import "m" "m" (memory 1))\n${body}\n)`;
}

function assembled(text: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'msgwatch-wat-'));
  try {
    writeFileSync(join(dir, 'k.wat'), text);
    const r = spawnSync('wat2wasm', ['--enable-all', join(dir, 'k.wat'), '-o', join(dir, 'k.wasm')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    return readFileSync(join(dir, 'k.wasm'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!wabt)('WebAssembly kernels: the text gives the shipped bytes (wat2wasm)', () => {
  it('the broker line kernel (line-kernel.wat)', () => {
    const text = readFileSync(join(ROOT, 'src/checks/check_broker_command_timeouts/line-kernel.wat'), 'utf8');
    expect(assembled(text).equals(shipped('src/checks/check_broker_command_timeouts/line-kernel.ts'))).toBe(true);
  });
  it('the lbmmon block kernel (block-kernel.wat)', () => {
    const text = readFileSync(join(ROOT, 'src/um/block-kernel.wat'), 'utf8');
    expect(assembled(text).equals(shipped('src/um/block-kernel.ts'))).toBe(true);
  });
  for (const ts of ['src/lib/tail/line-end.ts', 'src/dump/names.ts']) {
    it(`${ts} (its comment)`, () => {
      expect(assembled(commentText(ts)).equals(shipped(ts))).toBe(true);
    });
  }
});
