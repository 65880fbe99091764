import { zipSync } from 'fflate';
import {
  OrderedDictValue,
  PickleCallable,
  readTorchCheckpoint,
  STATE_DICT_GLOBALS,
  unpickle,
} from '../src/checkpoint/torch';

// Test vectors made with CPython 3.11's own pickle module: stand-in objects registered as
// `torch._utils._rebuild_tensor_v2`, `torch.<X>Storage` and a persistent_id returning
// ('storage', <X>Storage, key, 'cpu', numel), i.e. the exact stream torch.save writes.
// The state_dict holds (storage '0' = float32 0..11):
//   contig [3,4] stride (4,1); transposed [4,3] stride (1,4); offset_slice offset 5 [2,2] stride (4,2);
//   expanded offset 1 [2,3] stride (0,1); scalar_long = longs[1]; longs int64 [-3, 2^40, 7];
//   half [1, -2.5, 2^-14, 65504]; mask bool [1,0,1]; bytes uint8 [0,255]; double [1,2] [pi, -1e300];
//   int [2,1] [-7, 2^31-1]; bf16 [1.5, -3]; param = _rebuild_parameter(0..11); empty [0,3];
// with `_metadata = OrderedDict([('', {'version': 1})])`, and the root
// {'model': sd, 'iteration': 1234, 'extra': (1.5, 'x', None, [True, 2**70, -2])}.
/** torch.save-shaped data.pkl (protocol 2) of a state_dict exercising strides, offsets and dtypes. */
const STATE_DICT_PKL_P2 = [
  '80027d71002858050000006d6f64656c710163636f6c6c656374696f6e730a4f726465726564446963740a7102295271',
  '03285806000000636f6e746967710463746f7263682e5f7574696c730a5f72656275696c645f74656e736f725f76320a',
  '71052828580700000073746f72616765710663746f7263680a466c6f617453746f726167650a71075801000000307108',
  '580300000063707571094b0c74710a514b004b034b0486710b4b044b0186710c8968022952710d74710e52710f580a00',
  '00007472616e73706f73656471106805282868066807680868094b0c747111514b004b044b038671124b014b04867113',
  '89680229527114747115527116580c0000006f66667365745f736c69636571176805282868066807680868094b0c7471',
  '18514b054b024b028671194b044b0286711a8968022952711b74711c52711d5808000000657870616e646564711e6805',
  '282868066807680868094b0c74711f514b014b024b038671204b004b0186712189680229527122747123527124580b00',
  '00007363616c61725f6c6f6e67712568052828680663746f7263680a4c6f6e6753746f726167650a7126580100000031',
  '712768094b03747128514b0129298968022952712974712a52712b58050000006c6f6e6773712c680528286806682668',
  '2768094b0374712d514b004b0385712e4b0185712f89680229527130747131527132580400000068616c667133680528',
  '28680663746f7263680a48616c6653746f726167650a7134580100000032713568094b04747136514b004b0485713768',
  '2f8968022952713874713952713a58040000006d61736b713b68052828680663746f7263680a426f6f6c53746f726167',
  '650a713c580100000033713d68094b0374713e514b00682e682f8968022952713f747140527141580500000062797465',
  '73714268052828680663746f7263680a4279746553746f726167650a7143580100000034714468094b02747145514b00',
  '4b02857146682f896802295271477471485271495806000000646f75626c65714a68052828680663746f7263680a446f',
  '75626c6553746f726167650a714b580100000035714c68094b0274714d514b004b014b0286714e4b024b0186714f8968',
  '02295271507471515271525803000000696e74715368052828680663746f7263680a496e7453746f726167650a715458',
  '0100000036715568094b02747156514b00684f4b014b018671578968022952715874715952715a580400000062663136',
  '715b68052828680663746f7263680a42466c6f6174313653746f726167650a715c580100000037715d68094b0274715e',
  '514b006846682f8968022952715f7471605271615805000000706172616d716263746f7263682e5f7574696c730a5f72',
  '656275696c645f706172616d657465720a71636805282868066807680868094b0c747164514b004b0c857165682f8968',
  '02295271667471675271688868022952716987716a52716b5805000000656d707479716c680528286806680768086809',
  '4b0c74716d514b004b004b0386716e4b034b0186716f89680229527170747171527172757d717358090000005f6d6574',
  '61646174617174680229527175580000000071767d7177580700000076657273696f6e71784b01737373625809000000',
  '697465726174696f6e71794dd20458050000006578747261717a28473ff8000000000000580100000078717b4e5d717c',
  '28888a090000000000000000404afeffffff6574717d752e',
].join('');

