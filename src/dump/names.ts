/**
 * The dump's queue names looked up in WebAssembly: a name is read 8 bytes a step up to the first
 * byte below '!' (the space after it, or a LF, CR, TAB, NUL), hashed as it is read, and compared
 * 8 bytes a step with the one name its hash slot holds, the table and the names kept in the room
 * after the reader's line buffer (lib/tail/line-end.ts lineBuffer). The same lookup in
 * JavaScript (count.ts QueueTable) reads 4 bytes a step through a DataView and was half of a
 * count of 2,000 queues with names of 60 to 255 characters; here it is a third of that (bench/NOTES.md).
 *
 * Layout of the room, from `base`: the word where find() leaves where it stopped; at base + 64
 * the table, 32,768 slots of 4 bytes (a name's record offset, 0 for none); at base + 131,136 a
 * scratch of 512 bytes (a name from another buffer is copied there); from base + 131,648 the
 * records: length, hash, index (4 bytes each), 4 unused, then the name's bytes, zero-padded to
 * 8. The table holds at most MAX_NAMES names, so that room is enough.
 *
 * The kernel, in WebAssembly text (memory imported as m.m), assembled with wabt's wat2wasm 1.0.32
 * into the bytes below (705 bytes):
 *
 *   (global $tab (mut i32) (i32.const 0))
 *   (global $top (mut i32) (i32.const 0))
 *   (global $out (mut i32) (i32.const 0))
 *   (global $hash (mut i32) (i32.const 0))
 *   (global $len (mut i32) (i32.const 0))
 *   (func (export "init") (param $base i32)
 *     (global.set $out (local.get $base))
 *     (global.set $tab (i32.add (local.get $base) (i32.const 64)))
 *     (global.set $top (i32.add (local.get $base) (i32.const 131648))))
 *   (func $same (param $a i32) (param $b i32) (param $n i32) (result i32)
 *     (block $tail (loop $word
 *       (br_if $tail (i32.lt_u (local.get $n) (i32.const 8)))
 *       (if (i64.ne (i64.load align=1 (local.get $a)) (i64.load (local.get $b))) (then (return (i32.const 0))))
 *       (local.set $a (i32.add (local.get $a) (i32.const 8)))
 *       (local.set $b (i32.add (local.get $b) (i32.const 8)))
 *       (local.set $n (i32.sub (local.get $n) (i32.const 8)))
 *       (br $word)))
 *     (if (i32.eqz (local.get $n)) (then (return (i32.const 1))))
 *     (i64.eq (i64.and (i64.load align=1 (local.get $a))
 *                      (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (i32.shl (local.get $n) (i32.const 3)))) (i64.const 1)))
 *             (i64.load (local.get $b))))
 *   (func $find (export "find") (param $p i32) (param $end i32) (result i32)
 *     (local $i i32) (local $w i64) (local $m i64) (local $h i64) (local $n i32) (local $len i32) (local $hh i32) (local $slot i32) (local $r i32)
 *     (local.set $h (i64.const 0xcbf29ce484222325))
 *     (local.set $i (local.get $p))
 *     (block $named (loop $word
 *       (local.set $w (i64.load align=1 (local.get $i)))
 *       (local.set $m (i64.and (i64.and (i64.sub (local.get $w) (i64.const 0x2121212121212121)) (i64.xor (local.get $w) (i64.const -1)))
 *                              (i64.const 0x8080808080808080)))
 *       (if (i32.lt_s (i32.sub (local.get $end) (local.get $i)) (i32.const 8))
 *         (then (local.set $m (i64.or (local.get $m)
 *           (i64.shl (i64.const 0x80) (i64.extend_i32_u (i32.shl (i32.sub (local.get $end) (local.get $i)) (i32.const 3))))))))
 *       (if (i64.ne (local.get $m) (i64.const 0)) (then
 *         (local.set $n (i32.wrap_i64 (i64.shr_u (i64.ctz (local.get $m)) (i64.const 3))))
 *         (if (local.get $n) (then
 *           (local.set $w (i64.and (local.get $w)
 *             (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (i32.shl (local.get $n) (i32.const 3)))) (i64.const 1))))
 *           (local.set $h (i64.mul (i64.xor (local.get $h) (local.get $w)) (i64.const 0x100000001b3)))))
 *         (local.set $i (i32.add (local.get $i) (local.get $n)))
 *         (br $named)))
 *       (local.set $h (i64.mul (i64.xor (local.get $h) (local.get $w)) (i64.const 0x100000001b3)))
 *       (local.set $i (i32.add (local.get $i) (i32.const 8)))
 *       (br_if $word (i32.lt_u (i32.sub (local.get $i) (local.get $p)) (i32.const 256)))
 *       (i32.store (global.get $out) (local.get $i))
 *       (global.set $len (i32.const -1))
 *       (return (i32.const -2))))
 *     (local.set $len (i32.sub (local.get $i) (local.get $p)))
 *     (i32.store (global.get $out) (local.get $i))
 *     (local.set $h (i64.mul (i64.xor (local.get $h) (i64.extend_i32_u (local.get $len))) (i64.const 0x100000001b3)))
 *     (local.set $hh (i32.wrap_i64 (i64.xor (local.get $h) (i64.shr_u (local.get $h) (i64.const 29)))))
 *     (global.set $hash (local.get $hh))
 *     (global.set $len (local.get $len))
 *     (local.set $slot (i32.and (i32.xor (local.get $hh) (i32.shr_u (local.get $hh) (i32.const 15))) (i32.const 32767)))
 *     (loop $probe
 *       (local.set $r (i32.load (i32.add (global.get $tab) (i32.shl (local.get $slot) (i32.const 2)))))
 *       (if (i32.eqz (local.get $r)) (then (return (i32.const -1))))
 *       (if (i32.and (i32.eq (i32.load (local.get $r)) (local.get $len)) (i32.eq (i32.load offset=4 (local.get $r)) (local.get $hh)))
 *         (then (if (call $same (local.get $p) (i32.add (local.get $r) (i32.const 16)) (local.get $len))
 *           (then (return (i32.load offset=8 (local.get $r)))))))
 *       (local.set $slot (i32.and (i32.add (local.get $slot) (i32.const 1)) (i32.const 32767)))
 *       (br $probe))
 *     (unreachable))
 *   (func (export "insert") (param $p i32) (param $end i32) (param $index i32)
 *     (local $r i32) (local $slot i32)
 *     (drop (call $find (local.get $p) (local.get $end)))
 *     (local.set $r (global.get $top))
 *     (i32.store (local.get $r) (global.get $len))
 *     (i32.store offset=4 (local.get $r) (global.get $hash))
 *     (i32.store offset=8 (local.get $r) (local.get $index))
 *     (memory.copy (i32.add (local.get $r) (i32.const 16)) (local.get $p) (global.get $len))
 *     (global.set $top (i32.add (local.get $r) (i32.add (i32.const 16) (i32.and (i32.add (global.get $len) (i32.const 7)) (i32.const -8)))))
 *     (local.set $slot (i32.and (i32.xor (global.get $hash) (i32.shr_u (global.get $hash) (i32.const 15))) (i32.const 32767)))
 *     (block $empty (loop $probe
 *       (br_if $empty (i32.eqz (i32.load (i32.add (global.get $tab) (i32.shl (local.get $slot) (i32.const 2))))))
 *       (local.set $slot (i32.and (i32.add (local.get $slot) (i32.const 1)) (i32.const 32767)))
 *       (br $probe)))
 *     (i32.store (i32.add (global.get $tab) (i32.shl (local.get $slot) (i32.const 2))) (local.get $r)))
 */
