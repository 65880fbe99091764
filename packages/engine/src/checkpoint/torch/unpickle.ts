import { cutText } from '@ssd/files';
import { OP, UNSUPPORTED_OP_NAMES } from './pickle-opcodes';

/**
 * A Python global that a pickle may name (GLOBAL / STACK_GLOBAL) and call (REDUCE).
 * Only values of this class can be called, so pickled data can never invoke anything else.
 */
export class PickleCallable {
  constructor(
    readonly qualifiedName: string,
    readonly call: (args: readonly unknown[]) => unknown,
  ) {}
}

/** Key of the method through which an object accepts pickle BUILD state (Python `__setstate__`). */
export const SET_STATE: unique symbol = Symbol('pickle.setState');

/** An object that accepts BUILD state. */
export interface PickleStateful {
  [SET_STATE](state: unknown): void;
}

/** Options of {@link unpickle}. */
export interface UnpickleOptions {
  /** The only globals the pickle may name, keyed `'module.name'`; any other global is refused. */
  globals?: ReadonlyMap<string, unknown>;
  /** Resolves BINPERSID ids (PyTorch's storage references); without it they are refused. */
  persistentLoad?: (pid: unknown) => unknown;
  /** Name of the pickle's origin, used in error messages. */
  source?: string;
  /** The most bytes the pickle may take (STOP included); a longer one is refused once it passes this. */
  maxBytes?: number;
}

const MAX_PROTOCOL = 5;
/**
 * Most objects a pickle may make and hold: containers, bytes and call results made, items added to
 * containers and memo entries (all counted as made), plus the stack's items and marks (counted while there).
 * A one-byte opcode such as `}` makes a ~200-byte object, and one such as `2` (DUP) or `\x94` (MEMOIZE)
 * adds a slot, so this, not the pickle's size, bounds its memory (~200 MB); a state_dict makes about a
 * dozen per tensor.
 */
const MAX_OBJECTS = 2 ** 20;
/**
 * Widest LONG1/LONG4 integer accepted. A state_dict's integers (sizes, strides, counters) fit in 8
 * bytes; extras may hold wider Python ints, but nothing needs thousands of digits.
 */
const MAX_LONG_BYTES = 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function isStateful(value: unknown): value is PickleStateful {
  return typeof value === 'object' && value !== null && SET_STATE in value;
}

function describe(value: unknown): string {
  if (value === null) return 'None';
  if (Array.isArray(value)) return Object.isFrozen(value) ? 'tuple' : 'list';
  if (value instanceof Map) return 'dict';
  if (value instanceof PickleCallable) return `global '${cutText(value.qualifiedName)}'`;
  return typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
}

/** A global's name for a message (a pickle's GLOBAL line may be megabytes long). */
function globalName(module: string, name: string): string {
  return cutText(`${module}.${name}`);
}

/** Little-endian two's-complement integer → number when exact, else bigint (Python LONG1/LONG4). */
function decodeLong(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  // Through one hex string, in time linear in the width (byte-wise BigInt shifts are quadratic).
  // Big-endian hex of the little-endian bytes (no Buffer: this runs in browsers too).
  let hex = '';
  for (let i = bytes.length - 1; i >= 0; i--) hex += bytes[i]!.toString(16).padStart(2, '0');
  let value = BigInt(`0x${hex}`);
  if (bytes[bytes.length - 1] & 0x80) value -= 1n << BigInt(8 * bytes.length);
  const asNumber = Number(value);
  return Number.isSafeInteger(asNumber) ? asNumber : value;
}

/**
 * One run of the pickle virtual machine over a byte buffer.
 * Python values map to: None→null, bool→boolean, int→number (bigint beyond 2^53), float→number,
 * str→string, bytes→Uint8Array, tuple→frozen array, list→array, dict→Map, set/frozenset→Set.
 */
