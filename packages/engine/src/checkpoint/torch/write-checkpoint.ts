import { zipSync } from 'fflate';
import { DTYPES, HOST_IS_LITTLE_ENDIAN } from './dtypes';
import { OP } from './pickle-opcodes';
import { PickleWriter } from './pickle-writer';
import type { TorchCheckpoint } from './read-checkpoint';
import { isTorchTensor, numElements, type TorchTensor } from './tensor';

const ARCHIVE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** `collections.OrderedDict()`, as torch.save writes a state_dict or empty backward hooks. */
function writeOrderedDict(writer: PickleWriter): void {
  writer.global('collections', 'OrderedDict');
  writer.op(OP.EMPTY_TUPLE);
  writer.op(OP.REDUCE);
}

/** Pickles a state_dict checkpoint the way torch.save does, collecting each tensor as a storage entry. */
class CheckpointPickler {
  readonly storages: Uint8Array[] = [];
  readonly writer = new PickleWriter((value, writer) => {
    if (!isTorchTensor(value)) return false;
    this.tensor(value, writer, 'tensor in extras');
    return true;
  });

  /** `_rebuild_tensor_v2(storage, 0, shape, contiguous strides, False, OrderedDict())` over a new storage. */
  tensor(tensor: TorchTensor, writer: PickleWriter, label: string): void {
    const spec = DTYPES.get(tensor.dtype);
    if (!spec) throw new Error(`not supported: ${label} has dtype '${tensor.dtype}'`);
    if (spec.widened) throw new Error(`not supported: writing ${spec.dtype} (${label})`);
    const numel = numElements(tensor.shape);
    if (!(tensor.data instanceof spec.ArrayType) || tensor.data.length !== numel) {
      throw new Error(`${label}: data is not a ${spec.ArrayType.name} of ${numel} elements`);
    }
    const key = String(this.storages.length);
    const { buffer, byteOffset, byteLength } = tensor.data;
    this.storages.push(new Uint8Array(buffer, byteOffset, byteLength).slice());
    const strides = tensor.shape.map((_, d) => numElements(tensor.shape.slice(d + 1)));
    writer.global('torch._utils', '_rebuild_tensor_v2');
    writer.op(OP.MARK);
    writer.op(OP.MARK);
    writer.string('storage');
    writer.global('torch', spec.storageClass);
    writer.string(key);
    writer.string('cpu');
    writer.int(numel);
    writer.op(OP.TUPLE);
    writer.op(OP.BINPERSID);
    writer.int(0);
    writer.tuple(tensor.shape);
    writer.tuple(strides);
    writer.op(OP.NEWFALSE);
    writeOrderedDict(writer);
    writer.op(OP.TUPLE);
    writer.op(OP.REDUCE);
  }

  /** `{'model': OrderedDict(stateDict), **extras}`. */
  checkpoint({ stateDict, extras }: TorchCheckpoint): Uint8Array {
    if ('model' in extras) throw new Error("checkpoint extras must not have a 'model' key");
    const { writer } = this;
    writer.op(OP.EMPTY_DICT);
    writer.op(OP.MARK);
    writer.string('model');
    writeOrderedDict(writer);
    if (stateDict.size > 0) {
      writer.op(OP.MARK);
      for (const [key, tensor] of stateDict) {
        writer.string(key);
        this.tensor(tensor, writer, `state_dict entry '${key}'`);
      }
      writer.op(OP.SETITEMS);
    }
    for (const [key, value] of Object.entries(extras)) {
      writer.string(key);
      writer.value(value);
    }
    writer.op(OP.SETITEMS);
    return writer.finish();
  }
}

/**
 * Writes a checkpoint as a `torch.save` zip (protocol-2 pickle, `{'model': state_dict, ...extras}`)
 * that {@link readTorchCheckpoint} and `torch.load` read back. float16/bfloat16 tensors are refused.
 */
export function writeTorchCheckpoint(checkpoint: TorchCheckpoint, archiveName = 'archive'): Uint8Array {
  if (!ARCHIVE_NAME.test(archiveName)) throw new Error(`bad checkpoint archive name '${archiveName}'`);
  // Storages are written from typed-array memory, which is in host byte order.
  if (!HOST_IS_LITTLE_ENDIAN) throw new Error('not supported: writing checkpoints on a big-endian host');
  const pickler = new CheckpointPickler();
  const pkl = pickler.checkpoint(checkpoint);
  const files: Record<string, Uint8Array> = {
    [`${archiveName}/data.pkl`]: pkl,
    [`${archiveName}/byteorder`]: new TextEncoder().encode('little'),
    [`${archiveName}/version`]: new TextEncoder().encode('3\n'),
  };
  pickler.storages.forEach((bytes, key) => {
    files[`${archiveName}/data/${key}`] = bytes;
  });
  return zipSync(files, { level: 0 });
}
