/**
 * Versioned JSON state, one file per plugin and state key, written crash-safely:
 * exclusive temp file (0600, no symlink following) -> write -> fsync -> rename -> fsync(dir).
 * A crash at any step leaves the old file or the new one, never a torn one.
 *
 * Loading never throws for bad content: a corrupt, foreign, future-dated or implausible file
 * yields "no state" plus one note for the output, exactly like a first run.
 */
import {
  closeSync, constants, existsSync, fstatSync, lstatSync, fsyncSync, openSync, readdirSync, readSync, renameSync, unlinkSync, writeSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { crypto } from '../builtins.js';
import { errnoText, PluginError } from '../errors.js';
import { processAlive } from '../files.js';
import { fnv64 } from '../fnv.js';
import { ensureStateDir } from './dir.js';
import { faultEnabled, faultPoint } from './faults.js';
import { jsonChunks } from './json-stream.js';
import { Lock } from './lock.js';
import { validate, type Schema } from './schema.js';

export const STATE_FORMAT = 'msgwatch-state';
export const STATE_VERSION = 1;
const MAX_STATE_BYTES = 64 * 1024 * 1024;

interface Envelope<T> {
  format: string;
  version: number;
  plugin: string;
  key: unknown[];
  savedAt: number;
  data: T;
}

export interface LoadResult<T> {
  data: T | undefined;
  note?: string;
  savedAt?: number;
  /**
   * The file's bytes of `data` as this writer wrote them (the file is exactly the envelope's
   * text around them): a save of data with these very bytes is skipped (stage). Absent when the
   * file is in another shape; the save then writes.
   */
  dataBytes?: Buffer;
}

/** `<plugin>-<readable part>-<hash>.json`, the readable part from the first non-empty key string. */
function nameWith(plugin: string, keyParts: unknown[], hash: string): string {
  const first = keyParts.find((p) => typeof p === 'string' && p.length > 0) as string | undefined;
  const slug = (first ?? '').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[_.]+/, '').slice(-40);
  return `${plugin}${slug ? '-' + slug : ''}-${hash}.json`;
}

/** `<plugin>-<readable part>-<hash>.json`: readable for operators, unique per meaning. */
export function stateFileName(plugin: string, keyParts: unknown[]): string {
  return nameWith(plugin, keyParts, fnv64(JSON.stringify([plugin, ...keyParts])));
}

/** The name versions before 0.2 used (SHA-256): state found there is moved to the new name once. */
export function legacyStateFileName(plugin: string, keyParts: unknown[]): string {
  return nameWith(plugin, keyParts, crypto().createHash('sha256').update(JSON.stringify([plugin, ...keyParts])).digest('hex').slice(0, 16));
}