class Unpickler {
  private pos = 0;
  private opStart = 0;
  private readonly view: DataView;
  private readonly stack: unknown[] = [];
  /** Stack heights at each open MARK. */
  private readonly marks: number[] = [];
  private readonly memo = new Map<number, unknown>();
  private readonly source: string;
  /** Objects made, items added and memo entries so far (see MAX_OBJECTS). */
  private made = 0;
  /** Where the pickle must have ended: the end of the bytes, or `options.maxBytes`. */
  private readonly end: number;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly options: UnpickleOptions,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.source = options.source ?? '<pickle>';
    this.end = Math.min(bytes.length, options.maxBytes ?? Number.POSITIVE_INFINITY);
  }

  private fail(message: string): never {
    throw new Error(`${this.source}: ${message} (at byte ${this.opStart})`);
  }

  private take(n: number, what: string): number {
    if (n > this.end - this.pos) {
      if (this.end < this.bytes.length) this.tooLong();
      this.fail(`pickle truncated: ${what} needs ${n} bytes, ${this.bytes.length - this.pos} left`);
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  private u8(): number {
    return this.bytes[this.take(1, 'argument')];
  }

  private u16(): number {
    return this.view.getUint16(this.take(2, 'argument'), true);
  }

  private u32(): number {
    return this.view.getUint32(this.take(4, 'argument'), true);
  }

  private u64(): number {
    const value = this.view.getBigUint64(this.take(8, 'argument'), true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`pickle length ${value} is too large`);
    return Number(value);
  }

  private raw(n: number): Uint8Array {
    const at = this.take(n, 'data');
    return this.bytes.subarray(at, at + n);
  }

  private text(n: number): string {
    const raw = this.raw(n);
    try {
      return utf8.decode(raw);
    } catch {
      return this.fail('pickle string is not valid UTF-8');
    }
  }

  private tooLong(): never {
    return this.fail(`pickle is longer than the ${this.options.maxBytes} bytes allowed`);
  }

  private line(): string {
    const end = this.bytes.subarray(0, this.end).indexOf(0x0a, this.pos);
    if (end < 0) {
      if (this.end < this.bytes.length) this.tooLong();
      this.fail('pickle truncated: GLOBAL name has no end of line');
    }
    return this.text(end - this.pos + 1).slice(0, -1);
  }

  /** Counts `n` more objects made (or items added, or memo entries) against the budget. */
  private charge(n: number): void {
    this.made += n;
    if (this.made + this.stack.length + this.marks.length > MAX_OBJECTS) {
      this.fail(
        `pickle makes more than ${MAX_OBJECTS} objects (made, added to containers, memoised or on its stack); a state_dict needs about a dozen per tensor`,
      );
    }
  }

  private push(value: unknown): void {
    this.stack.push(value);
    this.charge(0);
  }

  /** Pushes a newly made object (container, bytes, call result), counting it against the budget. */
  private pushNew(value: unknown): void {
    this.stack.push(value);
    this.charge(1);
  }

  /** Memoises the top of the stack at `index`; a new entry counts against the budget. */
  private memoPut(index: number): void {
    const value = this.top();
    if (!this.memo.has(index)) this.charge(1);
    this.memo.set(index, value);
  }

  private pop(): unknown {
    const floor = this.marks.length ? this.marks[this.marks.length - 1] : 0;
    if (this.stack.length <= floor) this.fail('pickle stack underflow');
    return this.stack.pop();
  }

  private top(): unknown {
    const floor = this.marks.length ? this.marks[this.marks.length - 1] : 0;
    if (this.stack.length <= floor) this.fail('pickle stack underflow');
    return this.stack[this.stack.length - 1];
  }

  /** Pops everything above the latest MARK, and the MARK. */
  private popMark(): unknown[] {
    const height = this.marks.pop();
    if (height === undefined) this.fail('pickle MARK missing');
    return this.stack.splice(height);
  }

  /** {@link popMark}, the items counted as added to the container they are about to fill. */
  private popMarkCharged(): unknown[] {
    const items = this.popMark();
    this.charge(items.length);
    return items;
  }

  /** A LONG1/LONG4 integer of `n` bytes; wider ones are refused before they are read. */
  private long(n: number): number | bigint {
    if (n > MAX_LONG_BYTES) {
      this.fail(`pickle integer of ${n} bytes refused: at most ${MAX_LONG_BYTES} are read`);
    }
    return decodeLong(this.raw(n));
  }

  private memoGet(index: number): unknown {
    if (!this.memo.has(index)) this.fail(`pickle memo entry ${index} missing`);
    return this.memo.get(index);
  }

  private resolveGlobal(module: string, name: string): unknown {
    const qualifiedName = `${module}.${name}`;
    const globals = this.options.globals;
    if (!globals?.has(qualifiedName)) this.fail(`pickle global '${globalName(module, name)}' is not allowed`);
    return globals.get(qualifiedName);
  }

  private target<T>(guard: (value: unknown) => value is T, opName: string): T {
    const value = this.top();
    if (!guard(value)) this.fail(`pickle ${opName} on a ${describe(value)}`);
    return value;
  }

  private setItems(items: unknown[], opName: string): void {
    const dict = this.target((v): v is Map<unknown, unknown> => v instanceof Map, opName);
    this.charge(items.length >> 1);
    for (let i = 0; i + 1 < items.length; i += 2) dict.set(items[i], items[i + 1]);
  }

  private reduce(): void {
    const args = this.pop();
    const callable = this.pop();
    if (!(callable instanceof PickleCallable)) this.fail(`pickle REDUCE calls a ${describe(callable)}`);
    if (!Array.isArray(args)) this.fail(`pickle REDUCE of '${callable.qualifiedName}' has no argument tuple`);
    let result: unknown;
    try {
      result = callable.call(args);
    } catch (error) {
      this.fail(`${callable.qualifiedName}: ${(error as Error).message}`);
    }
    this.pushNew(result);
  }

  private persistentLoad(): void {
    const pid = this.pop();
    const load = this.options.persistentLoad;
    if (!load) this.fail('pickle persistent id found but no persistentLoad was given');
    try {
      this.push(load(pid));
    } catch (error) {
      this.fail((error as Error).message);
    }
  }

  /** Executes one opcode; returns true at STOP. */
  private step(op: number): boolean {
    switch (op) {
      case OP.PROTO: {
        const version = this.u8();
        if (version > MAX_PROTOCOL) this.fail(`not supported: pickle protocol ${version}`);
        return false;
      }
      case OP.FRAME:
        this.u64();
        return false;
      case OP.STOP:
        return true;
      case OP.MARK:
        this.marks.push(this.stack.length);
        this.charge(0);
        return false;
      case OP.POP:
        this.pop();
        return false;
      case OP.POP_MARK:
        this.popMark();
        return false;
      case OP.DUP:
        this.push(this.top());
        return false;
      case OP.BINPUT:
        this.memoPut(this.u8());
        return false;
      case OP.LONG_BINPUT:
        this.memoPut(this.u32());
        return false;
      case OP.MEMOIZE:
        this.memoPut(this.memo.size);
        return false;
      case OP.BINGET:
        this.push(this.memoGet(this.u8()));
        return false;
      case OP.LONG_BINGET:
        this.push(this.memoGet(this.u32()));
        return false;
      case OP.NONE:
        this.push(null);
        return false;
      case OP.NEWTRUE:
        this.push(true);
        return false;
      case OP.NEWFALSE:
        this.push(false);
        return false;
      case OP.BININT:
        this.push(this.view.getInt32(this.take(4, 'argument'), true));
        return false;
      case OP.BININT1:
        this.push(this.u8());
        return false;
      case OP.BININT2:
        this.push(this.u16());
        return false;
      case OP.LONG1:
        this.push(this.long(this.u8()));
        return false;
      case OP.LONG4:
        this.push(this.long(this.u32()));
        return false;
      case OP.BINFLOAT:
        // The one big-endian field of the pickle format.
        this.push(this.view.getFloat64(this.take(8, 'argument'), false));
        return false;
      case OP.SHORT_BINUNICODE:
        this.push(this.text(this.u8()));
        return false;
      case OP.BINUNICODE:
        this.push(this.text(this.u32()));
        return false;
      case OP.BINUNICODE8:
        this.push(this.text(this.u64()));
        return false;
      case OP.SHORT_BINBYTES:
        this.pushNew(this.raw(this.u8()).slice());
        return false;
      case OP.BINBYTES:
        this.pushNew(this.raw(this.u32()).slice());
        return false;
      case OP.BINBYTES8:
        this.pushNew(this.raw(this.u64()).slice());
        return false;
      case OP.EMPTY_TUPLE:
        this.pushNew(Object.freeze([]));
        return false;
      case OP.TUPLE:
        this.pushNew(Object.freeze(this.popMarkCharged()));
        return false;
      case OP.TUPLE1: {
        const a = this.pop();
        this.pushNew(Object.freeze([a]));
        return false;
      }
      case OP.TUPLE2: {
        const b = this.pop();
        const a = this.pop();
        this.pushNew(Object.freeze([a, b]));
        return false;
      }
      case OP.TUPLE3: {
        const c = this.pop();
        const b = this.pop();
        const a = this.pop();
        this.pushNew(Object.freeze([a, b, c]));
        return false;
      }
      case OP.EMPTY_LIST:
        this.pushNew([]);
        return false;
      case OP.LIST:
        this.pushNew(this.popMarkCharged());
        return false;
      case OP.APPEND: {
        const item = this.pop();
        this.target((v): v is unknown[] => Array.isArray(v) && !Object.isFrozen(v), 'APPEND').push(item);
        this.charge(1);
        return false;
      }
      case OP.APPENDS: {
        const items = this.popMark();
        const list = this.target((v): v is unknown[] => Array.isArray(v) && !Object.isFrozen(v), 'APPENDS');
        this.charge(items.length);
        // One by one: spreading a long run of items as arguments overflows the call stack.
        for (const item of items) list.push(item);
        return false;
      }
      case OP.EMPTY_DICT:
        this.pushNew(new Map());
        return false;
      case OP.DICT: {
        const items = this.popMark();
        this.pushNew(new Map());
        this.setItems(items, 'DICT');
        return false;
      }
      case OP.SETITEM: {
        const value = this.pop();
        const key = this.pop();
        this.setItems([key, value], 'SETITEM');
        return false;
      }
      case OP.SETITEMS:
        this.setItems(this.popMark(), 'SETITEMS');
        return false;
      case OP.EMPTY_SET:
        this.pushNew(new Set());
        return false;
      case OP.FROZENSET:
        this.pushNew(new Set(this.popMarkCharged()));
        return false;
      case OP.ADDITEMS: {
        const items = this.popMark();
        const set = this.target((v): v is Set<unknown> => v instanceof Set, 'ADDITEMS');
        this.charge(items.length);
        for (const item of items) set.add(item);
        return false;
      }
      case OP.GLOBAL: {
        const module = this.line();
        const name = this.line();
        this.push(this.resolveGlobal(module, name));
        return false;
      }
      case OP.STACK_GLOBAL: {
        const name = this.pop();
        const module = this.pop();
        if (typeof module !== 'string' || typeof name !== 'string') {
          this.fail('pickle STACK_GLOBAL needs two strings');
        }
        this.push(this.resolveGlobal(module, name));
        return false;
      }
      case OP.REDUCE:
        this.reduce();
        return false;
      case OP.BUILD: {
        const state = this.pop();
        this.target(isStateful, 'BUILD')[SET_STATE](state);
        return false;
      }
      case OP.BINPERSID:
        this.persistentLoad();
        return false;
      default: {
        const name = UNSUPPORTED_OP_NAMES.get(op);
        return this.fail(
          name ? `not supported: pickle opcode ${name}` : `unknown pickle opcode 0x${op.toString(16)}`,
        );
      }
    }
  }

  /** Bytes consumed so far (after `run`: the length of the pickle, STOP included). */
  get position(): number {
    return this.pos;
  }

  run(): unknown {
    while (this.pos < this.end) {
      this.opStart = this.pos;
      if (this.step(this.bytes[this.pos++])) return this.pop();
    }
    this.opStart = this.pos;
    if (this.end < this.bytes.length) this.tooLong();
    return this.fail('pickle truncated: no STOP opcode');
  }
}

/** Unpickles `bytes`, allowing only the globals and persistent ids that `options` resolve. */
export function unpickle(bytes: Uint8Array, options: UnpickleOptions = {}): unknown {
  return new Unpickler(bytes, options).run();
}

/**
 * Unpickles the first pickle in `bytes` and says where it ended, for streams of consecutive pickles (PyTorch's
 * legacy checkpoint format).
 */
export function unpickleFirst(
  bytes: Uint8Array,
  options: UnpickleOptions = {},
): { value: unknown; end: number } {
  const unpickler = new Unpickler(bytes, options);
  const value = unpickler.run();
  return { value, end: unpickler.position };
}
