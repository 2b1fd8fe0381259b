import { parseA2aAgentCardJson } from '../domain/a2a-agent-card.ts';
import type { AgentRecord } from '../domain/agents/agent-record.ts';
import { adkDeploymentProblem } from '../domain/agents/validate-adk-definition.ts';
import { AgentlineError } from '../domain/errors.ts';
import type { AgentCatalog } from '../ports/agent-catalog.ts';
import type { OpenApiOperation } from '../domain/openapi-operation.ts';
import type { FetchedOpenApiDocument } from '../tools/openapi/resolve-openapi-toolsets.ts';
import { resolveDeployedOpenApi } from './resolve-deployed-openapi.ts';
import { resolveDeployedMcp } from './resolve-deployed-mcp.ts';
import type { McpTool } from '../domain/mcp-toolset.ts';
import type { McpAccess } from '../tools/mcp/mcp-client.ts';

/** What a deploy ends in: the validated A2A card or OpenAPI operations to store, or the reason it failed. */
export type DeploymentOutcome = { ok: true; agentCard?: Record<string, unknown>; openApiOperations?: OpenApiOperation[]; mcpTools?: McpTool[] } | { ok: false; reason: string };

export interface DeploymentChecks {
  /** Resolves sub-agents: the pipeline's view, so deploy accepts exactly what a run can call. */
  agents: Pick<AgentCatalog, 'getAgent' | 'holdsAuthorization'>;
  availableTools: readonly string[];
  /** Fetches and validates a remote card (SSRF-guarded); throws InvalidInputError or TransientError. */
  fetchAgentCard: (uri: string) => Promise<{ card: Record<string, unknown> }>;
  /** Fetches an OpenAPI toolset's `spec_url` (SSRF-guarded); absent where none may be fetched. */
  fetchOpenApiDocument?: (url: string) => Promise<FetchedOpenApiDocument>;
  /** Reaches MCP toolsets' servers to list their tools; absent where none may be reached. */
  mcp?: McpAccess;
}

/**
 * Validates an agent's definition for deployment. Problems with the definition become a
 * DEPLOYMENT_FAILED reason that says exactly what is wrong; transient failures (a card server
 * answering 503) propagate, so the deploy message is redelivered and tried again.
 */
export async function decideDeployment(record: AgentRecord, checks: DeploymentChecks): Promise<DeploymentOutcome> {
  const { adkAgentDefinition: adk, a2aAgentDefinition: a2a } = record.fields;
  try {
    if (adk?.agentConfig !== undefined) {
      const reason = await adkDeploymentProblem(adk.agentConfig, {
        availableTools: checks.availableTools,
        subAgentProblem: async (name) => {
          const subAgent = await checks.agents.getAgent(name);
          if (!subAgent) return `${name} is not a registered agent`;
          return subAgent.definition.kind === 'a2a' ? undefined : `${name} is not an A2A agent; only registered A2A agents can be sub-agents`;
        },
      });
      if (reason) return { ok: false, reason };
      const openApiOperations = await resolveDeployedOpenApi(record, checks);
      const mcpTools = await resolveDeployedMcp(record, checks, [...checks.availableTools, ...openApiOperations.map((operation) => operation.toolName)]);
      return { ok: true, ...(openApiOperations.length > 0 ? { openApiOperations } : {}), ...(mcpTools.length > 0 ? { mcpTools } : {}) };
    }
    if (adk) return unsupported('adkAgentDefinition.provisionedReasoningEngine (an Agent Engine deployment)');
    if (a2a?.jsonAgentCard !== undefined) {
      parseA2aAgentCardJson(a2a.jsonAgentCard, 'a2aAgentDefinition.jsonAgentCard');
      return { ok: true, agentCard: JSON.parse(a2a.jsonAgentCard) as Record<string, unknown> };
    }
    if (a2a?.remoteAgentCard) return { ok: true, agentCard: (await checks.fetchAgentCard(a2a.remoteAgentCard.uri)).card };
    return unsupported(record.fields.managedAgentDefinition ? 'managedAgentDefinition' : 'dialogflowAgentDefinition');
  } catch (error) {
    if (error instanceof AgentlineError && !error.retryable) return { ok: false, reason: error.message };
    throw error;
  }
}

function unsupported(what: string): DeploymentOutcome {
  return {
    ok: false,
    reason: `${what} is not supported yet: agentline deploys adkAgentDefinition.agentConfig (ADK Agent Config YAML) and a2aAgentDefinition`,
  };
}
