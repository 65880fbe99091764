/**
 * The shape of one 2-D convolution, NHWC data and HWIO filters (tfjs's layout); field names follow tfjs's
 * Conv2DInfo, so one can be passed as is.
 */
export interface ConvGeometry {
  readonly batchSize: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly inChannels: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly outChannels: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly dilationHeight: number;
  readonly dilationWidth: number;
  readonly padInfo: {
    readonly top: number;
    readonly bottom: number;
    readonly left: number;
    readonly right: number;
  };
}

/** Activations the forward convolution applies in its graph (tfjs's fused-conv activations we run). */
export type ConvActivation = 'linear' | 'relu' | 'relu6' | 'elu' | 'sigmoid' | 'leakyrelu';

/** The part of a geometry that a graph depends on (the batch is a dimension of the graph's inputs). */
export function geometryKey(g: ConvGeometry): string {
  const p = g.padInfo;
  return [
    g.inHeight,
    g.inWidth,
    g.inChannels,
    g.outChannels,
    g.filterHeight,
    g.filterWidth,
    g.strideHeight,
    g.strideWidth,
    g.dilationHeight,
    g.dilationWidth,
    p.top,
    p.bottom,
    p.left,
    p.right,
  ].join(',');
}

/** The output size a convolution of this geometry has along one axis, by ONNX's (and tfjs's) formula. */
function convOutputSize(
  size: number,
  kernel: number,
  stride: number,
  dilation: number,
  pads: number,
): number {
  return Math.floor((size + pads - dilation * (kernel - 1) - 1) / stride) + 1;
}

/** Why ONNX Runtime cannot run this geometry, or null when it can. */
export function unsupportedGeometry(g: ConvGeometry): string | null {
  const p = g.padInfo;
  if ([p.top, p.bottom, p.left, p.right].some((v) => v < 0)) return 'negative padding';
  const outH = convOutputSize(g.inHeight, g.filterHeight, g.strideHeight, g.dilationHeight, p.top + p.bottom);
  const outW = convOutputSize(g.inWidth, g.filterWidth, g.strideWidth, g.dilationWidth, p.left + p.right);
  if (outH !== g.outHeight || outW !== g.outWidth) {
    return `output ${g.outHeight}×${g.outWidth} is not the ${outH}×${outW} its padding gives`;
  }
  return null;
}
