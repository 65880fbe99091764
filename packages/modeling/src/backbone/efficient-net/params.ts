/**
 * EfficientNet's architecture tables: the B0 block list, the shared hyper-parameters, the per-variant width and
 * depth multipliers, and what SSD taps and appends for each variant the reference supports (only B3).
 */
import { makeDivisible } from '../make-divisible';

/** One stage of MBConv blocks (the reference's BlockArgs), or one block once stages are expanded. */
export interface MBConvBlockArgs {
  readonly kernelSize: number;
  readonly numRepeat: number;
  readonly inputFilters: number;
  readonly outputFilters: number;
  readonly expandRatio: number;
  /** Whether the block may add its input back (the reference's `id_skip`, false for 'noskip'). */
  readonly idSkip: boolean;
  readonly stride: 1 | 2;
  /** Squeeze-and-excitation width as a fraction of the input filters; null for none. */
  readonly seRatio: number | null;
}

/** Hyper-parameters shared by all blocks (the reference's GlobalParams, less the classifier's). */
export interface EfficientNetGlobalParams {
  /** TensorFlow convention: weight of the old running statistic (PyTorch momentum = 1 - this). */
  readonly batchNormMomentum: number;
  readonly batchNormEpsilon: number;
  /** Drop-connect rate of the last block; block i uses rate · i / number of blocks (training only). */
  readonly dropConnectRate: number;
  readonly widthCoefficient: number;
  readonly depthCoefficient: number;
  readonly depthDivisor: number;
  /** Smallest width after rounding; null means `depthDivisor`. */
  readonly minDepth: number | null;
}

/** A conv of an SSD extra layer: in, out, kernel, stride, padding (each followed by ReLU). */
export type ExtraConvSpec = readonly [number, number, number, number, number];

/** What SSD needs from one EfficientNet variant. */
export interface EfficientNetVariant {
  readonly widthCoefficient: number;
  readonly depthCoefficient: number;
  /** Blocks whose outputs are feature maps. */
  readonly featureBlocks: readonly number[];
  /** Extra layers after the last block, each a feature map. */
  readonly extras: ReadonlyArray<readonly ExtraConvSpec[]>;
}

function stage(
  numRepeat: number,
  kernelSize: number,
  stride: 1 | 2,
  expandRatio: number,
  inputFilters: number,
  outputFilters: number,
): MBConvBlockArgs {
  return {
    kernelSize,
    numRepeat,
    inputFilters,
    outputFilters,
    expandRatio,
    idSkip: true,
    stride,
    seRatio: 0.25,
  };
}

/** EfficientNet-B0's stages (repeats, kernel, stride, expansion, in, out; all with SE 0.25). */
export const EFFICIENT_NET_B0_STAGES: readonly MBConvBlockArgs[] = [
  stage(1, 3, 1, 1, 32, 16),
  stage(2, 3, 2, 6, 16, 24),
  stage(2, 5, 2, 6, 24, 40),
  stage(3, 3, 2, 6, 40, 80),
  stage(3, 5, 1, 6, 80, 112),
  stage(4, 5, 2, 6, 112, 192),
  stage(1, 3, 1, 6, 192, 320),
];

/** SSD's EfficientNet variants by the reference's model name. */
export const EFFICIENT_NET_VARIANTS: Readonly<Record<string, EfficientNetVariant>> = {
  'efficientnet-b3': {
    widthCoefficient: 1.2,
    depthCoefficient: 1.4,
    featureBlocks: [7, 17, 25],
    extras: [
      [
        [384, 128, 1, 1, 0],
        [128, 256, 3, 2, 1],
      ],
      [
        [256, 128, 1, 1, 0],
        [128, 256, 3, 1, 0],
      ],
      [
        [256, 128, 1, 1, 0],
        [128, 256, 3, 1, 0],
      ],
    ],
  },
};

/** The hyper-parameters of a variant (every variant shares BN 0.99 / 1e-3 and drop-connect 0.2). */
export function efficientNetGlobalParams(variant: EfficientNetVariant): EfficientNetGlobalParams {
  return {
    batchNormMomentum: 0.99,
    batchNormEpsilon: 1e-3,
    dropConnectRate: 0.2,
    widthCoefficient: variant.widthCoefficient,
    depthCoefficient: variant.depthCoefficient,
    depthDivisor: 8,
    minDepth: null,
  };
}

/** A width scaled by the width coefficient and rounded to the depth divisor (the reference's round_filters). */
export function roundFilters(filters: number, params: EfficientNetGlobalParams): number {
  return makeDivisible(
    filters * params.widthCoefficient,
    params.depthDivisor,
    params.minDepth ?? params.depthDivisor,
  );
}

/** A stage's repeat count scaled by the depth coefficient, rounded up (the reference's round_repeats). */
export function roundRepeats(repeats: number, params: EfficientNetGlobalParams): number {
  return Math.ceil(params.depthCoefficient * repeats);
}

/**
 * Every block of the scaled network in order: each stage's first block keeps its stride and input width, the
 * repeats take stride 1 and the stage's output width as input.
 */
export function expandBlocks(
  stages: readonly MBConvBlockArgs[],
  params: EfficientNetGlobalParams,
): MBConvBlockArgs[] {
  const blocks: MBConvBlockArgs[] = [];
  for (const s of stages) {
    const scaled: MBConvBlockArgs = {
      ...s,
      inputFilters: roundFilters(s.inputFilters, params),
      outputFilters: roundFilters(s.outputFilters, params),
      numRepeat: roundRepeats(s.numRepeat, params),
    };
    blocks.push(scaled);
    for (let i = 1; i < scaled.numRepeat; i++) {
      blocks.push({ ...scaled, inputFilters: scaled.outputFilters, stride: 1 });
    }
  }
  return blocks;
}
