import type { AgentDefinition } from '../../domain/agent-config.ts';
import { PermissionDeniedError } from '../../domain/errors.ts';
import type { AgentCatalog } from '../../ports/agent-catalog.ts';

/**
 * Checks that every authorization an agent's OpenAPI and MCP toolsets use may be used by them
 * (docs/architecture.md, "OpenAPI toolsets"): a toolset's calls carry that authorization's secret
 * to the server its document (or its MCP entry) names, so only someone who holds the authorization may point it at
 * a server. A deployed agent must list it in `authorizationConfig.toolAuthorizations` and its
 * creator must hold it; a run of an inline config needs a submitter who holds it.
 *
 * @throws PermissionDeniedError naming the authorization and what is missing.
 */
export async function checkToolsetAuthorizations(
  definition: AgentDefinition,
  holder: { userId: string | undefined; listed?: readonly string[]; source: string },
  agents: Pick<AgentCatalog, 'holdsAuthorization'>,
): Promise<void> {
  const used = [
    ...(definition.openApiToolsets ?? []).map((toolset) => ({ entry: 'OpenAPIToolset', authorization: toolset.auth?.authorization })),
    ...(definition.mcpToolsets ?? []).map((toolset) => ({ entry: 'MCPToolset', authorization: toolset.auth?.authorization })),
  ];
  for (const { entry, authorization } of used) {
    if (authorization === undefined) continue;
    if (holder.listed && !holder.listed.includes(authorization)) {
      throw new PermissionDeniedError(`${holder.source}: ${entry} auth names authorization ${authorization}, which the agent's authorizationConfig.toolAuthorizations does not list`);
    }
    if (holder.userId === undefined || !(await agents.holdsAuthorization(holder.userId, authorization))) {
      const who = holder.userId === undefined ? 'an anonymous caller' : holder.userId;
      throw new PermissionDeniedError(`${holder.source}: ${entry} auth names authorization ${authorization}, which ${who} does not hold`);
    }
  }
}
