/**
 * Convolutions (forward, input gradient, filter gradient) on ONNX Runtime's CPU kernels, for a tfjs backend
 * whose own are slower: on this project's x86 machines MLAS runs VGG's 3×3 convolutions at 2–3× the speed of
 * tfjs-wasm's XNNPACK (wasm SIMD, no FMA). Data stays where the caller keeps it: inputs are read and outputs
 * written in place.
 */
import { type ForwardOptions, filterGradientGraph, forwardGraph, inputGradientGraph } from './conv-graphs';
import { type ConvGeometry, geometryKey } from './geometry';
import { type FloatTensor, SyncSession } from './sync-session';

/** Runs convolutions on ONNX Runtime, one session per graph (built on first use, kept). */
export class OrtConvRunner {
  private readonly sessions = new Map<string, SyncSession>();

  /** `threads`: ONNX Runtime's threads per convolution. */
  constructor(readonly threads: number) {}

  /** How many graphs are loaded (one per geometry and kind of pass). */
  get size(): number {
    return this.sessions.size;
  }

  /** y = activation(conv(x, w) + b) into `y` [N,Ho,Wo,O]; x [N,H,W,C], w [kh,kw,C,O], b [O] when options.bias. */
  forward(
    g: ConvGeometry,
    options: ForwardOptions,
    x: Float32Array,
    w: Float32Array,
    b: Float32Array | null,
    y: Float32Array,
  ): void {
    const key = `forward:${geometryKey(g)}:${options.bias}:${options.activation}:${options.alpha}`;
    const inputs: Record<string, FloatTensor> = { x: this.input(g, x), w: this.filter(g, w) };
    if (options.bias) inputs.b = { data: b!, dims: [g.outChannels] };
    this.session(key, () => forwardGraph(g, options)).run(inputs, { y: this.output(g, y) });
  }

  /** dx [N,H,W,C] of a convolution, from dy [N,Ho,Wo,O] and w [kh,kw,C,O]. */
  inputGradient(g: ConvGeometry, dy: Float32Array, w: Float32Array, dx: Float32Array): void {
    const session = this.session(`input-gradient:${geometryKey(g)}`, () => inputGradientGraph(g));
    session.run({ dy: this.output(g, dy), w: this.filter(g, w) }, { dx: this.input(g, dx) });
  }

  /** dW [kh,kw,C,O] of a convolution, from x [N,H,W,C] and dy [N,Ho,Wo,O]. */
  filterGradient(g: ConvGeometry, x: Float32Array, dy: Float32Array, dw: Float32Array): void {
    const session = this.session(`filter-gradient:${geometryKey(g)}`, () => filterGradientGraph(g));
    session.run({ x: this.input(g, x), dy: this.output(g, dy) }, { dw: this.filter(g, dw) });
  }

  /** Frees every session. */
  dispose(): void {
    for (const session of this.sessions.values()) session.dispose();
    this.sessions.clear();
  }

  private session(key: string, build: () => Uint8Array): SyncSession {
    let session = this.sessions.get(key);
    if (!session) {
      session = new SyncSession(build(), this.threads);
      this.sessions.set(key, session);
    }
    return session;
  }

  private input(g: ConvGeometry, data: Float32Array): FloatTensor {
    return { data, dims: [g.batchSize, g.inHeight, g.inWidth, g.inChannels] };
  }

  private output(g: ConvGeometry, data: Float32Array): FloatTensor {
    return { data, dims: [g.batchSize, g.outHeight, g.outWidth, g.outChannels] };
  }

  private filter(g: ConvGeometry, data: Float32Array): FloatTensor {
    return { data, dims: [g.filterHeight, g.filterWidth, g.inChannels, g.outChannels] };
  }
}
