import { z } from 'zod';
import { agentStateSchema } from '../agent-state.ts';
import { toRfc3339 } from '../run-view.ts';
import { openApiOperationSchema } from '../openapi-operation.ts';
import { mcpToolSchema } from '../mcp-toolset.ts';
import { writableAgentFieldsSchema, type WritableAgentFields } from './agent-fields.ts';
import type { CatalogAgentDefinition } from '../../ports/agent-catalog.ts';

export const catalogDefinitionSchema = z.discriminatedUnion('kind', [
  // `openApiOperations`: the OpenAPI toolsets' operations as deploy resolved them (docs/architecture.md, "OpenAPI toolsets").
  // `mcpTools`: the MCP toolsets' tools as deploy listed them (docs/architecture.md, "MCP toolsets").
  z.object({ kind: z.literal('adk'), configYaml: z.string(), openApiOperations: z.array(openApiOperationSchema).optional(), mcpTools: z.array(mcpToolSchema).optional() }),
  z.object({ kind: z.literal('a2a'), agentCard: z.record(z.string(), z.unknown()) }),
  z.object({ kind: z.literal('unsupported'), definitionType: z.string() }),
]);

export const stateReasonSchema = z.object({
  kind: z.enum(['suspensionReason', 'rejectionReason', 'deploymentFailureReason']),
  message: z.string(),
});

/**
 * A registered agent as stored at `agents/{encodeAgentName(name)}`. The top-level `name`,
 * `state`, `creator`, `agentAuthorization` and `definition` are the `CatalogAgent` the run
 * pipeline reads (also inside its transactions); `fields` holds the caller-written resource.
 * Times are epoch milliseconds here, Firestore Timestamps on disk, RFC 3339 on the API.
 */
export const agentRecordSchema = z.object({
  schemaVersion: z.literal(1),
  name: z.string(),
  parent: z.string(),
  state: agentStateSchema,
  creator: z.string(),
  agentAuthorization: z.string().optional(),
  definition: catalogDefinitionSchema,
  fields: writableAgentFieldsSchema,
  stateReason: stateReasonSchema.optional(),
  /** The deploy operation in progress, while state is DEPLOYING. */
  deployOperation: z.string().optional(),
  /**
   * Set when a deploy starts for an agent that was PRIVATE or is deployed private: while DEPLOYING,
   * and after a failed deploy, it stays hidden from everyone but its creator and admins
   * (`isHiddenFromOthers` in permissions.ts), as PRIVATE would.
   */
  hiddenWhileDeploying: z.boolean().optional(),
  createTime: z.number(),
  updateTime: z.number(),
});
export type AgentRecord = z.infer<typeof agentRecordSchema>;

/**
 * What the pipeline runs for these fields. An A2A card is `{}` until deploy stores the card it
 * validated, so an undeployed A2A agent never carries an unchecked card.
 */
export function catalogDefinitionOf(fields: WritableAgentFields): CatalogAgentDefinition {
  if (fields.adkAgentDefinition?.agentConfig !== undefined) return { kind: 'adk', configYaml: fields.adkAgentDefinition.agentConfig };
  if (fields.a2aAgentDefinition) return { kind: 'a2a', agentCard: {} };
  if (fields.adkAgentDefinition) return { kind: 'unsupported', definitionType: 'adkAgentDefinition.provisionedReasoningEngine' };
  return { kind: 'unsupported', definitionType: fields.managedAgentDefinition ? 'managedAgentDefinition' : 'dialogflowAgentDefinition' };
}

/** The type of agent for getAgentView: ADK, A2A, MANAGED or DIALOGFLOW. */
export function agentTypeOf(fields: WritableAgentFields): 'ADK' | 'A2A' | 'MANAGED' | 'DIALOGFLOW' {
  if (fields.adkAgentDefinition) return 'ADK';
  if (fields.a2aAgentDefinition) return 'A2A';
  return fields.managedAgentDefinition ? 'MANAGED' : 'DIALOGFLOW';
}

/** The Agent resource as the API returns it (lowerCamelCase, RFC 3339 UTC times). */
export function toAgentJson(record: AgentRecord): Record<string, unknown> {
  return {
    name: record.name,
    ...record.fields,
    createTime: toRfc3339(record.createTime),
    updateTime: toRfc3339(record.updateTime),
    state: record.state,
    ...(record.stateReason ? { [record.stateReason.kind]: record.stateReason.message } : {}),
  };
}
