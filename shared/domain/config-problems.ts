import { isDeepStrictEqual } from 'node:util';
import { InvalidInputError } from './errors.ts';

/**
 * Shared plumbing for the ADK config parsers (RunConfig, Agent Config YAML,
 * generate_content_config): they collect every problem first and throw once, so a user fixes a
 * config in one round trip instead of one error at a time.
 */

/** One thing wrong with a config: where (a field path such as `tools[1]`) and what. */
export interface ConfigProblem {
  /** Field path as the user spelled it; empty for the document itself. */
  path: string;
  message: string;
}

/**
 * A config was refused. The message has one line per problem, each starting with `source`
 * (a file name or `RunConfig`); `problems` keeps them structured for an API's field violations.
 */
export class ConfigValidationError extends InvalidInputError {
  readonly problems: readonly ConfigProblem[];
  constructor(source: string, problems: readonly ConfigProblem[]) {
    super(problems.map((problem) => formatProblem(source, problem)).join('\n'));
    this.problems = problems;
  }
}

export function formatProblem(source: string, problem: ConfigProblem): string {
  return problem.path ? `${source}: ${problem.path}: ${problem.message}` : `${source}: ${problem.message}`;
}

/** `joinPath('tools', 1)` → `tools[1]`; `joinPath('a', 'b')` → `a.b`; `joinPath('', 'a')` → `a`. */
export function joinPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

/** A JSON/YAML mapping: not null, not an array, not a class instance such as Date. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Names a value's type the way a user reads it in an error: `a string`, `null`, `an array`. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (isPlainObject(value)) return 'a mapping';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  const type = typeof value;
  return type === 'object' || type === 'undefined' ? type : `a ${type}`;
}

export function snakeToCamel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

export function camelToSnake(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** A field read from input, with the key the user actually wrote (for error paths). */
export interface GivenField {
  key: string;
  value: unknown;
}

export interface ReadFieldsResult {
  /** By canonical snake_case name. */
  fields: Map<string, GivenField>;
  problems: ConfigProblem[];
}

/**
 * Reads the known fields of a mapping. With `acceptCamelCase`, each snake_case field may also be
 * spelled in camelCase (as ADK's TypeScript/Java APIs and google-genai's pydantic aliases do);
 * both spellings with different values is a conflict, with equal values harmless. Every unknown
 * key becomes its own problem, so the error names all of them.
 */
export function readKnownFields(
  input: Record<string, unknown>,
  known: readonly string[],
  path: string,
  options: { acceptCamelCase: boolean },
): ReadFieldsResult {
  const knownSet = new Set(known);
  const fields = new Map<string, GivenField>();
  const problems: ConfigProblem[] = [];
  for (const [key, value] of Object.entries(input)) {
    const canonical = canonicalName(key, knownSet, options.acceptCamelCase);
    if (canonical === undefined) {
      problems.push({ path: joinPath(path, key), message: unknownFieldMessage(key, knownSet, options) });
      continue;
    }
    const earlier = fields.get(canonical);
    if (earlier === undefined) {
      fields.set(canonical, { key, value });
    } else if (!isDeepStrictEqual(earlier.value, value)) {
      problems.push({
        path: joinPath(path, canonical),
        message: `given as both "${earlier.key}" and "${key}" with different values; give it once`,
      });
    }
  }
  return { fields, problems };
}

function canonicalName(key: string, known: Set<string>, acceptCamelCase: boolean): string | undefined {
  if (known.has(key)) return key;
  if (!acceptCamelCase) return undefined;
  const snake = camelToSnake(key);
  // Only the exact camelCase form of a known name: `top_P` or `Top_p` stay unknown.
  return known.has(snake) && snakeToCamel(snake) === key ? snake : undefined;
}

function unknownFieldMessage(key: string, known: Set<string>, options: { acceptCamelCase: boolean }): string {
  const snake = camelToSnake(key);
  if (!options.acceptCamelCase && snake !== key && known.has(snake)) {
    return `Unknown field; did you mean "${snake}"? (ADK Agent Config uses snake_case)`;
  }
  return 'Unknown field';
}

/**
 * A schema issue's path as the config spells it: each camelCase key by its snake_case arg name
 * (`names`; an empty name drops a key the config has no level for), indexes as `[i]`.
 */
export function configArgPath(path: readonly PropertyKey[], names: Readonly<Record<string, string>>): string {
  return path
    .map((key) => (typeof key === 'number' ? `[${key}]` : (names[String(key)] ?? String(key))))
    .filter((key) => key !== '')
    .join('.')
    .replace(/\.\[/g, '[');
}
