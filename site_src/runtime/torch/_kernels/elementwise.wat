;; WebAssembly SIMD elementwise kernels over Pyodide's own memory (imported), for the ops whose JavaScript loop
;; branches on each element's sign (relu and its gradient: random signs defeat the branch predictor, 4x slower).
;; reference.py's ELEMENTWISE entries of the same names, four floats at a time, branch-free: the comparison makes
;; a lane mask and bitselect keeps x or puts +0. Pointers are byte addresses of Python array buffers.
(module
  (import "env" "memory" (memory 0))

  ;; out[i] = x[i] < 0 ? 0 : x[i]  (-0 and NaN stay, as ATen's clamp_min(x, 0))
  (func (export "relu") (param $n i32) (param $out i32) (param $x i32)
    (local $i i32) (local $end i32) (local $v v128) (local $s f32)
    (local.set $end (i32.and (local.get $n) (i32.const -4)))
    (block $vectors_done (loop $vectors
      (br_if $vectors_done (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $v (v128.load align=4 (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))))
      (v128.store align=4 (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
        (v128.bitselect (v128.const i32x4 0 0 0 0) (local.get $v)
                        (f32x4.lt (local.get $v) (v128.const f32x4 0 0 0 0))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $vectors)))
    (block $done (loop $tail
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $s (f32.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))))
      (f32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
        (select (f32.const 0) (local.get $s) (f32.lt (local.get $s) (f32.const 0))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $tail))))

  ;; out[i] = result[i] <= 0 ? 0 : grad[i]  (threshold_backward: a NaN result lets the gradient through)
  (func (export "relu_backward") (param $n i32) (param $out i32) (param $grad i32) (param $result i32)
    (local $i i32) (local $end i32) (local $at i32) (local $s f32)
    (local.set $end (i32.and (local.get $n) (i32.const -4)))
    (block $vectors_done (loop $vectors
      (br_if $vectors_done (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $at (i32.shl (local.get $i) (i32.const 2)))
      (v128.store align=4 (i32.add (local.get $out) (local.get $at))
        (v128.bitselect (v128.const i32x4 0 0 0 0) (v128.load align=4 (i32.add (local.get $grad) (local.get $at)))
                        (f32x4.le (v128.load align=4 (i32.add (local.get $result) (local.get $at)))
                                  (v128.const f32x4 0 0 0 0))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $vectors)))
    (block $done (loop $tail
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $at (i32.shl (local.get $i) (i32.const 2)))
      (local.set $s (f32.load (i32.add (local.get $result) (local.get $at))))
      (f32.store (i32.add (local.get $out) (local.get $at))
        (select (f32.const 0) (f32.load (i32.add (local.get $grad) (local.get $at)))
                (f32.le (local.get $s) (f32.const 0))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $tail))))
)