function readAllNoFollow(path: string): Buffer | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ELOOP') throw new Error('it is a symbolic link');
    throw e;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error('it is not a regular file');
    if (typeof process.geteuid === 'function' && st.uid !== process.geteuid()) throw new Error(`it is owned by uid ${st.uid}`);
    if (st.size > MAX_STATE_BYTES) throw new Error(`it is too large (${st.size} bytes)`);
    const buf = Buffer.allocUnsafe(st.size); // only the bytes read are returned
    let off = 0;
    while (off < st.size) {
      const n = readSync(fd, buf, off, st.size - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}

let tmpCount = 0;
const CLOSE = Buffer.from('}');

/** The envelope's text before its data, as JSON.stringify writes it: `data` comes last. */
function envelopeHead(format: unknown, version: unknown, plugin: unknown, key: unknown, savedAt: unknown): string {
  return `{"format":${JSON.stringify(format)},"version":${JSON.stringify(version)},"plugin":${JSON.stringify(plugin)},"key":${JSON.stringify(key)},"savedAt":${JSON.stringify(savedAt)},"data":`;
}

/** A state written and fsynced beside the state file: `commit` makes it the state, `discard` drops it. */
export interface Staged {
  commit(): void;
  discard(): void;
}

export class StateFile<T> {
  readonly path: string;
  readonly lock: Lock;

  constructor(readonly dir: string, readonly plugin: string, readonly key: unknown[]) {
    this.path = join(dir, stateFileName(plugin, key));
    this.lock = new Lock(`${this.path}.lock`);
  }

  /**
   * Moves state saved under the pre-0.2 name to this one (under the lock: call after acquiring it).
   * The old name's SHA-256 is computed only when the directory holds a name of its shape: loading
   * OpenSSL for it cost every first run a few milliseconds.
   */
  adoptLegacy(): void {
    if (existsSync(this.path) || !this.mayHaveLegacy()) return;
    const old = join(this.dir, legacyStateFileName(this.plugin, this.key));
    try { renameSync(old, this.path); } catch { /* none: a first run */ }
  }

  /** A `<plugin>-<readable part>-<16 hex digits>.json` other than this file is in the directory. */
  private mayHaveLegacy(): boolean {
    const mine = basename(this.path);
    const prefix = mine.slice(0, -'0123456789abcdef.json'.length);
    let names: string[];
    try { names = readdirSync(this.dir); } catch { return true; } // unlistable: try the old name itself
    return names.some((n) => n !== mine && n.length === mine.length && n.startsWith(prefix) && n.endsWith('.json'));
  }

  static prepare(dir: string): void {
    ensureStateDir(dir);
  }

  load(schema: Schema<T>, now = Date.now()): LoadResult<T> {
    let raw: Buffer | null;
    try {
      raw = readAllNoFollow(this.path);
    } catch (e) {
      return { data: undefined, note: `state file ${this.path} ignored (${(e as NodeJS.ErrnoException).code ? errnoText(e) : (e as Error).message}); starting fresh` };
    }
    if (raw === null) return { data: undefined };
    let env: Envelope<unknown>;
    try {
      env = JSON.parse(raw.toString('utf8')) as Envelope<unknown>;
    } catch {
      return { data: undefined, note: `state file ${this.path} was corrupt; starting fresh as on a first run` };
    }
    if (!env || typeof env !== 'object' || env.format !== STATE_FORMAT) {
      return { data: undefined, note: `state file ${this.path} is not msgwatch state; starting fresh` };
    }
    if (env.version !== STATE_VERSION) {
      return { data: undefined, note: `state file ${this.path} has unknown version ${String(env.version)}; starting fresh` };
    }
    if (typeof env.savedAt !== 'number' || !Number.isFinite(env.savedAt) || env.savedAt < Date.UTC(2000, 0, 1)) {
      return { data: undefined, note: `state file ${this.path} has no valid save time; starting fresh` };
    }
    // The clock went back since the save (NTP step, VM restore). Read positions are byte offsets
    // and fingerprints: they do not depend on the clock, so the state is always kept (dropping it
    // skipped every line written since the previous run). Each check takes its saved times as
    // "now" at the latest, so ages and windows restart from now; the output says so.
    const back = env.savedAt - now;
    const v = validate(schema, env.data, env.savedAt);
    if (!v.ok) {
      return { data: undefined, note: `state file ${this.path} held an impossible value (${v.problem}); starting fresh` };
    }
    const note = back > 1000
      ? `the clock went back ${Math.round(back / 1000)}s since the last run; read positions kept, saved times after now taken as now (ages and windows restart)`
      : undefined;
    // the data's own bytes, when the file is exactly head + data + '}' (no other keys, no spaces)
    const head = Buffer.from(envelopeHead(env.format, env.version, env.plugin, env.key, env.savedAt), 'utf8');
    const exact = raw.length > head.length && raw[raw.length - 1] === 0x7d && raw.subarray(0, head.length).equals(head);
    return { data: v.value, savedAt: Math.min(env.savedAt, now), note, ...(exact ? { dataBytes: raw.subarray(head.length, raw.length - 1) } : {}) };
  }

  /**
   * The rename that commits comes after the output: what would make it fail (a directory or a
   * symbolic link in the state file's place) must be found now, while the result can say so.
   */
  private checkTarget(): void {
    let st;
    try {
      st = lstatSync(this.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new PluginError(`cannot save state: cannot inspect ${this.path}: ${errnoText(e)}`);
    }
    if (st.isFile()) return;
    const what = st.isDirectory() ? 'a directory' : st.isSymbolicLink() ? 'a symbolic link' : 'not a regular file';
    throw new PluginError(`cannot save state: ${this.path} is ${what}; remove it (or choose another --state-dir)`);
  }

  /** Temp files left by a writer that was killed before its rename. */
  private removeOrphanTemps(): void {
    const prefix = `${basename(this.path)}.tmp-`;
    let names: string[];
    try { names = readdirSync(this.dir); } catch { return; }
    for (const name of names) {
      if (!name.startsWith(prefix)) continue;
      const pid = Number(name.slice(prefix.length).split('-')[0]);
      if (!processAlive(pid)) try { unlinkSync(join(this.dir, name)); } catch { /* ignore */ }
    }
  }

  save(data: T, now = Date.now()): void {
    this.stage(data, now)?.commit();
  }

  /**
   * Writes `data` to a temp file and fsyncs it, and returns the rename that makes it the state
   * and the removal that drops it. The runner commits only after the result is written to stdout
   * (at-least-once reporting: a run killed before it printed leaves the previous state, so the
   * next run reads the same events again), and drops it when the run ends without its result (an
   * UNKNOWN after the save). A full disk or a read-only directory fails here, while the result can
   * still say so.
   *
   * The text is made once, in chunks (json-stream.ts). With `unchanged`, the bytes of the data the
   * file holds (load's dataBytes), the chunks are compared with them first and the temp file is
   * opened only at the first difference (the equal part is written from those bytes): data that
   * did not change is neither written nor fsynced, and null is returned.
   */
  stage(data: T, now = Date.now(), unchanged?: Buffer): Staged | null {
    this.checkTarget();
    const head = Buffer.from(envelopeHead(STATE_FORMAT, STATE_VERSION, this.plugin, this.key, now), 'utf8');
    const tmp = `${this.path}.tmp-${process.pid}-${(tmpCount++).toString(36)}${Date.now().toString(36)}`; // O_EXCL guards the rest
    let fd: number | undefined;
    const fail = (e: unknown): never => {
      if (fd !== undefined) try { closeSync(fd); } catch { /* ignore */ }
      try { unlinkSync(tmp); } catch { /* ignore */ }
      throw new PluginError(`cannot save state in ${this.dir}: ${errnoText(e)}; the previous state is kept`);
    };
    const put = (b: Uint8Array): void => {
      let off = 0;
      while (off < b.length) off += writeSync(fd!, b, off, b.length - off);
    };
    const open = (): void => {
      fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
      faultPoint('state-opened');
      put(head);
    };
    let same = unchanged !== undefined; // every chunk so far equals the file's
    let matched = 0;
    try {
      if (!same) open();
      jsonChunks(data, (b) => {
        if (same) {
          if (matched + b.length <= unchanged!.length && unchanged!.subarray(matched, matched + b.length).equals(b)) {
            matched += b.length;
            return;
          }
          same = false;
          open();
          put(unchanged!.subarray(0, matched));
        }
        if (faultEnabled('kill:state-half-written')) {
          put(b.subarray(0, b.length >> 1));
          faultPoint('state-half-written');
        }
        put(b);
      });
      if (same && matched === unchanged!.length) return null;
      if (same) { open(); put(unchanged!.subarray(0, matched)); }
      put(CLOSE);
      faultPoint('state-written');
      fsyncSync(fd!);
      faultPoint('state-synced');
      closeSync(fd!);
      fd = undefined;
    } catch (e) {
      fail(e);
    }
    // a writer killed between staging and either end leaves an orphan temp: the next commit
    // removes it, as it does those of writers killed earlier
    return {
      commit: () => {
        try {
          renameSync(tmp, this.path);
        } catch (e) {
          fail(e);
        }
        faultPoint('state-renamed');
        this.removeOrphanTemps();
        try {
          const dfd = openSync(this.dir, constants.O_RDONLY | constants.O_DIRECTORY);
          try { fsyncSync(dfd); } finally { closeSync(dfd); }
        } catch { /* some file systems refuse fsync on directories; the rename is done */ }
      },
      discard: () => { try { unlinkSync(tmp); } catch { /* gone already */ } },
    };
  }
}
