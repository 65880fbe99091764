import type { TorchSubsetLoad, TorchTensorLike } from '../nn';
import type { StateDictModel } from '../nn/state-dict-model';
import type { PretrainedSource } from './source';

/** What loading pretrained weights did, with a one-line summary for the log. */
export interface PretrainedLoad extends TorchSubsetLoad {
  readonly summary: string;
}

function sample(names: readonly string[], n = 4): string {
  return names.length > n ? `${names.slice(0, n).join(', ')}, …` : names.join(', ');
}

/**
 * Loads an ImageNet state_dict (`stateDict`, as read from `file`) into the model's backbone the way the
 * reference does for `source`: same module, same strictness, PyTorch layouts transposed into ours.
 */
export function loadPretrainedBackbone(
  model: StateDictModel,
  stateDict: ReadonlyMap<string, TorchTensorLike>,
  source: PretrainedSource,
  file: string,
): PretrainedLoad {
  const result = model.loadTorchSubset(stateDict, source.under, source.strict, file);
  const parts = [`${result.loaded.length} tensors into ${source.under.replace(/\.$/, '')}`];
  if (result.missing.length) {
    parts.push(`${result.missing.length} left at their initial values (${sample(result.missing)})`);
  }
  if (result.unexpected.length) {
    parts.push(`${result.unexpected.length} in the file unused (${sample(result.unexpected)})`);
  }
  return { ...result, summary: parts.join('; ') };
}
