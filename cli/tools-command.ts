import { parseArgs } from 'node:util';
import { mintLocalToken } from '../shared/adapters/auth/local-token-authenticator.ts';
import { parseAgentConfigYaml, type AgentDefinition } from '../shared/domain/agent-config.ts';
import { agentResourceNameForm, isAgentResourceName } from '../shared/domain/agent-resource-name.ts';
import { InvalidInputError } from '../shared/domain/errors.ts';
import { builtinToolNames, describedBuiltinTools } from '../shared/tools/builtin-tools.ts';
import { formatCatalogue, toolCatalogue } from '../shared/tools/tool-catalogue.ts';
import { createApiClient } from './api-client.ts';
import { readAgentConfigFile } from './read-agent-config-file.ts';
import { createGuardedFetch } from '../shared/adapters/http/guarded-fetch.ts';
import { fetchOpenApiDocument } from '../shared/adapters/http/fetch-openapi-document.ts';
import type { OpenApiOperation } from '../shared/domain/openapi-operation.ts';
import { openApiLimits } from '../shared/domain/openapi-toolset-config.ts';
import { resolveOpenApiToolsets } from '../shared/tools/openapi/resolve-openapi-toolsets.ts';
import type { McpTool } from '../shared/domain/mcp-toolset.ts';
import { resolveMcpToolsets } from '../shared/tools/mcp/resolve-mcp-toolsets.ts';
import { cliUserId } from './cli-user.ts';
import { connectToApi } from './connect-to-api.ts';
import { CliUsageError } from './usage.ts';

/**
 * `agentline tools list [agent.yaml | agent name]`: every tool the agent would get (every
 * built-in without one), with its source, repeatability and the authorization a call needs.
 * A file is read here; a registered agent through the API of the running dev stack (or an
 * ephemeral one) as --user.
 */
export async function runToolsCommand(args: string[], write: (text: string) => void = (text) => process.stdout.write(text)): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: { json: { type: 'boolean', default: false }, user: { type: 'string' } } });
  const [verb, agent, ...extra] = positionals;
  if (verb !== 'list' || extra.length > 0) throw new CliUsageError('agentline tools list [agent.yaml | agent name] [--json]');
  const definition = agent === undefined ? undefined : await definitionOf(agent, values.user);
  const operations = definition ? await operationsOf(definition, agent!) : [];
  // A file is the user's own, on their machine (its stdio servers may start here, its servers may be
  // on loopback, as on the local stack); a registered agent's config is whoever wrote it.
  const mcpTools = definition ? await mcpToolsOf(definition, agent!, operations, { ownFile: !isAgentResourceName(agent!) }) : [];
  const entries = toolCatalogue(definition, describedBuiltinTools(), operations, mcpTools);
  write(values.json ? `${JSON.stringify({ tools: entries }, null, 2)}\n` : formatCatalogue(entries));
  return 0;
}

/**
 * The operations the agent's OpenAPI toolsets expose as its config resolves them now: inline
 * documents as they are, `spec_url` fetched here through the guarded fetch, as a deploy would.
 */
async function operationsOf(definition: AgentDefinition, source: string): Promise<OpenApiOperation[]> {
  if (!definition.openApiToolsets) return [];
  const guarded = createGuardedFetch({ allowLoopback: false, timeoutMs: 30_000, maxResponseBytes: openApiLimits.maxDocumentBytes });
  try {
    const toolsets = definition.openApiToolsets.map((config, index) => ({ index, config }));
    return await resolveOpenApiToolsets(toolsets, { source, reservedNames: builtinToolNames, fetchDocument: (url) => fetchOpenApiDocument(url, guarded.fetch) });
  } finally {
    await guarded.close();
  }
}

/**
 * The tools the agent's MCP toolsets expose as their servers list them now. For the user's own
 * file, a stdio server is started here and a server on loopback reached, as the local stack
 * would; a registered agent's config never starts a process on this machine nor reaches its
 * loopback. A toolset with auth is listed by a deploy, which reads its secret; here it is refused,
 * naming that.
 */
async function mcpToolsOf(definition: AgentDefinition, source: string, operations: readonly OpenApiOperation[], options: { ownFile: boolean }): Promise<McpTool[]> {
  if (!definition.mcpToolsets) return [];
  const withAuth = definition.mcpToolsets.find((toolset) => toolset.auth);
  if (withAuth) throw new InvalidInputError(`${source}: an MCPToolset with auth (${withAuth.auth!.authorization}) is listed only by a deploy, which reads its secret; list it without auth, or deploy the agent`);
  const guarded = createGuardedFetch({ allowLoopback: options.ownFile, timeoutMs: 30_000, maxResponseBytes: 5 * 1024 * 1024 });
  try {
    const toolsets = definition.mcpToolsets.map((config, index) => ({ index, config }));
    const access = { fetch: guarded.fetch, credentials: { read: () => Promise.resolve(undefined) }, allowStdio: options.ownFile };
    return await resolveMcpToolsets(toolsets, { source, reservedNames: [...builtinToolNames, ...operations.map((operation) => operation.toolName)], access });
  } finally {
    await guarded.close();
  }
}

async function definitionOf(agent: string, user: string | undefined): Promise<AgentDefinition> {
  if (!isAgentResourceName(agent)) {
    if (agent.startsWith('projects/')) throw new InvalidInputError(`"${agent}" is not an agent resource name; expected ${agentResourceNameForm}`);
    return parseAgentConfigYaml(await readAgentConfigFile(agent, 'agent'), { fileName: agent, availableTools: builtinToolNames });
  }
  const connection = await connectToApi((line) => process.stderr.write(`${line}\n`));
  try {
    const client = createApiClient(connection.apiUrl, await mintLocalToken(connection.secret, { userId: cliUserId(user) }));
    const found = (await client.call('GET', agent)) as { adkAgentDefinition?: { agentConfig?: string }; error?: { message?: string } };
    if (found.error) throw new InvalidInputError(`Could not read ${agent}: ${found.error.message ?? JSON.stringify(found.error)}`);
    const configYaml = found.adkAgentDefinition?.agentConfig;
    if (configYaml === undefined) throw new InvalidInputError(`${agent} is not an ADK agent: its tools are the remote agent's own, described by its card`);
    return parseAgentConfigYaml(configYaml, { fileName: agent, availableTools: builtinToolNames });
  } finally {
    await connection.close();
  }
}