/** The same checkpoint pickled at protocol 4 (FRAME, MEMOIZE, STACK_GLOBAL). */
const STATE_DICT_PKL_P4 = [
  '80049510040000000000007d94288c056d6f64656c948c0b636f6c6c656374696f6e73948c0b4f726465726564446963',
  '74949394295294288c06636f6e746967948c0c746f7263682e5f7574696c73948c125f72656275696c645f74656e736f',
  '725f763294939428288c0773746f72616765948c05746f726368948c0c466c6f617453746f726167659493948c013094',
  '8c03637075944b0c7494514b004b034b0486944b044b018694896804295294749452948c0a7472616e73706f73656494',
  '68092828680a680d680e680f4b0c7494514b004b044b0386944b014b048694896804295294749452948c0c6f66667365',
  '745f736c6963659468092828680a680d680e680f4b0c7494514b054b024b0286944b044b028694896804295294749452',
  '948c08657870616e6465649468092828680a680d680e680f4b0c7494514b014b024b0386944b004b0186948968042952',
  '94749452948c0b7363616c61725f6c6f6e679468092828680a680b8c0b4c6f6e6753746f726167659493948c01319468',
  '0f4b037494514b012929896804295294749452948c056c6f6e67739468092828680a682d682e680f4b037494514b004b',
  '0385944b018594896804295294749452948c0468616c669468092828680a680b8c0b48616c6653746f72616765949394',
  '8c013294680f4b047494514b004b0485946836896804295294749452948c046d61736b9468092828680a680b8c0b426f',
  '6f6c53746f726167659493948c013394680f4b037494514b0068356836896804295294749452948c0562797465739468',
  '092828680a680b8c0b4279746553746f726167659493948c013494680f4b027494514b004b0285946836896804295294',
  '749452948c06646f75626c659468092828680a680b8c0d446f75626c6553746f726167659493948c013594680f4b0274',
  '94514b004b014b0286944b024b018694896804295294749452948c03696e749468092828680a680b8c0a496e7453746f',
  '726167659493948c013694680f4b027494514b00685a4b014b018694896804295294749452948c046266313694680928',
  '28680a680b8c0f42466c6f6174313653746f726167659493948c013794680f4b027494514b0068506836896804295294',
  '749452948c05706172616d9468078c125f72656275696c645f706172616d6574657294939468092828680a680d680e68',
  '0f4b0c7494514b004b0c8594683689680429529474945294886804295294879452948c05656d7074799468092828680a',
  '680d680e680f4b0c7494514b004b004b0386944b034b01869489680429529474945294757d948c095f6d657461646174',
  '619468042952948c00947d948c0776657273696f6e944b01737373628c09697465726174696f6e944dd2048c05657874',
  '72619428473ff80000000000008c0178944e5d9428888a090000000000000000404afeffffff657494752e',
].join('');

/** Raw little-endian storage bytes keyed by storage key. */
const STORAGES: Record<string, string> = {
  '0': '000000000000803f0000004000004040000080400000a0400000c0400000e04000000041000010410000204100003041',
  '1': 'fdffffffffffffff00000000000100000700000000000000',
  '2': '003c00c10004ff7b',
  '3': '010001',
  '4': '00ff',
  '5': '182d4454fb2109409c7500883ce437fe',
  '6': 'f9ffffffffffff7f',
  '7': 'c03f40c0',
};

