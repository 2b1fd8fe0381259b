/**
 * Google's JSON parsers accept both the proto field name (snake_case) and its lowerCamelCase JSON
 * name. This rewrites every object key to lowerCamelCase, recursively, so one schema checks both.
 * String values (Agent Config YAML, a JSON agent card) are left as they are.
 */
export function toCamelCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toCamelCaseKeys);
  if (value === null || typeof value !== 'object') return value;
  const result: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) result[toCamelCase(key)] = toCamelCaseKeys(child);
  return result;
}

export function toCamelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}
