;; SGD's momentum step in wasm SIMD on tfjs-wasm's own memory, as the composed tfjs ops compute it (IEEE float32
;; operations in their order, so the same bits): d = grad + param·weightDecay (grad itself when weightDecay is 0),
;; buffer' = buffer·momentum + d, param' = param − buffer'·lr. Pointers are byte offsets into that memory.
;; Assembled into momentum-wasm.ts by scripts/assemble-wat.js (a test checks that it is current).
(module
  (memory (import "env" "memory") 1)

  (func (export "momentum")
    (param $param i32) (param $grad i32) (param $buffer i32) (param $newBuffer i32) (param $newParam i32)
    (param $count i32) (param $lr f32) (param $momentum f32) (param $weightDecay f32)
    (local $at i32) (local $vec i32) (local $end i32) (local $decay i32)
    (local $d v128) (local $b v128) (local $sd f32) (local $sb f32)
    (local.set $decay (f32.ne (local.get $weightDecay) (f32.const 0)))
    (local.set $end (i32.shl (local.get $count) (i32.const 2)))
    (local.set $vec (i32.and (local.get $end) (i32.const -16)))
    (block $vdone (loop $v
      (br_if $vdone (i32.ge_u (local.get $at) (local.get $vec)))
      (local.set $d (v128.load (i32.add (local.get $grad) (local.get $at))))
      (if (local.get $decay)
        (then
          (local.set $d
            (f32x4.add (local.get $d)
              (f32x4.mul (v128.load (i32.add (local.get $param) (local.get $at))) (f32x4.splat (local.get $weightDecay)))))))
      (local.set $b
        (f32x4.add
          (f32x4.mul (v128.load (i32.add (local.get $buffer) (local.get $at))) (f32x4.splat (local.get $momentum)))
          (local.get $d)))
      (v128.store (i32.add (local.get $newBuffer) (local.get $at)) (local.get $b))
      (v128.store (i32.add (local.get $newParam) (local.get $at))
        (f32x4.sub (v128.load (i32.add (local.get $param) (local.get $at)))
                   (f32x4.mul (local.get $b) (f32x4.splat (local.get $lr)))))
      (local.set $at (i32.add (local.get $at) (i32.const 16)))
      (br $v)))
    (block $sdone (loop $s
      (br_if $sdone (i32.ge_u (local.get $at) (local.get $end)))
      (local.set $sd (f32.load (i32.add (local.get $grad) (local.get $at))))
      (if (local.get $decay)
        (then
          (local.set $sd
            (f32.add (local.get $sd)
              (f32.mul (f32.load (i32.add (local.get $param) (local.get $at))) (local.get $weightDecay))))))
      (local.set $sb
        (f32.add (f32.mul (f32.load (i32.add (local.get $buffer) (local.get $at))) (local.get $momentum)) (local.get $sd)))
      (f32.store (i32.add (local.get $newBuffer) (local.get $at)) (local.get $sb))
      (f32.store (i32.add (local.get $newParam) (local.get $at))
        (f32.sub (f32.load (i32.add (local.get $param) (local.get $at))) (f32.mul (local.get $sb) (local.get $lr))))
      (local.set $at (i32.add (local.get $at) (i32.const 4)))
      (br $s))))
)
