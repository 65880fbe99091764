import { claimSingleCopy, Registry } from '../src';

describe('Registry', () => {
  test('register, get, has, keys and names', () => {
    const r = new Registry<number>('widget', 'MODEL.WIDGET');
    expect(r.register('a', 1)).toBe(1);
    r.register('b', 2);
    expect(r.get('b')).toBe(2);
    expect(r.has('a')).toBe(true);
    expect(r.has('c')).toBe(false);
    expect(r.keys()).toEqual(['a', 'b']);
    expect(r.names()).toEqual(['a', 'b']);
  });

  test('an unknown name is an error naming the config key and the registered names', () => {
    const r = new Registry<number>('widget', 'MODEL.WIDGET');
    expect(() => r.get('x')).toThrow("unknown widget 'x' (MODEL.WIDGET); registered: none");
    r.register('a', 1);
    expect(() => r.get('x')).toThrow("unknown widget 'x' (MODEL.WIDGET); registered: a");
    // Names are looked up as they are: Object.prototype's are not entries.
    expect(r.has('constructor')).toBe(false);
    expect(() => r.get('constructor')).toThrow("unknown widget 'constructor'");
  });

  test('a taken name and an empty name are refused', () => {
    const r = new Registry<number>('widget', 'MODEL.WIDGET');
    r.register('a', 1);
    expect(() => r.register('a', 2)).toThrow("widget 'a' is already registered");
    expect(r.get('a')).toBe(1);
    expect(() => r.register(' ', 3)).toThrow('a widget needs a non-empty name to be registered');
  });

  test('classes as keys read by name in messages; an entry may be a falsy value', () => {
    class Conv {}
    class Pool {}
    const r = new Registry<number, abstract new () => object>('emitter', null, (c) => c.name);
    r.register(Conv, 0);
    expect(r.get(Conv)).toBe(0);
    expect(() => r.register(Conv, 1)).toThrow("emitter 'Conv' is already registered");
    expect(() => r.get(Pool)).toThrow("unknown emitter 'Pool'; registered: Conv");
    expect(r.names()).toEqual(['Conv']);
  });
});

describe('claimSingleCopy', () => {
  test('a second folder of the same package is refused, naming both; the same folder again is not', () => {
    const name = `@ssd-test/single-copy-${process.pid}-${Date.now()}`;
    claimSingleCopy(name, '/opt/first', '1.0.0');
    expect(() => claimSingleCopy(name, '/opt/first', '1.0.0')).not.toThrow();
    expect(() => claimSingleCopy(name, '/opt/second', '1.1.0')).toThrow(
      `${name} is installed twice and both copies were loaded: /opt/first (1.0.0, loaded first) and /opt/second (1.1.0)`,
    );
    // Another package is independent.
    expect(() => claimSingleCopy(`${name}-other`, '/opt/second', '1.1.0')).not.toThrow();
  });
});
