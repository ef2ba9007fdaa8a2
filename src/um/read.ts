/**
 * Reads an lbmmon log incrementally and hands each complete block of the wanted types to the
 * check. A first run (no state) starts at most `initialBytes` before the end, so that baselines
 * come from the most recent samples instead of starting blind.
 */
import type { RunContext } from '../lib/plugin.js';
import { count, nullable, obj, optional, record, str, type Schema } from '../lib/state/schema.js';
import { FILE_POSITION, type FilePosition } from '../lib/tail/identity.js';
import { tailFile, type TailResult } from '../lib/tail/tail.js';
import { noteTail } from '../lib/tail/report.js';
import { statSync } from 'node:fs';
import type { Block, BlockKind } from './model.js';
import { CARRIED_BLOCK, LbmmonParser, type CarriedBlock, type ParserStats } from './parse.js';
import { JsonParser } from './json.js';
import { lbmmonLineBuffer } from './block-kernel.js';
import { readMcs } from './mcs.js';
import { readAt } from '../lib/files.js';
import type { DaemonRecord } from './daemon-record.js';

export interface ReaderState {
  pos: FilePosition | null;
  carry: CarriedBlock | null;
  /** --mcs-db: the last row id read of each MCS table */
  mcs?: Record<string, number>;
  /** JSON: a pretty-printed value the previous run read only part of (its text so far) */
  json?: string;
}

export const READER_STATE: Schema<ReaderState> = obj<ReaderState>({
  pos: nullable(FILE_POSITION), carry: nullable(CARRIED_BLOCK), mcs: optional(record(count, 10)), json: optional(str(16 << 20)),
});

export interface ReadOutcome {
  next: ReaderState;
  tail: TailResult;
  blocks: number;
  cutBlocks: number;
  firstRun: boolean;
  /** what this run's input held: headers, unrecognised lines, 29West blocks */
  parser: ParserStats;
  format: 'text' | 'json';
  /** JSON: daemon records (Store, DRO, SRS) by application, named, never read as loss */
  daemons?: Map<string, number>;
  /** JSON: the newest record time of any kind (ms) */
  newestMs?: number | null;
}

export interface ReadOptions {
  file: string;
  app: string[];
  initialBytes: number;
  maxLine: number;
  ignoreDevice: boolean;
  fromStart: boolean;
  rotatedDir: string[];
  mcsDb?: string;
}

export async function readLbmmon<O>(
  ctx: RunContext<O>, prev: ReaderState | undefined, o: ReadOptions, wanted: BlockKind[], onBlock: (b: Block) => void,
  labels?: Set<string>, onDaemon?: (r: DaemonRecord) => void,
): Promise<ReadOutcome> {
  const apps = new Set(o.app);
  const take = (b: Block) => {
    if (apps.size === 0 || apps.has(b.header.appid)) onBlock(b);
  };
  // the format is the file's: lbmmon text (C, Java, .NET, 29West) or UM's monitoring JSON (MCS
  // rows, lbmmon_json lines), told by its first byte
  if (o.mcsDb) return readFromMcs(ctx, prev, o.mcsDb, new JsonParser(new Set(wanted), take, onDaemon));
  const json = isJson(o.file);
  const parser = json ? new JsonParser(new Set(wanted), take, onDaemon) : new LbmmonParser(new Set(wanted), take, labels);
  if (prev?.carry && parser instanceof LbmmonParser) parser.restore(prev.carry);
  if (prev?.json && parser instanceof JsonParser) parser.restorePending(prev.json);
  let firstRun: 'end' | number = 'end';
  try {
    const st = statSync(o.file);
    firstRun = o.fromStart ? 0 : Math.max(0, st.size - o.initialBytes);
  } catch { /* missing: reported by the reader */ }
  const tail = await tailFile(o.file, prev?.pos ?? undefined, parser, {
    firstRun, maxLine: o.maxLine, ignoreDev: o.ignoreDevice, stateLost: ctx.stateLost, deadline: ctx.deadline, onPhase: ctx.setPhase, rotatedDirs: o.rotatedDir,
    ...(json ? {} : { buffer: lbmmonLineBuffer }),
  });
  const carry = parser.finish();
  const open = parser instanceof JsonParser ? parser.pending() : null;
  noteTail(ctx, o.file, tail);
  ctx.debug(1, `${o.file}: ${parser.stats.blocks} blocks, ${parser.stats.cutBlocks} cut off${parser.stats.legacy ? `, ${parser.stats.legacy} in the 29West layout` : ''}`);
  return {
    next: { pos: tail.position ?? prev?.pos ?? null, carry, ...(open !== null ? { json: open } : {}) },
    tail, blocks: parser.stats.blocks, cutBlocks: parser.stats.cutBlocks, firstRun: !prev, parser: parser.stats,
    ...(parser instanceof JsonParser ? { format: 'json' as const, daemons: parser.daemons, newestMs: parser.newestMs } : { format: 'text' as const }),
  };
}

/** The rows MCS added since the previous run, through the same JSON reader. */
function readFromMcs<O>(ctx: RunContext<O>, prev: ReaderState | undefined, db: string, parser: JsonParser): ReadOutcome {
  ctx.setPhase(`reading the MCS database ${db}`);
  const r = readMcs(db, prev?.mcs, parser, ctx.deadline);
  if (r.behind) ctx.note(`${db}: stopped at the deadline with rows left; the next run continues from there`);
  ctx.debug(1, `${db}: ${r.rows} rows, ${parser.stats.blocks} blocks`);
  const tail: TailResult = {
    status: 'grew', position: undefined, sources: [db], bytesRead: 0, cutLines: 0, behind: r.behind, bytesLeft: 0, notes: [], mtimeMs: r.mtimeMs,
    ...(ctx.stateLost && !prev ? { lost: `the saved state was unusable, so ${db} was read as on a first run (the newest rows of each table): rows added since the previous run before those were not read` } : {}),
  };
  return {
    next: { pos: null, carry: null, mcs: r.next }, tail, blocks: parser.stats.blocks, cutBlocks: 0, firstRun: !prev,
    parser: parser.stats, format: 'json', daemons: parser.daemons, newestMs: parser.newestMs,
  };
}

/** Is the log UM's monitoring JSON? Its first non-blank byte is '{'. */
function isJson(file: string): boolean {
  try {
    const head = readAt(file, 256, 0).toString('latin1').trimStart();
    return head.startsWith('{');
  } catch {
    return false;
  }
}
