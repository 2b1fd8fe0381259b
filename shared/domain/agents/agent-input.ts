import { z } from 'zod';
import { InvalidInputError } from '../errors.ts';
import { describeIssues } from '../describe-issues.ts';
import { toCamelCaseKeys } from './to-camel-case-keys.ts';
import {
  completeAgentFieldsSchema,
  maxAgentJsonBytes,
  outputOnlyFieldNames,
  writableAgentFieldsSchema,
  type CompleteAgentFields,
  type WritableAgentFields,
} from './agent-fields.ts';

const deprecatedSchema = z.object({
  /** Deprecated list of authorization names; now `authorizationConfig.toolAuthorizations`. */
  authorizations: z.array(z.string().min(1)).optional(),
  /** Deprecated tool description; now the agent's `description`. */
  toolSettings: z.strictObject({ toolDescription: z.string().min(1).optional() }).optional(),
});

/**
 * Reads an Agent from a request body: snake_case or lowerCamelCase keys, output-only fields
 * ignored (AIP-203), deprecated fields mapped to their replacements (a replacement given
 * explicitly wins). Returns only the fields present. Unknown fields are refused, naming them,
 * as Google's JSON parsers do.
 */
export function readAgentBody(body: unknown): WritableAgentFields {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidInputError('The request body must be a JSON object (an Agent)');
  }
  const fields = { ...(toCamelCaseKeys(body) as Record<string, unknown>) };
  for (const outputOnly of outputOnlyFieldNames) delete fields[outputOnly];
  const own = (key: string) => (Object.hasOwn(fields, key) ? fields[key] : undefined);
  const deprecated = deprecatedSchema.safeParse({ authorizations: own('authorizations'), toolSettings: own('toolSettings') });
  if (!deprecated.success) throw invalidAgent(deprecated.error.issues);
  delete fields['authorizations'];
  delete fields['toolSettings'];
  const parsed = writableAgentFieldsSchema.safeParse(fields);
  if (!parsed.success) throw invalidAgent(parsed.error.issues);
  return applyDeprecatedFields(parsed.data, deprecated.data);
}

function applyDeprecatedFields(fields: WritableAgentFields, deprecated: z.infer<typeof deprecatedSchema>): WritableAgentFields {
  const result = { ...fields };
  if (deprecated.authorizations && result.authorizationConfig?.toolAuthorizations === undefined) {
    result.authorizationConfig = { ...result.authorizationConfig, toolAuthorizations: deprecated.authorizations };
  }
  const toolDescription = deprecated.toolSettings?.toolDescription;
  if (toolDescription && result.description === undefined) result.description = toolDescription;
  return result;
}

/** Checks a whole agent (after create or after applying an update); throws naming every problem. */
export function requireCompleteAgent(fields: WritableAgentFields): CompleteAgentFields {
  const parsed = completeAgentFieldsSchema.safeParse(fields);
  if (!parsed.success) throw invalidAgent(parsed.error.issues);
  assertAgentSize(parsed.data);
  return parsed.data as CompleteAgentFields;
}

function assertAgentSize(fields: WritableAgentFields): void {
  const bytes = Buffer.byteLength(JSON.stringify(fields));
  if (bytes <= maxAgentJsonBytes) return;
  const [largest] = Object.entries(fields).sort(([, a], [, b]) => JSON.stringify(b).length - JSON.stringify(a).length);
  throw new InvalidInputError(
    `Invalid Agent: it is ${bytes} bytes as JSON; the limit is ${maxAgentJsonBytes} (the largest field is ${largest?.[0]}${largest?.[0] === 'icon' ? '; give icon.uri instead of icon.content' : ''})`,
    { code: 'AGENT_TOO_LARGE', metadata: { bytes: String(bytes), maxBytes: String(maxAgentJsonBytes), largestField: largest?.[0] ?? '' } },
  );
}

/** INVALID_ARGUMENT naming every problem; the fields at fault are also in ErrorInfo metadata. */
function invalidAgent(issues: readonly z.core.$ZodIssue[]): InvalidInputError {
  const fields = issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path, key].join('.')) : [issue.path.join('.') || '(agent)'],
  );
  return new InvalidInputError(`Invalid Agent: ${describeIssues(issues)}`, { code: 'INVALID_AGENT', metadata: { fields: [...new Set(fields)].join(',') } });
}
