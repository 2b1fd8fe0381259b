import { uniqueFunctionName } from '../../domain/sub-agent-tool-name.ts';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { AgentlineError, InvalidInputError, TransientError } from '../../domain/errors.ts';
import { mcpLimits, mcpToolSchema, type McpTool, type McpToolsetConfig } from '../../domain/mcp-toolset.ts';
import { sanitizeFunctionName } from '../../domain/sub-agent-tool-name.ts';
import { withMcpSession, type McpAccess } from './mcp-client.ts';
import { mcpDeclarationSchema } from './mcp-declaration-schema.ts';

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
  /** `listBudgetMs`: the listing's whole time (default `mcpLimits.listBudgetMs`; tests shorten it). */
  options: { source: string; reservedNames: readonly string[]; access: McpAccess; listBudgetMs?: number },
): Promise<McpTool[]> {
  if (toolsets.length > mcpLimits.maxToolsets) {
    throw new InvalidInputError(`${options.source}: ${toolsets.length} MCP toolsets, over the limit of ${mcpLimits.maxToolsets} per agent`);
  }
  const tools: McpTool[] = [];
  const taken = new Set(options.reservedNames);
  // One budget for every server, well inside the function that lists them (a deploy, a run's start).
  const budgetMs = options.listBudgetMs ?? mcpLimits.listBudgetMs;
  const deadline = Date.now() + budgetMs;
  for (const { index, config } of toolsets) {
    const source = `${options.source}: tools[${index}] (MCPToolset ${describeServer(config)})`;
    const listed = await listServerTools(config, options.access, source, { deadline, budgetMs, room: config.toolFilter ? Infinity : mcpLimits.maxTools - tools.length });
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
          parametersJsonSchema: mcpDeclarationSchema(schema),
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

/**
 * The server's tools, page by page, until the last page, `room` tools (past it the agent is over
 * its limit anyway), or the listing's `deadline`. Opening is tried once: nothing here expects a
 * restarted server, and a retry would spend the budget of every other toolset.
 */
async function listServerTools(config: McpToolsetConfig, access: McpAccess, source: string, bounds: { deadline: number; budgetMs: number; room: number }): Promise<ListedTool[]> {
  const remaining = () => {
    const left = Math.min(mcpLimits.listTimeoutMs, bounds.deadline - Date.now());
    if (left <= 0) throw new TransientError(`listing the MCP servers' tools took more than ${bounds.budgetMs} ms`, { code: 'DEADLINE_EXCEEDED' });
    return left;
  };
  try {
    const { value } = await withMcpSession(
      config.connection,
      config.auth,
      access,
      async (client) => {
        const tools: ListedTool[] = [];
        let cursor: string | undefined;
        for (let page = 0; page < maxListPages && tools.length <= bounds.room; page++) {
          const answer = await client.listTools(cursor ? { cursor } : {}, { timeout: remaining() });
          tools.push(...answer.tools);
          cursor = answer.nextCursor;
          if (!cursor) break;
        }
        return tools;
      },
      { connectAttempts: 1, connectTimeoutMs: remaining() },
    );
    return value;
  } catch (error) {
    if (error instanceof AgentlineError && !error.retryable && !(error instanceof InvalidInputError)) throw error;
    const message = `${source}: could not list its tools: ${(error as Error).message}`;
    // A server down, overloaded or slow may answer a later try (a deploy is retried, a submission redelivered).
    if (isTransient(error)) throw new TransientError(message, { cause: error });
    throw new InvalidInputError(message, { cause: error });
  }
}

/** A failure another try may not meet: a network error or timeout (the guarded fetch's), a 5xx or 429, an answer that never came. */
function isTransient(error: unknown): boolean {
  for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof AgentlineError) return cause.retryable;
    if (cause instanceof StreamableHTTPError) return cause.code === undefined || cause.code === 429 || cause.code >= 500;
    if (cause instanceof McpError) return cause.code === ErrorCode.RequestTimeout || cause.code === ErrorCode.ConnectionClosed;
  }
  return false;
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
