/**
 * Weight initialisers with PyTorch's semantics. Fans are those PyTorch computes from its own shape of the
 * layer's weight (conv: [out, in/groups, kh, kw]; linear: [out, in]); values are i.i.d., so they are generated
 * directly in the tfjs layout.
 */
import type { Rng } from '@ssd/random';

/** What an initialiser needs to know: the element count and the fans of the layer the tensor belongs to. */
export interface InitSpec {
  /** Number of values to produce. */
  readonly size: number;
  /** fan_in of the owning layer's weight (PyTorch definition). */
  readonly fanIn: number;
  /** fan_out of the owning layer's weight (PyTorch definition). */
  readonly fanOut: number;
}

/** Produces the initial values of one tensor. */
export type Initializer = (spec: InitSpec, rng: Rng) => Float32Array;

/** PyTorch's fan_in and fan_out of a weight with PyTorch shape `torchShape`. */
export function computeFans(torchShape: readonly number[]): { fanIn: number; fanOut: number } {
  if (torchShape.length < 2) return { fanIn: torchShape[0] ?? 1, fanOut: torchShape[0] ?? 1 };
  const receptive = torchShape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: torchShape[1] * receptive, fanOut: torchShape[0] * receptive };
}

/** All zeros (biases, BatchNorm shift and running mean). */
export const zeros: Initializer = ({ size }) => new Float32Array(size);

/** A constant (BatchNorm scale 1, L2Norm scale 20). */
export function constant(value: number): Initializer {
  return ({ size }) => new Float32Array(size).fill(value);
}

/** nn.init.xavier_uniform_: U(-a, a) with a = sqrt(6 / (fan_in + fan_out)). */
export const xavierUniform: Initializer = ({ size, fanIn, fanOut }, rng) => {
  const a = Math.sqrt(6 / (fanIn + fanOut));
  return rng.uniformValues(size, -a, a);
};

/** nn.init.kaiming_normal_(mode='fan_out') with the ReLU gain: N(0, sqrt(2 / fan_out)). */
export const kaimingNormalFanOut: Initializer = ({ size, fanOut }, rng) =>
  rng.normalValues(size, 0, Math.sqrt(2 / fanOut));

/** nn.init.normal_(mean, std). */
export function normal(mean: number, std: number): Initializer {
  return ({ size }, rng) => rng.normalValues(size, mean, std);
}

/**
 * PyTorch's default for nn.Conv2d / nn.Linear weights and biases: kaiming_uniform_(a=sqrt(5)) for the weight
 * and U(±1/sqrt(fan_in)) for the bias both reduce to U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
 */
export const torchDefaultUniform: Initializer = ({ size, fanIn }, rng) => {
  const bound = 1 / Math.sqrt(fanIn);
  return rng.uniformValues(size, -bound, bound);
};
