/**
 * The head of a command-call line read in WebAssembly: its stamp, level, names and category, the
 * PID and the thread, as head.ts and fastLine (bytes.ts) read them in JavaScript, which stay the
 * reference (test/unit/broker-scan.test.ts reads every log both ways against the general parser).
 * On a log where a broker in trouble writes events on most lines, reading heads a byte at a time
 * in JavaScript was a fifth of the scan (bench/NOTES.md). The message after the thread is still
 * read in JavaScript.
 *
 * It reads the reader's line buffer in place and writes what it found to the room kept after it
 * (lib/tail/line-end.ts lineBuffer, roomOf), as 32-bit numbers from `base`: the names' range count,
 * whether the level is DEBUG or INFO, where the reading stopped (no category), the PID's digits
 * (two), the thread's bracket (two), one unused, then the names' ranges.
 *
 * The kernel, in WebAssembly text (memory imported as m.m), assembled with wabt's wat2wasm 1.0.32
 * into the bytes below (1384 bytes):
 *
 *   (module
 *     (import "m" "m" (memory 1))
 *     (global $out (mut i32) (i32.const 0))
 *     (func (export "init") (param $base i32) (global.set $out (local.get $base)))
 *     (func $sp (param $c i32) (result i32)
 *       (i32.or (i32.eq (local.get $c) (i32.const 32)) (i32.eq (local.get $c) (i32.const 9))))
 *     (func $digit (param $c i32) (result i32)
 *       (i32.lt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 10)))
 *     ;; past spaces and TABs from i, not past `to`
 *     (func $skip (param $i i32) (param $to i32) (result i32)
 *       (block $out (loop $l
 *         (br_if $out (i32.ge_s (local.get $i) (local.get $to)))
 *         (br_if $out (i32.eqz (call $sp (i32.load8_u (local.get $i)))))
 *         (local.set $i (i32.add (local.get $i) (i32.const 1)))
 *         (br $l)))
 *       (local.get $i))
 *     ;; the first `byte` in [i, to) before a LF, or -1
 *     (func $find (param $byte i32) (param $i i32) (param $to i32) (result i32) (local $c i32)
 *       (block $out (loop $l
 *         (br_if $out (i32.ge_s (local.get $i) (local.get $to)))
 *         (local.set $c (i32.load8_u (local.get $i)))
 *         (if (i32.eq (local.get $c) (local.get $byte)) (then (return (local.get $i))))
 *         (br_if $out (i32.eq (local.get $c) (i32.const 10)))
 *         (local.set $i (i32.add (local.get $i) (i32.const 1)))
 *         (br $l)))
 *       (i32.const -1))
 *     ;; the `]` closing a name from i, or -1 when a byte before it is not printable ASCII or TAB
 *     (func $nameEnd (param $i i32) (param $to i32) (result i32) (local $c i32)
 *       (block $out (loop $l
 *         (br_if $out (i32.ge_s (local.get $i) (local.get $to)))
 *         (local.set $c (i32.load8_u (local.get $i)))
 *         (if (i32.eq (local.get $c) (i32.const 93)) (then (return (local.get $i))))
 *         (br_if $out (i32.gt_u (local.get $c) (i32.const 126)))
 *         (br_if $out (i32.and (i32.lt_u (local.get $c) (i32.const 32)) (i32.ne (local.get $c) (i32.const 9))))
 *         (local.set $i (i32.add (local.get $i) (i32.const 1)))
 *         (br $l)))
 *       (i32.const -1))
 *     ;; [YYYY-MM-DD HH:MM:SS] at p (21 bytes there)
 *     (func $stamp (param $p i32) (result i32) (local $k i32) (local $c i32)
 *       (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 91)) (then (return (i32.const 0))))
 *       (if (i32.ne (i32.load8_u offset=20 (local.get $p)) (i32.const 93)) (then (return (i32.const 0))))
 *       (if (i32.ne (i32.load8_u offset=5 (local.get $p)) (i32.const 45)) (then (return (i32.const 0))))
 *       (if (i32.ne (i32.load8_u offset=8 (local.get $p)) (i32.const 45)) (then (return (i32.const 0))))
 *       (if (i32.ne (i32.load8_u offset=11 (local.get $p)) (i32.const 32)) (then (return (i32.const 0))))
 *       (if (i32.ne (i32.load8_u offset=14 (local.get $p)) (i32.const 58)) (then (return (i32.const 0))))
 *       (if (i32.ne (i32.load8_u offset=17 (local.get $p)) (i32.const 58)) (then (return (i32.const 0))))
 *       ;; the digits: offsets 1-4, 6-7, 9-10, 12-13, 15-16, 18-19 (the others checked above)
 *       (local.set $k (i32.const 1))
 *       (block $out (loop $l
 *         (br_if $out (i32.gt_u (local.get $k) (i32.const 19)))
 *         (local.set $c (i32.load8_u (i32.add (local.get $p) (local.get $k))))
 *         (if (i32.eqz (i32.or (call $digit (local.get $c))
 *               (i32.or (i32.or (i32.eq (local.get $k) (i32.const 5)) (i32.eq (local.get $k) (i32.const 8)))
 *                       (i32.or (i32.eq (local.get $k) (i32.const 11)) (i32.or (i32.eq (local.get $k) (i32.const 14)) (i32.eq (local.get $k) (i32.const 17)))))))
 *           (then (return (i32.const 0))))
 *         (local.set $k (i32.add (local.get $k) (i32.const 1)))
 *         (br $l)))
 *       (i32.const 1))
 *     ;; buf[a, b) is "COMMAND CALL": 1; another case of it or of "CLEAN AFTER FORK": 2; else 0.
 *     ;; A letter matched in any case: byte | 32 is its lowercase (only for that letter's two cases)
 *     (func $category (param $a i32) (param $b i32) (result i32)
 *       (if (i32.eq (i32.sub (local.get $b) (local.get $a)) (i32.const 12)) (then
 *         (if (i32.and (i64.eq (i64.load (local.get $a)) (i64.const 0x20444E414D4D4F43))
 *                      (i32.eq (i32.load offset=8 (local.get $a)) (i32.const 0x4C4C4143)))
 *           (then (return (i32.const 1))))
 *         (if (i32.and (i64.eq (i64.or (i64.load (local.get $a)) (i64.const 0x0020202020202020)) (i64.const 0x20646E616D6D6F63))
 *                      (i32.eq (i32.or (i32.load offset=8 (local.get $a)) (i32.const 0x20202020)) (i32.const 0x6C6C6163)))
 *           (then (return (i32.const 2))))))
 *       (if (i32.eq (i32.sub (local.get $b) (local.get $a)) (i32.const 16)) (then
 *         (if (i32.and (i64.eq (i64.or (i64.load (local.get $a)) (i64.const 0x2020002020202020)) (i64.const 0x6661206E61656C63))
 *                      (i64.eq (i64.or (i64.load offset=8 (local.get $a)) (i64.const 0x2020202000202020)) (i64.const 0x6B726F6620726574)))
 *           (then (return (i32.const 2))))))
 *       (i32.const 0))
 *     ;; The head of the line buf[ls, le): stamp, level, names, [ COMMAND CALL ], [ PID:n ], [ thread ].
 *     ;; Returns where the message starts, -1 (not of the usual shape) or -2 (no category: out+8 holds
 *     ;; where the reading stopped). Writes at out: nr, quiet, stop, pid0, pid1, thread, threadEnd, then
 *     ;; from out+32 the names' ranges (nr numbers).
 *     (func (export "head") (param $ls i32) (param $le i32) (result i32)
 *       (local $o i32) (local $i i32) (local $l0 i32) (local $c i32) (local $nr i32) (local $found i32)
 *       (local $k i32) (local $j i32) (local $a i32) (local $b i32) (local $p i32) (local $cat i32)
 *       (local.set $o (global.get $out))
 *       (if (i32.lt_s (i32.sub (local.get $le) (local.get $ls)) (i32.const 21)) (then (return (i32.const -1))))
 *       (if (i32.eqz (call $stamp (local.get $ls))) (then (return (i32.const -1))))
 *       ;; the level: letters, then ':'
 *       (local.set $i (call $skip (i32.add (local.get $ls) (i32.const 21)) (local.get $le)))
 *       (local.set $l0 (local.get $i))
 *       (block $o1 (loop $l1
 *         (br_if $o1 (i32.ge_s (local.get $i) (local.get $le)))
 *         (br_if $o1 (i32.gt_u (i32.sub (i32.or (i32.load8_u (local.get $i)) (i32.const 32)) (i32.const 97)) (i32.const 25)))
 *         (local.set $i (i32.add (local.get $i) (i32.const 1)))
 *         (br $l1)))
 *       (if (i32.eq (local.get $i) (local.get $l0)) (then (return (i32.const -1))))
 *       ;; DEBUG or INFO
 *       (local.set $c (i32.or (i32.load8_u (local.get $l0)) (i32.const 32)))
 *       (i32.store offset=4 (local.get $o) (i32.or (i32.eq (local.get $c) (i32.const 100)) (i32.eq (local.get $c) (i32.const 105))))
 *       (local.set $i (call $skip (local.get $i) (local.get $le)))
 *       (if (i32.ge_s (local.get $i) (local.get $le)) (then (return (i32.const -1))))
 *       (if (i32.ne (i32.load8_u (local.get $i)) (i32.const 58)) (then (return (i32.const -1))))
 *       (local.set $i (call $skip (i32.add (local.get $i) (i32.const 1)) (local.get $le)))
 *       ;; names, then [ COMMAND CALL ]: four brackets at most
 *       (block $names (loop $name
 *         (br_if $names (i32.or (local.get $found) (i32.ge_s (local.get $k) (i32.const 4))))
 *         (if (i32.ge_s (local.get $i) (local.get $le)) (then (return (i32.const -1))))
 *         (local.set $c (i32.load8_u (local.get $i)))
 *         (if (i32.ne (local.get $c) (i32.const 91)) (then
 *           ;; a LF or a printable byte ends the names (the general parser skips any other space)
 *           (if (i32.or (i32.eq (local.get $c) (i32.const 10)) (i32.lt_u (i32.sub (local.get $c) (i32.const 33)) (i32.const 94)))
 *             (then (i32.store offset=8 (local.get $o) (local.get $i)) (return (i32.const -2))))
 *           (return (i32.const -1))))
 *         (local.set $j (call $nameEnd (i32.add (local.get $i) (i32.const 1)) (local.get $le)))
 *         (if (i32.lt_s (local.get $j) (i32.const 0)) (then (return (i32.const -1))))
 *         (local.set $a (call $skip (i32.add (local.get $i) (i32.const 1)) (local.get $j)))
 *         (local.set $b (local.get $j))
 *         (block $t (loop $tl
 *           (br_if $t (i32.le_s (local.get $b) (local.get $a)))
 *           (br_if $t (i32.eqz (call $sp (i32.load8_u (i32.sub (local.get $b) (i32.const 1))))))
 *           (local.set $b (i32.sub (local.get $b) (i32.const 1)))
 *           (br $tl)))
 *         (local.set $cat (call $category (local.get $a) (local.get $b)))
 *         (if (i32.eq (local.get $cat) (i32.const 2)) (then (return (i32.const -1))))
 *         (if (i32.eq (local.get $cat) (i32.const 1))
 *           (then (local.set $found (i32.const 1)))
 *           (else
 *             (i32.store offset=32 (i32.add (local.get $o) (i32.shl (local.get $nr) (i32.const 2))) (local.get $a))
 *             (i32.store offset=36 (i32.add (local.get $o) (i32.shl (local.get $nr) (i32.const 2))) (local.get $b))
 *             (local.set $nr (i32.add (local.get $nr) (i32.const 2)))))
 *         (local.set $i (call $skip (i32.add (local.get $j) (i32.const 1)) (local.get $le)))
 *         (local.set $k (i32.add (local.get $k) (i32.const 1)))
 *         (br $name)))
 *       (if (i32.or (i32.eqz (local.get $found)) (i32.eqz (local.get $nr)))
 *         (then (i32.store offset=8 (local.get $o) (local.get $i)) (return (i32.const -2))))
 *       (i32.store (local.get $o) (local.get $nr))
 *       ;; [ PID:n ]
 *       (if (i32.ge_s (local.get $i) (local.get $le)) (then (return (i32.const -1))))
 *       (if (i32.ne (i32.load8_u (local.get $i)) (i32.const 91)) (then (return (i32.const -1))))
 *       (local.set $j (call $find (i32.const 93) (i32.add (local.get $i) (i32.const 1)) (local.get $le)))
 *       (if (i32.lt_s (local.get $j) (i32.const 0)) (then (return (i32.const -1))))
 *       (local.set $p (call $skip (i32.add (local.get $i) (i32.const 1)) (local.get $j)))
 *       ;; "pid" in any case: the `]` at j fails it before any byte past j decides
 *       (if (i32.ne (i32.or (i32.load8_u (local.get $p)) (i32.const 32)) (i32.const 112)) (then (return (i32.const -1))))
 *       (if (i32.ne (i32.or (i32.load8_u offset=1 (local.get $p)) (i32.const 32)) (i32.const 105)) (then (return (i32.const -1))))
 *       (if (i32.ne (i32.or (i32.load8_u offset=2 (local.get $p)) (i32.const 32)) (i32.const 100)) (then (return (i32.const -1))))
 *       (local.set $p (call $skip (i32.add (local.get $p) (i32.const 3)) (local.get $j)))
 *       (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 58)) (then (return (i32.const -1))))
 *       (local.set $p (call $skip (i32.add (local.get $p) (i32.const 1)) (local.get $j)))
 *       (if (i32.eqz (call $digit (i32.load8_u (local.get $p)))) (then (return (i32.const -1))))
 *       (i32.store offset=12 (local.get $o) (local.get $p))
 *       (block $o2 (loop $l2
 *         (br_if $o2 (i32.ge_s (local.get $p) (local.get $j)))
 *         (br_if $o2 (i32.eqz (call $digit (i32.load8_u (local.get $p)))))
 *         (local.set $p (i32.add (local.get $p) (i32.const 1)))
 *         (br $l2)))
 *       (i32.store offset=16 (local.get $o) (local.get $p))
 *       (if (i32.ne (call $skip (local.get $p) (local.get $j)) (local.get $j)) (then (return (i32.const -1))))
 *       ;; [ thread ]
 *       (local.set $i (call $skip (i32.add (local.get $j) (i32.const 1)) (local.get $le)))
 *       (if (i32.ge_s (local.get $i) (local.get $le)) (then (return (i32.const -1))))
 *       (if (i32.ne (i32.load8_u (local.get $i)) (i32.const 91)) (then (return (i32.const -1))))
 *       (local.set $j (call $find (i32.const 93) (i32.add (local.get $i) (i32.const 1)) (local.get $le)))
 *       (if (i32.lt_s (local.get $j) (i32.const 0)) (then (return (i32.const -1))))
 *       (i32.store offset=20 (local.get $o) (i32.add (local.get $i) (i32.const 1)))
 *       (i32.store offset=24 (local.get $o) (local.get $j))
 *       (call $skip (i32.add (local.get $j) (i32.const 1)) (local.get $le)))
 *   )
 */
