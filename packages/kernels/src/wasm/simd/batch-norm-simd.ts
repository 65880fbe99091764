import { BATCH_NORM_WASM } from './batch-norm-wasm';
import { MemoryModule } from './memory-module';

/** batch-norm.wat's exports: byte offsets into tfjs-wasm's memory, NHWC rows of `channels` floats. */
export interface BatchNormSimd {
  apply(
    x: number,
    mean: number,
    invStd: number,
    gamma: number,
    beta: number,
    y: number,
    positions: number,
    channels: number,
  ): void;
  dz(
    dy: number,
    x: number,
    mean: number,
    invStd: number,
    gamma: number,
    beta: number,
    dz: number,
    t: number,
    positions: number,
    channels: number,
    activation: number,
  ): void;
  dx(
    dz: number,
    x: number,
    mean: number,
    invStd: number,
    dBeta: number,
    dGamma: number,
    factor: number,
    dx: number,
    positions: number,
    channels: number,
    count: number,
  ): void;
}

const MODULE = new MemoryModule<BatchNormSimd>(BATCH_NORM_WASM);

/** batch-norm.wat on the wasm backend's own memory, or null where it cannot run (see MemoryModule.on). */
export function batchNormSimd(backend: unknown): BatchNormSimd | null {
  return MODULE.on(backend);
}
