/** The wasm backend's heap limit: wasm32 addresses 4 GiB. */
export const WASM_HEAP_BYTES = 4 * 2 ** 30;
/**
 * Heap a training step takes per byte of tensors its forward pass keeps for the backward pass: the backward pass
 * frees what it has used as it goes (see backprop), so its peak is the forward's plus a few activation-sized
 * gradients; measured on wasm, 124 MB kept and 139 MB of heap per image (MobileNetV2-SSD320), 290 and 318 MB
 * (VGG16-SSD300), with a margin for the allocator's fragmentation.
 */
const HEAP_PER_KEPT_BYTE = 1.3;
/** Part of the heap a step may plan to use; the rest absorbs fragmentation and measurement error. */
const HEAP_SHARE = 0.8;
/** Copies of the model's state alive in a step: weights, gradients, momentum, accumulated gradients. */
const STATE_COPIES = 4;

/** Backends with a heap limit that micro-batches must respect, and its size in bytes. */
export const HEAP_LIMITS: ReadonlyMap<string, number> = new Map([['wasm', WASM_HEAP_BYTES]]);

/**
 * Images per forward/backward pass that fit a heap of `heapBytes`, given the bytes a pass keeps per image
 * for backprop (measured) and the model state's bytes; at least 1.
 */
export function microBatchThatFits(keptBytesPerImage: number, stateBytes: number, heapBytes: number): number {
  if (!(keptBytesPerImage > 0))
    throw new Error(`microBatchThatFits: bad bytes per image ${keptBytesPerImage}`);
  const budget = heapBytes * HEAP_SHARE - STATE_COPIES * stateBytes;
  return Math.max(1, Math.floor(budget / (keptBytesPerImage * HEAP_PER_KEPT_BYTE)));
}

/** Bytes a training pass takes per image on the heap, in words ("about 750 MB of the 4 GB heap"). */
export function describeHeapUse(keptBytesPerImage: number, heapBytes: number): string {
  const mb = Math.round((keptBytesPerImage * HEAP_PER_KEPT_BYTE) / 1e6);
  return `a training pass takes about ${mb} MB per image of the ${Math.round(heapBytes / 2 ** 30)} GB heap`;
}