import { lineBuffer, roomOf } from '../../lib/tail/line-end.js';

const KERNEL = Uint8Array.from(Buffer.from('AGFzbQEAAAABFwRgAX8AYAF/AX9gAn9/AX9gA39/fwF/AggBAW0BbQIAAQMKCQABAQIDAgECAgYGAX8BQQALBw8CBGluaXQAAARoZWFkAAgKlQoJBgAgACQACw0AIABBIEYgAEEJRnILCgAgAEEwa0EKSQskAAJAA0AgACABTg0BIAAtAAAQAUUNASAAQQFqIQAMAAsLIAALNQEBfwJAA0AgASACTg0BIAEtAAAhAyADIABGBEAgAQ8LIANBCkYNASABQQFqIQEMAAsLQX8LRAEBfwJAA0AgACABTg0BIAAtAAAhAiACQd0ARgRAIAAPCyACQf4ASw0BIAJBIEkgAkEJR3ENASAAQQFqIQAMAAsLQX8LtwEBAn8gAC0AAEHbAEcEQEEADwsgAC0AFEHdAEcEQEEADwsgAC0ABUEtRwRAQQAPCyAALQAIQS1HBEBBAA8LIAAtAAtBIEcEQEEADwsgAC0ADkE6RwRAQQAPCyAALQARQTpHBEBBAA8LQQEhAQJAA0AgAUETSw0BIAAgAWotAAAhAiACEAIgAUEFRiABQQhGciABQQtGIAFBDkYgAUERRnJycnJFBEBBAA8LIAFBAWohAQwACwtBAQuwAQAgASAAa0EMRgRAIAApAwBCw5616pTIk6IgUSAAKAIIQcOCseIERnEEQEEBDwsgACkDAEKgwICBgoSIEIRC496165bMm7IgUSAAKAIIQaDAgIECckHjwrHjBkZxBEBBAg8LCyABIABrQRBGBEAgACkDAEKgwICBgoSAkCCEQuPYlYvmjciw5gBRIAApAwhCoMCAgYCEiJAghEL0ysmD4uybuesAUXEEQEECDwsLQQAL5wUBDH8jACECIAEgAGtBFUgEQEF/DwsgABAGRQRAQX8PCyAAQRVqIAEQAyEDIAMhBAJAA0AgAyABTg0BIAMtAABBIHJB4QBrQRlLDQEgA0EBaiEDDAALCyADIARGBEBBfw8LIAQtAABBIHIhBSACIAVB5ABGIAVB6QBGcjYCBCADIAEQAyEDIAMgAU4EQEF/DwsgAy0AAEE6RwRAQX8PCyADQQFqIAEQAyEDAkADQCAHIAhBBE5yDQEgAyABTgRAQX8PCyADLQAAIQUgBUHbAEcEQCAFQQpGIAVBIWtB3gBJcgRAIAIgAzYCCEF+DwtBfw8LIANBAWogARAFIQkgCUEASARAQX8PCyADQQFqIAkQAyEKIAkhCwJAA0AgCyAKTA0BIAtBAWstAAAQAUUNASALQQFrIQsMAAsLIAogCxAHIQ0gDUECRgRAQX8PCyANQQFGBEBBASEHBSACIAZBAnRqIAo2AiAgAiAGQQJ0aiALNgIkIAZBAmohBgsgCUEBaiABEAMhAyAIQQFqIQgMAAsLIAdFIAZFcgRAIAIgAzYCCEF+DwsgAiAGNgIAIAMgAU4EQEF/DwsgAy0AAEHbAEcEQEF/DwtB3QAgA0EBaiABEAQhCSAJQQBIBEBBfw8LIANBAWogCRADIQwgDC0AAEEgckHwAEcEQEF/DwsgDC0AAUEgckHpAEcEQEF/DwsgDC0AAkEgckHkAEcEQEF/DwsgDEEDaiAJEAMhDCAMLQAAQTpHBEBBfw8LIAxBAWogCRADIQwgDC0AABACRQRAQX8PCyACIAw2AgwCQANAIAwgCU4NASAMLQAAEAJFDQEgDEEBaiEMDAALCyACIAw2AhAgDCAJEAMgCUcEQEF/DwsgCUEBaiABEAMhAyADIAFOBEBBfw8LIAMtAABB2wBHBEBBfw8LQd0AIANBAWogARAEIQkgCUEASARAQX8PCyACIANBAWo2AhQgAiAJNgIYIAlBAWogARADCw==', 'base64'));

