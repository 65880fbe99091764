/**
 * An all-gather over shared memory for the training threads of one step, which synchronised BatchNorm calls
 * once per layer forward and once per layer backward (see @ssd/modeling's nn.BatchNormSync). Each call is a
 * barrier: every thread writes its vector into its slot, the last to arrive opens the barrier, and each reads
 * every slot in thread order, so all threads see the same list and compute bitwise the same statistics.
 * Waits block the thread (Atomics.wait; the wasm and js kernels are synchronous anyway) for a bounded time:
 * a thread that fails marks the group failed with its reason, and a thread that never arrives makes the
 * others fail after `timeoutMs`, naming the layer, the call and the missing threads.
 */
import type { nn } from '@ssd/modeling';

/** Control words (Int32): arrivals at the open barrier, barrier generation, failed flag, reason length. */
const ARRIVED = 0;
const GENERATION = 1;
const FAILED = 2;
const REASON_BYTES = 3;
const CONTROL_WORDS = 4;
/** Bytes kept of the failing thread's reason. */
const REASON_CAPACITY = 2048;

/** The shared memory of one group of threads; made once by the main thread and sent to the workers. */
export interface AllGatherGroup {
  threads: number;
  /** The longest vector one call may gather. */
  capacity: number;
  /** Control words, then per thread the call it last reached, then per round (2) and thread: length, tag. */
  control: SharedArrayBuffer;
  /** Per round (2) and thread, `capacity` float64 values: calls alternate rounds, so one can be read while
   * the next is written. */
  data: SharedArrayBuffer;
  /** The failing thread's reason, UTF-8. */
  reason: SharedArrayBuffer;
}

/** Shared memory for `threads` threads gathering vectors of at most `capacity` values. */
export function allGatherGroup(threads: number, capacity: number): AllGatherGroup {
  if (!Number.isInteger(threads) || threads < 1)
    throw new Error(`allGatherGroup: bad thread count ${threads}`);
  return {
    threads,
    capacity,
    control: new SharedArrayBuffer((CONTROL_WORDS + threads + 4 * threads) * 4),
    data: new SharedArrayBuffer(2 * threads * capacity * 8),
    reason: new SharedArrayBuffer(REASON_CAPACITY),
  };
}

/** A 32-bit hash of a layer name, to catch threads calling in different orders. */
function tagOf(layer: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < layer.length; i++) h = Math.imul(h ^ layer.charCodeAt(i), 0x01000193);
  return h | 0;
}

/** Names of threads in errors: the main thread computes the first share, workers the others. */
export function threadName(rank: number): string {
  return rank === 0 ? 'the main thread' : `training worker ${rank}`;
}

/** One thread's end of an all-gather group; `rank` 0 is the main thread. */
export class SharedAllGather implements nn.BatchNormSync {
  private readonly control: Int32Array;
  private readonly reached: Int32Array;
  private readonly meta: Int32Array;
  private readonly data: Float64Array;
  private calls = 0;
  /** `calls` when this thread's step began: errors number calls within the step. */
  private stepStart = 0;

  constructor(
    private readonly group: AllGatherGroup,
    private readonly rank: number,
    /** How long a call waits for the other threads before failing the group. */
    private readonly timeoutMs: number,
  ) {
    if (!Number.isInteger(rank) || rank < 0 || rank >= group.threads) {
      throw new Error(`SharedAllGather: rank ${rank} outside a group of ${group.threads}`);
    }
    this.control = new Int32Array(group.control, 0, CONTROL_WORDS);
    this.reached = new Int32Array(group.control, CONTROL_WORDS * 4, group.threads);
    this.meta = new Int32Array(group.control, (CONTROL_WORDS + group.threads) * 4, 4 * group.threads);
    this.data = new Float64Array(group.data);
  }

  /** Starts numbering this thread's calls afresh for error messages (the threads still count on). */
  beginStep(): void {
    this.stepStart = this.calls;
  }

