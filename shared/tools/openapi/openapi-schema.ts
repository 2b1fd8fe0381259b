/**
 * An OpenAPI schema (already dereferenced) as the JSON Schema a function declaration carries:
 * `allOf` merged into one object (Gemini's schema subset has no `allOf`), nesting cut at a depth
 * (a recursive schema would never end), only the keywords the model uses kept, and a `$ref` left
 * unresolved (an external one: never fetched) refused.
 */
export type JsonSchema = Record<string, unknown>;

const maxDepth = 8;
const keptKeywords = ['type', 'description', 'enum', 'format', 'default', 'minimum', 'maximum', 'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems', 'nullable', 'title'];

export function toDeclarationSchema(schema: unknown, where: string, depth = 0): JsonSchema {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return {};
  const source = schema as Record<string, unknown>;
  if (typeof source['$ref'] === 'string') throw new Error(`${where}: $ref ${JSON.stringify(source['$ref'])} points outside the document, which is not read`);
  if (depth >= maxDepth) return { description: 'nested too deep to describe' };
  const merged = Array.isArray(source['allOf']) ? mergeAllOf(source, where) : source;
  const result: JsonSchema = {};
  for (const keyword of keptKeywords) if (merged[keyword] !== undefined) result[keyword] = merged[keyword];
  if (merged['properties'] && typeof merged['properties'] === 'object') {
    result['properties'] = Object.fromEntries(
      Object.entries(merged['properties'] as Record<string, unknown>)
        .filter(([, property]) => !(property as { readOnly?: boolean })?.readOnly)
        .map(([name, property]) => [name, toDeclarationSchema(property, `${where}.${name}`, depth + 1)]),
    );
    if (result['type'] === undefined) result['type'] = 'object';
  }
  if (Array.isArray(merged['required']) && result['properties']) {
    const required = (merged['required'] as unknown[]).filter((name): name is string => typeof name === 'string' && name in (result['properties'] as object));
    if (required.length > 0) result['required'] = required;
  }
  if (merged['items'] !== undefined) result['items'] = toDeclarationSchema(merged['items'], `${where}[]`, depth + 1);
  for (const choice of ['anyOf', 'oneOf'] as const) {
    if (Array.isArray(merged[choice])) result['anyOf'] = (merged[choice] as unknown[]).map((option, index) => toDeclarationSchema(option, `${where}.${choice}[${index}]`, depth + 1));
  }
  return result;
}

/** `allOf` parts merged: properties and required lists united, the rest taken from the first part that has it. */
function mergeAllOf(schema: Record<string, unknown>, where: string): Record<string, unknown> {
  const { allOf, ...own } = schema;
  const parts = [own, ...(allOf as unknown[]).map((part) => (part && typeof part === 'object' ? (part as Record<string, unknown>) : {}))];
  const merged: Record<string, unknown> = {};
  const properties: Record<string, unknown> = {};
  const required = new Set<string>();
  for (const part of parts) {
    if (typeof part['$ref'] === 'string') throw new Error(`${where}: $ref ${JSON.stringify(part['$ref'])} points outside the document, which is not read`);
    const flat = Array.isArray(part['allOf']) ? mergeAllOf(part, where) : part;
    Object.assign(properties, flat['properties'] ?? {});
    for (const name of Array.isArray(flat['required']) ? (flat['required'] as string[]) : []) required.add(name);
    for (const [keyword, value] of Object.entries(flat)) if (!(keyword in merged) && keyword !== 'properties' && keyword !== 'required') merged[keyword] = value;
  }
  return { ...merged, ...(Object.keys(properties).length > 0 ? { properties, type: 'object' } : {}), ...(required.size > 0 ? { required: [...required] } : {}) };
}
