/**
 * Convolutions (forward, input gradient, filter gradient) on ONNX Runtime's CPU kernels, for a tfjs backend
 * whose own are slower: on this project's x86 machines MLAS runs VGG's 3×3 convolutions at 2–3× the speed of
 * tfjs-wasm's XNNPACK (wasm SIMD, no FMA). Data stays where the caller keeps it: inputs are read and outputs
 * written in place.
 */
import { nn } from '@ssd/modeling';
import {
  type DataLayout,
  dataLayout,
  type FilterLayout,
  type ForwardOptions,
  filterDims,
  filterGradientGraph,
  forwardFilter,
  forwardGraph,
  inputGradientFilter,
  inputGradientGraph,
  inShape,
  outShape,
} from './conv-graphs';
import { toFlippedCOHW } from './filter-layouts';
import { type ConvGeometry, geometryKey } from './geometry';
import { type FloatTensor, SyncSession } from './sync-session';

/**
 * Runs convolutions on ONNX Runtime, one session per graph (built on first use, kept). Filters are tfjs's
 * HWIO; data is in `layout(g)` for the forward pass and input gradient, NHWC for the filter gradient.
 */
export class OrtConvRunner {
  private readonly sessions = new Map<string, SyncSession>();
  /** A filter-sized array per geometry for the filter in the layout a graph takes (reused: no fresh pages). */
  private readonly filters = new Map<string, Float32Array>();

  /** `threads`: ONNX Runtime's threads per convolution. */
  constructor(readonly threads: number) {}

  /** How many graphs are loaded (one per geometry and kind of pass). */
  get size(): number {
    return this.sessions.size;
  }

  /** The layout of the forward pass's and input gradient's data for a geometry. */
  layout(g: ConvGeometry): DataLayout {
    return dataLayout(g);
  }

  /** y = activation(conv(x, w) + b) into `y`; x and y in `layout(g)`, w HWIO, b [O] when options.bias. */
  forward(
    g: ConvGeometry,
    options: ForwardOptions,
    x: Float32Array,
    w: Float32Array,
    b: Float32Array | null,
    y: Float32Array,
  ): void {
    const key = geometryKey(g);
    const layout = dataLayout(g);
    const filter = this.filter(g, key, w, forwardFilter(g));
    const inputs: Record<string, FloatTensor> = { x: this.data(g, x, inShape(g, layout)), w: filter };
    if (options.bias) inputs.b = { data: b!, dims: [g.outChannels] };
    const session = this.session(
      `forward:${key}:${options.bias}:${options.activation}:${options.alpha}`,
      () => forwardGraph(g, options),
    );
    session.run(inputs, { y: this.data(g, y, outShape(g, layout)) });
  }

  /** dx of a convolution into `dx`, from dy and w (HWIO); dy and dx in `layout(g)`. */
  inputGradient(g: ConvGeometry, dy: Float32Array, w: Float32Array, dx: Float32Array): void {
    const key = geometryKey(g);
    const layout = dataLayout(g);
    const filter = this.filter(g, key, w, inputGradientFilter(g));
    const session = this.session(`input-gradient:${key}`, () => inputGradientGraph(g));
    session.run(
      { dy: this.data(g, dy, outShape(g, layout)), w: filter },
      { dx: this.data(g, dx, inShape(g, layout)) },
    );
  }

  /** dW (HWIO) of a convolution into `dw`, from x and dy, both NHWC. */
  filterGradient(g: ConvGeometry, x: Float32Array, dy: Float32Array, dw: Float32Array): void {
    // A filter larger than 1×1 takes an input-sized slice per tap, reused from the session's arena.
    const taps = g.filterHeight * g.filterWidth;
    const session = this.session(`filter-gradient:${geometryKey(g)}`, () => filterGradientGraph(g), taps > 1);
    session.run(
      { x: this.data(g, x, inShape(g, 'NHWC')), dy: this.data(g, dy, outShape(g, 'NHWC')) },
      { dw: { data: dw, dims: filterDims(g) } },
    );
  }

  /** Frees every session. */
  dispose(): void {
    for (const session of this.sessions.values()) session.dispose();
    this.sessions.clear();
    this.filters.clear();
  }

  private session(key: string, build: () => Uint8Array, arena = false): SyncSession {
    let session = this.sessions.get(key);
    if (!session) {
      session = new SyncSession(build(), this.threads, arena);
      this.sessions.set(key, session);
    }
    return session;
  }

  /** w (HWIO) in `layout`: as it is, or converted into this geometry's array for that layout. */
  private filter(g: ConvGeometry, key: string, w: Float32Array, layout: FilterLayout): FloatTensor {
    const dims = filterDims(g, layout);
    if (layout === 'HWIO') return { data: w, dims };
    const id = `${layout}:${key}`;
    let out = this.filters.get(id);
    if (!out) {
      out = new Float32Array(w.length);
      this.filters.set(id, out);
    }
    if (layout === 'OIHW') nn.toTorchLayout(w, 'conv', filterDims(g), out);
    else toFlippedCOHW(g, w, out);
    return { data: out, dims };
  }

  private data(g: ConvGeometry, data: Float32Array, shape: number[]): FloatTensor {
    return { data, dims: [g.batchSize, ...shape.slice(1)] };
  }
}