/** Python pickle.dumps(PLAIN, protocol=2). */
const PLAIN_P2 = [
  '80027d71002858010000006171015d7102284b014affffffff4bff4d00014dffff4a000001004a000000808a05000000',
  '80008a090000000000000080008a090000000000000000ff65580100000062710328473ff40000000000004780000000',
  '00000000580600000068c3a96c6c6f7104635f636f646563730a656e636f64650a7105580300000000c3bf7106580600',
  '00006c6174696e31710786710852710974710a580100000063710b4e580100000064710c635f5f6275696c74696e5f5f',
  '0a66726f7a656e7365740a710d5d710e4b036185710f5271105801000000657111635f5f6275696c74696e5f5f0a7365',
  '740a71125d71134b0461857114527115752e',
].join('');

/** Python pickle.dumps(PLAIN, protocol=4). */
const PLAIN_P4 = [
  '80049582000000000000007d94288c0161945d94284b014affffffff4bff4d00014dffff4a000001004a000000808a05',
  '00000080008a090000000000000080008a090000000000000000ff658c01629428473ff4000000000000478000000000',
  '0000008c0668c3a96c6c6f94430200ff9474948c0163944e8c016494284b0391948c0165948f94284b0490752e',
].join('');

/** Python pickle.dumps(PLAIN, protocol=5). */
const PLAIN_P5 = [
  '80059582000000000000007d94288c0161945d94284b014affffffff4bff4d00014dffff4a000001004a000000808a05',
  '00000080008a090000000000000080008a090000000000000000ff658c01629428473ff4000000000000478000000000',
  '0000008c0668c3a96c6c6f94430200ff9474948c0163944e8c016494284b0391948c0165948f94284b0490752e',
].join('');

// PLAIN = {'a': [1, -1, 255, 256, 65535, 65536, -2**31, 2**31, 2**63, -2**64],
//          'b': (1.25, -0.0, 'héllo', b'\x00\xff'), 'c': None, 'd': frozenset([3]), 'e': {4}}

const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));

function buildZip(pkl: string): Uint8Array {
  const files: Record<string, Uint8Array> = {
    'archive/data.pkl': hex(pkl),
    'archive/version': new TextEncoder().encode('3\n'),
    'archive/byteorder': new TextEncoder().encode('little'),
  };
  for (const [key, bytes] of Object.entries(STORAGES)) files[`archive/data/${key}`] = hex(bytes);
  return zipSync(files, { level: 0 });
}

