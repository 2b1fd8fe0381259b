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
 * An OpenAPI schema object (dereferenced) as the JSON Schema of a function argument: `allOf`
 * merged into one object schema, `oneOf` read as `anyOf`, OpenAPI 3.0's `nullable` as a `null`
 * type, and a cycle or a nesting past eight levels cut to `{}` (any value), since a declaration
 * must be finite.
 */
export function toDeclarationSchema(schema: unknown, depth = 0, seen: readonly object[] = []): JsonSchema {
  if (!isPlainObject(schema) || depth > maxDepth || seen.includes(schema)) return {};
  const within = [...seen, schema];
  const merged = 'allOf' in schema && Array.isArray(schema.allOf) ? mergeAllOf(schema) : schema;
  const result: JsonSchema = {};
  for (const keyword of keptKeywords) if (merged[keyword] !== undefined) result[keyword] = merged[keyword];
  if (merged.nullable === true && typeof merged.type === 'string') result.type = [merged.type, 'null'];
  if (isPlainObject(merged.properties)) {
    result.properties = Object.fromEntries(
      Object.entries(merged.properties).map(([name, property]) => [name, toDeclarationSchema(property, depth + 1, within)]),
    );
    if (result.type === undefined) result.type = 'object';
  }
  if (Array.isArray(merged.required) && merged.required.length > 0) result.required = merged.required;
  if (merged.items !== undefined) result.items = toDeclarationSchema(merged.items, depth + 1, within);
  if (typeof merged.additionalProperties === 'boolean') result.additionalProperties = merged.additionalProperties;
  else if (isPlainObject(merged.additionalProperties)) result.additionalProperties = toDeclarationSchema(merged.additionalProperties, depth + 1, within);
  const alternatives = merged.anyOf ?? merged.oneOf;
  if (Array.isArray(alternatives)) result.anyOf = alternatives.map((alternative) => toDeclarationSchema(alternative, depth + 1, within));
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
