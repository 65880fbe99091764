import type { MomentumUpdateAttrs } from '@ssd/solver';
import type { DataType, KernelBackend, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { momentumSimd } from './simd/momentum-simd';

/** The wasm backend's allocation of an uninitialised output, and views of its memory. */
interface WasmBackendLike extends KernelBackend {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

const f32 = Math.fround;

/**
 * SGD's momentum step (@ssd/solver's SGD_MOMENTUM_UPDATE) in one pass over wasm's memory where the composed ops
 * take six kernel calls per parameter: buffer' = buffer·m + (grad + param·wd), param' = param − buffer'·lr, each
 * operation rounded to float32 in the composed ops' order (wd 0 adds nothing, as SGD skips that op), so the
 * same bits. wasm SIMD where its module runs, else this loop.
 */
export const momentumUpdate: KernelFunc = ({ inputs, attrs, backend }) => {
  const { param, grad, buffer } = inputs as Record<'param' | 'grad' | 'buffer', TensorInfo>;
  for (const [name, t] of Object.entries({ param, grad, buffer })) {
    if (t.dtype !== 'float32') throw new Error(`SsdSgdMomentumUpdate: ${name} must be float32`);
  }
  const { lr, momentum, weightDecay } = attrs as unknown as MomentumUpdateAttrs;
  const wasm = backend as WasmBackendLike;
  const out = [wasm.makeOutput(param.shape, 'float32'), wasm.makeOutput(param.shape, 'float32')];
  const [p, g, b, nb, np] = [param, grad, buffer, ...out].map((t) =>
    wasm.typedArrayFromHeap(t),
  ) as Float32Array[];
  const simd = momentumSimd(backend);
  if (simd) {
    simd.momentum(
      p!.byteOffset,
      g!.byteOffset,
      b!.byteOffset,
      nb!.byteOffset,
      np!.byteOffset,
      p!.length,
      lr,
      momentum,
      weightDecay,
    );
    return out;
  }
  momentumLoop(p!, g!, b!, nb!, np!, { lr, momentum, weightDecay });
  return out;
};

/** The momentum step's loop in JavaScript, where the SIMD module cannot run. */
export function momentumLoop(
  p: Float32Array,
  g: Float32Array,
  b: Float32Array,
  newBuffer: Float32Array,
  newParam: Float32Array,
  { lr, momentum, weightDecay }: MomentumUpdateAttrs,
): void {
  const [rate, m, wd] = [f32(lr), f32(momentum), f32(weightDecay)];
  for (let i = 0; i < p.length; i++) {
    const d = wd !== 0 ? f32(g[i]! + f32(p[i]! * wd)) : g[i]!;
    const next = f32(f32(b[i]! * m) + d);
    newBuffer[i] = next;
    newParam[i] = p[i]! - f32(next * rate);
  }
}
