/** The WebAssembly API used here (Node's and browsers'; TypeScript declares it only with the DOM library). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
declare const WebAssembly: {
  Memory: abstract new (...args: never[]) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: unknown };
};

/** The parts of the wasm backend's emscripten module holding its memory (threaded and plain builds). */
interface EmscriptenModule {
  wasmMemory?: WasmMemory;
  asm?: { memory?: WasmMemory };
}

/**
 * A module of this folder (base64, importing its memory as env.memory) instantiated on a tfjs wasm backend's own
 * memory, so that its functions read and write tensors in place; each module compiled once and instantiated once
 * per memory.
 */
export class MemoryModule<T> {
  private compiled: object | undefined;
  private readonly instances = new WeakMap<WasmMemory, T | null>();

  constructor(private readonly base64: string) {}

  /**
   * The exports on `backend`'s memory, or null where they cannot be had: a backend without one, or a memory
   * the module cannot import (the threaded build's shared memory, a runtime without SIMD).
   */
  on(backend: unknown): T | null {
    const wasm = (backend as { wasm?: EmscriptenModule }).wasm;
    const memory = wasm?.wasmMemory ?? wasm?.asm?.memory;
    if (!(memory instanceof WebAssembly.Memory)) return null;
    if (this.instances.has(memory)) return this.instances.get(memory)!;
    let exports: T | null = null;
    try {
      this.compiled ??= new WebAssembly.Module(Uint8Array.from(atob(this.base64), (c) => c.charCodeAt(0)));
      exports = new WebAssembly.Instance(this.compiled, { env: { memory } }).exports as T;
    } catch {
      // The caller's JavaScript stands in.
    }
    this.instances.set(memory, exports);
    return exports;
  }
}
