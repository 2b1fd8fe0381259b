import { z } from 'zod';
import { agentStateSchema, type AgentLifecycle } from '../domain/agent-state.ts';
import { catalogDefinitionSchema } from '../domain/agents/agent-record.ts';
import type { CatalogAgent } from '../ports/agent-catalog.ts';

/**
 * The top-level fields of `agents/{encoded name}` the run pipeline reads, the same in Firestore
 * and in memory. The registry owns the document and keeps the rest of the resource beside them
 * (hence `loose`).
 */
export const catalogAgentDocumentSchema = z
  .object({
    name: z.string(),
    state: agentStateSchema,
    creator: z.string(),
    agentAuthorization: z.string().optional(),
    definition: catalogDefinitionSchema,
  })
  .loose();

/** Only the lifecycle state and the creator: what a run's commit reads. */
export const agentLifecycleDocumentSchema = z.object({ state: agentStateSchema, creator: z.string() }).loose();

/** The pipeline's in-transaction view of a stored agent document. */
export function toAgentLifecycle(data: unknown): AgentLifecycle {
  const { state, creator } = agentLifecycleDocumentSchema.parse(data);
  return { state, creator };
}

/** The pipeline's view of a stored agent document. */
export function toCatalogAgent(data: unknown): CatalogAgent {
  const stored = catalogAgentDocumentSchema.parse(data);
  return {
    name: stored.name,
    state: stored.state,
    creator: stored.creator,
    ...(stored.agentAuthorization ? { agentAuthorization: stored.agentAuthorization } : {}),
    definition: stored.definition,
  };
}
