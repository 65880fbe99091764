/**
 * The one registry class of ssd-ts: a key → component table that packages extend by registering under a new
 * key, as the reference's `Registry` does. Keys are names a config selects (`MODEL.BACKBONE.NAME`), or classes
 * (@ssd/onnx's emitters per module class). Guarded: a taken key, an empty name and an unknown key are errors
 * naming the registry, the config key and what is registered. A package whose registries plug-ins extend also
 * refuses a second copy of itself in the process (`claimSingleCopy`), so its registries stay one.
 */
export class Registry<T, K = string> {
  private readonly items = new Map<K, T>();

  /**
   * @param kind what the entries are, for messages (e.g. "backbone")
   * @param configKey the config key that selects an entry (e.g. "MODEL.BACKBONE.NAME"), for messages; null
   *   when no config key does
   * @param describe how a key reads in messages (a class by its name); default `String(key)`
   */
  constructor(
    readonly kind: string,
    readonly configKey: string | null = null,
    private readonly describe: (key: K) => string = String,
  ) {}

  /** Adds `value` under `key` and returns it; registering a taken key is an error (as in the reference). */
  register(key: K, value: T): T {
    if (typeof key === 'string' && key.trim() === '') {
      throw new Error(`a ${this.kind} needs a non-empty name to be registered`);
    }
    if (this.items.has(key)) throw new Error(`${this.kind} '${this.describe(key)}' is already registered`);
    this.items.set(key, value);
    return value;
  }

  /** The entry under `key`, or an error that names the config key and lists the registered names. */
  get(key: K): T {
    if (!this.items.has(key)) {
      const known = this.names();
      const selectedBy = this.configKey === null ? '' : ` (${this.configKey})`;
      throw new Error(
        `unknown ${this.kind} '${this.describe(key)}'${selectedBy}; registered: ${known.length ? known.join(', ') : 'none'}`,
      );
    }
    return this.items.get(key) as T;
  }

  /** Whether `key` is registered. */
  has(key: K): boolean {
    return this.items.has(key);
  }

  /** Registered keys, in registration order. */
  keys(): K[] {
    return [...this.items.keys()];
  }

  /** Registered keys as messages show them, in registration order (for string keys: the keys). */
  names(): string[] {
    return this.keys().map(this.describe);
  }
}
