import { z } from 'zod';
import { isPlainObject } from '../config-problems.ts';
import { describeIssues } from '../describe-issues.ts';
import { InvalidInputError } from '../errors.ts';
import { parseRunConfig } from '../run-config.ts';
import { submissionSchema } from '../submission.ts';
import { toCamelCaseKeys } from '../agents/to-camel-case-keys.ts';
import { parseInputTemplate } from './input-template.ts';

/** The signature schemes, as the API spells them (AIP-126 enum values), and the verifier of each. */
export const triggerSchemes = { STANDARD_WEBHOOKS: 'standard-webhooks', GITHUB: 'github', STRIPE: 'stripe' } as const;
export const triggerSchemeSchema = z.enum(['STANDARD_WEBHOOKS', 'GITHUB', 'STRIPE']);

/**
 * A Secret Manager secret version, `projects/P/secrets/S/versions/V` (a number or `latest`). The
 * trigger stores only this reference; the value is resolved at delivery and never returned.
 */
export const secretVersionSchema = z
  .string()
  .regex(/^projects\/[a-z0-9-]{1,63}\/secrets\/[A-Za-z0-9_-]{1,255}\/versions\/(?:[1-9]\d{0,9}|latest)$/, 'must be projects/P/secrets/S/versions/V');

const eventNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, 'must be an event name such as issues or invoice.paid');

/**
 * Which authentic deliveries start runs. `eventTypes`: the scheme's event type (GitHub's
 * `X-GitHub-Event`, the Stripe event's `type`, a Standard Webhooks payload's `type`); `actions`:
 * the payload's `action` (GitHub's `opened`, `closed`, …). An absent or empty list admits all.
 */
export const triggerFilterSchema = z.strictObject({
  eventTypes: z.array(eventNameSchema).max(50).optional(),
  actions: z.array(eventNameSchema).max(50).optional(),
});
export type TriggerFilter = z.infer<typeof triggerFilterSchema>;

const sessionIdSchema = submissionSchema.shape.sessionId.unwrap();

/**
 * Which session a triggered run belongs to: none (`{}`), one fixed session, or one rendered from
 * the payload with the same templates as the input (`gh-{{ repository.id }}-{{ issue.number }}`).
 */
export const triggerSessionSchema = z.union([
  z.strictObject({ sessionId: sessionIdSchema }),
  z.strictObject({ sessionIdTemplate: z.string().min(1).max(500) }),
  z.strictObject({}),
]);
export type TriggerSession = z.infer<typeof triggerSessionSchema>;

/** What a caller writes: every field of the Trigger that is not output only. */
export const writableTriggerFieldsSchema = z.strictObject({
  displayName: z.string().max(128).optional(),
  scheme: triggerSchemeSchema,
  secretVersions: z.array(secretVersionSchema).min(1).max(5),
  filter: triggerFilterSchema.optional(),
  inputTemplate: z.string(),
  runConfig: z.record(z.string(), z.unknown()).optional(),
  session: triggerSessionSchema.optional(),
  enabled: z.boolean().optional(),
});
export type WritableTriggerFields = z.infer<typeof writableTriggerFieldsSchema>;

/** Field names in mask order; a Map so a caller's `constructor` is an unknown field, not Object's. */
const writableFieldNames = new Map(Object.keys(writableTriggerFieldsSchema.shape).map((name) => [name, true]));
const outputOnlyFieldNames = new Set(['name', 'creator', 'createTime', 'updateTime']);

/**
 * Reads a create or patch body (snake_case accepted) into writable fields: output-only fields are
 * dropped, unknown fields refused naming them. `partial` for patch, whose mask decides what counts.
 */
export function readTriggerBody(body: unknown, partial: boolean): Partial<WritableTriggerFields> {
  if (!isPlainObject(body)) throw new InvalidInputError('The request body must be a JSON object (a Trigger)', { code: 'INVALID_TRIGGER' });
  const fields = Object.fromEntries(Object.entries(toCamelCaseKeys(body) as Record<string, unknown>).filter(([key]) => !outputOnlyFieldNames.has(key)));
  const schema = partial ? writableTriggerFieldsSchema.partial() : writableTriggerFieldsSchema;
  const parsed = schema.safeParse(fields);
  if (!parsed.success) throw new InvalidInputError(`Invalid trigger: ${describeIssues(parsed.error.issues)}`, { code: 'INVALID_TRIGGER' });
  return parsed.data;
}

/** Checks what zod cannot: the templates parse and the RunConfig is one a run would accept. */
export function requireValidTrigger(fields: Partial<WritableTriggerFields>): WritableTriggerFields {
  const complete = writableTriggerFieldsSchema.safeParse(fields);
  if (!complete.success) throw new InvalidInputError(`Invalid trigger: ${describeIssues(complete.error.issues)}`, { code: 'INVALID_TRIGGER' });
  const trigger = complete.data;
  parseInputTemplate(trigger.inputTemplate);
  if (trigger.session && 'sessionIdTemplate' in trigger.session) parseInputTemplate(trigger.session.sessionIdTemplate, 'session.sessionIdTemplate');
  try {
    parseRunConfig(trigger.runConfig ?? {}, { onWarning: () => undefined });
  } catch (error) {
    throw new InvalidInputError(`Invalid trigger: runConfig: ${(error as Error).message}`, { code: 'INVALID_TRIGGER', cause: error });
  }
  return trigger;
}

/**
 * AIP-134 for a Trigger: the listed top-level fields are replaced (cleared when absent from the
 * body); no mask = the fields present; `*` = every writable field. Output-only or unknown paths
 * are INVALID_UPDATE_MASK naming each.
 */
export function applyTriggerUpdate(current: WritableTriggerFields, update: Partial<WritableTriggerFields>, mask: string | undefined): Partial<WritableTriggerFields> {
  const paths = mask === undefined || mask.trim() === '' ? Object.keys(update) : mask.split(',').map((path) => path.trim()).filter((path) => path !== '');
  const names = paths.includes('*') ? [...writableFieldNames.keys()] : paths.map((path) => path.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase()));
  const bad = names.filter((name) => !writableFieldNames.has(name));
  if (bad.length > 0) {
    throw new InvalidInputError(`updateMask: ${bad.map((name) => `"${name}"`).join(', ')} ${bad.length === 1 ? 'is not a' : 'are not'} writable Trigger field${bad.length === 1 ? '' : 's'}`, {
      code: 'INVALID_UPDATE_MASK',
      metadata: { fields: bad.join(',') },
    });
  }
  const next: Record<string, unknown> = { ...current };
  for (const name of names) {
    if (Object.hasOwn(update, name)) next[name] = update[name as keyof WritableTriggerFields];
    else delete next[name];
  }
  return next as Partial<WritableTriggerFields>;
}
