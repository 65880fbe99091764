import { cutText } from '@ssd/files';
import { type Document, isScalar, LineCounter, parseDocument, visit } from 'yaml';
import type { z } from 'zod';
import { ConfigError, closestKey } from './errors';
import { parsePythonLiteral } from './python-literal';
import { configSchema, type SSDConfig, userDatasetSchema } from './schema';

type Plain = Record<string, unknown>;

const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where merged values come from: a YAML file, or `KEY VALUE` pairs from a command line. */
interface Source {
  file?: string;
  fromCommandLine: boolean;
}

/**
 * The first key that repeats within one mapping, with its line, in time linear in the document (the yaml
 * library's own `uniqueKeys` check compares every key with every other: minutes for 80 000 keys).
 */
function duplicateKey(doc: Document, lines: LineCounter): { key: string; line: number } | undefined {
  let found: { key: string; line: number } | undefined;
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const { key } of map.items) {
        const value = isScalar(key) ? key.value : String(key);
        if (seen.has(value)) {
          const at = (key as { range?: readonly number[] } | null)?.range?.[0];
          found = { key: String(value), line: at === undefined ? 0 : lines.linePos(at).line };
          return visit.BREAK;
        }
        seen.add(value);
      }
      return undefined;
    },
  });
  return found;
}

/**
 * Merges a YAML config's text into `cfg` (in place) and returns it; errors name `file` (where the text came
 * from) and the key. No file system: the browser's shipped configs come here as text.
 */
export function mergeFromYaml(cfg: SSDConfig, text: string, file?: string): SSDConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: false, lineCounter: lines });
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    const line = err.linePos?.[0].line;
    throw new ConfigError(
      `malformed YAML${line ? ` at line ${line}` : ''}: ${cutText(err.message.split('\n')[0]!)}`,
      undefined,
      file,
    );
  }
  const duplicate = duplicateKey(doc, lines);
  if (duplicate) {
    throw new ConfigError(
      `malformed YAML${duplicate.line ? ` at line ${duplicate.line}` : ''}: the key '${cutText(duplicate.key)}' appears twice in one mapping`,
      undefined,
      file,
    );
  }
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (e) {
    // The yaml library refuses alias bombs ("billion laughs") here, not as a parse error.
    throw new ConfigError(`unusable YAML: ${cutText((e as Error).message)}`, undefined, file);
  }
  if (data === null || data === undefined) return cfg;
  if (!isPlain(data))
    throw new ConfigError('the top level must be a mapping of config keys', undefined, file);
  return mergeFromObject(cfg, data, file);
}

/** Merges a nested object of overrides into `cfg` (in place), checking keys and types. */
export function mergeFromObject(cfg: SSDConfig, data: Plain, file?: string): SSDConfig {
  mergeInto(cfg as unknown as Plain, data, [], { file, fromCommandLine: false });
  return validate(cfg, file);
}

/** Merges `['SOLVER.LR', '0.01', …]` pairs into `cfg` (in place); values are parsed and type-checked. */
export function mergeFromList(cfg: SSDConfig, list: readonly string[]): SSDConfig {
  if (list.length % 2 !== 0) {
    throw new ConfigError(`overrides must be KEY VALUE pairs; '${list[list.length - 1]}' has no value`);
  }
  for (let i = 0; i < list.length; i += 2) {
    const path = list[i]!.split('.');
    const nested: Plain = {};
    let node = nested;
    // Defined, not assigned: a `__proto__` segment must become a key (and be refused), not a prototype.
    const set = (target: Plain, k: string, value: unknown) =>
      Object.defineProperty(target, k, { value, enumerable: true, writable: true, configurable: true });
    path.slice(0, -1).forEach((k) => {
      set(node, k, {});
      node = node[k] as Plain;
    });
    set(node, path[path.length - 1]!, list[i + 1]!);
    mergeInto(cfg as unknown as Plain, nested, [], { fromCommandLine: true });
  }
  return validate(cfg);
}

