/**
 * What both UM checks do before judging: open their state, read the new lbmmon blocks, note
 * which applications and process contexts reported, forget processes that are gone, let the
 * check settle its items (drop series that ended), and save.
 */
import { PluginError } from '../lib/errors.js';
import type { RunContext } from '../lib/plugin.js';
import { isApps, noteSample, settleApps, type Apps, type Staleness } from './apps.js';
import type { Block, BlockKind } from './model.js';
import type { UmOptions } from './options.js';
import { isReaderState, readLbmmon, type ReaderState, type ReadOutcome } from './read.js';
import { isSamples, noteContextSample, settleSamples, type Samples } from './samples.js';

/** The saved state: the reader's position, the applications, and the check's items by key. */
export interface UmState<T> {
  reader: ReaderState;
  apps: Apps;
  /** per process context, its newest sample instants (absent in state from before 0.2: none yet) */
  samples?: Samples;
  items: Record<string, T>;
}

function isUmState<T>(v: unknown, isItem: (x: unknown) => x is T): v is UmState<T> {
  if (!v || typeof v !== 'object') return false;
  const s = v as UmState<T>;
  return isReaderState(s.reader) && isApps(s.apps) && (s.samples === undefined || isSamples(s.samples)) && !!s.items && !Array.isArray(s.items) && typeof s.items === 'object' && Object.values(s.items).every(isItem);
}

export interface Collected<T> {
  read: ReadOutcome;
  apps: Apps;
  samples: Samples;
  items: Record<string, T>;
  stale: Staleness;
}

export async function collect<O extends UmOptions, T extends { appid: string; ip: string; pid: string }>(
  ctx: RunContext<O>, isItem: (x: unknown) => x is T, wanted: BlockKind[], labels: Set<string>,
  observe: (items: Record<string, T>, b: Block) => void,
  settle?: (c: Collected<T>) => void,
): Promise<Collected<T>> {
  const o = ctx.opts;
  const state = await ctx.openState([o.file, o.app], (v): v is UmState<T> => isUmState(v, isItem));
  const apps: Apps = state.data?.apps ?? {};
  const items: Record<string, T> = state.data?.items ?? {};
  const samples: Samples = state.data?.samples ?? {};
  const read = await readLbmmon(ctx, state.data?.reader, o, wanted, (b) => {
    noteSample(apps, b.header, b.header.proc);
    noteContextSample(samples, b.header);
    observe(items, b);
  }, labels);
  if (read.tail.status === 'missing' && !read.tail.position) throw new PluginError(`${o.file} does not exist`, o.missing);
  const stale = settleApps(apps, items, o.stale);
  settleSamples(samples, (k) => !!apps[k]);
  const collected = { read, apps, samples, items, stale };
  settle?.(collected);
  state.save({ reader: read.next, apps, samples, items });
  return collected;
}
