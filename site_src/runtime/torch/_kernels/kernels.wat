;; WebAssembly SIMD kernels for the in-browser torch (assembled into kernels.wasm by the wheel build; driven by
;; kernels.js). They keep reference.py's arithmetic exactly: each output element is a sum in a double, its terms
;; added in reference.py's order, rounded to float32 once. SIMD only puts two outputs' sums side by side in one
;; f64x2 (two columns j, j+1): each lane still adds its own terms one at a time, in order.
;; Pointers are byte offsets into this module's memory, which kernels.js fills and reads.
(module
  (memory (export "memory") 1)

;; out (m, n) f32 = a (m, k) @ b (k, n), b row-major; a's element (i, p) is at a + 4 * (i * aI + p * aP).
  ;; out[i, j] = f32(sum over p ascending of a[i, p] * b[p, j], from +0, plus bias[i] when bias != 0), as
  ;; reference.py's matmul (a float32 product is exact in a double, so mul then add is its exact step).
  ;; Tiles of 2 rows x 8 columns keep their 16 sums in registers (8 f64x2) while p runs; the rows and columns
  ;; left over at the edges are summed one output at a time (edge), in the same order.
  (func (export "matmul")
        (param $out i32) (param $a i32) (param $b i32) (param $bias i32)
        (param $m i32) (param $k i32) (param $n i32) (param $aI i32) (param $aP i32)
    (local $i i32) (local $j i32) (local $p i32) (local $pa i32) (local $bp i32) (local $o0 i32) (local $o1 i32)
    (local $x0 v128) (local $x1 v128) (local $bias0 v128) (local $bias1 v128)
    (local $r0c0 v128) (local $r0c1 v128) (local $r0c2 v128) (local $r0c3 v128) (local $r1c0 v128) (local $r1c1 v128) (local $r1c2 v128) (local $r1c3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (block $rows_done (loop $rows
      (br_if $rows_done (i32.gt_u (i32.add (local.get $i) (i32.const 2)) (local.get $m)))
      (local.set $bias0 (f64x2.splat (call $bias_of (local.get $bias) (local.get $i))))
      (local.set $bias1 (f64x2.splat (call $bias_of (local.get $bias) (i32.add (local.get $i) (i32.const 1)))))
      (local.set $j (i32.const 0))
      (block $cols_done (loop $cols
        (br_if $cols_done (i32.gt_u (i32.add (local.get $j) (i32.const 8)) (local.get $n)))
          (local.set $r0c0 (v128.const i64x2 0 0))
          (local.set $r0c1 (v128.const i64x2 0 0))
          (local.set $r0c2 (v128.const i64x2 0 0))
          (local.set $r0c3 (v128.const i64x2 0 0))
          (local.set $r1c0 (v128.const i64x2 0 0))
          (local.set $r1c1 (v128.const i64x2 0 0))
          (local.set $r1c2 (v128.const i64x2 0 0))
          (local.set $r1c3 (v128.const i64x2 0 0))
        (local.set $pa (i32.add (local.get $a) (i32.shl (i32.mul (local.get $i) (local.get $aI)) (i32.const 2))))
        (local.set $bp (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $p (i32.const 0))
        (block $terms_done (loop $terms
          (br_if $terms_done (i32.ge_u (local.get $p) (local.get $k)))
          (local.set $x0 (f64x2.splat (f64.promote_f32 (f32.load (local.get $pa)))))
          (local.set $x1 (f64x2.splat (f64.promote_f32 (f32.load
            (i32.add (local.get $pa) (i32.shl (local.get $aI) (i32.const 2)))))))
            (local.set $b0 (f64x2.promote_low_f32x4 (v128.load64_zero offset=0 (local.get $bp))))
            (local.set $r0c0 (f64x2.add (local.get $r0c0) (f64x2.mul (local.get $x0) (local.get $b0))))
            (local.set $r1c0 (f64x2.add (local.get $r1c0) (f64x2.mul (local.get $x1) (local.get $b0))))
            (local.set $b1 (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (local.get $bp))))
            (local.set $r0c1 (f64x2.add (local.get $r0c1) (f64x2.mul (local.get $x0) (local.get $b1))))
            (local.set $r1c1 (f64x2.add (local.get $r1c1) (f64x2.mul (local.get $x1) (local.get $b1))))
            (local.set $b2 (f64x2.promote_low_f32x4 (v128.load64_zero offset=16 (local.get $bp))))
            (local.set $r0c2 (f64x2.add (local.get $r0c2) (f64x2.mul (local.get $x0) (local.get $b2))))
            (local.set $r1c2 (f64x2.add (local.get $r1c2) (f64x2.mul (local.get $x1) (local.get $b2))))
            (local.set $b3 (f64x2.promote_low_f32x4 (v128.load64_zero offset=24 (local.get $bp))))
            (local.set $r0c3 (f64x2.add (local.get $r0c3) (f64x2.mul (local.get $x0) (local.get $b3))))
            (local.set $r1c3 (f64x2.add (local.get $r1c3) (f64x2.mul (local.get $x1) (local.get $b3))))
          (local.set $pa (i32.add (local.get $pa) (i32.shl (local.get $aP) (i32.const 2))))
          (local.set $bp (i32.add (local.get $bp) (i32.shl (local.get $n) (i32.const 2))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $terms)))
        (local.set $o0 (i32.add (local.get $out)
          (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2))))
        (local.set $o1 (i32.add (local.get $o0) (i32.shl (local.get $n) (i32.const 2))))
          (v128.store64_lane offset=0 0 (local.get $o0)
            (f32x4.demote_f64x2_zero (f64x2.add (local.get $r0c0) (local.get $bias0))))
          (v128.store64_lane offset=8 0 (local.get $o0)
            (f32x4.demote_f64x2_zero (f64x2.add (local.get $r0c1) (local.get $bias0))))
          (v128.store64_lane offset=16 0 (local.get $o0)
            (f32x4.demote_f64x2_zero (f64x2.add (local.get $r0c2) (local.get $bias0))))
          (v128.store64_lane offset=24 0 (local.get $o0)
            (f32x4.demote_f64x2_zero (f64x2.add (local.get $r0c3) (local.get $bias0))))
          (v128.store64_lane offset=0 0 (local.get $o1)
            (f32x4.demote_f64x2_zero (f64x2.add (local.get $r1c0) (local.get $bias1))))
          (v128.store64_lane offset=8 0 (local.get $o1)
            (f32x4.demote_f64x2_zero (f64x2.add (local.get $r1c1) (local.get $bias1))))
          (v128.store64_lane offset=16 0 (local.get $o1)
            (f32x4.demote_f64x2_zero (f64x2.add (local.get $r1c2) (local.get $bias1))))
          (v128.store64_lane offset=24 0 (local.get $o1)
            (f32x4.demote_f64x2_zero (f64x2.add (local.get $r1c3) (local.get $bias1))))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $cols)))
      (call $edge (local.get $out) (local.get $a) (local.get $b) (local.get $bias) (local.get $i)
            (i32.add (local.get $i) (i32.const 2)) (local.get $j) (local.get $k) (local.get $n) (local.get $aI)
            (local.get $aP))
      (local.set $i (i32.add (local.get $i) (i32.const 2)))
      (br $rows)))
    (call $edge (local.get $out) (local.get $a) (local.get $b) (local.get $bias) (local.get $i) (local.get $m)
          (i32.const 0) (local.get $k) (local.get $n) (local.get $aI) (local.get $aP))
  )

  ;; matmul's outputs in rows [i, iEnd) and columns [j, n), one at a time.
  (func $edge (param $out i32) (param $a i32) (param $b i32) (param $bias i32) (param $i i32) (param $iEnd i32)
              (param $j0 i32) (param $k i32) (param $n i32) (param $aI i32) (param $aP i32)
    (local $j i32) (local $p i32) (local $pa i32) (local $bp i32) (local $acc f64)
    (block $rows_done (loop $rows
      (br_if $rows_done (i32.ge_u (local.get $i) (local.get $iEnd)))
      (local.set $j (local.get $j0))
      (block $cols_done (loop $cols
        (br_if $cols_done (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $acc (f64.const 0))
        (local.set $pa (i32.add (local.get $a) (i32.shl (i32.mul (local.get $i) (local.get $aI)) (i32.const 2))))
        (local.set $bp (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $p (i32.const 0))
        (block $terms_done (loop $terms
          (br_if $terms_done (i32.ge_u (local.get $p) (local.get $k)))
          (local.set $acc (f64.add (local.get $acc)
            (f64.mul (f64.promote_f32 (f32.load (local.get $pa))) (f64.promote_f32 (f32.load (local.get $bp))))))
          (local.set $pa (i32.add (local.get $pa) (i32.shl (local.get $aP) (i32.const 2))))
          (local.set $bp (i32.add (local.get $bp) (i32.shl (local.get $n) (i32.const 2))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $terms)))
        (f32.store (i32.add (local.get $out)
                            (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2)))
          (f32.demote_f64 (f64.add (local.get $acc) (call $bias_of (local.get $bias) (local.get $i)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $cols)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows)))
  )

  ;; bias[i] as a double, or 0 when there is no bias (its pointer is 0): adding +0 leaves every sum as it is
  ;; (a sum from +0 is never -0).
  (func $bias_of (param $bias i32) (param $i i32) (result f64)
    (if (result f64) (local.get $bias)
      (then (f64.promote_f32 (f32.load (i32.add (local.get $bias) (i32.shl (local.get $i) (i32.const 2))))))
      (else (f64.const 0))))

  ;; dst (cols, rows) f32 = transpose of src (rows, cols) f32.
  (func (export "transpose") (param $dst i32) (param $src i32) (param $rows i32) (param $cols i32)
    (local $r i32) (local $c i32) (local $from i32)
    (block $done (loop $row
      (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $from (i32.add (local.get $src) (i32.shl (i32.mul (local.get $r) (local.get $cols)) (i32.const 2))))
      (local.set $c (i32.const 0))
      (block $row_done (loop $col
        (br_if $row_done (i32.ge_u (local.get $c) (local.get $cols)))
        (f32.store
          (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $rows)) (local.get $r))
                                             (i32.const 2)))
          (f32.load (i32.add (local.get $from) (i32.shl (local.get $c) (i32.const 2)))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $col)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $row)))
  )
)
