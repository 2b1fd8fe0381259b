import { uniqueFunctionName } from '../../domain/sub-agent-tool-name.ts';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { AgentlineError, InvalidInputError } from '../../domain/errors.ts';
import { mcpLimits, mcpToolSchema, type McpTool, type McpToolsetConfig } from '../../domain/mcp-toolset.ts';
import { sanitizeFunctionName } from '../../domain/sub-agent-tool-name.ts';
import { withMcpSession, type McpAccess } from './mcp-client.ts';

/** The most pages of `tools/list` read from one server. */
const maxListPages = 20;

/**
 * Every tool an agent's MCP toolsets expose, listed from their servers and validated: what is
 * snapshotted on the agent at deploy, or on the run when an inline config's run starts
 * (docs/architecture.md, "MCP toolsets"). Names get the toolset's prefix and are made unique
 * against `reservedNames` and each other; the selection must stay within `mcpLimits`.
 *
 * @throws InvalidInputError naming the toolset (`tools[i]`) and the problem: a server that cannot
 *   be listed, a tool_filter name it lacks, a tool whose input schema is not an object, a limit.
 */
export async function resolveMcpToolsets(
  toolsets: readonly { index: number; config: McpToolsetConfig }[],
  options: { source: string; reservedNames: readonly string[]; access: McpAccess },
): Promise<McpTool[]> {
  const tools: McpTool[] = [];
  const taken = new Set(options.reservedNames);
  for (const { index, config } of toolsets) {
    const source = `${options.source}: tools[${index}] (MCPToolset ${describeServer(config)})`;
    const listed = await listServerTools(config, options.access, source);
    const chosen = config.toolFilter ? selected(listed, config.toolFilter, source) : listed;
    for (const tool of chosen) {
      const schema = tool.inputSchema ?? { type: 'object' };
      if (schema['type'] !== 'object') throw new InvalidInputError(`${source}: tool ${tool.name} has an input schema of type ${JSON.stringify(schema['type'])}; MCP tools take an object`);
      const base = sanitizeFunctionName(config.toolNamePrefix ? `${config.toolNamePrefix}_${tool.name}` : tool.name);
      const toolName = uniqueFunctionName(base, taken);
      taken.add(toolName);
      const annotations = tool.annotations ?? {};
      tools.push(
        mcpToolSchema.parse({
          toolName,
          serverToolName: tool.name,
          description: (tool.description ?? tool.title ?? tool.name).slice(0, 2_000),
          parametersJsonSchema: schema,
          annotations: {
            ...(typeof annotations.readOnlyHint === 'boolean' ? { readOnlyHint: annotations.readOnlyHint } : {}),
            ...(typeof annotations.idempotentHint === 'boolean' ? { idempotentHint: annotations.idempotentHint } : {}),
            ...(typeof annotations.destructiveHint === 'boolean' ? { destructiveHint: annotations.destructiveHint } : {}),
          },
          connection: config.connection,
          ...(config.auth ? { auth: config.auth } : {}),
        }),
      );
    }
  }
  if (tools.length > mcpLimits.maxTools) {
    throw new InvalidInputError(`${options.source}: the MCP toolsets expose ${tools.length} tools, over the limit of ${mcpLimits.maxTools} per agent; list the ones the agent needs in tool_filter`);
  }
  const declarationBytes = Buffer.byteLength(JSON.stringify(tools.map(({ toolName, description, parametersJsonSchema }) => ({ toolName, description, parametersJsonSchema }))));
  if (declarationBytes > mcpLimits.maxDeclarationBytes) {
    throw new InvalidInputError(`${options.source}: the MCP toolsets' function declarations are ${declarationBytes} bytes, over the limit of ${mcpLimits.maxDeclarationBytes}; expose fewer tools with tool_filter`);
  }
  return tools;
}

type ListedTool = Awaited<ReturnType<Client['listTools']>>['tools'][number];

async function listServerTools(config: McpToolsetConfig, access: McpAccess, source: string): Promise<ListedTool[]> {
  try {
    const { value } = await withMcpSession(config.connection, config.auth, access, async (client) => {
      const tools: ListedTool[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < maxListPages; page++) {
        const answer = await client.listTools(cursor ? { cursor } : {}, { timeout: mcpLimits.listTimeoutMs });
        tools.push(...answer.tools);
        cursor = answer.nextCursor;
        if (!cursor) break;
      }
      return tools;
    });
    return value;
  } catch (error) {
    if (error instanceof AgentlineError && !error.retryable && !(error instanceof InvalidInputError)) throw error;
    throw new InvalidInputError(`${source}: could not list its tools: ${(error as Error).message}`, { cause: error });
  }
}

function selected(listed: readonly ListedTool[], filter: readonly string[], source: string): ListedTool[] {
  return filter.map((name) => {
    const found = listed.find((tool) => tool.name === name);
    if (!found) throw new InvalidInputError(`${source}: tool_filter names ${name}, which the server does not have; it has ${listed.map((tool) => tool.name).join(', ') || 'no tools'}`);
    return found;
  });
}

function describeServer(config: McpToolsetConfig): string {
  return config.connection.transport === 'stdio' ? `stdio ${config.connection.command}` : config.connection.url;
}
