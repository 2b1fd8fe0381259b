import type { AgentState } from '../domain/agent-state.ts';
import type { OpenApiOperation } from '../domain/openapi-operation.ts';
import type { McpTool } from '../domain/mcp-toolset.ts';

/**
 * What a registered agent runs: ADK Agent Config YAML, or a remote agent reached over A2A
 * (its agent card, JSON: validated at deploy; `{}` until a remote card has been fetched). Other
 * definition kinds (`unsupported`: managed, Dialogflow, an ADK agent without Agent Config) never
 * deploy, so never run.
 */
export type CatalogAgentDefinition =
  /** `openApiOperations`: its OpenAPI toolsets' operations, resolved and snapshotted at deploy. */
  | { kind: 'adk'; configYaml: string; openApiOperations?: OpenApiOperation[]; mcpTools?: McpTool[] }
  | { kind: 'a2a'; agentCard: Record<string, unknown> }
  | { kind: 'unsupported'; definitionType: string };

/** A registered agent as the run pipeline sees it (the registry owns the full resource). */
export interface CatalogAgent {
  /** Resource name `projects/{p}/locations/{l}/collections/{c}/engines/{e}/agents/{a}`. */
  name: string;
  state: AgentState;
  /** Principal (user id) that created the agent; a PRIVATE agent runs for it only. */
  creator: string;
  /** When set, a caller must hold this authorization to invoke the agent. */
  agentAuthorization?: string;
  definition: CatalogAgentDefinition;
}

/** Looks up registered agents by resource name. */
export interface AgentCatalog {
  /** Undefined when no agent has that name. */
  getAgent(name: string): Promise<CatalogAgent | undefined>;
  /** Whether the user holds the named authorization (granted by the registry); false when not. */
  holdsAuthorization(userId: string, authorization: string): Promise<boolean>;
}
