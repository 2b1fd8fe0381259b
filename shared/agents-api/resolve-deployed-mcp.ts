import { parseAgentConfigYaml } from '../domain/agent-config.ts';
import type { AgentRecord } from '../domain/agents/agent-record.ts';
import { FailedPreconditionError } from '../domain/errors.ts';
import type { McpTool } from '../domain/mcp-toolset.ts';
import { checkToolsetAuthorizations } from '../tools/openapi/check-toolset-authorizations.ts';
import { resolveMcpToolsets } from '../tools/mcp/resolve-mcp-toolsets.ts';
import type { DeploymentChecks } from './decide-deployment.ts';

const source = 'adkAgentDefinition.agentConfig';

/**
 * The tools an ADK agent's MCP toolsets expose, listed from their servers at deploy to be
 * snapshotted on the agent (docs/architecture.md, "MCP toolsets"); `reservedNames` are the
 * function names already taken (built-ins, OpenAPI operations). Empty when it has none.
 *
 * @throws InvalidInputError / PermissionDeniedError / FailedPreconditionError saying what is wrong
 *   (the deploy fails with it).
 */
export async function resolveDeployedMcp(record: AgentRecord, checks: DeploymentChecks, reservedNames: readonly string[]): Promise<McpTool[]> {
  const configYaml = record.fields.adkAgentDefinition?.agentConfig;
  if (configYaml === undefined) return [];
  const definition = parseAgentConfigYaml(configYaml, { fileName: source, availableTools: checks.availableTools });
  if (!definition.mcpToolsets) return [];
  if (!checks.mcp) throw new FailedPreconditionError(`${source}: this deployment does not reach MCP servers`);
  await checkToolsetAuthorizations(definition, { userId: record.creator, listed: record.fields.authorizationConfig?.toolAuthorizations ?? [], source }, checks.agents);
  const toolsets = definition.mcpToolsets.map((config, index) => ({ index, config }));
  return resolveMcpToolsets(toolsets, { source, reservedNames, access: checks.mcp });
}

