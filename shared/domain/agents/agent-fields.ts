import { z } from 'zod';

/** Icon of an agent: exactly one of a public `uri` or base64 `content` (Discovery Engine's Image). */
export const imageSchema = z
  .strictObject({ uri: z.url().optional(), content: z.base64('must be base64').min(1).optional() })
  .refine((image) => (image.uri === undefined) !== (image.content === undefined), 'icon needs exactly one of uri or content');

/** Authorizations the agent needs: one to invoke it, and those its tools use. */
export const authorizationConfigSchema = z.strictObject({
  agentAuthorization: z.string().min(1).optional(),
  toolAuthorizations: z.array(z.string().min(1)).optional(),
});

/** Data stores the agent may search (stored and returned; no retrieval runs on them yet). */
export const dataStoreSpecsSchema = z.strictObject({
  specs: z.array(z.looseObject({ dataStore: z.string().min(1) })).optional(),
});

/**
 * An ADK agent. `agentConfig` (agentline's field) holds ADK Agent Config YAML, which the
 * pipeline runs; `provisionedReasoningEngine` (an Agent Engine deployment) is accepted but
 * cannot be deployed by agentline.
 */
export const adkAgentDefinitionSchema = z
  .strictObject({
    agentConfig: z.string().min(1).optional(),
    provisionedReasoningEngine: z.strictObject({ reasoningEngine: z.string().min(1) }).optional(),
  })
  .refine((definition) => definition.agentConfig !== undefined || definition.provisionedReasoningEngine !== undefined, {
    message: 'adkAgentDefinition needs agentConfig (ADK Agent Config YAML)',
  });

/** A remote A2A agent: its card inline (`jsonAgentCard`, a JSON string) or fetched from `remoteAgentCard.uri` at deploy. */
export const a2aAgentDefinitionSchema = z
  .strictObject({
    jsonAgentCard: z.string().min(1).optional(),
    remoteAgentCard: z.strictObject({ uri: z.url() }).optional(),
  })
  .refine((definition) => (definition.jsonAgentCard === undefined) !== (definition.remoteAgentCard === undefined), {
    message: 'a2aAgentDefinition needs exactly one of jsonAgentCard or remoteAgentCard',
  });

/** Accepted and stored; deploying them fails with "not supported yet". */
export const opaqueDefinitionSchema = z.looseObject({});

export const definitionFields = ['adkAgentDefinition', 'a2aAgentDefinition', 'managedAgentDefinition', 'dialogflowAgentDefinition'] as const;
export type DefinitionField = (typeof definitionFields)[number];

/** Every field a caller may write, all optional: what a request body may carry. */
export const writableAgentFieldsSchema = z.strictObject({
  displayName: z.string().trim().min(1, 'displayName must not be empty').max(128),
  description: z.string().trim().min(1, 'description must not be empty').max(4096),
  icon: imageSchema,
  authorizationConfig: authorizationConfigSchema,
  dataStoreSpecs: dataStoreSpecsSchema,
  languageCode: z.string().regex(/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/, 'must be a BCP-47 language code'),
  starterPrompts: z.array(z.strictObject({ text: z.string().min(1) })),
  customPlaceholderText: z.string(),
  adkAgentDefinition: adkAgentDefinitionSchema,
  a2aAgentDefinition: a2aAgentDefinitionSchema,
  managedAgentDefinition: opaqueDefinitionSchema,
  dialogflowAgentDefinition: opaqueDefinitionSchema,
}).partial();
export type WritableAgentFields = z.infer<typeof writableAgentFieldsSchema>;
export const writableFieldNames = Object.keys(writableAgentFieldsSchema.shape) as (keyof WritableAgentFields)[];

/** Output-only fields: ignored in a body, refused in an update mask. */
export const outputOnlyFieldNames = ['name', 'createTime', 'updateTime', 'state', 'suspensionReason', 'rejectionReason', 'deploymentFailureReason'] as const;

/**
 * A complete agent as stored: required fields present, exactly one definition. Throws nothing;
 * use `.safeParse` and report every issue.
 */
export const completeAgentFieldsSchema = writableAgentFieldsSchema
  .superRefine((fields, context) => {
    for (const required of ['displayName', 'description'] as const) {
      if (fields[required] === undefined) context.addIssue({ code: 'custom', path: [required], message: 'is required' });
    }
    const present = definitionFields.filter((field) => fields[field] !== undefined);
    if (present.length !== 1) {
      context.addIssue({
        code: 'custom',
        path: [],
        message:
          present.length === 0
            ? `exactly one of ${definitionFields.join(', ')} is required`
            : `only one definition may be set, got ${present.join(' and ')}`,
      });
    }
  });
export type CompleteAgentFields = WritableAgentFields & Required<Pick<WritableAgentFields, 'displayName' | 'description'>>;

/**
 * The most an Agent may weigh as JSON. Its document also holds the run pipeline's copy of the
 * definition, and Firestore refuses documents over 1 MiB.
 */
export const maxAgentJsonBytes = 400_000;