describe.each([
  ['protocol 2', STATE_DICT_PKL_P2],
  ['protocol 4', STATE_DICT_PKL_P4],
])('readTorchCheckpoint on a Python-made %s pickle', (_, pkl) => {
  const { stateDict, extras } = readTorchCheckpoint(buildZip(pkl));
  const get = (key: string) => stateDict.get(key)!;

  it('keeps the keys in order', () => {
    expect([...stateDict.keys()]).toEqual([
      'contig',
      'transposed',
      'offset_slice',
      'expanded',
      'scalar_long',
      'longs',
      'half',
      'mask',
      'bytes',
      'double',
      'int',
      'bf16',
      'param',
      'empty',
    ]);
  });

  it('copies contiguous, transposed, offset and zero-stride views row-major', () => {
    const arange = Float32Array.from({ length: 12 }, (_, i) => i);
    expect(get('contig')).toEqual({ shape: [3, 4], dtype: 'float32', data: arange });
    expect(get('transposed').shape).toEqual([4, 3]);
    expect(get('transposed').data).toEqual(new Float32Array([0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]));
    expect(get('offset_slice').data).toEqual(new Float32Array([5, 7, 9, 11]));
    expect(get('expanded').data).toEqual(new Float32Array([1, 2, 3, 1, 2, 3]));
    expect(get('param')).toEqual({ shape: [12], dtype: 'float32', data: arange });
    expect(get('empty')).toEqual({ shape: [0, 3], dtype: 'float32', data: new Float32Array(0) });
  });

  it('gives each tensor its own copy even when storages are shared', () => {
    get('contig').data[0] = 99;
    expect(get('param').data[0]).toBe(0);
  });

  it('decodes every dtype', () => {
    expect(get('scalar_long')).toEqual({ shape: [], dtype: 'int64', data: new BigInt64Array([2n ** 40n]) });
    expect(get('longs').data).toEqual(new BigInt64Array([-3n, 2n ** 40n, 7n]));
    expect(get('half')).toEqual({
      shape: [4],
      dtype: 'float16',
      data: new Float32Array([1, -2.5, 2 ** -14, 65504]),
    });
    expect(get('mask')).toEqual({ shape: [3], dtype: 'bool', data: new Uint8Array([1, 0, 1]) });
    expect(get('bytes')).toEqual({ shape: [2], dtype: 'uint8', data: new Uint8Array([0, 255]) });
    expect(get('double')).toEqual({
      shape: [1, 2],
      dtype: 'float64',
      data: new Float64Array([Math.PI, -1e300]),
    });
    expect(get('int')).toEqual({ shape: [2, 1], dtype: 'int32', data: new Int32Array([-7, 2 ** 31 - 1]) });
    expect(get('bf16')).toEqual({ shape: [2], dtype: 'bfloat16', data: new Float32Array([1.5, -3]) });
  });

  it('returns the other root entries as extras', () => {
    expect(extras).toEqual({ iteration: 1234, extra: [1.5, 'x', null, [true, 2n ** 70n, -2]] });
  });
});

describe('unpickle', () => {
  it('decodes plain Python data pickled at protocols 4 and 5', () => {
    const want = new Map<string, unknown>([
      ['a', [1, -1, 255, 256, 65535, 65536, -(2 ** 31), 2 ** 31, 2n ** 63n, -(2n ** 64n)]],
      ['b', [1.25, -0, 'héllo', new Uint8Array([0, 255])]],
      ['c', null],
      ['d', new Set([3])],
      ['e', new Set([4])],
    ]);
    for (const pkl of [PLAIN_P4, PLAIN_P5]) {
      const value = unpickle(hex(pkl)) as Map<string, unknown>;
      expect(value).toEqual(want);
      expect(Object.is((value.get('b') as number[])[1], -0)).toBe(true);
      expect(Object.isFrozen(value.get('b'))).toBe(true);
      expect(Object.isFrozen(value.get('a'))).toBe(false);
    }
  });

  it("refuses protocol 2's bytes encoding, which goes through a global", () => {
    expect(() => unpickle(hex(PLAIN_P2))).toThrow("pickle global '_codecs.encode' is not allowed");
  });

  it('keeps an OrderedDict state_dict apart from its _metadata attribute', () => {
    const globals = new Map(STATE_DICT_GLOBALS);
    const stub = new PickleCallable('stub', (args) => `tensor@${String(args[0])}`);
    globals.set('torch._utils._rebuild_tensor_v2', stub);
    globals.set('torch._utils._rebuild_parameter', stub);
    const root = unpickle(hex(STATE_DICT_PKL_P2), {
      globals,
      persistentLoad: (pid) => (pid as unknown[])[2],
    });
    const model = (root as Map<string, unknown>).get('model') as OrderedDictValue;
    expect(model).toBeInstanceOf(OrderedDictValue);
    expect(model.size).toBe(14);
    expect(model.get('offset_slice')).toBe('tensor@0');
    expect(model.get('half')).toBe('tensor@2');
    expect(model.get('param')).toBe('tensor@tensor@0');
    expect([...model.attributes.keys()]).toEqual(['_metadata']);
    const metadata = model.attributes.get('_metadata') as OrderedDictValue;
    expect(metadata).toBeInstanceOf(OrderedDictValue);
    expect([...metadata]).toEqual([['', new Map([['version', 1]])]]);
  });
});
