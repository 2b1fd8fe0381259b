import type { AgentFieldContext } from './agent-config-fields.ts';
import { configArgPath, describeType, isPlainObject, joinPath, readKnownFields, type ConfigProblem } from './config-problems.ts';
import { mcpToolsetConfigSchema, type McpToolsetConfig } from './mcp-toolset.ts';

/**
 * A `tools` entry `{name: MCPToolset, args: {...}}` (docs/architecture.md, "MCP toolsets"). The
 * args follow ADK's MCPToolset — `stdio_server_params` (or `stdio_connection_params.server_params`)
 * with `command`, `args`, `env`; `streamable_http_connection_params` with `url`, `headers`;
 * `tool_filter`, `tool_name_prefix` — and add `auth`. The server's tools are listed later, at
 * deploy or when an inline config's run starts; here only the shape is checked.
 */

/** The tool names that mean ADK's MCPToolset. */
export const mcpToolsetNames: ReadonlySet<string> = new Set(['MCPToolset', 'McpToolset', 'google.adk.tools.mcp_tool.MCPToolset', 'google.adk.tools.mcp_tool.mcp_toolset.MCPToolset']);

const argFields = ['stdio_server_params', 'stdio_connection_params', 'streamable_http_connection_params', 'tool_filter', 'tool_name_prefix', 'auth'] as const;
const connectionFields = ['stdio_server_params', 'stdio_connection_params', 'streamable_http_connection_params'] as const;

export function readMcpToolset(args: unknown, path: string, context: AgentFieldContext): void {
  const argsPath = joinPath(path, 'args');
  if (!isPlainObject(args)) {
    context.problems.push({ path: argsPath, message: `MCPToolset needs args with stdio_server_params or streamable_http_connection_params, got ${describeType(args)}` });
    return;
  }
  const { fields, problems } = readKnownFields(args, argFields, argsPath, { acceptCamelCase: false });
  const value = (name: string) => fields.get(name)?.value ?? undefined;
  const given = connectionFields.filter((name) => value(name) !== undefined);
  if (given.length !== 1) {
    problems.push({ path: argsPath, message: `exactly one of ${connectionFields.join(', ')} is required${given.length > 1 ? `, got ${given.join(' and ')}` : ''}` });
  }
  const connection = given.length === 1 ? connectionOf(given[0]!, value(given[0]!), joinPath(argsPath, given[0]!), problems) : undefined;
  const auth = value('auth');
  const candidate = {
    ...(connection ? { connection } : {}),
    ...(value('tool_filter') !== undefined ? { toolFilter: value('tool_filter') } : {}),
    ...(value('tool_name_prefix') !== undefined ? { toolNamePrefix: value('tool_name_prefix') } : {}),
    ...(auth !== undefined ? { auth } : {}),
  };
  if (problems.length > 0) return void context.problems.push(...problems);
  const parsed = mcpToolsetConfigSchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) context.problems.push({ path: joinPath(argsPath, configArgPath(issue.path, argNames)), message: issue.message });
    return;
  }
  if (parsed.data.auth && parsed.data.connection.transport === 'stdio') {
    context.problems.push({ path: joinPath(argsPath, 'auth'), message: 'is for streamable_http_connection_params: a stdio server gets what it needs in its env' });
    return;
  }
  context.draft.mcpToolsets.push(parsed.data);
}

function connectionOf(field: (typeof connectionFields)[number], params: unknown, path: string, problems: ConfigProblem[]): unknown {
  if (!isPlainObject(params)) {
    problems.push({ path, message: `expected a mapping, got ${describeType(params)}` });
    return undefined;
  }
  if (field === 'streamable_http_connection_params') {
    // ADK's timeouts are the project's own limits here (mcpLimits).
    const read = readKnownFields(params, ['url', 'headers', 'timeout', 'sse_read_timeout', 'terminate_on_close'], path, { acceptCamelCase: false });
    problems.push(...read.problems);
    const headers = read.fields.get('headers')?.value;
    return { transport: 'streamable_http', url: read.fields.get('url')?.value, ...(headers !== undefined ? { headers } : {}) };
  }
  let server: unknown = params;
  let serverPath = path;
  if (field === 'stdio_connection_params') {
    const read = readKnownFields(params, ['server_params', 'timeout'], path, { acceptCamelCase: false });
    problems.push(...read.problems);
    server = read.fields.get('server_params')?.value;
    serverPath = joinPath(path, 'server_params');
    if (!isPlainObject(server)) {
      problems.push({ path: serverPath, message: `expected a mapping with command and args, got ${describeType(server)}` });
      return undefined;
    }
  }
  const read = readKnownFields(server as Record<string, unknown>, ['command', 'args', 'env'], serverPath, { acceptCamelCase: false });
  problems.push(...read.problems);
  const env = read.fields.get('env')?.value;
  return { transport: 'stdio', command: read.fields.get('command')?.value, args: read.fields.get('args')?.value ?? [], ...(env !== undefined && env !== null ? { env } : {}) };
}

const argNames: Readonly<Record<string, string>> = { toolFilter: 'tool_filter', toolNamePrefix: 'tool_name_prefix', connection: '' };

/** A toolset as the ADK ToolConfig `tools` entry it was read from (`toAgentConfigYaml`). */
export function toMcpToolsetEntry(toolset: McpToolsetConfig): { name: string; args: Record<string, unknown> } {
  const { connection } = toolset;
  const params =
    connection.transport === 'stdio'
      ? { stdio_server_params: { command: connection.command, args: connection.args, ...(connection.env ? { env: connection.env } : {}) } }
      : { streamable_http_connection_params: { url: connection.url, ...(connection.headers ? { headers: connection.headers } : {}) } };
  return {
    name: 'MCPToolset',
    args: {
      ...params,
      ...(toolset.toolFilter ? { tool_filter: toolset.toolFilter } : {}),
      ...(toolset.toolNamePrefix ? { tool_name_prefix: toolset.toolNamePrefix } : {}),
      ...(toolset.auth ? { auth: toolset.auth } : {}),
    },
  };
}
