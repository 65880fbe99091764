import { modelStateRecords } from '@ssd/engine';
import { Hook, type TrainContext } from '../trainer/hook';

/** Options of CheckpointHook. */
export interface CheckpointHookOptions {
  /** Save every this many iterations; 0: only at the end. */
  period: number;
  /** The run's config as YAML, kept in each checkpoint (`dumpConfig` of @ssd/config). */
  config?: string;
}

/** The name of the checkpoint of iteration `iteration`: `model_000500`. */
export function checkpointName(iteration: number): string {
  return `model_${String(iteration).padStart(6, '0')}`;
}

/** Saves the model, optimizer, scheduler and iteration under `name` in the trainer's checkpointer. */
export async function saveCheckpoint(ctx: TrainContext, name: string, config?: string): Promise<string> {
  if (!ctx.checkpointer) throw new Error('saveCheckpoint: the trainer has no checkpointer');
  return ctx.checkpointer.save(name, {
    model: await modelStateRecords(ctx.model),
    optimizer: await ctx.optimizer.state(),
    scheduler: ctx.scheduler.state(),
    iteration: ctx.iter,
    config,
  });
}

/**
 * Saves a checkpoint every `period` iterations and at the end: `model_final`, or `model_<iter>` when
 * training was stopped early, to resume from.
 */
export class CheckpointHook extends Hook {
  constructor(private readonly options: CheckpointHookOptions) {
    super();
  }

  override async afterStep(ctx: TrainContext): Promise<void> {
    const { period } = this.options;
    if (period > 0 && ctx.iter % period === 0 && ctx.iter !== ctx.maxIter) {
      await this.save(ctx, checkpointName(ctx.iter));
    }
  }

  override async afterTrain(ctx: TrainContext): Promise<void> {
    await this.save(ctx, ctx.finished ? 'model_final' : checkpointName(ctx.iter));
  }

  private async save(ctx: TrainContext, name: string): Promise<void> {
    const file = await saveCheckpoint(ctx, name, this.options.config);
    ctx.log(`Saved checkpoint ${file}`);
  }
}
