/**
 * Reads an lbmmon log incrementally and hands each complete block of the wanted types to the
 * check. A first run (no state) starts at most `initialBytes` before the end, so that baselines
 * come from the most recent samples instead of starting blind.
 */
import type { RunContext } from '../lib/plugin.js';
import { nullable, obj, type Schema } from '../lib/state/schema.js';
import { FILE_POSITION, type FilePosition } from '../lib/tail/identity.js';
import { tailFile, type TailResult } from '../lib/tail/tail.js';
import { noteTail } from '../lib/tail/report.js';
import { statSync } from 'node:fs';
import type { Block, BlockKind } from './model.js';
import { CARRIED_BLOCK, LbmmonParser, type CarriedBlock, type ParserStats } from './parse.js';

export interface ReaderState {
  pos: FilePosition | null;
  carry: CarriedBlock | null;
}

export const READER_STATE: Schema<ReaderState> = obj<ReaderState>({ pos: nullable(FILE_POSITION), carry: nullable(CARRIED_BLOCK) });

export interface ReadOutcome {
  next: ReaderState;
  tail: TailResult;
  blocks: number;
  cutBlocks: number;
  firstRun: boolean;
  fileMtimeMs: number | null;
  /** what this run's input held: headers, unrecognised lines, 29West blocks */
  parser: ParserStats;
}

export interface ReadOptions {
  file: string;
  app: string[];
  initialBytes: number;
  maxLine: number;
  ignoreDevice: boolean;
  fromStart: boolean;
  rotatedDir: string[];
}

export async function readLbmmon<O>(
  ctx: RunContext<O>, prev: ReaderState | undefined, o: ReadOptions, wanted: BlockKind[], onBlock: (b: Block) => void,
  labels?: Set<string>,
): Promise<ReadOutcome> {
  const apps = new Set(o.app);
  const parser = new LbmmonParser(new Set(wanted), (b) => {
    if (apps.size === 0 || apps.has(b.header.appid)) onBlock(b);
  }, labels);
  if (prev?.carry) parser.restore(prev.carry);
  let firstRun: 'end' | number = 'end';
  let fileMtimeMs: number | null = null;
  try {
    const st = statSync(o.file);
    fileMtimeMs = st.mtimeMs;
    firstRun = o.fromStart ? 0 : Math.max(0, st.size - o.initialBytes);
  } catch { /* missing: reported by the reader */ }
  const tail = await tailFile(o.file, prev?.pos ?? undefined, parser, {
    firstRun, maxLine: o.maxLine, ignoreDev: o.ignoreDevice, deadline: ctx.deadline, onPhase: ctx.setPhase, rotatedDirs: o.rotatedDir,
  });
  const carry = parser.finish();
  noteTail(ctx, o.file, tail);
  ctx.debug(1, `${o.file}: ${parser.stats.blocks} blocks, ${parser.stats.cutBlocks} cut off${parser.stats.legacy ? `, ${parser.stats.legacy} in the 29West layout` : ''}`);
  return {
    next: { pos: tail.position ?? prev?.pos ?? null, carry },
    tail, blocks: parser.stats.blocks, cutBlocks: parser.stats.cutBlocks, firstRun: !prev, fileMtimeMs, parser: parser.stats,
  };
}