import { lineBuffer, roomKernel } from '../lib/tail/line-end.js';
import type { NameTable } from './count.js';

const KERNEL = Uint8Array.from(Buffer.from('AGFzbQEAAAABGARgAX8AYAN/f38Bf2ACf38Bf2ADf39/AAIIAQFtAW0CAAEDBQQAAQIDBhoFfwFBAAt/AUEAC38BQQALfwFBAAt/AUEACwcYAwRpbml0AAAEZmluZAACBmluc2VydAADCtUEBBcAIAAkAiAAQcAAaiQAIABBwIQIaiQBC1gAAkADQCACQQhJDQEgACkAACABKQMAUgRAQQAPCyAAQQhqIQAgAUEIaiEBIAJBCGshAgwACwsgAkUEQEEBDwsgACkAAEIBIAJBA3SthkIBfYMgASkDAFEL4QIDAX8DfgV/QqXGiKHInKf5SyEFIAAhAgJAA0AgAikAACEDIANCocKEiZKkyJAhfSADQn+Fg0KAgYKEiJCgwIB/gyEEIAEgAmtBCEgEQCAEQoABIAEgAmtBA3SthoQhBAsgBEIAUgRAIAR6QgOIpyEGIAYEQCADQgEgBkEDdK2GQgF9gyEDIAUgA4VCs4OAgIAgfiEFCyACIAZqIQIMAgsgBSADhUKzg4CAgCB+IQUgAkEIaiECIAIgAGtBgAJJDQAjAiACNgIAQX8kBEF+DwsLIAIgAGshByMCIAI2AgAgBSAHrYVCs4OAgIAgfiEFIAUgBUIdiIWnIQggCCQDIAckBCAIIAhBD3ZzQf//AXEhCQNAIwAgCUECdGooAgAhCiAKRQRAQX8PCyAKKAIAIAdGIAooAgQgCEZxBEAgACAKQRBqIAcQAQRAIAooAggPCwsgCUEBakH//wFxIQkMAAsAC38BAn8gACABEAIaIwEhAyADIwQ2AgAgAyMDNgIEIAMgAjYCCCADQRBqIAAjBPwKAAAgA0EQIwRBB2pBeHFqaiQBIwMjA0EPdnNB//8BcSEEAkADQCMAIARBAnRqKAIARQ0BIARBAWpB//8BcSEEDAALCyMAIARBAnRqIAM2AgAL', 'base64'));

