import type { z } from 'zod';
import { toCamelCaseKeys } from './agents/to-camel-case-keys.ts';
import { isPlainObject } from './config-problems.ts';
import { describeIssues } from './describe-issues.ts';
import { InvalidInputError } from './errors.ts';

/** A child resource of an agent whose writable fields are one zod object (a Trigger, a Schedule). */
export interface ResourceFields<Shape extends z.ZodRawShape> {
  /** The resource's name in messages: `Trigger`. */
  resource: string;
  /** The reason code of an invalid body: `INVALID_TRIGGER`. */
  invalidCode: string;
  schema: z.ZodObject<Shape>;
  /** Fields the API returns but a caller never writes: dropped from bodies. */
  outputOnly: ReadonlySet<string>;
}

/**
 * Reads a create or patch body (snake_case accepted) into writable fields: output-only fields are
 * dropped, unknown fields refused naming them. `partial` for patch, whose mask decides what counts.
 */
export function readResourceBody<Shape extends z.ZodRawShape>(fields: ResourceFields<Shape>, body: unknown, partial: boolean): Partial<z.infer<z.ZodObject<Shape>>> {
  if (!isPlainObject(body)) throw new InvalidInputError(`The request body must be a JSON object (a ${fields.resource})`, { code: fields.invalidCode });
  const written = Object.fromEntries(Object.entries(toCamelCaseKeys(body) as Record<string, unknown>).filter(([key]) => !fields.outputOnly.has(key)));
  const parsed = (partial ? fields.schema.partial() : fields.schema).safeParse(written);
  if (!parsed.success) throw new InvalidInputError(`Invalid ${fields.resource.toLowerCase()}: ${describeIssues(parsed.error.issues)}`, { code: fields.invalidCode });
  return parsed.data as Partial<z.infer<z.ZodObject<Shape>>>;
}

/**
 * AIP-134: the listed top-level fields are replaced (cleared when absent from the body); no mask =
 * the fields present; `*` = every writable field. Output-only or unknown paths are
 * INVALID_UPDATE_MASK naming each. Field names are looked up in a Map, so a caller's
 * `constructor` is an unknown field, not Object's.
 */
export function applyUpdateMask<T extends object>(fields: ResourceFields<z.ZodRawShape>, current: T, update: Partial<T>, mask: string | undefined): Partial<T> {
  const writable = new Map(Object.keys(fields.schema.shape).map((name) => [name, true]));
  const paths = mask === undefined || mask.trim() === '' ? Object.keys(update) : mask.split(',').map((path) => path.trim()).filter((path) => path !== '');
  const names = paths.includes('*') ? [...writable.keys()] : paths.map((path) => path.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase()));
  const bad = names.filter((name) => !writable.has(name));
  if (bad.length > 0) {
    throw new InvalidInputError(`updateMask: ${bad.map((name) => `"${name}"`).join(', ')} ${bad.length === 1 ? 'is not a' : 'are not'} writable ${fields.resource} field${bad.length === 1 ? '' : 's'}`, {
      code: 'INVALID_UPDATE_MASK',
      metadata: { fields: bad.join(',') },
    });
  }
  const next: Record<string, unknown> = { ...(current as Record<string, unknown>) };
  for (const name of names) {
    if (Object.hasOwn(update, name)) next[name] = (update as Record<string, unknown>)[name];
    else delete next[name];
  }
  return next as Partial<T>;
}
