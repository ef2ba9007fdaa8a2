/**
 * A command-call line read in WebAssembly: its stamp, level, names and category, PID and thread,
 * and the message's wording, as fastLine (bytes.ts, head.ts) reads them in JavaScript, which
 * stays the reference (test/unit/broker-scan.test.ts reads every log each way against the general
 * parser). On a log where a broker in trouble writes events on most lines, that JavaScript, a
 * byte at a time, was half of the scan (bench/NOTES.md). What a line means for its group (the
 * group's lookup, the counts) is done in JavaScript (scan.ts).
 *
 * It reads the reader's line buffer in place and writes what it found to the room kept after it
 * (lib/tail/line-end.ts lineBuffer, roomOf), as 32-bit numbers from `base` (their places are in
 * the comments of `line` below and in LineKernel); the texts it matches are put after them, at
 * `base` + 128, when it is instantiated.
 *
 * The kernel, in WebAssembly text (memory imported as m.m, where its texts go as m.texts),
 * assembled with wabt's wat2wasm 1.0.32 into the bytes below (3427 bytes):
 *
 *   (module
 *     (import "m" "m" (memory 1))
 *     ;; where the texts below are put: in the room, after the numbers the functions write
 *     (import "m" "texts" (global $texts i32))
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
 *     (func $head (param $ls i32) (param $le i32) (result i32)
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
 *
 *     ;; the message's texts: its starts as written, the other words lowercase (matched in any case)
 *     (data (global.get $texts) "Executing command [The command call [Failed to send command call [Received unknown command [Failed to execute received command [] was executed by the module ] for module ] was sent but another answer was received] to execute was sent but the call timed out was sent, but the call timed out because of timeout because of error] with error in ")
 *     (func $lower (param $c i32) (result i32)
 *       (if (result i32) (i32.lt_u (i32.sub (local.get $c) (i32.const 65)) (i32.const 26))
 *         (then (i32.or (local.get $c) (i32.const 32))) (else (local.get $c))))
 *     (func $word (param $c i32) (result i32)
 *       (i32.or (i32.or (call $digit (local.get $c)) (i32.lt_u (i32.sub (i32.or (local.get $c) (i32.const 32)) (i32.const 97)) (i32.const 26)))
 *               (i32.eq (local.get $c) (i32.const 95))))
 *     ;; the text t (n bytes) at i, before le: exactly
 *     (func $is (param $i i32) (param $le i32) (param $t i32) (param $n i32) (result i32) (local $k i32)
 *       (if (i32.gt_s (i32.add (local.get $i) (local.get $n)) (local.get $le)) (then (return (i32.const 0))))
 *       (block $out (loop $l
 *         (br_if $out (i32.ge_s (local.get $k) (local.get $n)))
 *         (if (i32.ne (i32.load8_u (i32.add (local.get $i) (local.get $k))) (i32.load8_u (i32.add (local.get $t) (local.get $k))))
 *           (then (return (i32.const 0))))
 *         (local.set $k (i32.add (local.get $k) (i32.const 1)))
 *         (br $l)))
 *       (i32.const 1))
 *     ;; the same, ASCII letters in any case (t is lowercase)
 *     (func $like (param $i i32) (param $le i32) (param $t i32) (param $n i32) (result i32) (local $k i32)
 *       (if (i32.gt_s (i32.add (local.get $i) (local.get $n)) (local.get $le)) (then (return (i32.const 0))))
 *       (block $out (loop $l
 *         (br_if $out (i32.ge_s (local.get $k) (local.get $n)))
 *         (if (i32.ne (call $lower (i32.load8_u (i32.add (local.get $i) (local.get $k)))) (i32.load8_u (i32.add (local.get $t) (local.get $k))))
 *           (then (return (i32.const 0))))
 *         (local.set $k (i32.add (local.get $k) (i32.const 1)))
 *         (br $l)))
 *       (i32.const 1))
 *     ;; t at k, in any case, and no word byte right after it (before le)
 *     (func $bounded (param $k i32) (param $le i32) (param $t i32) (param $n i32) (result i32) (local $z i32)
 *       (local.set $z (i32.add (local.get $k) (local.get $n)))
 *       (if (i32.gt_s (local.get $z) (local.get $le)) (then (return (i32.const 0))))
 *       (if (i32.eqz (call $like (local.get $k) (local.get $le) (local.get $t) (local.get $n))) (then (return (i32.const 0))))
 *       (if (i32.lt_s (local.get $z) (local.get $le)) (then (return (i32.eqz (call $word (i32.load8_u (local.get $z)))))))
 *       (i32.const 1))
 *     ;; the first space from `from` where t (or u, when v > 0) stands bounded, or -1
 *     (func $findWord (param $from i32) (param $le i32) (param $t i32) (param $n i32) (param $u i32) (param $v i32) (result i32) (local $k i32)
 *       (local.set $k (call $find (i32.const 32) (local.get $from) (local.get $le)))
 *       (block $out (loop $l
 *         (br_if $out (i32.lt_s (local.get $k) (i32.const 0)))
 *         (if (call $bounded (local.get $k) (local.get $le) (local.get $t) (local.get $n)) (then (return (local.get $k))))
 *         (if (i32.gt_s (local.get $v) (i32.const 0)) (then
 *           (if (call $bounded (local.get $k) (local.get $le) (local.get $u) (local.get $v)) (then (return (local.get $k))))))
 *         (local.set $k (call $find (i32.const 32) (i32.add (local.get $k) (i32.const 1)) (local.get $le)))
 *         (br $l)))
 *       (i32.const -1))
 *     ;; t in [from, to), in any case (its first byte is no letter), or -1
 *     (func $findText (param $from i32) (param $to i32) (param $t i32) (param $n i32) (result i32) (local $i i32)
 *       (local.set $i (call $find (i32.load8_u (local.get $t)) (local.get $from) (local.get $to)))
 *       (block $out (loop $l
 *         (br_if $out (i32.lt_s (local.get $i) (i32.const 0)))
 *         (br_if $out (i32.gt_s (i32.add (local.get $i) (local.get $n)) (local.get $to)))
 *         (if (call $like (local.get $i) (local.get $to) (local.get $t) (local.get $n)) (then (return (local.get $i))))
 *         (local.set $i (call $find (i32.load8_u (local.get $t)) (i32.add (local.get $i) (i32.const 1)) (local.get $to)))
 *         (br $l)))
 *       (i32.const -1))
 *     ;; buf[a, b) holds only printable ASCII or TAB
 *     (func $plain (param $a i32) (param $b i32) (result i32) (local $c i32)
 *       (block $out (loop $l
 *         (br_if $out (i32.ge_s (local.get $a) (local.get $b)))
 *         (local.set $c (i32.load8_u (local.get $a)))
 *         (if (i32.gt_u (local.get $c) (i32.const 126)) (then (return (i32.const 0))))
 *         (if (i32.and (i32.lt_u (local.get $c) (i32.const 32)) (i32.ne (local.get $c) (i32.const 9))) (then (return (i32.const 0))))
 *         (local.set $a (i32.add (local.get $a) (i32.const 1)))
 *         (br $l)))
 *       (i32.const 1))
 *     ;; the end of buf[a, b) without its spaces and TABs
 *     (func $trimEnd (param $a i32) (param $b i32) (result i32)
 *       (block $t (loop $tl
 *         (br_if $t (i32.le_s (local.get $b) (local.get $a)))
 *         (br_if $t (i32.eqz (call $sp (i32.load8_u (i32.sub (local.get $b) (i32.const 1))))))
 *         (local.set $b (i32.sub (local.get $b) (i32.const 1)))
 *         (br $tl)))
 *       (local.get $b))
 *     ;; the module a message names, buf[m0, k) trimmed, at out+72: false when not plain ASCII
 *     (func $module (param $m0 i32) (param $k i32) (result i32) (local $a i32) (local $b i32)
 *       (local.set $a (call $skip (local.get $m0) (local.get $k)))
 *       (local.set $b (call $trimEnd (local.get $a) (local.get $k)))
 *       (if (i32.eqz (call $plain (local.get $a) (local.get $b))) (then (return (i32.const 0))))
 *       (i32.store offset=72 (global.get $out) (local.get $a))
 *       (i32.store offset=76 (global.get $out) (local.get $b))
 *       (i32.const 1))
 *     ;; the thread's name (its bracket from out+20 to out+24) trimmed, at out+80: false when not plain ASCII
 *     (func $thread (result i32) (local $a i32) (local $b i32)
 *       (local.set $b (i32.load offset=24 (global.get $out)))
 *       (local.set $a (call $skip (i32.load offset=20 (global.get $out)) (local.get $b)))
 *       (local.set $b (call $trimEnd (local.get $a) (local.get $b)))
 *       (if (i32.eqz (call $plain (local.get $a) (local.get $b))) (then (return (i32.const 0))))
 *       (i32.store offset=80 (global.get $out) (local.get $a))
 *       (i32.store offset=84 (global.get $out) (local.get $b))
 *       (i32.const 1))
 *     ;; an event: its text to the line's end (the LF from `from`, or le) without a final CR, and what to read next
 *     (func $event (param $code i32) (param $from i32) (param $le i32) (result i32) (local $lf i32) (local $o i32)
 *       (local.set $o (global.get $out))
 *       (local.set $lf (call $find (i32.const 10) (local.get $from) (local.get $le)))
 *       (if (i32.lt_s (local.get $lf) (i32.const 0)) (then (local.set $lf (local.get $le))))
 *       (i32.store offset=92 (local.get $o)
 *         (select (i32.sub (local.get $lf) (i32.const 1)) (local.get $lf)
 *           (i32.and (i32.gt_s (local.get $lf) (i32.load offset=88 (local.get $o)))
 *                    (i32.eq (i32.load8_u (i32.sub (local.get $lf) (i32.const 1))) (i32.const 13)))))
 *       (i32.store offset=96 (local.get $o) (i32.add (local.get $lf) (i32.const 1)))
 *       (local.get $code))
 *     ;; The command-call line buf[ls, le) as fastLine (bytes.ts) reads it: -1 (the general parser's),
 *     ;; -2 or -3 (nothing: no category, or chatter; out+8 holds where the reading stopped), or the
 *     ;; event read: 0 timeouts failed, 1 send errors, 2 execution errors, 3 unknown commands, 4
 *     ;; timeouts retried, 5 other answers (out+64: the command, out+72 the module named (or none),
 *     ;; out+80 the thread trimmed, out+88 the text, out+96 where to read on), or 6 an execution
 *     ;; time (its digits at out+100). The head's numbers are as $head leaves them.
 *     (func (export "line") (param $ls i32) (param $le i32) (result i32)
 *       (local $o i32) (local $i i32) (local $f i32) (local $c0 i32) (local $e i32) (local $a i32) (local $b i32)
 *       (local $m0 i32) (local $k i32) (local $q i32) (local $d0 i32) (local $d1 i32) (local $c i32)
 *       (local.set $o (global.get $out))
 *       (local.set $i (call $head (local.get $ls) (local.get $le)))
 *       (if (i32.lt_s (local.get $i) (i32.const 0)) (then (return (local.get $i))))
 *       ;; "Executing command": chatter at DEBUG or INFO; elsewhere a continuation, the parser's
 *       (if (call $is (local.get $i) (local.get $le) (i32.add (global.get $texts) (i32.const 0)) (i32.const 19)) (then
 *         (if (i32.eqz (i32.load offset=4 (local.get $o))) (then (return (i32.const -1))))
 *         (i32.store offset=8 (local.get $o) (i32.add (local.get $i) (i32.const 19)))
 *         (return (i32.const -3))))
 *       ;; the general parser tries its matchers in this order; a command's name ends at the first `]`
 *       (if (call $is (local.get $i) (local.get $le) (i32.add (global.get $texts) (i32.const 19)) (i32.const 18)) (then (local.set $f (i32.const 1)) (local.set $c0 (i32.add (local.get $i) (i32.const 18))))
 *       (else (if (call $is (local.get $i) (local.get $le) (i32.add (global.get $texts) (i32.const 37)) (i32.const 29)) (then (local.set $f (i32.const 2)) (local.set $c0 (i32.add (local.get $i) (i32.const 29))))
 *       (else (if (call $is (local.get $i) (local.get $le) (i32.add (global.get $texts) (i32.const 66)) (i32.const 26)) (then (local.set $f (i32.const 3)) (local.set $c0 (i32.add (local.get $i) (i32.const 26))))
 *       (else (if (call $is (local.get $i) (local.get $le) (i32.add (global.get $texts) (i32.const 92)) (i32.const 36)) (then (local.set $f (i32.const 4)) (local.set $c0 (i32.add (local.get $i) (i32.const 36))))
 *       (else (return (i32.const -1))))))))))
 *       (local.set $e (call $nameEnd (local.get $c0) (local.get $le)))
 *       (if (i32.lt_s (local.get $e) (i32.const 0)) (then (return (i32.const -1))))
 *       (local.set $a (call $skip (local.get $c0) (local.get $e)))
 *       (local.set $b (call $trimEnd (local.get $a) (local.get $e)))
 *       (if (i32.eq (local.get $a) (local.get $b)) (then (return (i32.const -1))))
 *       (i32.store offset=64 (local.get $o) (local.get $a))
 *       (i32.store offset=68 (local.get $o) (local.get $b))
 *       (i32.store offset=72 (local.get $o) (i32.const 0))
 *       (i32.store offset=76 (local.get $o) (i32.const 0))
 *       (i32.store offset=88 (local.get $o) (local.get $i))
 *       ;; Failed to send command call [c] for module M because of timeout (or error)
 *       (if (i32.eq (local.get $f) (i32.const 2)) (then
 *         (if (i32.eqz (call $like (local.get $e) (local.get $le) (i32.add (global.get $texts) (i32.const 157)) (i32.const 13))) (then (return (i32.const -1))))
 *         (local.set $m0 (i32.add (local.get $e) (i32.const 13)))
 *         (local.set $k (call $findWord (i32.add (local.get $m0) (i32.const 1)) (local.get $le) (i32.add (global.get $texts) (i32.const 289)) (i32.const 19) (i32.const 0) (i32.const 0)))
 *         (if (i32.ge_s (local.get $k) (i32.const 0)) (then
 *           (if (call $module (local.get $m0) (local.get $k)) (then (return (call $event (i32.const 0) (local.get $k) (local.get $le)))))
 *           (return (i32.const -1))))
 *         (local.set $k (call $findWord (i32.add (local.get $m0) (i32.const 1)) (local.get $le) (i32.add (global.get $texts) (i32.const 308)) (i32.const 17) (i32.const 0) (i32.const 0)))
 *         (if (i32.lt_s (local.get $k) (i32.const 0)) (then (return (i32.const -1))))
 *         (if (i32.eqz (call $module (local.get $m0) (local.get $k))) (then (return (i32.const -1))))
 *         (if (i32.eqz (call $thread)) (then (return (i32.const -1))))
 *         (return (call $event (i32.const 1) (local.get $k) (local.get $le)))))
 *       ;; Failed to execute received command [c] with error
 *       (if (i32.eq (local.get $f) (i32.const 4)) (then
 *         (if (i32.eqz (call $bounded (local.get $e) (local.get $le) (i32.add (global.get $texts) (i32.const 325)) (i32.const 12))) (then (return (i32.const -1))))
 *         (if (i32.eqz (call $thread)) (then (return (i32.const -1))))
 *         (return (call $event (i32.const 2) (local.get $e) (local.get $le)))))
 *       ;; Received unknown command [c] to execute
 *       (if (i32.eq (local.get $f) (i32.const 3)) (then
 *         (if (i32.eqz (call $like (local.get $e) (local.get $le) (i32.add (global.get $texts) (i32.const 212)) (i32.const 12))) (then (return (i32.const -1))))
 *         (return (call $event (i32.const 3) (local.get $e) (local.get $le)))))
 *       ;; The command call [c] for module M was sent but the call timed out
 *       (if (call $like (local.get $e) (local.get $le) (i32.add (global.get $texts) (i32.const 157)) (i32.const 13)) (then
 *         (local.set $m0 (i32.add (local.get $e) (i32.const 13)))
 *         (local.set $k (call $findWord (i32.add (local.get $m0) (i32.const 1)) (local.get $le) (i32.add (global.get $texts) (i32.const 224)) (i32.const 32) (i32.add (global.get $texts) (i32.const 256)) (i32.const 33)))
 *         (if (i32.lt_s (local.get $k) (i32.const 0)) (then (return (i32.const -1))))
 *         (if (i32.eqz (call $module (local.get $m0) (local.get $k))) (then (return (i32.const -1))))
 *         (return (call $event (i32.const 4) (local.get $k) (local.get $le)))))
 *       ;; The command call [c] was sent but another answer was received: unless a "] for module "
 *       ;; further on could make the timed-out matcher, tried first, take the line
 *       (if (call $like (local.get $e) (local.get $le) (i32.add (global.get $texts) (i32.const 170)) (i32.const 42)) (then
 *         (if (i32.ge_s (call $findText (i32.add (local.get $e) (i32.const 1)) (local.get $le) (i32.add (global.get $texts) (i32.const 157)) (i32.const 13)) (i32.const 0)) (then (return (i32.const -1))))
 *         (return (call $event (i32.const 5) (local.get $e) (local.get $le)))))
 *       ;; The command call [c] was executed by the module M in N s
 *       (if (i32.eqz (call $like (local.get $e) (local.get $le) (i32.add (global.get $texts) (i32.const 128)) (i32.const 29))) (then (return (i32.const -1))))
 *       (local.set $m0 (i32.add (local.get $e) (i32.const 29)))
 *       ;; the other "The command call" forms could only take it at a `]` after e
 *       (if (i32.ge_s (call $find (i32.const 93) (local.get $m0) (local.get $le)) (i32.const 0)) (then
 *         (if (i32.ge_s (call $findText (i32.add (local.get $c0) (i32.const 1)) (local.get $le) (i32.add (global.get $texts) (i32.const 157)) (i32.const 13)) (i32.const 0)) (then (return (i32.const -1))))
 *         (if (i32.ge_s (call $findText (i32.add (local.get $c0) (i32.const 1)) (local.get $le) (i32.add (global.get $texts) (i32.const 170)) (i32.const 42)) (i32.const 0)) (then (return (i32.const -1))))))
 *       ;; the module is the shortest text followed by " in <digits and dots> [spaces] s" and no word byte
 *       (local.set $k (call $findText (i32.add (local.get $m0) (i32.const 1)) (local.get $le) (i32.add (global.get $texts) (i32.const 337)) (i32.const 4)))
 *       (block $none (loop $each
 *         (br_if $none (i32.lt_s (local.get $k) (i32.const 0)))
 *         (block $next
 *           (local.set $q (i32.add (local.get $k) (i32.const 4)))
 *           (local.set $d0 (local.get $q))
 *           (block $o1 (loop $l1
 *             (br_if $o1 (i32.ge_s (local.get $q) (local.get $le)))
 *             (local.set $c (i32.load8_u (local.get $q)))
 *             (br_if $o1 (i32.eqz (i32.or (call $digit (local.get $c)) (i32.eq (local.get $c) (i32.const 46)))))
 *             (local.set $q (i32.add (local.get $q) (i32.const 1)))
 *             (br $l1)))
 *           (br_if $next (i32.eq (local.get $q) (local.get $d0)))
 *           (local.set $d1 (local.get $q))
 *           (local.set $q (call $skip (local.get $q) (local.get $le)))
 *           (br_if $next (i32.ge_s (local.get $q) (local.get $le)))
 *           (br_if $next (i32.ne (call $lower (i32.load8_u (local.get $q))) (i32.const 115)))
 *           (if (i32.lt_s (i32.add (local.get $q) (i32.const 1)) (local.get $le)) (then
 *             (br_if $next (call $word (i32.load8_u (i32.add (local.get $q) (i32.const 1)))))))
 *           (if (i32.eqz (call $module (local.get $m0) (local.get $k))) (then (return (i32.const -1))))
 *           (i32.store offset=100 (local.get $o) (local.get $d0))
 *           (i32.store offset=104 (local.get $o) (local.get $d1))
 *           (i32.store offset=96 (local.get $o) (i32.add (local.get $q) (i32.const 1)))
 *           (return (i32.const 6)))
 *         (local.set $k (call $findText (i32.add (local.get $k) (i32.const 1)) (local.get $le) (i32.add (global.get $texts) (i32.const 337)) (i32.const 4)))
 *         (br $each)))
 *       (i32.const -1))
 *   )
 */
