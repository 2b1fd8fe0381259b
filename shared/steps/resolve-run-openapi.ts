import type { AgentDefinition } from '../domain/agent-config.ts';
import { FailedPreconditionError } from '../domain/errors.ts';
import type { OpenApiOperation } from '../domain/openapi-operation.ts';
import type { RunAgent } from '../domain/run.ts';
import type { AgentCatalog } from '../ports/agent-catalog.ts';
import { checkToolsetAuthorizations } from '../tools/openapi/check-toolset-authorizations.ts';
import { resolveOpenApiToolsets } from '../tools/openapi/resolve-openapi-toolsets.ts';
import type { McpTool } from '../domain/mcp-toolset.ts';
import type { McpAccess } from '../tools/mcp/mcp-client.ts';
import { resolveMcpToolsets } from '../tools/mcp/resolve-mcp-toolsets.ts';

/**
 * The OpenAPI operations of a run's agent (docs/architecture.md, "OpenAPI toolsets"). A registered
 * agent's were resolved at deploy and are taken as stored; an inline config's are resolved when
 * its run starts, from inline documents only (no document is fetched for a run), with
 * authorizations the submitter holds.
 */
export async function resolveInlineOpenApi(
  definition: AgentDefinition,
  run: { fileName: string; userId: string | undefined; availableTools: readonly string[] },
  agents: Pick<AgentCatalog, 'holdsAuthorization'>,
): Promise<OpenApiOperation[]> {
  if (!definition.openApiToolsets) return [];
  await checkToolsetAuthorizations(definition, { userId: run.userId, source: run.fileName }, agents);
  const toolsets = definition.openApiToolsets.map((config, index) => ({ index, config }));
  return resolveOpenApiToolsets(toolsets, { source: run.fileName, reservedNames: run.availableTools });
}

/**
 * A registered agent's snapshot. An agent with toolsets but no snapshot was deployed before
 * OpenAPI toolsets existed (its deploy would have refused them): it must be deployed again.
 */
export function deployedOpenApi(name: string, definition: AgentDefinition, snapshot: OpenApiOperation[] | undefined): OpenApiOperation[] {
  if (!definition.openApiToolsets) return [];
  if (!snapshot) throw new FailedPreconditionError(`Agent ${name} has OpenAPI toolsets that were never resolved by a deploy; deploy it again`);
  return snapshot;
}

/** Names a sub-agent's function may not take: the built-in tools, the OpenAPI operations and the MCP tools. */
export function reservedNames(availableTools: readonly string[], operations: readonly OpenApiOperation[], mcpTools: readonly McpTool[] = []): string[] {
  return [...availableTools, ...operations.map((operation) => operation.toolName), ...mcpTools.map((tool) => tool.toolName)];
}

export function withOpenApi(operations: OpenApiOperation[]): Pick<RunAgent, 'openApiOperations'> {
  return operations.length > 0 ? { openApiOperations: operations } : {};
}

/**
 * The MCP tools of a run's inline config, listed from their servers when its run starts
 * (docs/architecture.md, "MCP toolsets"), with authorizations the submitter holds.
 */
export async function resolveInlineMcp(
  definition: AgentDefinition,
  run: { fileName: string; userId: string | undefined; reservedNames: readonly string[] },
  agents: Pick<AgentCatalog, 'holdsAuthorization'>,
  access: McpAccess | undefined,
): Promise<McpTool[]> {
  if (!definition.mcpToolsets) return [];
  if (!access) throw new FailedPreconditionError(`${run.fileName}: this deployment does not reach MCP servers`);
  // Listing a server that needs a credential reads its secret: the deploy worker may, the submission step never does.
  if (definition.mcpToolsets.some((toolset) => toolset.auth)) {
    throw new FailedPreconditionError(`${run.fileName}: an MCPToolset with auth is listed when the agent is deployed; register and deploy the agent to use it`);
  }
  await checkToolsetAuthorizations(definition, { userId: run.userId, source: run.fileName }, agents);
  const toolsets = definition.mcpToolsets.map((config, index) => ({ index, config }));
  return resolveMcpToolsets(toolsets, { source: run.fileName, reservedNames: run.reservedNames, access });
}

/** A registered agent's MCP snapshot; one with toolsets but none was deployed before MCP toolsets existed. */
export function deployedMcp(name: string, definition: AgentDefinition, snapshot: McpTool[] | undefined): McpTool[] {
  if (!definition.mcpToolsets) return [];
  if (!snapshot) throw new FailedPreconditionError(`Agent ${name} has MCP toolsets whose tools were never listed by a deploy; deploy it again`);
  return snapshot;
}

export function withMcp(tools: McpTool[]): Pick<RunAgent, 'mcpTools'> {
  return tools.length > 0 ? { mcpTools: tools } : {};
}
