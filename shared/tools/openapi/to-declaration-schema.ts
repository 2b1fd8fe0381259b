import { isPlainObject } from '../../domain/config-problems.ts';

/** How deep a nested (or circular) schema is described before it is cut to "any value". */
const maxDepth = 8;

/** Keywords of a schema the model is shown; the rest (examples, xml, readOnly...) are left out. */
const keptKeywords = [
  'type', 'format', 'description', 'title', 'enum', 'default', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum',
  'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems', 'uniqueItems',
] as const;

type JsonSchema = Record<string, unknown>;

/**
 * The most levels of objects and arrays an argument schema may nest. Firestore keeps at most 20
 * in a document, and a snapshot holds each function's schema a few levels down (run or agent →
 * its tools → one tool → its schema), so a deeper one would make every write of it fail.
 */
export const maxStoredSchemaNesting = 14;

/**
 * `toDeclarationSchema` cut shallower until it nests at most `maxNesting` levels: what a snapshot
 * can store (`maxStoredSchemaNesting`).
 */
export function declarationSchemaWithin(schema: unknown, maxNesting: number): JsonSchema {
  for (let limit = maxDepth; limit >= 0; limit--) {
    const declared = toDeclarationSchema(schema, 0, [], limit);
    if (nestingOf(declared) <= maxNesting) return declared;
  }
  return {};
}

function nestingOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(nestingOf));
  if (isPlainObject(value)) return 1 + Math.max(0, ...Object.values(value).map(nestingOf));
  return 0;
}

/**
 * A property name Firestore can keep as a map key: not empty, not `__like_this__` (reserved). A
 * property named otherwise is left out of the declaration (the model cannot give it).
 */
function isStorableName(name: string): boolean {
  return name !== '' && !/^__.*__$/.test(name);
}

/** An array directly inside an array, anywhere in `value`: Firestore refuses it (an `enum` or `default` of tuples). */
function holdsNestedArray(value: unknown, inArray = false): boolean {
  if (Array.isArray(value)) return inArray || value.some((item) => holdsNestedArray(item, true));
  if (isPlainObject(value)) return Object.values(value).some((item) => holdsNestedArray(item, false));
  return false;
}

/**
 * An OpenAPI schema object (dereferenced) as the JSON Schema of a function argument: `allOf`
 * merged into one object schema, `oneOf` read as `anyOf`, OpenAPI 3.0's `nullable` as a `null`
 * type, and a cycle or a nesting past `limit` (eight) levels cut to `{}` (any value), since a
 * declaration must be finite. An `enum` or `default` holding arrays in arrays is left out.
 */
export function toDeclarationSchema(schema: unknown, depth = 0, seen: readonly object[] = [], limit = maxDepth): JsonSchema {
  if (!isPlainObject(schema) || depth > limit || seen.includes(schema)) return {};
  const within = [...seen, schema];
  const merged = 'allOf' in schema && Array.isArray(schema.allOf) ? mergeAllOf(schema) : schema;
  const result: JsonSchema = {};
  for (const keyword of keptKeywords) if (merged[keyword] !== undefined && !holdsNestedArray(merged[keyword])) result[keyword] = merged[keyword];
  if (merged.nullable === true && typeof merged.type === 'string') result.type = [merged.type, 'null'];
  if (isPlainObject(merged.properties)) {
    result.properties = Object.fromEntries(
      Object.entries(merged.properties)
        .filter(([name]) => isStorableName(name))
        .map(([name, property]) => [name, toDeclarationSchema(property, depth + 1, within, limit)]),
    );
    if (result.type === undefined) result.type = 'object';
  }
  const required = Array.isArray(merged.required) ? merged.required.filter((name): name is string => typeof name === 'string' && isStorableName(name)) : [];
  if (required.length > 0) result.required = required;
  if (merged.items !== undefined) result.items = toDeclarationSchema(merged.items, depth + 1, within, limit);
  if (typeof merged.additionalProperties === 'boolean') result.additionalProperties = merged.additionalProperties;
  else if (isPlainObject(merged.additionalProperties)) result.additionalProperties = toDeclarationSchema(merged.additionalProperties, depth + 1, within, limit);
  const alternatives = merged.anyOf ?? merged.oneOf;
  if (Array.isArray(alternatives)) result.anyOf = alternatives.map((alternative) => toDeclarationSchema(alternative, depth + 1, within, limit));
  return result;
}

/** One schema with the properties and required names of the schema and all its `allOf` parts. */
function mergeAllOf(schema: Record<string, unknown>): Record<string, unknown> {
  const { allOf, ...own } = schema;
  const parts = [own, ...(allOf as unknown[]).filter(isPlainObject).map((part) => ('allOf' in part ? mergeAllOf(part) : part))];
  const merged: Record<string, unknown> = {};
  const properties: Record<string, unknown> = {};
  const required = new Set<string>();
  for (const part of parts) {
    for (const [key, value] of Object.entries(part)) {
      if (key === 'properties' && isPlainObject(value)) Object.assign(properties, value);
      else if (key === 'required' && Array.isArray(value)) value.forEach((name) => required.add(String(name)));
      else if (merged[key] === undefined) merged[key] = value;
    }
  }
  if (Object.keys(properties).length > 0) merged.properties = properties;
  if (required.size > 0) merged.required = [...required];
  return merged;
}
