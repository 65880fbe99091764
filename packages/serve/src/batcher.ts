/**
 * Dynamic batching, as Triton's dynamic batcher: requests reserve a place in a bounded queue when they arrive,
 * join it once their input is ready, and leave it in batches of up to `maxBatch`, one model call at a time; a
 * batch starts when `maxBatch` inputs wait or the oldest has waited `maxDelayMs`. A request that has not reached
 * the model `timeoutMs` after it arrived is given up (504); a full queue refuses new requests (429).
 */
import { ServeError } from './errors';

/** Limits of a `DynamicBatcher`. */
export interface BatcherLimits {
  readonly maxBatch: number;
  readonly maxDelayMs: number;
  /** Requests reserved and not yet in a batch (preparing or waiting) beyond which `reserve` refuses. */
  readonly maxQueue: number;
  readonly timeoutMs: number;
}

/** What a batch took, for metrics. */
export interface BatchStats {
  readonly size: number;
  readonly ms: number;
}

/** A result with when its batch started, so the request can say how long it queued. */
export interface Batched<O> {
  readonly output: O;
  readonly startedAt: number;
  readonly ms: number;
}

type State = 'reserved' | 'queued' | 'running' | 'settled';

interface Entry<I, O> {
  state: State;
  item?: I;
  readyAt: number;
  timer: NodeJS.Timeout;
  resolve(value: Batched<O>): void;
  reject(error: Error): void;
}

/** A place in the queue, taken on arrival: `submit` the input once it is ready, or `fail` with why it is not. */
export interface Ticket<I, O> {
  /** Settles with the output, or the error that ended the request (timeout, drain, the model's). */
  readonly result: Promise<Batched<O>>;
  submit(item: I): void;
  fail(error: Error): void;
}

/** Batches inputs through `run` (one call at a time, one output per input, in order). */
export class DynamicBatcher<I, O> {
  /** Requests that have a place and have not reached the model: preparing their input, or queued. */
  private readonly pending = new Set<Entry<I, O>>();
  /** The queued ones, oldest first. */
  private readonly queue: Entry<I, O>[] = [];
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private idle: Array<() => void> = [];

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly limits: BatcherLimits,
    private readonly onBatch: (stats: BatchStats) => void = () => {},
  ) {}

  /** Requests reserved and not yet in a batch. */
  get depth(): number {
    return this.pending.size;
  }

  /** Takes a place for a request that just arrived; throws a 429 ServeError when the queue is full. */
  reserve(): Ticket<I, O> {
    if (this.pending.size >= this.limits.maxQueue) {
      // A client waiting about one batch's delay will likely find room.
      const retry = Math.max(1, Math.ceil(this.limits.maxDelayMs / 1000));
      throw new ServeError(
        'queue_full',
        `the queue is full (${this.limits.maxQueue} requests waiting); retry later`,
        { 'retry-after': String(retry) },
      );
    }
    let entry!: Entry<I, O>;
    const result = new Promise<Batched<O>>((resolve, reject) => {
      entry = { state: 'reserved', readyAt: 0, timer: undefined!, resolve, reject };
    });
    this.pending.add(entry);
    entry.timer = setTimeout(
      () =>
        this.settle(
          entry,
          new ServeError(
            'timeout',
            `waited ${this.limits.timeoutMs} ms without reaching the model (the request timeout)`,
          ),
        ),
      this.limits.timeoutMs,
    );
    return {
      result,
      submit: (item) => {
        if (entry.state !== 'reserved') return;
        entry.state = 'queued';
        entry.item = item;
        entry.readyAt = performance.now();
        this.queue.push(entry);
        this.schedule();
      },
      fail: (error) => this.settle(entry, error),
    };
  }

  /** Rejects every request not yet in a batch with `error` (a drain that ran out of time). */
  rejectWaiting(error: Error): void {
    for (const entry of [...this.pending]) this.settle(entry, error);
  }

  /** Resolves once nothing is reserved, queued or running. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private isIdle(): boolean {
    return this.pending.size === 0 && !this.running;
  }

  private notifyIdle(): void {
    if (!this.isIdle()) return;
    const waiting = this.idle;
    this.idle = [];
    for (const resolve of waiting) resolve();
  }

  /** Ends a request that has not reached the model: releases its place and rejects it. */
  private settle(entry: Entry<I, O>, error: Error): void {
    if (!this.pending.delete(entry)) return;
    if (entry.state === 'queued') this.queue.splice(this.queue.indexOf(entry), 1);
    if (this.queue.length === 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    entry.state = 'settled';
    clearTimeout(entry.timer);
    entry.reject(error);
    this.notifyIdle();
  }

  private schedule(): void {
    if (this.running || this.queue.length === 0) return;
    const waited = performance.now() - this.queue[0]!.readyAt;
    if (this.queue.length >= this.limits.maxBatch || waited >= this.limits.maxDelayMs) {
      clearTimeout(this.timer);
      this.timer = undefined;
      void this.dispatch();
    } else {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.schedule();
      }, this.limits.maxDelayMs - waited);
    }
  }

  private async dispatch(): Promise<void> {
    this.running = true;
    const batch = this.queue.splice(0, this.limits.maxBatch);
    for (const entry of batch) {
      entry.state = 'running';
      clearTimeout(entry.timer);
      this.pending.delete(entry);
    }
    const startedAt = performance.now();
    try {
      await this.runBatch(batch, startedAt);
    } finally {
      this.running = false;
      this.onBatch({ size: batch.length, ms: performance.now() - startedAt });
      this.schedule();
      this.notifyIdle();
    }
  }

  /** One call for the batch; if it throws, each input alone, so that one bad input fails only its request. */
  private async runBatch(batch: Entry<I, O>[], startedAt: number): Promise<void> {
    const finish = (entry: Entry<I, O>, output: O) => {
      entry.state = 'settled';
      entry.resolve({ output, startedAt, ms: performance.now() - startedAt });
    };
    const fail = (entry: Entry<I, O>, e: unknown) => {
      entry.state = 'settled';
      entry.reject(e instanceof Error ? e : new Error(String(e)));
    };
    try {
      const outputs = await this.run(batch.map((e) => e.item!));
      if (outputs.length !== batch.length) {
        throw new Error(`the model gave ${outputs.length} results for a batch of ${batch.length}`);
      }
      batch.forEach((entry, i) => {
        finish(entry, outputs[i]!);
      });
    } catch (e) {
      if (batch.length === 1) return fail(batch[0]!, e);
      for (const entry of batch) {
        try {
          const [output] = await this.run([entry.item!]);
          finish(entry, output!);
        } catch (alone) {
          fail(entry, alone);
        }
      }
    }
  }
}
