;; Training batch norm's elementwise steps over NHWC rows of `channels` floats, in wasm SIMD on tfjs-wasm's own
;; memory (imported): every operation is an IEEE float32 operation in the order of the composed tfjs ops, so the
;; outputs equal theirs bit for bit. Pointers are byte offsets into that memory; per-channel vectors have
;; `channels` floats. Channels are taken four at a time, the last channels % 4 one at a time.
;; Assembled into batch-norm-wasm.ts by scripts/assemble-wat.js (a test checks that it is current).
(module
  (memory (import "env" "memory") 1)

  ;; step(v) as tfjs computes it: 1 where v > 0, NaN where v is NaN, 0 elsewhere.
  (func $step4 (param $v v128) (result v128)
    (v128.bitselect
      (local.get $v)
      (v128.bitselect (f32x4.splat (f32.const 1)) (f32x4.splat (f32.const 0)) (f32x4.gt (local.get $v) (f32x4.splat (f32.const 0))))
      (f32x4.ne (local.get $v) (local.get $v))))
  (func $step (param $v f32) (result f32)
    (if (result f32) (f32.ne (local.get $v) (local.get $v))
      (then (local.get $v))
      (else (select (f32.const 1) (f32.const 0) (f32.gt (local.get $v) (f32.const 0))))))

  ;; The activation's gradient mask at z: 0 linear (unused), 1 relu: step(z), 2 relu6: step(z) - step(z - 6).
  (func $mask4 (param $z v128) (param $activation i32) (result v128)
    (if (result v128) (i32.eq (local.get $activation) (i32.const 1))
      (then (call $step4 (local.get $z)))
      (else (f32x4.sub (call $step4 (local.get $z)) (call $step4 (f32x4.sub (local.get $z) (f32x4.splat (f32.const 6))))))))
  (func $mask (param $z f32) (param $activation i32) (result f32)
    (if (result f32) (i32.eq (local.get $activation) (i32.const 1))
      (then (call $step (local.get $z)))
      (else (f32.sub (call $step (local.get $z)) (call $step (f32.sub (local.get $z) (f32.const 6)))))))

  ;; y = ((x - mean) * invStd) * gamma + beta
  (func (export "apply")
    (param $x i32) (param $mean i32) (param $invStd i32) (param $gamma i32) (param $beta i32) (param $y i32)
    (param $positions i32) (param $channels i32)
    (local $row i32) (local $end i32) (local $k i32) (local $vec i32) (local $bytes i32)
    (local.set $bytes (i32.shl (local.get $channels) (i32.const 2)))
    (local.set $vec (i32.and (local.get $bytes) (i32.const -16)))
    (local.set $end (i32.mul (local.get $positions) (local.get $bytes)))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $row) (local.get $end)))
      (local.set $k (i32.const 0))
      (block $vdone (loop $v
        (br_if $vdone (i32.ge_u (local.get $k) (local.get $vec)))
        (v128.store (i32.add (local.get $y) (i32.add (local.get $row) (local.get $k)))
          (f32x4.add
            (f32x4.mul
              (f32x4.mul
                (f32x4.sub (v128.load (i32.add (local.get $x) (i32.add (local.get $row) (local.get $k))))
                           (v128.load (i32.add (local.get $mean) (local.get $k))))
                (v128.load (i32.add (local.get $invStd) (local.get $k))))
              (v128.load (i32.add (local.get $gamma) (local.get $k))))
            (v128.load (i32.add (local.get $beta) (local.get $k)))))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $v)))
      (block $sdone (loop $s
        (br_if $sdone (i32.ge_u (local.get $k) (local.get $bytes)))
        (f32.store (i32.add (local.get $y) (i32.add (local.get $row) (local.get $k)))
          (f32.add
            (f32.mul
              (f32.mul
                (f32.sub (f32.load (i32.add (local.get $x) (i32.add (local.get $row) (local.get $k))))
                         (f32.load (i32.add (local.get $mean) (local.get $k))))
                (f32.load (i32.add (local.get $invStd) (local.get $k))))
              (f32.load (i32.add (local.get $gamma) (local.get $k))))
            (f32.load (i32.add (local.get $beta) (local.get $k)))))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $s)))
      (local.set $row (i32.add (local.get $row) (local.get $bytes)))
      (br $rows))))

  ;; xh = (x - mean) * invStd; dz = dy * mask(xh * gamma + beta) (dy for linear); t = dz * xh
  (func (export "dz")
    (param $dy i32) (param $x i32) (param $mean i32) (param $invStd i32) (param $gamma i32) (param $beta i32)
    (param $dz i32) (param $t i32) (param $positions i32) (param $channels i32) (param $activation i32)
    (local $row i32) (local $end i32) (local $k i32) (local $vec i32) (local $bytes i32) (local $at i32)
    (local $xh v128) (local $g v128) (local $sxh f32) (local $sg f32)
    (local.set $bytes (i32.shl (local.get $channels) (i32.const 2)))
    (local.set $vec (i32.and (local.get $bytes) (i32.const -16)))
    (local.set $end (i32.mul (local.get $positions) (local.get $bytes)))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $row) (local.get $end)))
      (local.set $k (i32.const 0))
      (block $vdone (loop $v
        (br_if $vdone (i32.ge_u (local.get $k) (local.get $vec)))
        (local.set $at (i32.add (local.get $row) (local.get $k)))
        (local.set $xh
          (f32x4.mul
            (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $at)))
                       (v128.load (i32.add (local.get $mean) (local.get $k))))
            (v128.load (i32.add (local.get $invStd) (local.get $k)))))
        (local.set $g (v128.load (i32.add (local.get $dy) (local.get $at))))
        (if (local.get $activation)
          (then
            (local.set $g
              (f32x4.mul (local.get $g)
                (call $mask4
                  (f32x4.add
                    (f32x4.mul (local.get $xh) (v128.load (i32.add (local.get $gamma) (local.get $k))))
                    (v128.load (i32.add (local.get $beta) (local.get $k))))
                  (local.get $activation))))))
        (v128.store (i32.add (local.get $dz) (local.get $at)) (local.get $g))
        (v128.store (i32.add (local.get $t) (local.get $at)) (f32x4.mul (local.get $g) (local.get $xh)))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $v)))
      (block $sdone (loop $s
        (br_if $sdone (i32.ge_u (local.get $k) (local.get $bytes)))
        (local.set $at (i32.add (local.get $row) (local.get $k)))
        (local.set $sxh
          (f32.mul
            (f32.sub (f32.load (i32.add (local.get $x) (local.get $at)))
                     (f32.load (i32.add (local.get $mean) (local.get $k))))
            (f32.load (i32.add (local.get $invStd) (local.get $k)))))
        (local.set $sg (f32.load (i32.add (local.get $dy) (local.get $at))))
        (if (local.get $activation)
          (then
            (local.set $sg
              (f32.mul (local.get $sg)
                (call $mask
                  (f32.add
                    (f32.mul (local.get $sxh) (f32.load (i32.add (local.get $gamma) (local.get $k))))
                    (f32.load (i32.add (local.get $beta) (local.get $k))))
                  (local.get $activation))))))
        (f32.store (i32.add (local.get $dz) (local.get $at)) (local.get $sg))
        (f32.store (i32.add (local.get $t) (local.get $at)) (f32.mul (local.get $sg) (local.get $sxh)))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $s)))
      (local.set $row (i32.add (local.get $row) (local.get $bytes)))
      (br $rows))))

  ;; dx = ((dz * count - dBeta) - ((x - mean) * invStd) * dGamma) * factor
  (func (export "dx")
    (param $dz i32) (param $x i32) (param $mean i32) (param $invStd i32) (param $dBeta i32) (param $dGamma i32)
    (param $factor i32) (param $dx i32) (param $positions i32) (param $channels i32) (param $count f32)
    (local $row i32) (local $end i32) (local $k i32) (local $vec i32) (local $bytes i32) (local $at i32)
    (local $n v128)
    (local.set $n (f32x4.splat (local.get $count)))
    (local.set $bytes (i32.shl (local.get $channels) (i32.const 2)))
    (local.set $vec (i32.and (local.get $bytes) (i32.const -16)))
    (local.set $end (i32.mul (local.get $positions) (local.get $bytes)))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $row) (local.get $end)))
      (local.set $k (i32.const 0))
      (block $vdone (loop $v
        (br_if $vdone (i32.ge_u (local.get $k) (local.get $vec)))
        (local.set $at (i32.add (local.get $row) (local.get $k)))
        (v128.store (i32.add (local.get $dx) (local.get $at))
          (f32x4.mul
            (f32x4.sub
              (f32x4.sub
                (f32x4.mul (v128.load (i32.add (local.get $dz) (local.get $at))) (local.get $n))
                (v128.load (i32.add (local.get $dBeta) (local.get $k))))
              (f32x4.mul
                (f32x4.mul
                  (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $at)))
                             (v128.load (i32.add (local.get $mean) (local.get $k))))
                  (v128.load (i32.add (local.get $invStd) (local.get $k))))
                (v128.load (i32.add (local.get $dGamma) (local.get $k)))))
            (v128.load (i32.add (local.get $factor) (local.get $k)))))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $v)))
      (block $sdone (loop $s
        (br_if $sdone (i32.ge_u (local.get $k) (local.get $bytes)))
        (local.set $at (i32.add (local.get $row) (local.get $k)))
        (f32.store (i32.add (local.get $dx) (local.get $at))
          (f32.mul
            (f32.sub
              (f32.sub
                (f32.mul (f32.load (i32.add (local.get $dz) (local.get $at))) (local.get $count))
                (f32.load (i32.add (local.get $dBeta) (local.get $k))))
              (f32.mul
                (f32.mul
                  (f32.sub (f32.load (i32.add (local.get $x) (local.get $at)))
                           (f32.load (i32.add (local.get $mean) (local.get $k))))
                  (f32.load (i32.add (local.get $invStd) (local.get $k))))
                (f32.load (i32.add (local.get $dGamma) (local.get $k)))))
            (f32.load (i32.add (local.get $factor) (local.get $k)))))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $s)))
      (local.set $row (i32.add (local.get $row) (local.get $bytes)))
      (br $rows)))))
