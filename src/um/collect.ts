/**
 * What both UM checks do before judging: open their state, read the new lbmmon blocks, note
 * which applications and process contexts reported, and forget processes that are gone. The
 * check then settles its own items (drops series that ended) and saves.
 */
import { PluginError } from '../lib/errors.js';
import { obj, optional, record, type Schema } from '../lib/state/schema.js';
import type { RunContext } from '../lib/plugin.js';
import { APPS, noteSample, settleApps, type Apps, type Staleness } from './apps.js';
import type { Block, BlockKind } from './model.js';
import type { UmOptions } from './options.js';
import { READER_STATE, readLbmmon, type ReaderState, type ReadOutcome } from './read.js';
import { SAMPLES, noteContextSample, settleSamples, type Samples } from './samples.js';

/** The saved state: the reader's position, the applications, and the check's items by key. */
export interface UmState<T> {
  reader: ReaderState;
  apps: Apps;
  /** per process context, its newest sample instants (absent in state from before 0.2: none yet) */
  samples?: Samples;
  items: Record<string, T>;
}

const umState = <T>(item: Schema<T>): Schema<UmState<T>> =>
  obj<UmState<T>>({ reader: READER_STATE, apps: APPS, samples: optional(SAMPLES), items: record(item) });

export interface Collected<T> {
  read: ReadOutcome;
  apps: Apps;
  samples: Samples;
  items: Record<string, T>;
  stale: Staleness;
  /** saves the state as the check leaves it (after it has settled its items) */
  save(): void;
}

export interface CollectSpec<T> {
  /** the schema of one of the check's items (a series, a queue) in the state */
  item: Schema<T>;
  /** the block kinds and field labels the check reads */
  wanted: BlockKind[];
  labels: Set<string>;
  /** each wanted block as it is read (streamed: a first scan may read gigabytes) */
  observe: (items: Record<string, T>, b: Block) => void;
}

/** Opens the state, reads the new blocks, notes the applications and process contexts, forgets processes that are gone. */
export async function collect<O extends UmOptions, T extends { appid: string; ip: string; pid: string }>(ctx: RunContext<O>, spec: CollectSpec<T>): Promise<Collected<T>> {
  const o = ctx.opts;
  const state = await ctx.openState([o.mcsDb ? `mcs:${o.mcsDb}` : o.file, o.app], umState(spec.item));
  const apps: Apps = state.data?.apps ?? {};
  const items: Record<string, T> = state.data?.items ?? {};
  const samples: Samples = state.data?.samples ?? {};
  const read = await readLbmmon(ctx, state.data?.reader, o, spec.wanted, (b) => {
    noteSample(apps, b.header, b.header.proc);
    noteContextSample(samples, b.header);
    spec.observe(items, b);
  }, spec.labels);
  if (!o.mcsDb && read.tail.status === 'missing' && !read.tail.position) throw new PluginError(`${o.file} does not exist`, o.missing);
  const stale = settleApps(apps, items, o.stale);
  settleSamples(samples, (k) => !!apps[k]);
  return { read, apps, samples, items, stale, save: () => state.save({ reader: read.next, apps, samples, items }) };
}
