import { DEPTHWISE_FILTER_WASM } from './depthwise-filter-wasm';
import { MemoryModule } from './memory-module';

/** depthwise-filter.wat's export: byte offsets into tfjs-wasm's memory (see the .wat for the layout). */
export interface DepthwiseFilterSimd {
  depthwiseFilter3x3(
    x: number,
    dy: number,
    acc: number,
    sums: number,
    out: number,
    batch: number,
    paddedHeight: number,
    paddedWidth: number,
    channels: number,
    outHeight: number,
    outWidth: number,
    strideHeight: number,
    strideWidth: number,
    dilationHeight: number,
    dilationWidth: number,
  ): void;
}

const MODULE = new MemoryModule<DepthwiseFilterSimd>(DEPTHWISE_FILTER_WASM);

/** depthwise-filter.wat on the wasm backend's own memory, or null where it cannot run (see MemoryModule.on). */
export function depthwiseFilterSimd(backend: unknown): DepthwiseFilterSimd | null {
  return MODULE.on(backend);
}