  /** Every thread's `values` in thread order; see the file comment. */
  allGather(values: Float64Array, layer: string): Float64Array[] {
    const call = ++this.calls;
    const where = `BatchNorm ${layer} (synchronised call ${call - this.stepStart} of the step)`;
    this.throwIfFailed(where);
    const { threads, capacity } = this.group;
    if (values.length > capacity) {
      this.fail(`${where}: ${values.length} values, more than the ${capacity} planned`);
    }
    const round = call & 1;
    const slot = (round * threads + this.rank) * capacity;
    this.data.set(values, slot);
    this.meta[(round * threads + this.rank) * 2] = values.length;
    this.meta[(round * threads + this.rank) * 2 + 1] = tagOf(layer);
    Atomics.store(this.reached, this.rank, call);
    const generation = Atomics.load(this.control, GENERATION);
    if (Atomics.add(this.control, ARRIVED, 1) === threads - 1) {
      Atomics.store(this.control, ARRIVED, 0);
      Atomics.add(this.control, GENERATION, 1);
      Atomics.notify(this.control, GENERATION);
    } else {
      this.waitFor(generation, where, call);
    }
    const out: Float64Array[] = [];
    for (let r = 0; r < threads; r++) {
      const at = (round * threads + r) * 2;
      if (this.meta[at] !== values.length || this.meta[at + 1] !== tagOf(layer)) {
        this.fail(
          `${where}: ${threadName(r)} gathered ${this.meta[at]} values of another layer or length ` +
            `(${values.length} here): the threads ran different models or passes`,
        );
      }
      out.push(
        this.data.slice((round * threads + r) * capacity, (round * threads + r) * capacity + values.length),
      );
    }
    return out;
  }

  /** Marks the group failed (the first reason stays) and wakes every waiting thread. */
  abort(reason: string): void {
    if (Atomics.compareExchange(this.control, FAILED, 0, -1) !== 0) return;
    const bytes = new TextEncoder().encode(reason).subarray(0, REASON_CAPACITY);
    new Uint8Array(this.group.reason).set(bytes);
    Atomics.store(this.control, REASON_BYTES, bytes.length);
    Atomics.store(this.control, FAILED, 1);
    // Changing the generation wakes the waiters, who check who has arrived before trusting it.
    Atomics.add(this.control, GENERATION, 1);
    Atomics.notify(this.control, GENERATION);
  }

  /** Blocks until the barrier's generation moves on, the group fails, or the time is up. */
  private waitFor(generation: number, where: string, call: number): void {
    const deadline = Date.now() + this.timeoutMs;
    while (Atomics.load(this.control, GENERATION) === generation) {
      const left = deadline - Date.now();
      if (left <= 0) {
        const missing = [...this.reached.keys()].filter((r) => Atomics.load(this.reached, r) < call);
        this.fail(
          `${where}: ${threadName(this.rank)} waited ${this.timeoutMs / 1000} s for ` +
            `${missing.map(threadName).join(', ') || 'the other threads'} to reach it`,
        );
      }
      Atomics.wait(this.control, GENERATION, generation, left);
    }
    // Every thread wrote its values before saying it reached this call: a failure after that waits a call.
    if ([...this.reached.keys()].some((r) => Atomics.load(this.reached, r) < call)) this.throwIfFailed(where);
  }

  private throwIfFailed(where: string): void {
    if (Atomics.load(this.control, FAILED) === 0) return;
    // A thread that is still writing its reason has set FAILED to −1; the reason follows at once.
    while (Atomics.load(this.control, FAILED) !== 1) Atomics.wait(this.control, FAILED, -1, 10);
    const length = Atomics.load(this.control, REASON_BYTES);
    const reason = new TextDecoder().decode(new Uint8Array(this.group.reason).slice(0, length));
    throw new Error(`${where} abandoned: ${reason}`);
  }

  private fail(message: string): never {
    this.abort(message);
    throw new Error(message);
  }
}
