/** Runs `prepare` (decode + test transform) for the server: in worker threads, or inline when given none. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { SSDConfig } from '@ssd/config';
import type { PreparedImage } from '@ssd/engine';
import { Piscina } from 'piscina';
import { ServeError } from './errors';
import { type PrepareOutcome, type PrepareTask, prepare } from './prepare-worker';

/**
 * The compiled worker module: beside this file when it is compiled (dist/, a bench's build); from src/ (the tests,
 * through ts-jest) the build's copy, which `pnpm test` makes first, as a worker thread runs JavaScript only.
 */
const BESIDE = path.join(__dirname, 'prepare-worker.js');
const WORKER = existsSync(BESIDE) ? BESIDE : path.join(__dirname, '..', 'dist', 'prepare-worker.js');

/** What the pool needs to know of each image. */
export interface PrepareLimits {
  readonly maxPixels: number;
  readonly input: SSDConfig['INPUT'];
}

/** Decodes request bodies into prepared images; `threads` 0 runs them on the calling thread. */
export class PreparePool {
  private readonly piscina: Piscina | undefined;

  constructor(
    threads: number,
    private readonly limits: PrepareLimits,
  ) {
    this.piscina =
      threads > 0
        ? new Piscina({ filename: WORKER, name: 'prepare', minThreads: threads, maxThreads: threads })
        : undefined;
  }

  /** The image in `bytes`, prepared; a 400 or 422 ServeError when it cannot be decoded or is too large. */
  async prepare(bytes: Uint8Array): Promise<PreparedImage> {
    let outcome: PrepareOutcome;
    if (this.piscina) {
      // A copy of exactly the body, moved to the worker (a Buffer may view a larger pooled block).
      const own = new Uint8Array(bytes);
      outcome = await this.piscina.run({ bytes: own, ...this.limits } satisfies PrepareTask, {
        transferList: [own.buffer],
      });
    } else {
      outcome = await prepare({ bytes, ...this.limits });
    }
    if (!outcome.ok) throw new ServeError(outcome.code, outcome.message);
    return outcome.image;
  }

  /** Stops the worker threads. */
  async close(): Promise<void> {
    await this.piscina?.destroy();
  }
}