export const MAX_NAMES = 10_000;
const SCRATCH = 131_136;
const RECORDS = 131_648;
/** the room a line buffer keeps for the table: MAX_NAMES records of at most 255 bytes */
export const NAMES_ROOM = RECORDS + MAX_NAMES * (16 + 256);

/** A dump reader's line buffer, with the room for a name table after it. */
export const dumpLineBuffer = (size: number): Buffer => lineBuffer(size, NAMES_ROOM);

const inRoom = roomKernel(KERNEL, NAMES_ROOM);

interface Exports { init(base: number): void; find(p: number, end: number): number; insert(p: number, end: number, index: number): void }

/** A name table in the room of one line buffer's memory. */
export class WasmNames implements NameTable {
  private readonly out: Int32Array;
  private readonly mem: Uint8Array;
  private constructor(private readonly k: Exports, private readonly memory: ArrayBufferLike, private readonly base: number) {
    this.out = new Int32Array(memory, base, 1);
    this.mem = new Uint8Array(memory);
  }

  /** A table in `buf`'s room, if `buf` is a lineBuffer made with NAMES_ROOM and its room is free. */
  static in(buf: Buffer): WasmNames | undefined {
    const r = inRoom(buf);
    if (r === undefined) return undefined;
    const k = r.exports as unknown as Exports;
    k.init(r.at);
    return new WasmNames(k, r.memory, r.at);
  }

  /** where the last find() stopped: the first byte below '!' after the name, or `end` */
  stop = 0;

  /**
   * The index of the known name at buf[start, ...) up to the first byte below '!' (or `end`), -1
   * for a name not known, -2 for more than 255 bytes before any such byte.
   */
  find(buf: Buffer, start: number, end: number): number {
    const p = this.place(buf, start, end);
    const k = this.k.find(p, this.placedEnd);
    this.stop = start + this.out[0] - p;
    return k;
  }

  /** Adds the name at buf[start, ...) (valid, and just missed by find()) as `index`. */
  insert(buf: Buffer, start: number, end: number, index: number): void {
    const p = this.place(buf, start, end);
    this.k.insert(p, this.placedEnd, index);
  }

  private placedEnd = 0;

  /**
   * Where buf[start, end) is in this memory (placedEnd where it ends): in place when `buf` is a
   * view of it; else its first bytes copied to the scratch (a name and the byte after it fit).
   */
  private place(buf: Buffer, start: number, end: number): number {
    if (buf.buffer === this.memory) {
      this.placedEnd = buf.byteOffset + end;
      return buf.byteOffset + start;
    }
    const n = Math.min(end - start, 264);
    const s = this.base + SCRATCH;
    this.mem.set(buf.subarray(start, start + n), s);
    this.placedEnd = s + n;
    return s;
  }
}