import { lineBuffer, roomOf } from '../../lib/tail/line-end.js';

const KERNEL = Uint8Array.from(Buffer.from('AGFzbQEAAAABLQdgAX8AYAF/AX9gAn9/AX9gA39/fwF/YAR/f39/AX9gBn9/f39/fwF/YAABfwITAgFtAW0CAAEBbQV0ZXh0cwN/AAMXFgABAQIDAgECAgEBBAQEBQQCAgIGAwIGBgF/AUEACwcPAgRpbml0AAAEbGluZQAVCoMXFgYAIAAkAQsNACAAQSBGIABBCUZyCwoAIABBMGtBCkkLJAACQANAIAAgAU4NASAALQAAEAFFDQEgAEEBaiEADAALCyAACzUBAX8CQANAIAEgAk4NASABLQAAIQMgAyAARgRAIAEPCyADQQpGDQEgAUEBaiEBDAALC0F/C0QBAX8CQANAIAAgAU4NASAALQAAIQIgAkHdAEYEQCAADwsgAkH+AEsNASACQSBJIAJBCUdxDQEgAEEBaiEADAALC0F/C7cBAQJ/IAAtAABB2wBHBEBBAA8LIAAtABRB3QBHBEBBAA8LIAAtAAVBLUcEQEEADwsgAC0ACEEtRwRAQQAPCyAALQALQSBHBEBBAA8LIAAtAA5BOkcEQEEADwsgAC0AEUE6RwRAQQAPC0EBIQECQANAIAFBE0sNASAAIAFqLQAAIQIgAhACIAFBBUYgAUEIRnIgAUELRiABQQ5GIAFBEUZycnJyRQRAQQAPCyABQQFqIQEMAAsLQQELsAEAIAEgAGtBDEYEQCAAKQMAQsOeteqUyJOiIFEgACgCCEHDgrHiBEZxBEBBAQ8LIAApAwBCoMCAgYKEiBCEQuPeteuWzJuyIFEgACgCCEGgwICBAnJB48Kx4wZGcQRAQQIPCwsgASAAa0EQRgRAIAApAwBCoMCAgYKEgJAghELj2JWL5o3IsOYAUSAAKQMIQqDAgIGAhIiQIIRC9MrJg+Lsm7nrAFFxBEBBAg8LC0EAC+cFAQx/IwEhAiABIABrQRVIBEBBfw8LIAAQBkUEQEF/DwsgAEEVaiABEAMhAyADIQQCQANAIAMgAU4NASADLQAAQSByQeEAa0EZSw0BIANBAWohAwwACwsgAyAERgRAQX8PCyAELQAAQSByIQUgAiAFQeQARiAFQekARnI2AgQgAyABEAMhAyADIAFOBEBBfw8LIAMtAABBOkcEQEF/DwsgA0EBaiABEAMhAwJAA0AgByAIQQROcg0BIAMgAU4EQEF/DwsgAy0AACEFIAVB2wBHBEAgBUEKRiAFQSFrQd4ASXIEQCACIAM2AghBfg8LQX8PCyADQQFqIAEQBSEJIAlBAEgEQEF/DwsgA0EBaiAJEAMhCiAJIQsCQANAIAsgCkwNASALQQFrLQAAEAFFDQEgC0EBayELDAALCyAKIAsQByENIA1BAkYEQEF/DwsgDUEBRgRAQQEhBwUgAiAGQQJ0aiAKNgIgIAIgBkECdGogCzYCJCAGQQJqIQYLIAlBAWogARADIQMgCEEBaiEIDAALCyAHRSAGRXIEQCACIAM2AghBfg8LIAIgBjYCACADIAFOBEBBfw8LIAMtAABB2wBHBEBBfw8LQd0AIANBAWogARAEIQkgCUEASARAQX8PCyADQQFqIAkQAyEMIAwtAABBIHJB8ABHBEBBfw8LIAwtAAFBIHJB6QBHBEBBfw8LIAwtAAJBIHJB5ABHBEBBfw8LIAxBA2ogCRADIQwgDC0AAEE6RwRAQX8PCyAMQQFqIAkQAyEMIAwtAAAQAkUEQEF/DwsgAiAMNgIMAkADQCAMIAlODQEgDC0AABACRQ0BIAxBAWohDAwACwsgAiAMNgIQIAwgCRADIAlHBEBBfw8LIAlBAWogARADIQMgAyABTgRAQX8PCyADLQAAQdsARwRAQX8PC0HdACADQQFqIAEQBCEJIAlBAEgEQEF/DwsgAiADQQFqNgIUIAIgCTYCGCAJQQFqIAEQAwsWACAAQcEAa0EaSQR/IABBIHIFIAALCxoAIAAQAiAAQSByQeEAa0EaSXIgAEHfAEZyC0EBAX8gACADaiABSgRAQQAPCwJAA0AgBCADTg0BIAAgBGotAAAgAiAEai0AAEcEQEEADwsgBEEBaiEEDAALC0EBC0MBAX8gACADaiABSgRAQQAPCwJAA0AgBCADTg0BIAAgBGotAAAQCSACIARqLQAARwRAQQAPCyAEQQFqIQQMAAsLQQELOgEBfyAAIANqIQQgBCABSgRAQQAPCyAAIAEgAiADEAxFBEBBAA8LIAQgAUgEQCAELQAAEApFDwtBAQtUAQF/QSAgACABEAQhBgJAA0AgBkEASA0BIAYgASACIAMQDQRAIAYPCyAFQQBKBEAgBiABIAQgBRANBEAgBg8LC0EgIAZBAWogARAEIQYMAAsLQX8LTAEBfyACLQAAIAAgARAEIQQCQANAIARBAEgNASAEIANqIAFKDQEgBCABIAIgAxAMBEAgBA8LIAItAAAgBEEBaiABEAQhBAwACwtBfwtAAQF/AkADQCAAIAFODQEgAC0AACECIAJB/gBLBEBBAA8LIAJBIEkgAkEJR3EEQEEADwsgAEEBaiEADAALC0EBCycAAkADQCABIABMDQEgAUEBay0AABABRQ0BIAFBAWshAQwACwsgAQsxAQJ/IAAgARADIQIgAiABEBEhAyACIAMQEEUEQEEADwsjASACNgJIIwEgAzYCTEEBCzsBAn8jASgCGCEBIwEoAhQgARADIQAgACABEBEhASAAIAEQEEUEQEEADwsjASAANgJQIwEgATYCVEEBC0sBAn8jASEEQQogASACEAQhAyADQQBIBEAgAiEDCyAEIANBAWsgAyADIAQoAlhKIANBAWstAABBDUZxGzYCXCAEIANBAWo2AmAgAAu0BwENfyMBIQIgACABEAghAyADQQBIBEAgAw8LIAMgASMAQQBqQRMQCwRAIAIoAgRFBEBBfw8LIAIgA0ETajYCCEF9DwsgAyABIwBBE2pBEhALBEBBASEEIANBEmohBQUgAyABIwBBJWpBHRALBEBBAiEEIANBHWohBQUgAyABIwBBwgBqQRoQCwRAQQMhBCADQRpqIQUFIAMgASMAQdwAakEkEAsEQEEEIQQgA0EkaiEFBUF/DwsLCwsgBSABEAUhBiAGQQBIBEBBfw8LIAUgBhADIQcgByAGEBEhCCAHIAhGBEBBfw8LIAIgBzYCQCACIAg2AkQgAkEANgJIIAJBADYCTCACIAM2AlggBEECRgRAIAYgASMAQZ0BakENEAxFBEBBfw8LIAZBDWohCSAJQQFqIAEjAEGhAmpBE0EAQQAQDiEKIApBAE4EQCAJIAoQEgRAQQAgCiABEBQPC0F/DwsgCUEBaiABIwBBtAJqQRFBAEEAEA4hCiAKQQBIBEBBfw8LIAkgChASRQRAQX8PCxATRQRAQX8PC0EBIAogARAUDwsgBEEERgRAIAYgASMAQcUCakEMEA1FBEBBfw8LEBNFBEBBfw8LQQIgBiABEBQPCyAEQQNGBEAgBiABIwBB1AFqQQwQDEUEQEF/DwtBAyAGIAEQFA8LIAYgASMAQZ0BakENEAwEQCAGQQ1qIQkgCUEBaiABIwBB4AFqQSAjAEGAAmpBIRAOIQogCkEASARAQX8PCyAJIAoQEkUEQEF/DwtBBCAKIAEQFA8LIAYgASMAQaoBakEqEAwEQCAGQQFqIAEjAEGdAWpBDRAPQQBOBEBBfw8LQQUgBiABEBQPCyAGIAEjAEGAAWpBHRAMRQRAQX8PCyAGQR1qIQlB3QAgCSABEARBAE4EQCAFQQFqIAEjAEGdAWpBDRAPQQBOBEBBfw8LIAVBAWogASMAQaoBakEqEA9BAE4EQEF/DwsLIAlBAWogASMAQdECakEEEA8hCgJAA0AgCkEASA0BAkAgCkEEaiELIAshDAJAA0AgCyABTg0BIAstAAAhDiAOEAIgDkEuRnJFDQEgC0EBaiELDAALCyALIAxGDQAgCyENIAsgARADIQsgCyABTg0AIAstAAAQCUHzAEcNACALQQFqIAFIBEAgC0EBai0AABAKDQELIAkgChASRQRAQX8PCyACIAw2AmQgAiANNgJoIAIgC0EBajYCYEEGDwsgCkEBaiABIwBB0QJqQQQQDyEKDAALC0F/CwvcAgEAIwAL1QJFeGVjdXRpbmcgY29tbWFuZCBbVGhlIGNvbW1hbmQgY2FsbCBbRmFpbGVkIHRvIHNlbmQgY29tbWFuZCBjYWxsIFtSZWNlaXZlZCB1bmtub3duIGNvbW1hbmQgW0ZhaWxlZCB0byBleGVjdXRlIHJlY2VpdmVkIGNvbW1hbmQgW10gd2FzIGV4ZWN1dGVkIGJ5IHRoZSBtb2R1bGUgXSBmb3IgbW9kdWxlIF0gd2FzIHNlbnQgYnV0IGFub3RoZXIgYW5zd2VyIHdhcyByZWNlaXZlZF0gdG8gZXhlY3V0ZSB3YXMgc2VudCBidXQgdGhlIGNhbGwgdGltZWQgb3V0IHdhcyBzZW50LCBidXQgdGhlIGNhbGwgdGltZWQgb3V0IGJlY2F1c2Ugb2YgdGltZW91dCBiZWNhdXNlIG9mIGVycm9yXSB3aXRoIGVycm9yIGluIA==', 'base64'));

