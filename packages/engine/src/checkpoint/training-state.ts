/** What a training checkpoint holds, and reading it from a safetensors file's content (no file system). */
import type { SafetensorsContent, TensorRecord } from './safetensors-format';

/** An optimizer's saved state (structurally @ssd/solver's SGDState, so engine needs no solver). */
export interface OptimizerCheckpointState {
  lr: number;
  momentumBuffers: Record<string, { shape: number[]; values: Float32Array }>;
}

/** A learning-rate scheduler's saved state (structurally @ssd/solver's SchedulerCheckpointState). */
export interface SchedulerCheckpointState {
  lastEpoch: number;
}

/** Everything needed to resume training exactly. */
export interface TrainingState {
  /** Model tensors by state-dict key (the reference's names). */
  model: Map<string, TensorRecord>;
  optimizer?: OptimizerCheckpointState;
  scheduler?: SchedulerCheckpointState;
  /** Iterations completed. */
  iteration: number;
  /** The config the run used, as YAML. */
  config?: string;
}

export const MODEL = 'model.';
export const MOMENTUM = 'optimizer.momentum.';
export const FORMAT = 'ssd-ts.checkpoint.v1';

/** A training checkpoint from a safetensors file's content (`saveTrainingCheckpoint`'s); errors name `file`. */
export function trainingStateFrom(content: SafetensorsContent, file: string): TrainingState {
  const { tensors, metadata } = content;
  const fail = (why: string): never => {
    throw new Error(`${file}: not a valid training checkpoint (${why})`);
  };
  if (metadata.format !== FORMAT) throw new Error(`${file}: not an ssd-ts training checkpoint`);
  const model = new Map<string, TensorRecord>();
  const momentumBuffers: OptimizerCheckpointState['momentumBuffers'] = {};
  for (const [name, t] of tensors) {
    if (name.startsWith(MODEL)) model.set(name.slice(MODEL.length), t);
    else if (name.startsWith(MOMENTUM)) {
      if (!(t.data instanceof Float32Array)) fail(`momentum buffer '${name}' is not float32`);
      momentumBuffers[name.slice(MOMENTUM.length)] = { shape: t.shape, values: t.data as Float32Array };
    }
  }
  const iteration = Number(metadata.iteration);
  if (!Number.isSafeInteger(iteration) || iteration < 0) fail(`iteration '${metadata.iteration}'`);
  const lr = metadata.optimizer_lr === undefined ? undefined : Number(metadata.optimizer_lr);
  if (lr !== undefined && !Number.isFinite(lr)) fail(`optimizer_lr '${metadata.optimizer_lr}'`);
  return {
    model,
    optimizer: lr !== undefined ? { lr, momentumBuffers } : undefined,
    scheduler: metadata.scheduler === undefined ? undefined : parseScheduler(metadata.scheduler, fail),
    iteration,
    config: metadata.config,
  };
}

function parseScheduler(text: string, fail: (why: string) => never): SchedulerCheckpointState {
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch {
    return fail('scheduler state is not JSON');
  }
  const epoch = (state as Partial<SchedulerCheckpointState> | null)?.lastEpoch;
  if (!Number.isSafeInteger(epoch)) fail(`scheduler state ${text.slice(0, 80)}`);
  return state as SchedulerCheckpointState;
}
