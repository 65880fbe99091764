import { MemoryModule } from './memory-module';
import { MOMENTUM_WASM } from './momentum-wasm';

/** momentum.wat's export: byte offsets into tfjs-wasm's memory, `count` floats each. */
export interface MomentumSimd {
  momentum(
    param: number,
    grad: number,
    buffer: number,
    newBuffer: number,
    newParam: number,
    count: number,
    lr: number,
    momentum: number,
    weightDecay: number,
  ): void;
}

const MODULE = new MemoryModule<MomentumSimd>(MOMENTUM_WASM);

/** momentum.wat on the wasm backend's own memory, or null where it cannot run (see MemoryModule.on). */
export function momentumSimd(backend: unknown): MomentumSimd | null {
  return MODULE.on(backend);
}
