/** A value a Python literal (as yacs reads with `literal_eval`) can hold, limited to what configs use. */
export type LiteralValue = number | string | boolean | null | LiteralValue[];

/**
 * Parses a Python literal as the reference's YAML files write them: numbers, quoted strings,
 * True/False/None, tuples `(1, 2)` and lists `[1, 2]` (nested, trailing comma allowed).
 * Returns undefined when the text is not such a literal, so callers can keep it as a plain string.
 */
export function parsePythonLiteral(text: string): LiteralValue | undefined {
  const parser = new LiteralParser(text);
  try {
    const value = parser.value();
    parser.skipSpace();
    return parser.atEnd() ? value : undefined;
  } catch {
    return undefined;
  }
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/;

class LiteralParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  value(): LiteralValue {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === '(' || c === '[') return this.sequence(c === '(' ? ')' : ']');
    if (c === '"' || c === "'") return this.string(c);
    const rest = this.text.slice(this.pos);
    for (const [word, value] of [
      ['True', true],
      ['False', false],
      ['None', null],
    ] as const) {
      if (rest.startsWith(word) && !/\w/.test(rest[word.length] ?? '')) {
        this.pos += word.length;
        return value;
      }
    }
    const m = NUMBER.exec(rest);
    if (m) {
      this.pos += m[0].length;
      return Number(m[0]);
    }
    throw new Error(`unexpected input at ${this.pos}`);
  }

  private sequence(close: string): LiteralValue[] {
    this.pos++;
    const items: LiteralValue[] = [];
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === close) {
        this.pos++;
        return items;
      }
      items.push(this.value());
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === ',') this.pos++;
      else if (c !== close) throw new Error(`expected ',' or '${close}' at ${this.pos}`);
    }
  }

  private string(quote: string): string {
    const end = this.text.indexOf(quote, this.pos + 1);
    if (end < 0) throw new Error('unterminated string');
    const s = this.text.slice(this.pos + 1, end);
    this.pos = end + 1;
    return s;
  }
}