/** the room the kernel writes to after a line buffer: 8 numbers, then 8 ranges' ends */
const HEAD_ROOM = 64;

/** A broker reader's line buffer, with the room for the head kernel after it. */
export const brokerLineBuffer = (size: number): Buffer => lineBuffer(size, HEAD_ROOM);

let kernel: WebAssembly.Module | null | undefined;

/** The head kernel bound to one line buffer's memory. */
export class HeadKernel {
  /** nr, quiet, stop, pid0, pid1, thread, threadEnd, (unused) */
  readonly out: Int32Array;
  /** the names' ranges, `nr` numbers */
  readonly ranges: Int32Array;
  /** where the message starts, -1 (not of the usual shape: the general parser), or NO_CATEGORY */
  readonly head: (ls: number, le: number) => number;

  private constructor(exports: WebAssembly.Exports, memory: ArrayBufferLike, base: number) {
    this.out = new Int32Array(memory, base, 8);
    this.ranges = new Int32Array(memory, base + 32, 8);
    this.head = exports.head as HeadKernel['head'];
  }

  /** The kernel in `buf`'s room, if `buf` is a brokerLineBuffer and its room is free. */
  static in(buf: Buffer): HeadKernel | undefined {
    if (kernel === null) return undefined;
    const room = roomOf(buf);
    if (room === undefined || room.bytes < HEAD_ROOM) return undefined;
    try {
      kernel ??= new WebAssembly.Module(KERNEL);
      const exports = new WebAssembly.Instance(kernel, { m: { m: room.memory } }).exports;
      (exports.init as (base: number) => void)(room.at);
      return new HeadKernel(exports, room.memory.buffer, room.at);
    } catch {
      kernel = null;
      return undefined;
    }
  }
}
