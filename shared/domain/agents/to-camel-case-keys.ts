/**
 * Google's JSON parsers accept both the proto field name (snake_case) and its lowerCamelCase JSON
 * name. This rewrites every object key to lowerCamelCase, recursively, so one schema checks both.
 * String values (Agent Config YAML, a JSON agent card) are left as they are.
 */
export function toCamelCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toCamelCaseKeys);
  if (value === null || typeof value !== 'object') return value;
  // fromEntries defines own properties: a caller's key never reaches a setter such as __proto__.
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [toCamelCase(key), toCamelCaseKeys(child)]));
}

/** `display_name` → `displayName`; underscores that follow no letter or digit (`__proto__`) stay, so no key turns into another. */
export function toCamelCase(key: string): string {
  return key.replace(/(?<=[A-Za-z0-9])_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}