function mergeInto(target: Plain, source: Plain, path: string[], src: Source): void {
  for (const [key, value] of Object.entries(source)) {
    const keyPath = [...path, key];
    const name = keyPath.join('.');
    if (name === 'DATASETS.CATALOG') {
      mergeCatalog(target[key] as Plain, value, src);
      continue;
    }
    // Own keys only: `constructor`, `toString` or `__proto__` must not reach Object.prototype.
    if (!Object.hasOwn(target, key)) {
      const hint = closestKey(
        name,
        Object.keys(target).map((k) => [...path, k].join('.')),
      );
      throw new ConfigError(
        `unknown config key '${cutText(name)}'${hint ? ` (did you mean '${hint}'?)` : ''}`,
        name,
        src.file,
      );
    }
    const base = target[key];
    if (isPlain(base)) {
      if (!isPlain(value))
        throw new ConfigError(`'${cutText(name)}' is a section; give it a mapping of keys`, name, src.file);
      mergeInto(base, value, keyPath, src);
    } else {
      target[key] = coerceLeaf(base, value, name, src);
    }
  }
}

function mergeCatalog(catalog: Plain, value: unknown, src: Source): void {
  if (!isPlain(value))
    throw new ConfigError(
      "'DATASETS.CATALOG' must map data set names to specs",
      'DATASETS.CATALOG',
      src.file,
    );
  for (const [name, spec] of Object.entries(value)) {
    const key = `DATASETS.CATALOG.${name}`;
    if (name === '__proto__')
      throw new ConfigError(`'${cutText(key)}' is not a usable data set name`, key, src.file);
    const parsed = userDatasetSchema.safeParse(isPlain(spec) ? normaliseLiterals(spec) : spec);
    if (!parsed.success) throw issueError(parsed.error, key, src.file);
    catalog[name] = parsed.data;
  }
}

/** YAML may carry Python tuple strings such as "(1, 2)" anywhere a list is expected. */
function normaliseLiterals(spec: Plain): Plain {
  const out: Plain = {};
  for (const [k, v] of Object.entries(spec)) {
    const lit = typeof v === 'string' && /^[([]/.test(v.trim()) ? parsePythonLiteral(v) : undefined;
    out[k] = lit ?? v;
  }
  return out;
}

function coerceLeaf(base: unknown, value: unknown, name: string, src: Source): unknown {
  let v = value;
  if (typeof v === 'string' && typeof base !== 'string') {
    const lowered = v.trim().toLowerCase();
    if (typeof base === 'boolean' && (lowered === 'true' || lowered === 'false')) v = lowered === 'true';
    else v = parsePythonLiteral(v) ?? v;
  } else if (typeof v === 'string' && src.fromCommandLine) {
    // A quoted command-line value ('"foo"') means the string inside the quotes.
    const lit = parsePythonLiteral(v);
    if (typeof lit === 'string') v = lit;
  }
  const schema = leafSchema(name);
  const parsed = schema.safeParse(v);
  if (!parsed.success) {
    throw new ConfigError(
      `invalid value for '${cutText(name)}': ${cutText(JSON.stringify(value) ?? String(value))} (expected ${describe(base)}; ${cutText(firstMessage(parsed.error))})`,
      name,
      src.file,
    );
  }
  return parsed.data;
}

function leafSchema(name: string): z.ZodType {
  let node: z.ZodType = configSchema;
  for (const key of name.split('.')) {
    node = (node as unknown as { shape: Record<string, z.ZodType> }).shape[key]!;
  }
  return node;
}

function describe(base: unknown): string {
  if (Array.isArray(base)) return base.length > 0 && Array.isArray(base[0]) ? 'a list of lists' : 'a list';
  return typeof base === 'number' ? 'a number' : typeof base === 'boolean' ? 'True or False' : 'a string';
}

function firstMessage(error: z.ZodError): string {
  const issue = error.issues[0]!;
  return issue.path.length > 0 ? `at [${issue.path.join('][')}]: ${issue.message}` : issue.message;
}

function issueError(error: z.ZodError, prefix: string, file?: string): ConfigError {
  const issue = error.issues[0]!;
  const key = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
  return new ConfigError(`invalid config at '${cutText(key)}': ${cutText(issue.message)}`, key, file);
}

function validate(cfg: SSDConfig, file?: string): SSDConfig {
  const parsed = configSchema.safeParse(cfg);
  if (!parsed.success) throw issueError(parsed.error, '', file);
  return cfg;
}
