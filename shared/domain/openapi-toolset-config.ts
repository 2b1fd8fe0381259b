import { z } from 'zod';
import { openApiAuthSchema } from './openapi-operation.ts';

/**
 * An `OpenAPIToolset` entry of an agent config's `tools`, as ADK's OpenAPIToolset takes it
 * (`spec_str`, `spec_str_type`, `tool_filter`, `tool_name_prefix`), plus agentline's `spec_url`
 * (fetched at deploy) and `auth` (docs/architecture.md, "OpenAPI toolsets").
 */
export const openApiToolsetConfigSchema = z.strictObject({
  /** The document itself (JSON or YAML text), or where deploy fetches it. */
  source: z.union([
    z.strictObject({ specStr: z.string().min(1), specStrType: z.enum(['json', 'yaml']) }),
    z.strictObject({ specUrl: z.url({ protocol: /^https?$/ }) }),
  ]),
  /** operationIds to expose, in this order; absent exposes every operation (within the cap). */
  toolFilter: z.array(z.string().min(1)).min(1).optional(),
  /** Put before every function name of the toolset, with an underscore. */
  toolNamePrefix: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]{0,31}$/).optional(),
  auth: openApiAuthSchema.optional(),
});
export type OpenApiToolsetConfig = z.infer<typeof openApiToolsetConfigSchema>;

/**
 * Limits that keep a large API from being sent to the model whole: every function declaration
 * goes with every model request, so a toolset exposes a chosen few operations.
 */
export const openApiLimits = {
  /** Operations exposed by all of an agent's toolsets together. */
  maxOperations: 64,
  /** Bytes of JSON of all their function declarations together. */
  maxDeclarationBytes: 120_000,
  /** Bytes of one OpenAPI document, inline or fetched. */
  maxDocumentBytes: 2 * 1024 * 1024,
  /** Bytes of an inline `spec_str` (it is stored with the agent and every run). */
  maxInlineSpecBytes: 100_000,
} as const;
