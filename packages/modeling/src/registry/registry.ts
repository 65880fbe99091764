/** A name → component table that packages extend by registering under a new name (like the reference's). */
export class Registry<T> {
  private readonly items = new Map<string, T>();

  /**
   * @param kind what the entries are, for messages (e.g. "backbone")
   * @param configKey the config key that selects an entry (e.g. "MODEL.BACKBONE.NAME"), for messages
   */
  constructor(
    readonly kind: string,
    readonly configKey: string,
  ) {}

  /** Adds `value` under `name`; registering a taken name is an error (as in the reference). */
  register(name: string, value: T): T {
    if (this.items.has(name)) throw new Error(`${this.kind} '${name}' is already registered`);
    this.items.set(name, value);
    return value;
  }

  /** The entry named `name`, or an error that lists the registered names. */
  get(name: string): T {
    const value = this.items.get(name);
    if (value === undefined) {
      const known = this.names();
      throw new Error(
        `unknown ${this.kind} '${name}' (${this.configKey}); registered: ${known.length ? known.join(', ') : 'none'}`,
      );
    }
    return value;
  }

  /** Whether `name` is registered. */
  has(name: string): boolean {
    return this.items.has(name);
  }

  /** Registered names, in registration order. */
  names(): string[] {
    return [...this.items.keys()];
  }
}
