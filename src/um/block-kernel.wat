;; The lbmmon text reader's block kernel (block-kernel.ts holds its bytes): a block's run of TAB
;; lines read in one call, and the daemon text after a block passed over to the next line that may
;; be a header, each 16 bytes a step. parse.ts reads the same lines a line at a time in
;; JavaScript, which stays the reference (test/unit/lbmmon-kernel.test.ts reads texts both ways).
;; Assembled with wabt's wat2wasm 1.0.32; test/unit/wasm-text.test.ts checks the bytes.
(module
  (import "m" "m" (memory 1))
  ;; in the room after the line buffer: two numbers run() writes (its lines, its hits), the hits
  ;; (16 bytes each), and the wanted labels' tables: 1 for a byte a label starts with; by a label's
  ;; length mod 64 and last byte (labels.ts sig()), the first of the labels with them; the labels
  (global $out (mut i32) (i32.const 0))
  (global $hits (mut i32) (i32.const 0))
  (global $firsts (mut i32) (i32.const 0))
  (global $sigs (mut i32) (i32.const 0))
  (global $labels (mut i32) (i32.const 0))
  ;; the header table: its slots (16,384 record places, 0 for none), its records from $records to
  ;; $limit, $top the first free byte, $count of them; the key looked up last: its hash, start and
  ;; length
  (global $slots (mut i32) (i32.const 0))
  (global $records (mut i32) (i32.const 0))
  (global $top (mut i32) (i32.const 0))
  (global $limit (mut i32) (i32.const 0))
  (global $count (mut i32) (i32.const 0))
  (global $hash (mut i32) (i32.const 0))
  (global $ks (mut i32) (i32.const 0))
  (global $kn (mut i32) (i32.const 0))
  (func (export "init") (param $base i32) (param $end i32)
    (global.set $out (local.get $base))
    (global.set $hits (i32.add (local.get $base) (i32.const 64)))
    (global.set $firsts (i32.add (local.get $base) (i32.const 8192)))
    (global.set $sigs (i32.add (local.get $base) (i32.const 8448)))
    (global.set $labels (i32.add (local.get $base) (i32.const 24832)))
    (global.set $slots (i32.add (local.get $base) (i32.const 65536)))
    (global.set $records (i32.add (local.get $base) (i32.const 131072)))
    (global.set $top (global.get $records))
    (global.set $limit (local.get $end)))
  ;; the first LF in [p, end), or end
  (func $lf (param $p i32) (param $end i32) (result i32) (local $m i32)
    (block $wide (loop $step
      (br_if $wide (i32.gt_u (i32.add (local.get $p) (i32.const 16)) (local.get $end)))
      (local.tee $m (i8x16.bitmask (i8x16.eq (v128.load align=1 (local.get $p)) (v128.const i8x16 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10))))
      (if (then (return (i32.add (local.get $p) (i32.ctz (local.get $m))))))
      (local.set $p (i32.add (local.get $p) (i32.const 16))) (br $step)))
    (block $done (loop $byte
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 10)) (then (return (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 1))) (br $byte)))
    (local.get $end))
  ;; the first ':' or LF in [p, end), or end
  (func $colonOrLf (param $p i32) (param $end i32) (result i32) (local $m i32) (local $v v128) (local $c i32)
    (block $wide (loop $step
      (br_if $wide (i32.gt_u (i32.add (local.get $p) (i32.const 16)) (local.get $end)))
      (local.set $v (v128.load align=1 (local.get $p)))
      (local.tee $m (i8x16.bitmask (v128.or
        (i8x16.eq (local.get $v) (v128.const i8x16 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10))
        (i8x16.eq (local.get $v) (v128.const i8x16 58 58 58 58 58 58 58 58 58 58 58 58 58 58 58 58)))))
      (if (then (return (i32.add (local.get $p) (i32.ctz (local.get $m))))))
      (local.set $p (i32.add (local.get $p) (i32.const 16))) (br $step)))
    (block $done (loop $byte
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $c (i32.load8_u (local.get $p)))
      (if (i32.or (i32.eq (local.get $c) (i32.const 10)) (i32.eq (local.get $c) (i32.const 58))) (then (return (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 1))) (br $byte)))
    (local.get $end))
  ;; a block not read: its lines from p (a TAB line) to the first LF not followed by a TAB,
  ;; counted, 16 places a step (where the LFs are, and of those, which one has no TAB after it)
  (func $skip (param $p i32) (param $end i32) (result i32) (local $lines i32) (local $lfm i32) (local $stop i32)
    (block $wide (loop $step
      (br_if $wide (i32.gt_u (i32.add (local.get $p) (i32.const 17)) (local.get $end)))
      (local.set $lfm (i8x16.bitmask (i8x16.eq (v128.load align=1 (local.get $p)) (v128.const i8x16 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10))))
      (if (local.get $lfm) (then
        (local.set $stop (i32.and (local.get $lfm) (i32.xor (i32.const -1)
          (i8x16.bitmask (i8x16.eq (v128.load offset=1 align=1 (local.get $p)) (v128.const i8x16 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9))))))
        (if (local.get $stop) (then
          (local.set $stop (i32.ctz (local.get $stop)))
          (local.set $lines (i32.add (local.get $lines) (i32.popcnt (i32.and (local.get $lfm)
            (i32.sub (i32.shl (i32.const 2) (local.get $stop)) (i32.const 1))))))
          (i32.store (global.get $out) (local.get $lines))
          (i32.store offset=4 (global.get $out) (i32.const 0))
          (return (i32.add (i32.add (local.get $p) (local.get $stop)) (i32.const 1)))))
        (local.set $lines (i32.add (local.get $lines) (i32.popcnt (local.get $lfm))))))
      (local.set $p (i32.add (local.get $p) (i32.const 16))) (br $step)))
    (block $done (loop $byte
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 10)) (then
        (local.set $lines (i32.add (local.get $lines) (i32.const 1)))
        (if (i32.ge_u (i32.add (local.get $p) (i32.const 1)) (local.get $end)) (then (br $done)))
        (if (i32.ne (i32.load8_u offset=1 (local.get $p)) (i32.const 9)) (then
          (i32.store (global.get $out) (local.get $lines))
          (i32.store offset=4 (global.get $out) (i32.const 0))
          (return (i32.add (local.get $p) (i32.const 1)))))))
      (local.set $p (i32.add (local.get $p) (i32.const 1))) (br $byte)))
    ;; the end: after a LF, or a last line without one (counted too)
    (if (i32.ne (i32.load8_u (i32.sub (local.get $end) (i32.const 1))) (i32.const 10)) (then
      (local.set $lines (i32.add (local.get $lines) (i32.const 1)))))
    (i32.store (global.get $out) (local.get $lines))
    (i32.store offset=4 (global.get $out) (i32.const 0))
    (local.get $end))
  ;; run(p, end, want): the lines from p that begin with a TAB, up to the first that does not (its
  ;; start is returned, or end); out[0] their number. With `want`, each one whose label (up to its
  ;; first colon, the padding's spaces left out) is a wanted one and whose value has digits is a
  ;; hit: the label's index, the number of digits and their value as JavaScript reads it (an f64
  ;; times ten plus each digit, rounded as there), out[1] of them; at 256 hits it returns where it
  ;; stopped, the start of a TAB line. A line without a LF (none in a reader's chunk) counts and
  ;; ends the run at `end`.
  (func (export "run") (param $p i32) (param $end i32) (param $want i32) (result i32)
    (local $lines i32) (local $n i32) (local $s i32) (local $c i32) (local $le i32) (local $nl i32) (local $h i32)
    (local $r i32) (local $i i32) (local $d i32) (local $v f64)
    (if (i32.eqz (local.get $want)) (then (return (call $skip (local.get $p) (local.get $end)))))
    (block $stop (loop $line
      (br_if $stop (i32.ge_u (local.get $p) (local.get $end)))
      (br_if $stop (i32.ne (i32.load8_u (local.get $p)) (i32.const 9)))
      (br_if $stop (i32.ge_u (local.get $n) (i32.const 256)))
      (local.set $s (i32.add (local.get $p) (i32.const 1)))
      (local.set $c (call $colonOrLf (local.get $s) (local.get $end)))
      (local.set $nl (local.get $c))
      (if (i32.lt_u (local.get $c) (local.get $end)) (then
        (if (i32.eq (i32.load8_u (local.get $c)) (i32.const 58)) (then
          (local.set $nl (i32.add (local.get $c) (i32.const 1)))
          (local.set $le (local.get $c))
          ;; the padding, eight spaces a step, then one
          (block $b (loop $back8
            (br_if $b (i32.lt_u (i32.sub (local.get $le) (local.get $s)) (i32.const 8)))
            (br_if $b (i64.ne (i64.load align=1 (i32.sub (local.get $le) (i32.const 8))) (i64.const 0x2020202020202020)))
            (local.set $le (i32.sub (local.get $le) (i32.const 8))) (br $back8)))
          (block $b (loop $back
            (br_if $b (i32.le_u (local.get $le) (local.get $s)))
            (br_if $b (i32.ne (i32.load8_u (i32.sub (local.get $le) (i32.const 1))) (i32.const 32)))
            (local.set $le (i32.sub (local.get $le) (i32.const 1))) (br $back)))
          (local.set $r (i32.const 0))
          (if (i32.gt_u (local.get $le) (local.get $s)) (then
            (if (i32.load8_u (i32.add (global.get $firsts) (i32.load8_u (local.get $s)))) (then
              (local.set $r (call $label (local.get $s) (local.get $le)))))))
          (if (local.get $r) (then
            ;; the value: spaces, then digits
            (local.set $i (local.get $nl))
            (block $b (loop $sp
              (br_if $b (i32.ge_u (local.get $i) (local.get $end)))
              (br_if $b (i32.ne (i32.load8_u (local.get $i)) (i32.const 32)))
              (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $sp)))
            (local.set $d (i32.const 0))
            (local.set $v (f64.const 0))
            (block $b (loop $digit
              (br_if $b (i32.ge_u (local.get $i) (local.get $end)))
              (local.set $h (i32.sub (i32.load8_u (local.get $i)) (i32.const 48)))
              (br_if $b (i32.gt_u (local.get $h) (i32.const 9)))
              (local.set $v (f64.add (f64.mul (local.get $v) (f64.const 10)) (f64.convert_i32_u (local.get $h))))
              (local.set $d (i32.add (local.get $d) (i32.const 1)))
              (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $digit)))
            (if (local.get $d) (then
              (local.set $h (i32.add (global.get $hits) (i32.shl (local.get $n) (i32.const 4))))
              (i32.store (local.get $h) (i32.sub (local.get $r) (i32.const 1)))
              (i32.store offset=4 (local.get $h) (local.get $d))
              (f64.store offset=8 (local.get $h) (local.get $v))
              (local.set $n (i32.add (local.get $n) (i32.const 1)))))
            (local.set $nl (local.get $i))))))))
      (local.set $nl (call $lf (local.get $nl) (local.get $end)))
      (local.set $lines (i32.add (local.get $lines) (i32.const 1)))
      (if (i32.ge_u (local.get $nl) (local.get $end)) (then
        (local.set $p (local.get $end))
        (br $stop)))
      (local.set $p (i32.add (local.get $nl) (i32.const 1)))
      (br $line)))
    (i32.store (global.get $out) (local.get $lines))
    (i32.store offset=4 (global.get $out) (local.get $n))
    (local.get $p))
  ;; the wanted label that is exactly [s, le), as its index + 1, or 0: the labels with its length
  ;; (mod 64) and last byte are a chain from the signature table (an index + 1 a byte), each
  ;; record 128 bytes (its length, the next record's index + 1, two bytes unused, its bytes)
  (func $label (param $s i32) (param $le i32) (result i32) (local $r i32) (local $rec i32) (local $n i32)
    (local.set $n (i32.sub (local.get $le) (local.get $s)))
    (local.set $r (i32.load8_u (i32.add (global.get $sigs) (i32.or
      (i32.shl (i32.and (local.get $n) (i32.const 63)) (i32.const 8))
      (i32.load8_u (i32.sub (local.get $le) (i32.const 1)))))))
    (block $none (loop $cand
      (br_if $none (i32.eqz (local.get $r)))
      (local.set $rec (i32.add (global.get $labels) (i32.shl (i32.sub (local.get $r) (i32.const 1)) (i32.const 7))))
      (if (i32.eq (i32.load8_u (local.get $rec)) (local.get $n)) (then
        (if (call $same (local.get $s) (i32.add (local.get $rec) (i32.const 4)) (local.get $n)) (then
          (return (local.get $r))))))
      (local.set $r (i32.load8_u offset=1 (local.get $rec)))
      (br $cand)))
    (i32.const 0))
  ;; [a, a + n) and [b, b + n) hold the same bytes: eight at a time, then one
  (func $same (param $a i32) (param $b i32) (param $n i32) (result i32)
    (block $bytes (loop $word
      (br_if $bytes (i32.lt_u (local.get $n) (i32.const 8)))
      (if (i64.ne (i64.load align=1 (local.get $a)) (i64.load align=1 (local.get $b))) (then (return (i32.const 0))))
      (local.set $a (i32.add (local.get $a) (i32.const 8)))
      (local.set $b (i32.add (local.get $b) (i32.const 8)))
      (local.set $n (i32.sub (local.get $n) (i32.const 8))) (br $word)))
    (block $done (loop $byte
      (br_if $done (i32.eqz (local.get $n)))
      (if (i32.ne (i32.load8_u (local.get $a)) (i32.load8_u (local.get $b))) (then (return (i32.const 0))))
      (local.set $a (i32.add (local.get $a) (i32.const 1)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1))) (br $byte)))
    (i32.const 1))
  ;; " received" at k (9 bytes before end): " receive" as one little-endian word, then 'd'
  (func $isReceived (param $k i32) (result i32)
    (i32.and
      (i64.eq (i64.load align=1 (local.get $k)) (i64.const 0x6576696563657220))
      (i32.eq (i32.load8_u offset=8 (local.get $k)) (i32.const 100))))
  ;; received(p, end): the start (not before p) of the first line with " received" in [p, end),
  ;; or end. Its 'r' and 'v' are compared at their places 16 places a step, so no byte's
  ;; frequency sets the speed; where both stand, the rest is compared.
  (func (export "received") (param $p i32) (param $end i32) (result i32)
    (local $from i32) (local $last i32) (local $m i32) (local $k i32)
    (local.set $from (local.get $p))
    (local.set $last (i32.sub (local.get $end) (i32.const 9)))
    (block $found
      (block $wide (loop $step
        ;; the 16 places p..p+15, their 'v' read up to p+21, each a needle ending before end
        (br_if $wide (i32.gt_s (i32.add (local.get $p) (i32.const 15)) (local.get $last)))
        (local.set $m (i8x16.bitmask (v128.and
          (i8x16.eq (v128.load offset=1 align=1 (local.get $p)) (v128.const i8x16 114 114 114 114 114 114 114 114 114 114 114 114 114 114 114 114))
          (i8x16.eq (v128.load offset=6 align=1 (local.get $p)) (v128.const i8x16 118 118 118 118 118 118 118 118 118 118 118 118 118 118 118 118)))))
        (block $none (loop $each
          (br_if $none (i32.eqz (local.get $m)))
          (local.set $k (i32.add (local.get $p) (i32.ctz (local.get $m))))
          (br_if $found (call $isReceived (local.get $k)))
          (local.set $m (i32.and (local.get $m) (i32.sub (local.get $m) (i32.const 1))))
          (br $each)))
        (local.set $p (i32.add (local.get $p) (i32.const 16))) (br $step)))
      (local.set $k (local.get $p))
      (block $none (loop $byte
        (br_if $none (i32.gt_s (local.get $k) (local.get $last)))
        (br_if $found (call $isReceived (local.get $k)))
        (local.set $k (i32.add (local.get $k) (i32.const 1))) (br $byte)))
      (return (local.get $end)))
    ;; back to the line's start, not before p (a header's " received" is a few dozen bytes in)
    (block $start (loop $back
      (br_if $start (i32.le_s (local.get $k) (local.get $from)))
      (br_if $start (i32.eq (i32.load8_u (i32.sub (local.get $k) (i32.const 1))) (i32.const 10)))
      (local.set $k (i32.sub (local.get $k) (i32.const 1))) (br $back)))
    (local.get $k))
  ;; header(s, e): the line [s, e) ends as lbmmon's printers end a header, in ", sent " and at
  ;; most 64 bytes of stamp (header.ts sentAt(): the last such, not at s): where that ", sent "
  ;; is, or -1; out[2] is then what the header table holds for [s, there) (find)
  (func (export "header") (param $s i32) (param $e i32) (result i32) (local $q i32) (local $lo i32)
    (local.set $q (i32.sub (local.get $e) (i32.const 7)))
    (local.set $lo (i32.sub (local.get $q) (i32.const 64)))
    (if (i32.le_s (local.get $lo) (local.get $s)) (then (local.set $lo (i32.add (local.get $s) (i32.const 1)))))
    (block $found (loop $back
      (if (i32.lt_s (local.get $q) (local.get $lo)) (then (return (i32.const -1))))
      ;; ", se" and "ent ": 2c 20 73 65, 65 6e 74 20
      (br_if $found (i32.and
        (i32.eq (i32.load align=1 (local.get $q)) (i32.const 0x6573202c))
        (i32.eq (i32.load offset=3 align=1 (local.get $q)) (i32.const 0x20746e65))))
      (local.set $q (i32.sub (local.get $q) (i32.const 1))) (br $back)))
    (i32.store offset=8 (global.get $out) (call $find (local.get $s) (local.get $q)))
    (local.get $q))
  ;; a key's hash: eight bytes a step, multiplied and turned (so every bit reaches the low ones
  ;; that pick a slot), then the bytes left, then mixed once more
  (func $hashOf (param $s i32) (param $n i32) (result i32) (local $h i64) (local $e i32)
    (local.set $h (i64.xor (i64.const 0xcbf29ce484222325) (i64.extend_i32_u (local.get $n))))
    (local.set $e (i32.add (local.get $s) (local.get $n)))
    (block $b (loop $w
      (br_if $b (i32.gt_u (i32.add (local.get $s) (i32.const 8)) (local.get $e)))
      (local.set $h (i64.rotl (i64.mul (i64.xor (local.get $h) (i64.load align=1 (local.get $s))) (i64.const 0x100000001b3)) (i64.const 27)))
      (local.set $s (i32.add (local.get $s) (i32.const 8))) (br $w)))
    (block $b (loop $t
      (br_if $b (i32.ge_u (local.get $s) (local.get $e)))
      (local.set $h (i64.rotl (i64.mul (i64.xor (local.get $h) (i64.load8_u (local.get $s))) (i64.const 0x100000001b3)) (i64.const 27)))
      (local.set $s (i32.add (local.get $s) (i32.const 1))) (br $t)))
    (local.set $h (i64.mul (i64.xor (local.get $h) (i64.shr_u (local.get $h) (i64.const 32))) (i64.const 0x9e3779b97f4a7c15)))
    (i32.wrap_i64 (i64.xor (local.get $h) (i64.shr_u (local.get $h) (i64.const 29)))))
  ;; find(s, e): the index stored with the key [s, e), or -1 (kept as the key insert() adds), or
  ;; -3 for a key of more than 1 KiB (never kept). A record: length, hash, index, 4 bytes unused,
  ;; the key's bytes (to a multiple of 8)
  (func $find (param $s i32) (param $e i32) (result i32) (local $n i32) (local $i i32) (local $r i32)
    (local.set $n (i32.sub (local.get $e) (local.get $s)))
    (if (i32.gt_u (local.get $n) (i32.const 1024)) (then (return (i32.const -3))))
    (global.set $hash (call $hashOf (local.get $s) (local.get $n)))
    (global.set $ks (local.get $s))
    (global.set $kn (local.get $n))
    (local.set $i (i32.and (global.get $hash) (i32.const 16383)))
    (loop $probe
      (local.set $r (i32.load (i32.add (global.get $slots) (i32.shl (local.get $i) (i32.const 2)))))
      (if (i32.eqz (local.get $r)) (then (return (i32.const -1))))
      (if (i32.and (i32.eq (i32.load (local.get $r)) (local.get $n)) (i32.eq (i32.load offset=4 (local.get $r)) (global.get $hash))) (then
        (if (call $same (local.get $s) (i32.add (local.get $r) (i32.const 16)) (local.get $n)) (then
          (return (i32.load offset=8 (local.get $r)))))))
      (local.set $i (i32.and (i32.add (local.get $i) (i32.const 1)) (i32.const 16383)))
      (br $probe))
    (i32.const -1))
  ;; insert(index): the key find() did not find last, stored with `index`; 0 when the table is
  ;; full (8,192 keys, half its slots, or its records' room): clear() it, then insert again
  (func (export "insert") (param $index i32) (result i32) (local $need i32) (local $i i32)
    (local.set $need (i32.add (i32.const 16) (i32.and (i32.add (global.get $kn) (i32.const 7)) (i32.const -8))))
    (if (i32.or (i32.ge_u (global.get $count) (i32.const 8192)) (i32.gt_u (i32.add (global.get $top) (local.get $need)) (global.get $limit))) (then
      (return (i32.const 0))))
    (i32.store (global.get $top) (global.get $kn))
    (i32.store offset=4 (global.get $top) (global.get $hash))
    (i32.store offset=8 (global.get $top) (local.get $index))
    (memory.copy (i32.add (global.get $top) (i32.const 16)) (global.get $ks) (global.get $kn))
    (local.set $i (i32.and (global.get $hash) (i32.const 16383)))
    (block $free (loop $probe
      (br_if $free (i32.eqz (i32.load (i32.add (global.get $slots) (i32.shl (local.get $i) (i32.const 2))))))
      (local.set $i (i32.and (i32.add (local.get $i) (i32.const 1)) (i32.const 16383)))
      (br $probe)))
    (i32.store (i32.add (global.get $slots) (i32.shl (local.get $i) (i32.const 2))) (global.get $top))
    (global.set $top (i32.add (global.get $top) (local.get $need)))
    (global.set $count (i32.add (global.get $count) (i32.const 1)))
    (i32.const 1))
  (func (export "clear")
    (memory.fill (global.get $slots) (i32.const 0) (i32.const 65536))
    (global.set $top (global.get $records))
    (global.set $count (i32.const 0)))
)
