import { DTYPES, type DTypeSpec } from './dtypes';
import { isTorchTensor, TorchStorage, type TorchTensor, tensorFromStorage } from './tensor';
import { PickleCallable, type PickleStateful, SET_STATE } from './unpickle';

/** What a `torch.<X>Storage` global resolves to: a dtype tag, usable only inside a storage persistent id. */
export class StorageType {
  constructor(readonly spec: DTypeSpec) {}
}

/**
 * A `collections.OrderedDict`: its items are the Map's entries; Python instance attributes set by
 * BUILD (a state_dict's `_metadata`) are kept apart in `attributes`.
 */
export class OrderedDictValue extends Map<unknown, unknown> implements PickleStateful {
  readonly attributes = new Map<string, unknown>();

  [SET_STATE](state: unknown): void {
    if (!(state instanceof Map))
      throw new Error('not supported: OrderedDict state other than an attribute dict');
    for (const [key, value] of state) this.attributes.set(String(key), value);
  }
}

function buildOrderedDict(args: readonly unknown[]): OrderedDictValue {
  if (args.length !== 0) throw new Error('not supported: OrderedDict built from arguments');
  return new OrderedDictValue();
}

/** torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, backward_hooks[, metadata]) */
function rebuildTensorV2(args: readonly unknown[]): unknown {
  if (args.length !== 6 && args.length !== 7)
    throw new Error(`expected 6 or 7 arguments, got ${args.length}`);
  const [storage, offset, size, stride] = args;
  if (!(storage instanceof TorchStorage)) throw new Error('first argument is not a storage');
  return tensorFromStorage(storage, offset, size, stride);
}

/** torch._utils._rebuild_tensor(storage, offset, size, stride): PyTorch < 0.4 (legacy-format files). */
function rebuildTensor(args: readonly unknown[]): unknown {
  if (args.length !== 4) throw new Error(`expected 4 arguments, got ${args.length}`);
  const [storage, offset, size, stride] = args;
  if (!(storage instanceof TorchStorage)) throw new Error('first argument is not a storage');
  return tensorFromStorage(storage, offset, size, stride);
}

/**
 * A tensor as PyTorch < 0.2 pickled it (files such as vgg16_reducedfc.pth): `torch.FloatTensor()` (or another
 * `torch.<X>Tensor`), then BUILD with `(storage, offset, size, stride)`, which today's `Tensor.__setstate__`
 * still accepts as "legacy serialization of Tensor".
 */
class LegacyPickledTensor implements PickleStateful {
  shape?: number[];
  dtype?: TorchTensor['dtype'];
  data?: TorchTensor['data'];

  [SET_STATE](state: unknown): void {
    if (!Array.isArray(state) || state.length !== 4 || !(state[0] instanceof TorchStorage)) {
      throw new Error('not supported: legacy tensor state other than (storage, offset, size, stride)');
    }
    Object.assign(this, tensorFromStorage(state[0], state[1], state[2], state[3]));
  }
}

function buildLegacyTensor(args: readonly unknown[]): LegacyPickledTensor {
  if (args.length !== 0) throw new Error('not supported: legacy tensor built from arguments');
  return new LegacyPickledTensor();
}

/** torch._utils._rebuild_parameter(data, requires_grad, backward_hooks): a Parameter is its tensor here. */
function rebuildParameter(args: readonly unknown[]): unknown {
  if (args.length !== 3 || !isTorchTensor(args[0]))
    throw new Error('expected (tensor, requires_grad, hooks)');
  return args[0];
}

/**
 * The only globals a state_dict checkpoint needs; everything else (os.system, builtins.eval, any
 * torch.nn module class...) is refused by the unpickler.
 */
export const STATE_DICT_GLOBALS: ReadonlyMap<string, unknown> = new Map<string, unknown>([
  ['collections.OrderedDict', new PickleCallable('collections.OrderedDict', buildOrderedDict)],
  ['torch._utils._rebuild_tensor_v2', new PickleCallable('torch._utils._rebuild_tensor_v2', rebuildTensorV2)],
  ['torch._utils._rebuild_tensor', new PickleCallable('torch._utils._rebuild_tensor', rebuildTensor)],
  [
    'torch._utils._rebuild_parameter',
    new PickleCallable('torch._utils._rebuild_parameter', rebuildParameter),
  ],
  ...[...DTYPES.values()].map((spec): [string, unknown] => [
    `torch.${spec.storageClass}`,
    new StorageType(spec),
  ]),
  ...[...DTYPES.values()].map((spec): [string, unknown] => {
    const name = `torch.${spec.storageClass.replace(/Storage$/, 'Tensor')}`;
    return [name, new PickleCallable(name, buildLegacyTensor)];
  }),
]);
