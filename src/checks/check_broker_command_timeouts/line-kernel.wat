;; The broker check's line kernel (line-kernel.ts holds its bytes): a command-call line read as
;; bytes.ts and head.ts read it in JavaScript, and its group looked up in a table of keys.
;; Assembled with wabt's wat2wasm 1.0.32; test/unit/wasm-text.test.ts checks the bytes.
(module
  (import "m" "m" (memory 1))
  ;; where the texts below are put: in the room, after the numbers the functions write
  (import "m" "texts" (global $texts i32))
  (global $out (mut i32) (i32.const 0))
  ;; the group table: its slots (16,384 record places, 0 for none), its records from $records to
  ;; $limit, $top the first free byte; $hash and $klen those of the key looked up last
  (global $slots (mut i32) (i32.const 0))
  (global $records (mut i32) (i32.const 0))
  (global $top (mut i32) (i32.const 0))
  (global $limit (mut i32) (i32.const 0))
  (global $hash (mut i32) (i32.const 0))
  (global $klen (mut i32) (i32.const 0))
  (func (export "init") (param $base i32) (param $slots i32) (param $end i32)
    (global.set $out (local.get $base))
    (global.set $slots (local.get $slots))
    (global.set $records (i32.add (local.get $slots) (i32.const 65536)))
    (global.set $top (global.get $records))
    (global.set $limit (local.get $end)))
  (func $sp (param $c i32) (result i32)
    (i32.or (i32.eq (local.get $c) (i32.const 32)) (i32.eq (local.get $c) (i32.const 9))))
  (func $digit (param $c i32) (result i32)
    (i32.lt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 10)))
  ;; past spaces and TABs from i, not past `to`
  (func $skip (param $i i32) (param $to i32) (result i32)
    (block $out (loop $l
      (br_if $out (i32.ge_s (local.get $i) (local.get $to)))
      (br_if $out (i32.eqz (call $sp (i32.load8_u (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.get $i))
  ;; the first `byte` in [i, to) before a LF, or -1. 16 places a step while 16 bytes remain before
  ;; `to` (a byte past it is never looked at), then one at a time
  (func $find (param $byte i32) (param $i i32) (param $to i32) (result i32) (local $c i32) (local $v v128) (local $m i32)
    (block $simd (loop $s
      (br_if $simd (i32.gt_s (i32.add (local.get $i) (i32.const 16)) (local.get $to)))
      (local.set $v (v128.load (local.get $i)))
      (local.set $m (i8x16.bitmask (v128.or (i8x16.eq (local.get $v) (i8x16.splat (local.get $byte)))
                                            (i8x16.eq (local.get $v) (v128.const i8x16 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10)))))
      (if (local.get $m) (then
        (local.set $i (i32.add (local.get $i) (i32.ctz (local.get $m))))
        (if (i32.eq (i32.load8_u (local.get $i)) (local.get $byte)) (then (return (local.get $i))))
        (return (i32.const -1))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $s)))
    (block $out (loop $l
      (br_if $out (i32.ge_s (local.get $i) (local.get $to)))
      (local.set $c (i32.load8_u (local.get $i)))
      (if (i32.eq (local.get $c) (local.get $byte)) (then (return (local.get $i))))
      (br_if $out (i32.eq (local.get $c) (i32.const 10)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (i32.const -1))
  ;; the `]` closing a name from i, or -1 when a byte before it is not printable ASCII or TAB. 16
  ;; places a step while 16 bytes remain before `to`, then one at a time
  (func $nameEnd (param $i i32) (param $to i32) (result i32) (local $c i32) (local $v v128) (local $m i32)
    (block $simd (loop $s
      (br_if $simd (i32.gt_s (i32.add (local.get $i) (i32.const 16)) (local.get $to)))
      (local.set $v (v128.load (local.get $i)))
      ;; `]`, or a byte above 126, or one below 32 but TAB
      (local.set $m (i8x16.bitmask (v128.or (v128.or
        (i8x16.eq (local.get $v) (v128.const i8x16 93 93 93 93 93 93 93 93 93 93 93 93 93 93 93 93))
        (i8x16.gt_u (local.get $v) (v128.const i8x16 126 126 126 126 126 126 126 126 126 126 126 126 126 126 126 126)))
        (v128.andnot (i8x16.lt_u (local.get $v) (v128.const i8x16 32 32 32 32 32 32 32 32 32 32 32 32 32 32 32 32))
                     (i8x16.eq (local.get $v) (v128.const i8x16 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9))))))
      (if (local.get $m) (then
        (local.set $i (i32.add (local.get $i) (i32.ctz (local.get $m))))
        (if (i32.eq (i32.load8_u (local.get $i)) (i32.const 93)) (then (return (local.get $i))))
        (return (i32.const -1))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $s)))
    (block $out (loop $l
      (br_if $out (i32.ge_s (local.get $i) (local.get $to)))
      (local.set $c (i32.load8_u (local.get $i)))
      (if (i32.eq (local.get $c) (i32.const 93)) (then (return (local.get $i))))
      (br_if $out (i32.gt_u (local.get $c) (i32.const 126)))
      (br_if $out (i32.and (i32.lt_u (local.get $c) (i32.const 32)) (i32.ne (local.get $c) (i32.const 9))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (i32.const -1))
  ;; [YYYY-MM-DD HH:MM:SS] at p (21 bytes there): bytes 0-15 and 5-20 at once, each a digit where
  ;; the stamp has one, else its separator (a lane of the second already checked in the first: any)
  (func $stamp (param $p i32) (result i32) (local $a v128) (local $b v128)
    (local.set $a (v128.load (local.get $p)))
    (local.set $b (v128.load offset=5 (local.get $p)))
    (i32.and
      (i8x16.all_true (v128.or
        (v128.and (i8x16.lt_u (i8x16.sub (local.get $a) (v128.const i8x16 48 48 48 48 48 48 48 48 48 48 48 48 48 48 48 48))
                              (v128.const i8x16 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10))
                  (v128.const i8x16 0 -1 -1 -1 -1 0 -1 -1 0 -1 -1 0 -1 -1 0 -1))
        (i8x16.eq (local.get $a) (v128.const i8x16 91 48 48 48 48 45 48 48 45 48 48 32 48 48 58 48))))
      (i8x16.all_true (v128.or (v128.or
        (v128.and (i8x16.lt_u (i8x16.sub (local.get $b) (v128.const i8x16 48 48 48 48 48 48 48 48 48 48 48 48 48 48 48 48))
                              (v128.const i8x16 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10))
                  (v128.const i8x16 0 0 0 0 0 0 0 0 0 0 0 -1 0 -1 -1 0))
        (i8x16.eq (local.get $b) (v128.const i8x16 48 48 48 48 48 48 48 48 48 48 48 48 58 48 48 93)))
        (v128.const i8x16 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 0 0 0 0 0)))))
  ;; buf[a, b) is "COMMAND CALL": 1; another case of it or of "CLEAN AFTER FORK": 2; else 0.
  ;; A letter matched in any case: byte | 32 is its lowercase (only for that letter's two cases)
  (func $category (param $a i32) (param $b i32) (result i32)
    (if (i32.eq (i32.sub (local.get $b) (local.get $a)) (i32.const 12)) (then
      (if (i32.and (i64.eq (i64.load (local.get $a)) (i64.const 0x20444E414D4D4F43))
                   (i32.eq (i32.load offset=8 (local.get $a)) (i32.const 0x4C4C4143)))
        (then (return (i32.const 1))))
      (if (i32.and (i64.eq (i64.or (i64.load (local.get $a)) (i64.const 0x0020202020202020)) (i64.const 0x20646E616D6D6F63))
                   (i32.eq (i32.or (i32.load offset=8 (local.get $a)) (i32.const 0x20202020)) (i32.const 0x6C6C6163)))
        (then (return (i32.const 2))))))
    (if (i32.eq (i32.sub (local.get $b) (local.get $a)) (i32.const 16)) (then
      (if (i32.and (i64.eq (i64.or (i64.load (local.get $a)) (i64.const 0x2020002020202020)) (i64.const 0x6661206E61656C63))
                   (i64.eq (i64.or (i64.load offset=8 (local.get $a)) (i64.const 0x2020202000202020)) (i64.const 0x6B726F6620726574)))
        (then (return (i32.const 2))))))
    (i32.const 0))
  ;; The head of the line buf[ls, le): stamp, level, names, [ COMMAND CALL ], [ PID:n ], [ thread ].
  ;; Returns where the message starts, -1 (not of the usual shape) or -2 (no category: out+8 holds
  ;; where the reading stopped). Writes at out: nr, quiet, stop, pid0, pid1, thread, threadEnd, then
  ;; from out+32 the names' ranges (nr numbers).
  (func $head (param $ls i32) (param $le i32) (result i32)
    (local $o i32) (local $i i32) (local $l0 i32) (local $c i32) (local $nr i32) (local $found i32)
    (local $k i32) (local $j i32) (local $a i32) (local $b i32) (local $p i32) (local $cat i32)
    (local.set $o (global.get $out))
    (if (i32.lt_s (i32.sub (local.get $le) (local.get $ls)) (i32.const 21)) (then (return (i32.const -1))))
    (if (i32.eqz (call $stamp (local.get $ls))) (then (return (i32.const -1))))
    ;; the level: letters, then ':'
    (local.set $i (call $skip (i32.add (local.get $ls) (i32.const 21)) (local.get $le)))
    (local.set $l0 (local.get $i))
    (block $o1 (loop $l1
      (br_if $o1 (i32.ge_s (local.get $i) (local.get $le)))
      (br_if $o1 (i32.gt_u (i32.sub (i32.or (i32.load8_u (local.get $i)) (i32.const 32)) (i32.const 97)) (i32.const 25)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l1)))
    (if (i32.eq (local.get $i) (local.get $l0)) (then (return (i32.const -1))))
    ;; DEBUG or INFO
    (local.set $c (i32.or (i32.load8_u (local.get $l0)) (i32.const 32)))
    (i32.store offset=4 (local.get $o) (i32.or (i32.eq (local.get $c) (i32.const 100)) (i32.eq (local.get $c) (i32.const 105))))
    (local.set $i (call $skip (local.get $i) (local.get $le)))
    (if (i32.ge_s (local.get $i) (local.get $le)) (then (return (i32.const -1))))
    (if (i32.ne (i32.load8_u (local.get $i)) (i32.const 58)) (then (return (i32.const -1))))
    (local.set $i (call $skip (i32.add (local.get $i) (i32.const 1)) (local.get $le)))
    ;; names, then [ COMMAND CALL ]: four brackets at most
    (block $names (loop $name
      (br_if $names (i32.or (local.get $found) (i32.ge_s (local.get $k) (i32.const 4))))
      (if (i32.ge_s (local.get $i) (local.get $le)) (then (return (i32.const -1))))
      (local.set $c (i32.load8_u (local.get $i)))
      (if (i32.ne (local.get $c) (i32.const 91)) (then
        ;; a LF or a printable byte ends the names (the general parser skips any other space)
        (if (i32.or (i32.eq (local.get $c) (i32.const 10)) (i32.lt_u (i32.sub (local.get $c) (i32.const 33)) (i32.const 94)))
          (then (i32.store offset=8 (local.get $o) (local.get $i)) (return (i32.const -2))))
        (return (i32.const -1))))
      (local.set $j (call $nameEnd (i32.add (local.get $i) (i32.const 1)) (local.get $le)))
      (if (i32.lt_s (local.get $j) (i32.const 0)) (then (return (i32.const -1))))
      (local.set $a (call $skip (i32.add (local.get $i) (i32.const 1)) (local.get $j)))
      (local.set $b (local.get $j))
      (block $t (loop $tl
        (br_if $t (i32.le_s (local.get $b) (local.get $a)))
        (br_if $t (i32.eqz (call $sp (i32.load8_u (i32.sub (local.get $b) (i32.const 1))))))
        (local.set $b (i32.sub (local.get $b) (i32.const 1)))
        (br $tl)))
      (local.set $cat (call $category (local.get $a) (local.get $b)))
      (if (i32.eq (local.get $cat) (i32.const 2)) (then (return (i32.const -1))))
      (if (i32.eq (local.get $cat) (i32.const 1))
        (then (local.set $found (i32.const 1)))
        (else
          (i32.store offset=32 (i32.add (local.get $o) (i32.shl (local.get $nr) (i32.const 2))) (local.get $a))
          (i32.store offset=36 (i32.add (local.get $o) (i32.shl (local.get $nr) (i32.const 2))) (local.get $b))
          (local.set $nr (i32.add (local.get $nr) (i32.const 2)))))
      (local.set $i (call $skip (i32.add (local.get $j) (i32.const 1)) (local.get $le)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $name)))
    (if (i32.or (i32.eqz (local.get $found)) (i32.eqz (local.get $nr)))
      (then (i32.store offset=8 (local.get $o) (local.get $i)) (return (i32.const -2))))
    (i32.store (local.get $o) (local.get $nr))
    ;; [ PID:n ]
    (if (i32.ge_s (local.get $i) (local.get $le)) (then (return (i32.const -1))))
    (if (i32.ne (i32.load8_u (local.get $i)) (i32.const 91)) (then (return (i32.const -1))))
    (local.set $j (call $find (i32.const 93) (i32.add (local.get $i) (i32.const 1)) (local.get $le)))
    (if (i32.lt_s (local.get $j) (i32.const 0)) (then (return (i32.const -1))))
    (local.set $p (call $skip (i32.add (local.get $i) (i32.const 1)) (local.get $j)))
    ;; "pid" in any case: the `]` at j fails it before any byte past j decides
    (if (i32.ne (i32.or (i32.load8_u (local.get $p)) (i32.const 32)) (i32.const 112)) (then (return (i32.const -1))))
    (if (i32.ne (i32.or (i32.load8_u offset=1 (local.get $p)) (i32.const 32)) (i32.const 105)) (then (return (i32.const -1))))
    (if (i32.ne (i32.or (i32.load8_u offset=2 (local.get $p)) (i32.const 32)) (i32.const 100)) (then (return (i32.const -1))))
    (local.set $p (call $skip (i32.add (local.get $p) (i32.const 3)) (local.get $j)))
    (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 58)) (then (return (i32.const -1))))
    (local.set $p (call $skip (i32.add (local.get $p) (i32.const 1)) (local.get $j)))
    (if (i32.eqz (call $digit (i32.load8_u (local.get $p)))) (then (return (i32.const -1))))
    (i32.store offset=12 (local.get $o) (local.get $p))
    (block $o2 (loop $l2
      (br_if $o2 (i32.ge_s (local.get $p) (local.get $j)))
      (br_if $o2 (i32.eqz (call $digit (i32.load8_u (local.get $p)))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $l2)))
    (i32.store offset=16 (local.get $o) (local.get $p))
    (if (i32.ne (call $skip (local.get $p) (local.get $j)) (local.get $j)) (then (return (i32.const -1))))
    ;; [ thread ]
    (local.set $i (call $skip (i32.add (local.get $j) (i32.const 1)) (local.get $le)))
    (if (i32.ge_s (local.get $i) (local.get $le)) (then (return (i32.const -1))))
    (if (i32.ne (i32.load8_u (local.get $i)) (i32.const 91)) (then (return (i32.const -1))))
    (local.set $j (call $find (i32.const 93) (i32.add (local.get $i) (i32.const 1)) (local.get $le)))
    (if (i32.lt_s (local.get $j) (i32.const 0)) (then (return (i32.const -1))))
    (i32.store offset=20 (local.get $o) (i32.add (local.get $i) (i32.const 1)))
    (i32.store offset=24 (local.get $o) (local.get $j))
    (call $skip (i32.add (local.get $j) (i32.const 1)) (local.get $le)))

  ;; the message's texts: its starts as written, the other words lowercase (matched in any case)
  (data (global.get $texts) "Executing command [The command call [Failed to send command call [Received unknown command [Failed to execute received command [] was executed by the module ] for module ] was sent but another answer was received] to execute was sent but the call timed out was sent, but the call timed out because of timeout because of error] with error in ")
  (func $lower (param $c i32) (result i32)
    (if (result i32) (i32.lt_u (i32.sub (local.get $c) (i32.const 65)) (i32.const 26))
      (then (i32.or (local.get $c) (i32.const 32))) (else (local.get $c))))
  (func $word (param $c i32) (result i32)
    (i32.or (i32.or (call $digit (local.get $c)) (i32.lt_u (i32.sub (i32.or (local.get $c) (i32.const 32)) (i32.const 97)) (i32.const 26)))
            (i32.eq (local.get $c) (i32.const 95))))
  ;; the text t (n bytes) at i, before le: exactly
  (func $is (param $i i32) (param $le i32) (param $t i32) (param $n i32) (result i32) (local $k i32)
    (if (i32.gt_s (i32.add (local.get $i) (local.get $n)) (local.get $le)) (then (return (i32.const 0))))
    (block $out (loop $l
      (br_if $out (i32.ge_s (local.get $k) (local.get $n)))
      (if (i32.ne (i32.load8_u (i32.add (local.get $i) (local.get $k))) (i32.load8_u (i32.add (local.get $t) (local.get $k))))
        (then (return (i32.const 0))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $l)))
    (i32.const 1))
  ;; the same, ASCII letters in any case (t is lowercase)
  (func $like (param $i i32) (param $le i32) (param $t i32) (param $n i32) (result i32) (local $k i32)
    (if (i32.gt_s (i32.add (local.get $i) (local.get $n)) (local.get $le)) (then (return (i32.const 0))))
    (block $out (loop $l
      (br_if $out (i32.ge_s (local.get $k) (local.get $n)))
      (if (i32.ne (call $lower (i32.load8_u (i32.add (local.get $i) (local.get $k)))) (i32.load8_u (i32.add (local.get $t) (local.get $k))))
        (then (return (i32.const 0))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $l)))
    (i32.const 1))
  ;; t at k, in any case, and no word byte right after it (before le)
  (func $bounded (param $k i32) (param $le i32) (param $t i32) (param $n i32) (result i32) (local $z i32)
    (local.set $z (i32.add (local.get $k) (local.get $n)))
    (if (i32.gt_s (local.get $z) (local.get $le)) (then (return (i32.const 0))))
    (if (i32.eqz (call $like (local.get $k) (local.get $le) (local.get $t) (local.get $n))) (then (return (i32.const 0))))
    (if (i32.lt_s (local.get $z) (local.get $le)) (then (return (i32.eqz (call $word (i32.load8_u (local.get $z)))))))
    (i32.const 1))
  ;; the first space from `from` where t (or u, when v > 0) stands bounded, or -1
  (func $findWord (param $from i32) (param $le i32) (param $t i32) (param $n i32) (param $u i32) (param $v i32) (result i32) (local $k i32)
    (local.set $k (call $find (i32.const 32) (local.get $from) (local.get $le)))
    (block $out (loop $l
      (br_if $out (i32.lt_s (local.get $k) (i32.const 0)))
      (if (call $bounded (local.get $k) (local.get $le) (local.get $t) (local.get $n)) (then (return (local.get $k))))
      (if (i32.gt_s (local.get $v) (i32.const 0)) (then
        (if (call $bounded (local.get $k) (local.get $le) (local.get $u) (local.get $v)) (then (return (local.get $k))))))
      (local.set $k (call $find (i32.const 32) (i32.add (local.get $k) (i32.const 1)) (local.get $le)))
      (br $l)))
    (i32.const -1))
  ;; t in [from, to), in any case (its first byte is no letter), or -1
  (func $findText (param $from i32) (param $to i32) (param $t i32) (param $n i32) (result i32) (local $i i32)
    (local.set $i (call $find (i32.load8_u (local.get $t)) (local.get $from) (local.get $to)))
    (block $out (loop $l
      (br_if $out (i32.lt_s (local.get $i) (i32.const 0)))
      (br_if $out (i32.gt_s (i32.add (local.get $i) (local.get $n)) (local.get $to)))
      (if (call $like (local.get $i) (local.get $to) (local.get $t) (local.get $n)) (then (return (local.get $i))))
      (local.set $i (call $find (i32.load8_u (local.get $t)) (i32.add (local.get $i) (i32.const 1)) (local.get $to)))
      (br $l)))
    (i32.const -1))
  ;; buf[a, b) holds only printable ASCII or TAB
  (func $plain (param $a i32) (param $b i32) (result i32) (local $c i32)
    (block $out (loop $l
      (br_if $out (i32.ge_s (local.get $a) (local.get $b)))
      (local.set $c (i32.load8_u (local.get $a)))
      (if (i32.gt_u (local.get $c) (i32.const 126)) (then (return (i32.const 0))))
      (if (i32.and (i32.lt_u (local.get $c) (i32.const 32)) (i32.ne (local.get $c) (i32.const 9))) (then (return (i32.const 0))))
      (local.set $a (i32.add (local.get $a) (i32.const 1)))
      (br $l)))
    (i32.const 1))
  ;; the end of buf[a, b) without its spaces and TABs
  (func $trimEnd (param $a i32) (param $b i32) (result i32)
    (block $t (loop $tl
      (br_if $t (i32.le_s (local.get $b) (local.get $a)))
      (br_if $t (i32.eqz (call $sp (i32.load8_u (i32.sub (local.get $b) (i32.const 1))))))
      (local.set $b (i32.sub (local.get $b) (i32.const 1)))
      (br $tl)))
    (local.get $b))
  ;; the module a message names, buf[m0, k) trimmed, at out+72: false when not plain ASCII
  (func $module (param $m0 i32) (param $k i32) (result i32) (local $a i32) (local $b i32)
    (local.set $a (call $skip (local.get $m0) (local.get $k)))
    (local.set $b (call $trimEnd (local.get $a) (local.get $k)))
    (if (i32.eqz (call $plain (local.get $a) (local.get $b))) (then (return (i32.const 0))))
    (i32.store offset=72 (global.get $out) (local.get $a))
    (i32.store offset=76 (global.get $out) (local.get $b))
    (i32.const 1))
  ;; the thread's name (its bracket from out+20 to out+24) trimmed, at out+80: false when not plain ASCII
  (func $thread (result i32) (local $a i32) (local $b i32)
    (local.set $b (i32.load offset=24 (global.get $out)))
    (local.set $a (call $skip (i32.load offset=20 (global.get $out)) (local.get $b)))
    (local.set $b (call $trimEnd (local.get $a) (local.get $b)))
    (if (i32.eqz (call $plain (local.get $a) (local.get $b))) (then (return (i32.const 0))))
    (i32.store offset=80 (global.get $out) (local.get $a))
    (i32.store offset=84 (global.get $out) (local.get $b))
    (i32.const 1))
  ;; an event: its text to the line's end (the LF from `from`, or le) without a final CR, and what to read next
  (func $event (param $code i32) (param $from i32) (param $le i32) (result i32) (local $lf i32) (local $o i32)
    (local.set $o (global.get $out))
    (local.set $lf (call $find (i32.const 10) (local.get $from) (local.get $le)))
    (if (i32.lt_s (local.get $lf) (i32.const 0)) (then (local.set $lf (local.get $le))))
    (i32.store offset=92 (local.get $o)
      (select (i32.sub (local.get $lf) (i32.const 1)) (local.get $lf)
        (i32.and (i32.gt_s (local.get $lf) (i32.load offset=88 (local.get $o)))
                 (i32.eq (i32.load8_u (i32.sub (local.get $lf) (i32.const 1))) (i32.const 13)))))
    (i32.store offset=96 (local.get $o) (i32.add (local.get $lf) (i32.const 1)))
    (local.get $code))
  ;; The command-call line buf[ls, le) as fastLine (bytes.ts) reads it: -1 (the general parser's),
  ;; -2 or -3 (nothing: no category, or chatter; out+8 holds where the reading stopped), or the
  ;; event read: 0 timeouts failed, 1 send errors, 2 execution errors, 3 unknown commands, 4
  ;; timeouts retried, 5 other answers (out+64: the command, out+72 the module named (or none),
  ;; out+80 the thread trimmed, out+88 the text, out+96 where to read on), or 6 an execution
  ;; time (its digits at out+100). The head's numbers are as $head leaves them.
  (func $read (param $ls i32) (param $le i32) (result i32)
    (local $o i32) (local $i i32) (local $f i32) (local $c0 i32) (local $e i32) (local $a i32) (local $b i32)
    (local $m0 i32) (local $k i32) (local $q i32) (local $d0 i32) (local $d1 i32) (local $c i32)
    (local.set $o (global.get $out))
    (local.set $i (call $head (local.get $ls) (local.get $le)))
    (if (i32.lt_s (local.get $i) (i32.const 0)) (then (return (local.get $i))))
    ;; "Executing command": chatter at DEBUG or INFO; elsewhere a continuation, the parser's
    (if (call $is (local.get $i) (local.get $le) (i32.add (global.get $texts) (i32.const 0)) (i32.const 19)) (then
      (if (i32.eqz (i32.load offset=4 (local.get $o))) (then (return (i32.const -1))))
      (i32.store offset=8 (local.get $o) (i32.add (local.get $i) (i32.const 19)))
      (return (i32.const -3))))
    ;; the general parser tries its matchers in this order; a command's name ends at the first `]`
    (if (call $is (local.get $i) (local.get $le) (i32.add (global.get $texts) (i32.const 19)) (i32.const 18)) (then (local.set $f (i32.const 1)) (local.set $c0 (i32.add (local.get $i) (i32.const 18))))
    (else (if (call $is (local.get $i) (local.get $le) (i32.add (global.get $texts) (i32.const 37)) (i32.const 29)) (then (local.set $f (i32.const 2)) (local.set $c0 (i32.add (local.get $i) (i32.const 29))))
    (else (if (call $is (local.get $i) (local.get $le) (i32.add (global.get $texts) (i32.const 66)) (i32.const 26)) (then (local.set $f (i32.const 3)) (local.set $c0 (i32.add (local.get $i) (i32.const 26))))
    (else (if (call $is (local.get $i) (local.get $le) (i32.add (global.get $texts) (i32.const 92)) (i32.const 36)) (then (local.set $f (i32.const 4)) (local.set $c0 (i32.add (local.get $i) (i32.const 36))))
    (else (return (i32.const -1))))))))))
    (local.set $e (call $nameEnd (local.get $c0) (local.get $le)))
    (if (i32.lt_s (local.get $e) (i32.const 0)) (then (return (i32.const -1))))
    (local.set $a (call $skip (local.get $c0) (local.get $e)))
    (local.set $b (call $trimEnd (local.get $a) (local.get $e)))
    (if (i32.eq (local.get $a) (local.get $b)) (then (return (i32.const -1))))
    (i32.store offset=64 (local.get $o) (local.get $a))
    (i32.store offset=68 (local.get $o) (local.get $b))
    (i32.store offset=72 (local.get $o) (i32.const 0))
    (i32.store offset=76 (local.get $o) (i32.const 0))
    (i32.store offset=88 (local.get $o) (local.get $i))
    ;; Failed to send command call [c] for module M because of timeout (or error)
    (if (i32.eq (local.get $f) (i32.const 2)) (then
      (if (i32.eqz (call $like (local.get $e) (local.get $le) (i32.add (global.get $texts) (i32.const 157)) (i32.const 13))) (then (return (i32.const -1))))
      (local.set $m0 (i32.add (local.get $e) (i32.const 13)))
      (local.set $k (call $findWord (i32.add (local.get $m0) (i32.const 1)) (local.get $le) (i32.add (global.get $texts) (i32.const 289)) (i32.const 19) (i32.const 0) (i32.const 0)))
      (if (i32.ge_s (local.get $k) (i32.const 0)) (then
        (if (call $module (local.get $m0) (local.get $k)) (then (return (call $event (i32.const 0) (local.get $k) (local.get $le)))))
        (return (i32.const -1))))
      (local.set $k (call $findWord (i32.add (local.get $m0) (i32.const 1)) (local.get $le) (i32.add (global.get $texts) (i32.const 308)) (i32.const 17) (i32.const 0) (i32.const 0)))
      (if (i32.lt_s (local.get $k) (i32.const 0)) (then (return (i32.const -1))))
      (if (i32.eqz (call $module (local.get $m0) (local.get $k))) (then (return (i32.const -1))))
      (if (i32.eqz (call $thread)) (then (return (i32.const -1))))
      (return (call $event (i32.const 1) (local.get $k) (local.get $le)))))
    ;; Failed to execute received command [c] with error
    (if (i32.eq (local.get $f) (i32.const 4)) (then
      (if (i32.eqz (call $bounded (local.get $e) (local.get $le) (i32.add (global.get $texts) (i32.const 325)) (i32.const 12))) (then (return (i32.const -1))))
      (if (i32.eqz (call $thread)) (then (return (i32.const -1))))
      (return (call $event (i32.const 2) (local.get $e) (local.get $le)))))
    ;; Received unknown command [c] to execute
    (if (i32.eq (local.get $f) (i32.const 3)) (then
      (if (i32.eqz (call $like (local.get $e) (local.get $le) (i32.add (global.get $texts) (i32.const 212)) (i32.const 12))) (then (return (i32.const -1))))
      (return (call $event (i32.const 3) (local.get $e) (local.get $le)))))
    ;; The command call [c] for module M was sent but the call timed out
    (if (call $like (local.get $e) (local.get $le) (i32.add (global.get $texts) (i32.const 157)) (i32.const 13)) (then
      (local.set $m0 (i32.add (local.get $e) (i32.const 13)))
      (local.set $k (call $findWord (i32.add (local.get $m0) (i32.const 1)) (local.get $le) (i32.add (global.get $texts) (i32.const 224)) (i32.const 32) (i32.add (global.get $texts) (i32.const 256)) (i32.const 33)))
      (if (i32.lt_s (local.get $k) (i32.const 0)) (then (return (i32.const -1))))
      (if (i32.eqz (call $module (local.get $m0) (local.get $k))) (then (return (i32.const -1))))
      (return (call $event (i32.const 4) (local.get $k) (local.get $le)))))
    ;; The command call [c] was sent but another answer was received: unless a "] for module "
    ;; further on could make the timed-out matcher, tried first, take the line
    (if (call $like (local.get $e) (local.get $le) (i32.add (global.get $texts) (i32.const 170)) (i32.const 42)) (then
      (if (i32.ge_s (call $findText (i32.add (local.get $e) (i32.const 1)) (local.get $le) (i32.add (global.get $texts) (i32.const 157)) (i32.const 13)) (i32.const 0)) (then (return (i32.const -1))))
      (return (call $event (i32.const 5) (local.get $e) (local.get $le)))))
    ;; The command call [c] was executed by the module M in N s
    (if (i32.eqz (call $like (local.get $e) (local.get $le) (i32.add (global.get $texts) (i32.const 128)) (i32.const 29))) (then (return (i32.const -1))))
    (local.set $m0 (i32.add (local.get $e) (i32.const 29)))
    ;; the other "The command call" forms could only take it at a `]` after e
    (if (i32.ge_s (call $find (i32.const 93) (local.get $m0) (local.get $le)) (i32.const 0)) (then
      (if (i32.ge_s (call $findText (i32.add (local.get $c0) (i32.const 1)) (local.get $le) (i32.add (global.get $texts) (i32.const 157)) (i32.const 13)) (i32.const 0)) (then (return (i32.const -1))))
      (if (i32.ge_s (call $findText (i32.add (local.get $c0) (i32.const 1)) (local.get $le) (i32.add (global.get $texts) (i32.const 170)) (i32.const 42)) (i32.const 0)) (then (return (i32.const -1))))))
    ;; the module is the shortest text followed by " in <digits and dots> [spaces] s" and no word byte
    (local.set $k (call $findText (i32.add (local.get $m0) (i32.const 1)) (local.get $le) (i32.add (global.get $texts) (i32.const 337)) (i32.const 4)))
    (block $none (loop $each
      (br_if $none (i32.lt_s (local.get $k) (i32.const 0)))
      (block $next
        (local.set $q (i32.add (local.get $k) (i32.const 4)))
        (local.set $d0 (local.get $q))
        (block $o1 (loop $l1
          (br_if $o1 (i32.ge_s (local.get $q) (local.get $le)))
          (local.set $c (i32.load8_u (local.get $q)))
          (br_if $o1 (i32.eqz (i32.or (call $digit (local.get $c)) (i32.eq (local.get $c) (i32.const 46)))))
          (local.set $q (i32.add (local.get $q) (i32.const 1)))
          (br $l1)))
        (br_if $next (i32.eq (local.get $q) (local.get $d0)))
        (local.set $d1 (local.get $q))
        (local.set $q (call $skip (local.get $q) (local.get $le)))
        (br_if $next (i32.ge_s (local.get $q) (local.get $le)))
        (br_if $next (i32.ne (call $lower (i32.load8_u (local.get $q))) (i32.const 115)))
        (if (i32.lt_s (i32.add (local.get $q) (i32.const 1)) (local.get $le)) (then
          (br_if $next (call $word (i32.load8_u (i32.add (local.get $q) (i32.const 1)))))))
        (if (i32.eqz (call $module (local.get $m0) (local.get $k))) (then (return (i32.const -1))))
        (i32.store offset=100 (local.get $o) (local.get $d0))
        (i32.store offset=104 (local.get $o) (local.get $d1))
        (i32.store offset=96 (local.get $o) (i32.add (local.get $q) (i32.const 1)))
        (return (i32.const 6)))
      (local.set $k (call $findText (i32.add (local.get $k) (i32.const 1)) (local.get $le) (i32.add (global.get $texts) (i32.const 337)) (i32.const 4)))
      (br $each)))
    (i32.const -1))

  ;; The group's key of the line read last: its broker (the first name, when there are two or
  ;; more; else none), its module (the one the message names, else the last name) and its command,
  ;; as ranges at out+112 (six numbers), the way scan.ts keys its groups.
  (func $key (local $o i32) (local $nr i32)
    (local.set $o (global.get $out))
    (local.set $nr (i32.load (local.get $o)))
    (if (i32.ge_s (local.get $nr) (i32.const 4))
      (then (i32.store offset=112 (local.get $o) (i32.load offset=32 (local.get $o)))
            (i32.store offset=116 (local.get $o) (i32.load offset=36 (local.get $o))))
      (else (i32.store offset=112 (local.get $o) (i32.const 0))
            (i32.store offset=116 (local.get $o) (i32.const 0))))
    (if (i32.gt_s (i32.load offset=76 (local.get $o)) (i32.load offset=72 (local.get $o)))
      (then (i32.store offset=120 (local.get $o) (i32.load offset=72 (local.get $o)))
            (i32.store offset=124 (local.get $o) (i32.load offset=76 (local.get $o))))
      (else (i32.store offset=120 (local.get $o) (i32.load offset=24 (i32.add (local.get $o) (i32.shl (local.get $nr) (i32.const 2)))))
            (i32.store offset=124 (local.get $o) (i32.load offset=28 (i32.add (local.get $o) (i32.shl (local.get $nr) (i32.const 2)))))))
    (i32.store offset=128 (local.get $o) (i32.load offset=64 (local.get $o)))
    (i32.store offset=132 (local.get $o) (i32.load offset=68 (local.get $o))))
  ;; one step of the key's hash: x mixed in by a multiply and a shift (64-bit)
  (func $mix (param $h i64) (param $x i64) (result i64)
    (local.set $h (i64.mul (i64.xor (local.get $h) (local.get $x)) (i64.const 0x9E3779B97F4A7C15)))
    (i64.xor (local.get $h) (i64.shr_u (local.get $h) (i64.const 29))))
  ;; each range's length, then its bytes 8 at a time and its last few one by one (FNV-1a a byte at
  ;; a time was 7-8% of a DEBUG or storm scan); $klen: the bytes a record of the key holds
  (func $hashKey (local $o i32) (local $k i32) (local $a i32) (local $b i32) (local $h i64)
    (local.set $o (global.get $out))
    (local.set $h (i64.const 0x9E3779B97F4A7C15))
    (global.set $klen (i32.const 12))
    (block $done (loop $range
      (br_if $done (i32.ge_u (local.get $k) (i32.const 3)))
      (local.set $a (i32.load offset=112 (i32.add (local.get $o) (i32.shl (local.get $k) (i32.const 3)))))
      (local.set $b (i32.load offset=116 (i32.add (local.get $o) (i32.shl (local.get $k) (i32.const 3)))))
      (global.set $klen (i32.add (global.get $klen) (i32.sub (local.get $b) (local.get $a))))
      (local.set $h (call $mix (local.get $h) (i64.extend_i32_u (i32.sub (local.get $b) (local.get $a)))))
      (block $words (loop $word
        (br_if $words (i32.gt_s (i32.add (local.get $a) (i32.const 8)) (local.get $b)))
        (local.set $h (call $mix (local.get $h) (i64.load (local.get $a))))
        (local.set $a (i32.add (local.get $a) (i32.const 8)))
        (br $word)))
      (block $end (loop $byte
        (br_if $end (i32.ge_s (local.get $a) (local.get $b)))
        (local.set $h (call $mix (local.get $h) (i64.load8_u (local.get $a))))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (br $byte)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $range)))
    (global.set $hash (i32.wrap_i64 (i64.xor (local.get $h) (i64.shr_u (local.get $h) (i64.const 32))))))
  ;; does the record at r hold the key (its ranges: each length, then its bytes)? 8 bytes at a time
  (func $same (param $r i32) (result i32) (local $o i32) (local $k i32) (local $a i32) (local $b i32) (local $p i32)
    (local.set $o (global.get $out))
    (local.set $p (i32.add (local.get $r) (i32.const 16)))
    (block $done (loop $range
      (br_if $done (i32.ge_u (local.get $k) (i32.const 3)))
      (local.set $a (i32.load offset=112 (i32.add (local.get $o) (i32.shl (local.get $k) (i32.const 3)))))
      (local.set $b (i32.load offset=116 (i32.add (local.get $o) (i32.shl (local.get $k) (i32.const 3)))))
      (if (i32.ne (i32.load (local.get $p)) (i32.sub (local.get $b) (local.get $a))) (then (return (i32.const 0))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (block $words (loop $word
        (br_if $words (i32.gt_s (i32.add (local.get $a) (i32.const 8)) (local.get $b)))
        (if (i64.ne (i64.load (local.get $a)) (i64.load (local.get $p))) (then (return (i32.const 0))))
        (local.set $a (i32.add (local.get $a) (i32.const 8)))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br $word)))
      (block $end (loop $byte
        (br_if $end (i32.ge_s (local.get $a) (local.get $b)))
        (if (i32.ne (i32.load8_u (local.get $a)) (i32.load8_u (local.get $p))) (then (return (i32.const 0))))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $byte)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $range)))
    (i32.const 1))
  ;; the group index of the key, -1 when it is not in the table, -3 when too long to be kept
  (func $lookup (result i32) (local $slot i32) (local $r i32)
    (call $key)
    (call $hashKey)
    (if (i32.gt_u (global.get $klen) (i32.const 1024)) (then (return (i32.const -3))))
    (local.set $slot (i32.and (global.get $hash) (i32.const 16383)))
    (loop $probe
      (local.set $r (i32.load (i32.add (global.get $slots) (i32.shl (local.get $slot) (i32.const 2)))))
      (if (i32.eqz (local.get $r)) (then (return (i32.const -1))))
      (if (i32.and (i32.eq (i32.load offset=4 (local.get $r)) (global.get $hash)) (i32.eq (i32.load (local.get $r)) (global.get $klen)))
        (then (if (call $same (local.get $r)) (then (return (i32.load offset=8 (local.get $r)))))))
      (local.set $slot (i32.and (i32.add (local.get $slot) (i32.const 1)) (i32.const 16383)))
      (br $probe))
    (unreachable))
  ;; Adds the key of the line read last (just missed by its lookup) as group `index`: 0 when the
  ;; records are full (clear, then add it again)
  (func (export "insert") (param $index i32) (result i32) (local $r i32) (local $p i32) (local $k i32) (local $a i32) (local $b i32) (local $slot i32)
    (local.set $r (global.get $top))
    (if (i32.gt_u (i32.add (local.get $r) (i32.add (global.get $klen) (i32.const 24))) (global.get $limit)) (then (return (i32.const 0))))
    (i32.store (local.get $r) (global.get $klen))
    (i32.store offset=4 (local.get $r) (global.get $hash))
    (i32.store offset=8 (local.get $r) (local.get $index))
    (local.set $p (i32.add (local.get $r) (i32.const 16)))
    (block $done (loop $range
      (br_if $done (i32.ge_u (local.get $k) (i32.const 3)))
      (local.set $a (i32.load offset=112 (i32.add (global.get $out) (i32.shl (local.get $k) (i32.const 3)))))
      (local.set $b (i32.load offset=116 (i32.add (global.get $out) (i32.shl (local.get $k) (i32.const 3)))))
      (i32.store (local.get $p) (i32.sub (local.get $b) (local.get $a)))
      (memory.copy (i32.add (local.get $p) (i32.const 4)) (local.get $a) (i32.sub (local.get $b) (local.get $a)))
      (local.set $p (i32.add (local.get $p) (i32.add (i32.const 4) (i32.sub (local.get $b) (local.get $a)))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $range)))
    (global.set $top (i32.and (i32.add (local.get $p) (i32.const 7)) (i32.const -8)))
    (local.set $slot (i32.and (global.get $hash) (i32.const 16383)))
    (block $free (loop $probe
      (br_if $free (i32.eqz (i32.load (i32.add (global.get $slots) (i32.shl (local.get $slot) (i32.const 2))))))
      (local.set $slot (i32.and (i32.add (local.get $slot) (i32.const 1)) (i32.const 16383)))
      (br $probe)))
    (i32.store (i32.add (global.get $slots) (i32.shl (local.get $slot) (i32.const 2))) (local.get $r))
    (i32.const 1))
  ;; forgets every key
  (func (export "clear")
    (memory.fill (global.get $slots) (i32.const 0) (i32.const 65536))
    (global.set $top (global.get $records)))
  ;; $read's result; for an event or an execution time, its group's index at out+108 ($lookup)
  (func (export "line") (param $ls i32) (param $le i32) (result i32) (local $r i32)
    (local.set $r (call $read (local.get $ls) (local.get $le)))
    (if (i32.ge_s (local.get $r) (i32.const 0)) (then (i32.store offset=108 (global.get $out) (call $lookup))))
    (local.get $r))
)
