import { OP } from './pickle-opcodes';

const utf8 = new TextEncoder();

/** Minimal little-endian two's-complement bytes of an integer (Python LONG1/LONG4 payload). */
function encodeLong(value: bigint): number[] {
  const out: number[] = [];
  let rest = value;
  while (rest !== 0n && rest !== -1n) {
    out.push(Number(rest & 0xffn));
    rest >>= 8n;
  }
  // One more byte when the top bit would otherwise give the wrong sign.
  const top = out.length ? out[out.length - 1] & 0x80 : 0;
  if (rest === 0n && top) out.push(0);
  if (rest === -1n && (out.length === 0 || !top)) out.push(0xff);
  return out;
}

/**
 * Writes a protocol-2 pickle. Plain values map back the way {@link unpickle} reads them: null→None,
 * boolean→bool, integral number or bigint→int, other number→float, string→str, frozen array→tuple,
 * array→list, Map or plain object→dict. Objects the `custom` hook accepts are written by it.
 */
export class PickleWriter {
  private bytes = new Uint8Array(1 << 16);
  private length = 0;

  constructor(private readonly custom: (value: unknown, writer: PickleWriter) => boolean = () => false) {
    this.op(OP.PROTO, 2);
  }

  private reserve(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  /** Appends raw bytes. */
  raw(data: ArrayLike<number>): void {
    this.reserve(data.length);
    this.bytes.set(data, this.length);
    this.length += data.length;
  }

  /** Appends an opcode and its one-byte arguments. */
  op(code: number, ...args: number[]): void {
    this.raw([code, ...args]);
  }

  private u32(n: number): number[] {
    return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
  }

  /** GLOBAL `module.name`. */
  global(module: string, name: string): void {
    this.op(OP.GLOBAL);
    this.raw(utf8.encode(`${module}\n${name}\n`));
  }

  /** A str. */
  string(text: string): void {
    const data = utf8.encode(text);
    this.op(OP.BINUNICODE, ...this.u32(data.length));
    this.raw(data);
  }

  /** An int. */
  int(value: number | bigint): void {
    const n = typeof value === 'bigint' ? value : BigInt(value);
    if (n >= 0n && n < 0x100n) this.op(OP.BININT1, Number(n));
    else if (n >= 0n && n < 0x10000n) this.op(OP.BININT2, Number(n & 0xffn), Number(n >> 8n));
    else if (n >= -(2n ** 31n) && n < 2n ** 31n)
      this.op(OP.BININT, ...this.u32(Number(BigInt.asUintN(32, n))));
    else {
      const payload = encodeLong(n);
      if (payload.length < 0x100) this.op(OP.LONG1, payload.length);
      else this.op(OP.LONG4, ...this.u32(payload.length));
      this.raw(payload);
    }
  }

  /** A float (BINFLOAT is big-endian). */
  float(value: number): void {
    const data = new Uint8Array(8);
    new DataView(data.buffer).setFloat64(0, value, false);
    this.op(OP.BINFLOAT);
    this.raw(data);
  }

  /** A tuple of the given values. */
  tuple(items: readonly unknown[]): void {
    if (items.length === 0) {
      this.op(OP.EMPTY_TUPLE);
      return;
    }
    this.op(OP.MARK);
    for (const item of items) this.value(item);
    this.op(OP.TUPLE);
  }

  /** Fills the dict on top of the stack with `entries`. */
  setItems(entries: Iterable<readonly [unknown, unknown]>): void {
    this.op(OP.MARK);
    for (const [key, value] of entries) {
      this.value(key);
      this.value(value);
    }
    this.op(OP.SETITEMS);
  }

  /** A tuple (frozen array) or list. */
  sequence(items: readonly unknown[]): void {
    if (Object.isFrozen(items)) {
      this.tuple(items);
      return;
    }
    this.op(OP.EMPTY_LIST);
    if (items.length === 0) return;
    this.op(OP.MARK);
    for (const item of items) this.value(item);
    this.op(OP.APPENDS);
  }

  /** Any supported value. */
  value(value: unknown): void {
    if (this.custom(value, this)) return;
    if (value === null) this.op(OP.NONE);
    else if (typeof value === 'boolean') this.op(value ? OP.NEWTRUE : OP.NEWFALSE);
    else if (typeof value === 'bigint') this.int(value);
    else if (typeof value === 'number') {
      if (Number.isInteger(value) && !Object.is(value, -0)) this.int(value);
      else this.float(value);
    } else if (typeof value === 'string') this.string(value);
    else if (Array.isArray(value)) this.sequence(value);
    else if (value instanceof Map || (typeof value === 'object' && isPlainObject(value))) {
      this.op(OP.EMPTY_DICT);
      this.setItems(value instanceof Map ? value : Object.entries(value));
    } else {
      const kind = typeof value === 'object' ? value.constructor.name : typeof value;
      throw new Error(`not supported: pickling a ${kind}`);
    }
  }

  /** The finished pickle, with STOP. */
  finish(): Uint8Array {
    this.op(OP.STOP);
    return this.bytes.slice(0, this.length);
  }
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
