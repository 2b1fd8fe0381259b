import { isPlainObject } from '../config-problems.ts';
import { InvalidInputError } from '../errors.ts';
import type { z } from 'zod';
import { definitionFields, outputOnlyFieldNames, writableAgentFieldsSchema, writableFieldNames, type WritableAgentFields } from './agent-fields.ts';
import { toCamelCase } from './to-camel-case-keys.ts';

// A Map, not an object literal: mask paths are caller-supplied, and `constructor` or `toString`
// must not find Object.prototype's members.
const deprecatedPaths = new Map<string, string>([
  ['authorizations', 'authorizationConfig.toolAuthorizations'],
  ['toolSettings', 'description'],
  ['toolSettings.toolDescription', 'description'],
]);

/**
 * Parses an `updateMask` (comma-separated, snake_case or camelCase, dotted for nested fields)
 * into camelCase paths. `*` alone means every writable field. Output-only fields (`state`,
 * times, reasons, `name`) and unknown fields are refused with INVALID_ARGUMENT naming them.
 * Undefined when no mask was given.
 */
export function parseUpdateMask(mask: string | undefined): string[] | undefined {
  if (mask === undefined) return undefined;
  const paths = mask.split(',').map((path) => path.trim()).filter((path) => path.length > 0);
  if (paths.length === 0) return undefined;
  if (paths.includes('*')) {
    if (paths.length > 1) throw new InvalidInputError('updateMask: "*" cannot be combined with other paths', { code: 'INVALID_UPDATE_MASK', metadata: { updateMask: mask } });
    return [...writableFieldNames];
  }
  const problems: string[] = [];
  const result = paths.map((raw) => {
    const path = raw.split('.').map(toCamelCase).join('.');
    const mapped = deprecatedPaths.get(path) ?? path;
    const top = mapped.split('.')[0]!;
    if ((outputOnlyFieldNames as readonly string[]).includes(top)) problems.push(`"${raw}" is output only and cannot be updated`);
    else if (!isFieldPath(writableAgentFieldsSchema, mapped.split('.'))) problems.push(`"${raw}" is not a field of Agent`);
    return mapped;
  });
  if (problems.length > 0) throw new InvalidInputError(`updateMask: ${problems.join('; ')}`, { code: 'INVALID_UPDATE_MASK', metadata: { updateMask: mask } });
  return [...new Set(result)];
}

/**
 * Whether `segments` name a field of `schema`, descending through message fields only (a
 * FieldMask cannot reach into repeated or scalar fields). The opaque definitions
 * (`managedAgentDefinition`, `dialogflowAgentDefinition`) accept any sub-path: their fields are
 * not modelled here.
 */
function isFieldPath(schema: z.ZodType, segments: readonly string[]): boolean {
  const def = schema._zod.def as { type: string; innerType?: z.ZodType; shape?: Record<string, z.ZodType>; catchall?: z.ZodType };
  if (def.type === 'optional' && def.innerType) return isFieldPath(def.innerType, segments);
  const [head, ...rest] = segments;
  if (head === undefined) return true;
  if (def.type !== 'object' || !def.shape) return false;
  // Own fields only: `constructor`, `__proto__` or `toString` name no field of the resource.
  if (Object.hasOwn(def.shape, head)) return isFieldPath(def.shape[head]!, rest);
  return def.catchall?._zod.def.type === 'unknown';
}

/**
 * AIP-134 update: with a mask, each listed path is copied from `update` — and cleared when
 * `update` lacks it; without a mask, every field present in `update` replaces the stored one.
 * Setting one member of the definition oneof clears the others, as proto oneofs do.
 * Returns a new object; neither input is changed.
 */
export function applyUpdate(current: WritableAgentFields, update: WritableAgentFields, mask: string[] | undefined): WritableAgentFields {
  const result = structuredClone(current) as Record<string, unknown>;
  const source = update as Record<string, unknown>;
  const paths = mask ?? Object.keys(source).filter((key) => source[key] !== undefined);
  // Reached only with paths parseUpdateMask accepted or the body's own keys; read own fields anyway.
  for (const path of paths) copyPath(source, result, path.split('.'));
  const setDefinition = definitionFields.find((field) => paths.includes(field) && source[field] !== undefined);
  if (setDefinition) for (const field of definitionFields) if (field !== setDefinition) delete result[field];
  return result as WritableAgentFields;
}

function copyPath(source: Record<string, unknown>, target: Record<string, unknown>, segments: string[]): void {
  const [head, ...rest] = segments;
  if (head === undefined) return;
  const value = Object.hasOwn(source, head) ? source[head] : undefined;
  if (rest.length === 0) {
    if (value === undefined) delete target[head];
    else target[head] = structuredClone(value);
    return;
  }
  const current = Object.hasOwn(target, head) ? target[head] : undefined;
  const child = isPlainObject(current) ? current : {};
  copyPath(isPlainObject(value) ? (value as Record<string, unknown>) : {}, child, rest);
  if (Object.keys(child).length === 0) delete target[head];
  else target[head] = child;
}
