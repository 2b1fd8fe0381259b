import { isPlainObject } from '../../domain/config-problems.ts';
import { declarationSchemaWithin, maxStoredSchemaNesting } from '../openapi/to-declaration-schema.ts';

/**
 * An MCP tool's input schema as its function declaration, in a form a snapshot can store
 * (docs/architecture.md, "MCP toolsets"): references to its own `$defs` (or `definitions`) put
 * in place, then the same keywords, depth and shape the OpenAPI toolsets' declarations keep — a
 * server's schema is arbitrary JSON Schema, and one nested too deep or with arrays in arrays
 * would make every write of the snapshot fail.
 */
export function mcpDeclarationSchema(inputSchema: Record<string, unknown>): Record<string, unknown> {
  const definitions = { ...asRecord(inputSchema['definitions']), ...asRecord(inputSchema['$defs']) };
  const resolved = withLocalRefs(inputSchema, definitions, new Map());
  return { ...declarationSchemaWithin(resolved, maxStoredSchemaNesting), type: 'object' };
}

/**
 * `schema` with each `{"$ref": "#/$defs/Name"}` replaced by that definition. A definition is one
 * object however often it is referenced, so a recursive one is a cycle, which the declaration cuts.
 */
function withLocalRefs(schema: unknown, definitions: Record<string, unknown>, resolved: Map<string, Record<string, unknown>>): unknown {
  if (Array.isArray(schema)) return schema.map((item) => withLocalRefs(item, definitions, resolved));
  if (!isPlainObject(schema)) return schema;
  const name = typeof schema['$ref'] === 'string' ? /^#\/(?:\$defs|definitions)\/([^/]+)$/.exec(schema['$ref'])?.[1] : undefined;
  if (name !== undefined && definitions[name] !== undefined) {
    const known = resolved.get(name);
    if (known) return known;
    const target: Record<string, unknown> = {};
    resolved.set(name, target);
    Object.assign(target, withLocalRefs(definitions[name], definitions, resolved));
    return target;
  }
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, withLocalRefs(value, definitions, resolved)]));
}

function asRecord(value: unknown): Record<string, unknown> {
  return isPlainObject(value) ? value : {};
}