/** the room the kernel takes after a line buffer: 32 numbers, then its texts (341 bytes) */
const LINE_ROOM = 512;
const TEXTS = 128;

/** A broker reader's line buffer, with the room for the line kernel after it. */
export const brokerLineBuffer = (size: number): Buffer => lineBuffer(size, LINE_ROOM);

let kernel: WebAssembly.Module | null | undefined;

/** What `line` found, by its place in LineKernel.out (a 32-bit number each). */
export const OUT = {
  nr: 0, quiet: 1, stop: 2, pid0: 3, pid1: 4, command0: 16, command1: 17, module0: 18, module1: 19,
  thread0: 20, thread1: 21, text0: 22, text1: 23, next: 24, digits0: 25, digits1: 26,
} as const;

/** `line`'s results: the general parser's line, nothing (no category; chatter), an execution time */
export const LINE_PARSER = -1;
export const LINE_TIME = 6;

/** The line kernel bound to one line buffer's memory. */
export class LineKernel {
  /** what `line` found (OUT) */
  readonly out: Int32Array;
  /** the names' ranges, out[OUT.nr] numbers */
  readonly ranges: Int32Array;
  /**
   * The line buf[ls, le): LINE_PARSER, -2 or -3 (nothing: read on from out[OUT.stop]), an event
   * (0 timeouts failed, 1 send errors, 2 execution errors, 3 unknown commands, 4 timeouts
   * retried, 5 other answers) or LINE_TIME.
   */
  readonly line: (ls: number, le: number) => number;

  private constructor(exports: WebAssembly.Exports, memory: ArrayBufferLike, base: number) {
    this.out = new Int32Array(memory, base, 32);
    this.ranges = new Int32Array(memory, base + 32, 8);
    this.line = exports.line as LineKernel['line'];
  }

  /** The kernel in `buf`'s room, if `buf` is a brokerLineBuffer and its room is free. */
  static in(buf: Buffer): LineKernel | undefined {
    if (kernel === null) return undefined;
    const room = roomOf(buf);
    if (room === undefined || room.bytes < LINE_ROOM) return undefined;
    try {
      kernel ??= new WebAssembly.Module(KERNEL);
      const exports = new WebAssembly.Instance(kernel, { m: { m: room.memory, texts: room.at + TEXTS } }).exports;
      (exports.init as (base: number) => void)(room.at);
      return new LineKernel(exports, room.memory.buffer, room.at);
    } catch {
      kernel = null;
      return undefined;
    }
  }
}
