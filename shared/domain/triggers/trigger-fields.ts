import { z } from 'zod';
import { describeIssues } from '../describe-issues.ts';
import { InvalidInputError } from '../errors.ts';
import { parseRunConfig } from '../run-config.ts';
import { submissionSchema } from '../submission.ts';
import { applyUpdateMask, readResourceBody, type ResourceFields } from '../resource-body.ts';
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

/** The Trigger's writable fields, for reading bodies and update masks (resource-body.ts). */
export const triggerFields: ResourceFields<typeof writableTriggerFieldsSchema.shape> = {
  resource: 'Trigger',
  invalidCode: 'INVALID_TRIGGER',
  schema: writableTriggerFieldsSchema,
  outputOnly: new Set(['name', 'creator', 'createTime', 'updateTime']),
};

/** A create or patch body's writable fields (`readResourceBody`). */
export function readTriggerBody(body: unknown, partial: boolean): Partial<WritableTriggerFields> {
  return readResourceBody(triggerFields, body, partial);
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

/** AIP-134 for a Trigger (`applyUpdateMask`). */
export function applyTriggerUpdate(current: WritableTriggerFields, update: Partial<WritableTriggerFields>, mask: string | undefined): Partial<WritableTriggerFields> {
  return applyUpdateMask(triggerFields as ResourceFields<z.ZodRawShape>, current, update, mask);
}
